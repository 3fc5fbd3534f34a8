"""Cutting a long transcript into overlapping windows that each fit one request.

Tokens are estimated as characters / 4 (no tokenizer download at runtime); the estimate only
has to be good enough to size windows. The overlap lets a window see the lead-in of a topic
that started before its own part; each window *owns* only the middle of its overlaps, so
merging keeps a chapter only from the window that owns its start time.
"""

from __future__ import annotations

from dataclasses import dataclass

from .segment import Segment

CHARS_PER_TOKEN = 4
DEFAULT_WINDOW_TOKENS = 6000
DEFAULT_OVERLAP_RATIO = 0.08


def estimate_tokens(text: str) -> int:
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN) if text else 0


def transcript_line(segment: Segment) -> str:
    """One compact line per segment: ``[seconds] text``. Angle brackets are neutralised so
    transcript text can never close the delimiter the prompt wraps it in."""
    text = segment.text.replace("<", "‹").replace(">", "›")
    return f"[{segment.start:.0f}] {text}"


def transcript_tokens(segments: list[Segment]) -> int:
    return sum(estimate_tokens(transcript_line(s)) + 1 for s in segments)


@dataclass(frozen=True, slots=True)
class Window:
    index: int
    segments: list[Segment]
    start: float  # first second the window shows
    end: float  # last second the window shows
    owned_start: float  # chapters starting in [owned_start, owned_end) come from this window
    owned_end: float

    @property
    def text(self) -> str:
        return "\n".join(transcript_line(s) for s in self.segments)


def make_windows(
    segments: list[Segment],
    duration: float,
    *,
    window_tokens: int = DEFAULT_WINDOW_TOKENS,
    overlap_ratio: float = DEFAULT_OVERLAP_RATIO,
) -> list[Window]:
    if not segments:
        return []
    costs = [estimate_tokens(transcript_line(s)) + 1 for s in segments]
    overlap_tokens = int(window_tokens * overlap_ratio)
    spans: list[tuple[int, int]] = []  # [first, last) segment indices
    first = 0
    while first < len(segments):
        last, used = first, 0
        while last < len(segments) and (used + costs[last] <= window_tokens or last == first):
            used += costs[last]
            last += 1
        spans.append((first, last))
        if last >= len(segments):
            break
        # Step back so the next window repeats about `overlap_tokens` of this one.
        back, repeated = last, 0
        while back > first + 1 and repeated + costs[back - 1] <= overlap_tokens:
            back -= 1
            repeated += costs[back]
        first = back
    windows: list[Window] = []
    for index, (first, last) in enumerate(spans):
        start = 0.0 if index == 0 else segments[first].start
        end = duration if index == len(spans) - 1 else segments[last - 1].end
        windows.append(Window(index, segments[first:last], start, end, start, end))
    # Owned ranges split every overlap in the middle, so they tile [0, duration) exactly.
    for index in range(len(windows) - 1):
        left, right = windows[index], windows[index + 1]
        middle = (right.start + min(left.end, max(right.start, left.end))) / 2
        windows[index] = _owned(left, left.owned_start, middle)
        windows[index + 1] = _owned(right, middle, right.owned_end)
    return windows


def _owned(window: Window, owned_start: float, owned_end: float) -> Window:
    return Window(window.index, window.segments, window.start, window.end, owned_start, owned_end)

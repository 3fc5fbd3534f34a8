"""Reading a model's answer: parse, validate, repair what is fixable, refuse the rest.

Everything the model says is checked before it can reach the database: JSON shape, times
inside the window and the VOD, order, overlaps, titles, confidence in [0, 1], and no trace of
the instructions (the prompt's canary). Each repair is described in plain words.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from core.domain.chapters import TITLE_MAX_LENGTH, ChapterDraft
from core.domain.errors import ValidationError
from core.domain.text import clean_line
from core.domain.timefmt import format_time, parse_time

from .errors import UnusableAnswerError
from .windows import Window

DEFAULT_CONFIDENCE = 0.5
# Two chapters from neighbouring windows closer than this are the same topic change.
DUPLICATE_SECONDS = 20.0
# A model may round a start a little outside the part it saw; farther means it made it up.
WINDOW_SLACK_SECONDS = 5.0
_FENCED = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.DOTALL)


@dataclass(slots=True)
class ParsedAnswer:
    drafts: list[ChapterDraft] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)


def parse_answer(
    content: str | None, window: Window, *, duration: float, canary: str
) -> ParsedAnswer:
    result = ParsedAnswer()
    data = _load_json(content, result)
    items = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UnusableAnswerError("the model's answer has no 'chapters' list; nothing was saved")
    for number, item in enumerate(items, 1):
        draft = _draft(item, number, window, duration, canary, result.repairs)
        if draft is not None:
            result.drafts.append(draft)
    if items and not result.drafts:
        raise UnusableAnswerError(
            "none of the model's chapters were usable: " + "; ".join(result.repairs[:3])
        )
    result.drafts = _sorted_without_overlaps(result.drafts, result.repairs)
    return result


def _load_json(content: str | None, result: ParsedAnswer) -> object:
    text = (content or "").strip()
    if not text:
        raise UnusableAnswerError("the model gave an empty answer; nothing was saved")
    try:
        return json.loads(text)
    except ValueError:
        pass
    fenced = _FENCED.search(text)
    if fenced:
        try:
            data = json.loads(fenced.group(1))
        except ValueError:
            pass
        else:
            result.repairs.append("the answer was wrapped in extra text; its JSON part was used")
            return data
    raise UnusableAnswerError(
        f"the model's answer is not valid JSON (starts with {text[:40]!r}); nothing was saved"
    )


def _draft(
    item: object, number: int, window: Window, duration: float, canary: str, repairs: list[str]
) -> ChapterDraft | None:
    label = f"chapter #{number}"
    if not isinstance(item, dict):
        repairs.append(f"{label} dropped: not an object")
        return None
    title = clean_line(item.get("title") or "")
    description = clean_line(item.get("description") or "")
    if canary in title or canary in description:
        repairs.append(f"{label} dropped: it repeated the instructions instead of naming a topic")
        return None
    if not title:
        repairs.append(f"{label} dropped: empty title")
        return None
    label = f'chapter "{title[:60]}"'
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
        repairs.append(f"{label}: title shortened to {TITLE_MAX_LENGTH} characters")
    start = _seconds(item.get("start_time"), f"{label} start", repairs)
    end = _seconds(item.get("end_time"), f"{label} end", repairs)
    if start is None:
        repairs.append(f"{label} dropped: no usable start time")
        return None
    low, high = 0.0, duration
    if start >= high or (end is not None and end <= low):
        repairs.append(
            f"{label} dropped: {format_time(start)} is outside the video "
            f"(0:00–{format_time(duration)})"
        )
        return None
    if start < low or (end is not None and end > high):
        repairs.append(f"{label}: times clamped into the video")
        start = max(low, start)
        end = min(high, end) if end is not None else None
    if not window.start - WINDOW_SLACK_SECONDS <= start <= window.end + WINDOW_SLACK_SECONDS:
        repairs.append(
            f"{label} dropped: starts at {format_time(start)}, outside the part of the "
            f"transcript it was shown ({format_time(window.start)}–{format_time(window.end)})"
        )
        return None
    if end is not None and end <= start:
        repairs.append(f"{label}: end was not after start; it now ends at the next chapter")
        end = None
    confidence = _confidence(item.get("confidence", item.get("confidence_score")), label, repairs)
    return ChapterDraft(title, start, end if end is not None else math.inf, description, confidence)


def _seconds(value: object, what: str, repairs: list[str]) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    try:
        seconds = parse_time(str(value))
    except ValidationError:
        return None
    repairs.append(f"{what} {value!r} read as {format_time(seconds)}")
    return seconds


def _confidence(value: object, label: str, repairs: list[str]) -> float:
    try:
        score = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        repairs.append(f"{label}: no usable confidence; {DEFAULT_CONFIDENCE} assumed")
        return DEFAULT_CONFIDENCE
    if math.isnan(score):
        repairs.append(f"{label}: no usable confidence; {DEFAULT_CONFIDENCE} assumed")
        return DEFAULT_CONFIDENCE
    if 2.0 <= score <= 100.0:  # "85" means 85 %; 1.2 is just over the top
        repairs.append(f"{label}: confidence {score:g} read as a percentage")
        score /= 100.0
    clamped = min(1.0, max(0.0, score))
    if clamped != score:
        repairs.append(f"{label}: confidence {score:g} clamped to {clamped:g}")
    return clamped


def _sorted_without_overlaps(drafts: list[ChapterDraft], repairs: list[str]) -> list[ChapterDraft]:
    ordered = sorted(drafts, key=lambda d: d.start_time)
    if ordered != drafts:
        repairs.append("chapters were not in time order; sorted")
    result: list[ChapterDraft] = []
    for draft in ordered:
        if result and draft.start_time - result[-1].start_time < 1.0:
            repairs.append(
                f'chapter "{draft.title}" dropped: starts at the same time as "{result[-1].title}"'
            )
            continue
        result.append(draft)
    return result


def merge_windows(
    parts: list[tuple[Window, list[ChapterDraft]]], duration: float, repairs: list[str]
) -> list[ChapterDraft]:
    """One consistent chapter list from the windows' answers.

    A chapter is kept from the window that owns its start; near-duplicates across a window
    boundary are merged (the more confident one wins); every chapter ends where the next one
    starts, so overlaps are trimmed and open ends are closed.
    """
    kept: list[ChapterDraft] = []
    for window, drafts in parts:
        for draft in drafts:
            if window.owned_start <= draft.start_time < window.owned_end or len(parts) == 1:
                kept.append(draft)
    kept.sort(key=lambda d: d.start_time)
    merged: list[ChapterDraft] = []
    for draft in kept:
        if (
            merged
            and draft.start_time - merged[-1].start_time < DUPLICATE_SECONDS
            and len(parts) > 1
        ):
            loser, winner = sorted((merged[-1], draft), key=lambda d: d.confidence_score or 0)
            repairs.append(
                f'chapters "{loser.title}" and "{winner.title}" from neighbouring '
                f"parts of the transcript merged"
            )
            merged[-1] = ChapterDraft(
                winner.title,
                merged[-1].start_time,
                max(merged[-1].end_time, draft.end_time),
                winner.description,
                winner.confidence_score,
            )
            continue
        merged.append(draft)
    result: list[ChapterDraft] = []
    for index, draft in enumerate(merged):
        next_start = merged[index + 1].start_time if index + 1 < len(merged) else duration
        end = draft.end_time
        if end > next_start and math.isfinite(end):
            repairs.append(
                f'chapter "{draft.title}" overlapped the next one: it now ends at '
                f"{format_time(next_start)}"
            )
        if not math.isfinite(end) or end > next_start:
            end = next_start
        if end - draft.start_time < 1.0:
            repairs.append(f'chapter "{draft.title}" dropped: shorter than 1 s')
            continue
        result.append(
            ChapterDraft(
                draft.title, draft.start_time, end, draft.description, draft.confidence_score
            )
        )
    return result

"""The timeline's view of a VOD's signals, without Qt: which marks are on screen, where an
edge can snap, where the previous/next signal is, and the waveform's columns.

Every query is a bisect over sorted times, and the waveform is reduced per pixel from the
pyramid level with one bucket or more per pixel: a 12-hour VOD with thousands of marks
costs the same per paint as a short one.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.domain.signals import SignalEvent, SignalKind
from core.domain.waveform import WaveformPyramid

#: the kinds a user switches on and off; black stretches show with the static screens
MARK_KINDS = (SignalKind.SCENE, SignalKind.SILENCE, SignalKind.STATIC)
SHOWN_WITH = {SignalKind.BLACK: SignalKind.STATIC}


def toggle_of(kind: SignalKind) -> SignalKind:
    return SHOWN_WITH.get(kind, kind)


@dataclass
class _KindMarks:
    events: list[SignalEvent] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)  # starts and ends, sorted
    arrays: tuple[np.ndarray, np.ndarray] | None = None  # starts, ends, made when painted


class SignalMarks:
    def __init__(self, events: Iterable[SignalEvent] = ()) -> None:
        self._kinds: dict[SignalKind, _KindMarks] = {kind: _KindMarks() for kind in SignalKind}
        for event in sorted(events, key=lambda e: (e.start, e.end)):
            marks = self._kinds[event.kind]
            marks.events.append(event)
            marks.starts.append(event.start)
            marks.ends.append(event.end)
        for marks in self._kinds.values():
            edges = marks.starts if not marks.events else [*marks.starts, *marks.ends]
            marks.edges = sorted(set(edges))
            # stretches of one kind never overlap, so ends are sorted like starts
            marks.ends = sorted(marks.ends)

    def __len__(self) -> int:
        return sum(len(marks.events) for marks in self._kinds.values())

    def spans(self, kind: SignalKind, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """Starts and ends (as arrays) of the events of ``kind`` touching ``[start, end]``:
        what painting needs, without a Python object per mark."""
        marks = self._kinds[kind]
        if marks.arrays is None:
            marks.arrays = (
                np.asarray([e.start for e in marks.events], dtype=np.float64),
                np.asarray([e.end for e in marks.events], dtype=np.float64),
            )
        starts, ends = marks.arrays
        first = int(np.searchsorted(ends, start, side="left"))
        last = int(np.searchsorted(starts, end, side="right"))
        return starts[first:last], ends[first:last]

    def events(self, kind: SignalKind) -> list[SignalEvent]:
        return self._kinds[kind].events

    def visible(self, kind: SignalKind, start: float, end: float) -> list[SignalEvent]:
        """Events of ``kind`` touching ``[start, end]``."""
        marks = self._kinds[kind]
        first = bisect.bisect_left(marks.ends, start)
        last = bisect.bisect_right(marks.starts, end)
        return [e for e in marks.events[first:last] if e.end >= start]

    def snap_sources(self, shown: Iterable[SignalKind]) -> list[tuple[str, list[float]]]:
        """``(label, sorted times)`` per kind shown: scene cuts, and both edges of each
        stretch, for the ``Snapper``."""
        wanted = set(shown)
        return [
            (kind.label, self._kinds[kind].edges)
            for kind in SignalKind
            if toggle_of(kind) in wanted and self._kinds[kind].edges
        ]

    def times(self, shown: Iterable[SignalKind]) -> list[float]:
        wanted = set(shown)
        merged: set[float] = set()
        for kind in SignalKind:
            if toggle_of(kind) in wanted:
                merged.update(self._kinds[kind].edges)
        return sorted(merged)

    def next_after(self, seconds: float, shown: Iterable[SignalKind]) -> float | None:
        """The first signal edge strictly after ``seconds`` (the ``]`` key)."""
        times = self.times(shown)
        position = bisect.bisect_right(times, seconds + 1e-3)
        return times[position] if position < len(times) else None

    def previous_before(
        self, seconds: float, shown: Iterable[SignalKind], grace: float = 0.5
    ) -> float | None:
        """The signal edge to jump back to (the ``[`` key); at an edge, the one before."""
        times = self.times(shown)
        position = bisect.bisect_left(times, seconds - grace) - 1
        return times[position] if position >= 0 else None


def waveform_columns(
    parts: Sequence[tuple[float, WaveformPyramid]],
    offset: float,
    pixels_per_second: float,
    width: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pixel column: the lowest and highest sample (-1..1) and whether the column has
    audio analysed yet. ``parts`` are ``(start seconds, pyramid)`` (one part once analysed;
    one per part of the file being read meanwhile). Each is reduced from its coarsest level
    with a bucket per pixel or more."""
    lows = np.zeros(width)
    highs = np.zeros(width)
    filled = np.zeros(width, dtype=bool)
    for start, pyramid in parts:
        part_lows, part_highs, part_filled = _columns(
            pyramid, offset - start, pixels_per_second, width
        )
        lows = np.where(part_filled, part_lows, lows)
        highs = np.where(part_filled, part_highs, highs)
        filled |= part_filled
    return lows, highs, filled


def _columns(
    pyramid: WaveformPyramid, offset: float, pixels_per_second: float, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lows = np.zeros(width)
    highs = np.zeros(width)
    if not pyramid.levels or width <= 0 or pixels_per_second <= 0:
        return lows, highs, np.zeros(width, dtype=bool)
    seconds_per_pixel = 1.0 / pixels_per_second
    level_index = pyramid.level_for(seconds_per_pixel)
    level = pyramid.levels[level_index]
    count = len(level)
    bucket = pyramid.bucket_seconds(level_index)
    edges = offset + np.arange(width + 1) * seconds_per_pixel
    first = np.floor(edges[:-1] / bucket).astype(np.int64)
    filled = (first < count) & (edges[1:] > 0)
    if count == 0 or not filled.any():
        return lows, highs, filled
    stop = int(min(count, max(1, np.ceil(edges[-1] / bucket))))
    starts = np.clip(first, 0, stop - 1)
    # ``reduceat`` reduces from each index to the next (the last one to ``stop``); equal
    # indices (zoomed in past one bucket per pixel) give that one bucket, which is what
    # such a column shows
    lows = np.minimum.reduceat(level.mins[:stop], starts).astype(np.float64) / 128.0
    highs = np.maximum.reduceat(level.maxs[:stop], starts).astype(np.float64) / 128.0
    return lows, highs, filled

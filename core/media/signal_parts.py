"""Reading a long recording as parts side by side, and joining what they found.

One pass decodes the keyframes on one thread (frame threads cost more than they give on
keyframes alone), so a long file is read as one part per core at once: each stream is still
read once, and every core works, as it does for a full decode.

Each split falls on a time where the audio's peak buckets and ebur128's 100 ms blocks both
begin, so the parts' waveforms and loudness join without a seam. Only keyframes carry the
video's evidence, so what a part sees begins at its first keyframe: a stretch cut by a split
is joined again, and the cut between the last keyframe before a split and the first after it
is always checked (scdet could not score that pair).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from core.domain.cancel import CancelFlag
from core.domain.waveform import BASE_FRAMES, PeakAccumulator, WaveformPyramid, joined

from .errors import MediaCancelled
from .signal_log import LOUDNESS_FLOOR, PassResult
from .signal_pass import LOUDNESS_RATE, StreamLayout, run_pass

#: no part is shorter than this (a short file is read in one part)
MIN_PART_SECONDS = 120.0
#: at most this many parts (each is an ffmpeg of ~80 MB)
MAX_PARTS = 8
#: the score a split's first keyframe gets, so that its cut is checked (see the module text)
SPLIT_CANDIDATE_SCORE = 10.0
_JOIN_SLACK = 0.05

Progress = Callable[[float], None]  # seconds read, all parts together


@dataclass(frozen=True, slots=True)
class Part:
    start: float
    length: float | None  # None: to the end of the file


def available_cores() -> int:
    return os.cpu_count() or 1


def plan_parts(layout: StreamLayout) -> list[Part]:
    count = min(available_cores(), MAX_PARTS, int(layout.duration // MIN_PART_SECONDS))
    if count < 2:
        return [Part(0.0, None)]
    grid = 0.1
    if layout.has_audio:
        if not layout.sample_rate or layout.sample_rate % 10:
            return [Part(0.0, None)]
        frames = math.lcm(BASE_FRAMES, int(layout.sample_rate / LOUDNESS_RATE))
        grid = frames / layout.sample_rate
    starts = sorted({math.floor(layout.duration * i / count / grid) * grid for i in range(count)})
    ends: list[float | None] = [b - a for a, b in pairwise(starts)]
    return [Part(start, length) for start, length in zip(starts, [*ends, None], strict=True)]


class LiveWaveform:
    """The parts' waveforms while they fill, for drawing: ``snapshot()`` gives
    ``(start seconds, pyramid so far)`` per part."""

    def __init__(self, parts: list[tuple[float, PeakAccumulator]]) -> None:
        self.parts = parts

    def snapshot(self) -> list[tuple[float, WaveformPyramid]]:
        return [(start, accumulator.pyramid()) for start, accumulator in self.parts]

    @property
    def seconds(self) -> float:
        return sum(accumulator.seconds for _, accumulator in self.parts)

    def finish(self) -> WaveformPyramid:
        return joined([accumulator.finish() for _, accumulator in self.parts])


class _Either:
    def __init__(self, *flags: CancelFlag | None) -> None:
        self._flags = [flag for flag in flags if flag is not None]

    def is_set(self) -> bool:
        return any(flag.is_set() for flag in self._flags)


def run_passes(
    path: str,
    layout: StreamLayout,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    background: bool = False,
    on_waveform: Callable[[LiveWaveform], None] | None = None,
) -> tuple[PassResult, WaveformPyramid | None]:
    """The pass over the whole file (in parts when long), and its joined waveform."""
    parts = plan_parts(layout)
    accumulators: list[PeakAccumulator | None] = [None] * len(parts)
    live = None
    if layout.has_audio and layout.sample_rate and layout.channels:
        accumulators = [
            PeakAccumulator(
                layout.sample_rate,
                layout.channels,
                part.length if part.length is not None else layout.duration - part.start,
            )
            for part in parts
        ]
        live = LiveWaveform(
            [(part.start, a) for part, a in zip(parts, accumulators, strict=True) if a]
        )
        if on_waveform is not None:
            on_waveform(live)
    failed = threading.Event()
    either = _Either(cancel, failed)
    read = [0.0] * len(parts)
    results: list[PassResult | None] = [None] * len(parts)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        def part_progress(seconds: float) -> None:
            read[index] = seconds
            if progress is not None:
                progress(sum(read))

        try:
            results[index] = run_pass(
                path,
                layout,
                peaks=accumulators[index],
                progress=part_progress,
                cancel=either,
                background=background,
                start=parts[index].start,
                length=parts[index].length,
            )
        except BaseException as error:
            errors.append(error)
            failed.set()
            if index == 0:
                raise

    helpers = [
        threading.Thread(target=run, args=(index,), name=f"signals-part-{index}", daemon=True)
        for index in range(1, len(parts))
    ]
    for helper in helpers:
        helper.start()
    try:
        run(0)  # here, so that a Ctrl-C in a terminal reaches it
    finally:
        if errors:
            failed.set()
        for helper in helpers:
            helper.join()
    if errors:
        # a part stopped because another failed reports a cancel: the failure is the news
        real = [e for e in errors if not isinstance(e, MediaCancelled)]
        raise (real or errors)[0]
    found = _joined_results([r for r in results if r is not None], parts)
    return found, live.finish() if live is not None else None


def _joined_results(results: list[PassResult], parts: list[Part]) -> PassResult:
    whole = PassResult()
    for index, (result, part) in enumerate(zip(results, parts, strict=True)):
        if index == 0:
            whole.keyframes = list(result.keyframes)
            whole.keyframe_scores = list(result.keyframe_scores)
            whole.silences, whole.blacks = list(result.silences), list(result.blacks)
            whole.freezes = list(result.freezes)
            whole.loudness = list(result.loudness)
            whole.seconds_read = result.seconds_read
            continue
        last_before = whole.keyframes[-1] if whole.keyframes else part.start
        first_after = result.keyframes[0] if result.keyframes else part.start
        scores = list(result.keyframe_scores)
        if scores:
            scores[0] = max(scores[0], SPLIT_CANDIDATE_SCORE)
        whole.keyframes += result.keyframes
        whole.keyframe_scores += scores
        whole.silences = _join(whole.silences, result.silences, part.start, part.start)
        whole.blacks = _join(whole.blacks, result.blacks, last_before, first_after)
        whole.freezes = _join(whole.freezes, result.freezes, last_before, first_after)
        blocks = round(part.start * LOUDNESS_RATE)  # exactly the first part's
        head = whole.loudness[:blocks]
        head += [head[-1] if head else LOUDNESS_FLOOR] * (blocks - len(head))
        whole.loudness = head + list(result.loudness)
        whole.seconds_read += result.seconds_read
    return whole


def _join(
    before: list[tuple[float, float]],
    after: list[tuple[float, float]],
    last_seen: float,
    first_seen: float,
) -> list[tuple[float, float]]:
    """Stretches of two parts, one stretch again where the split cut it: the first part's
    last one reached its last look (``last_seen``) and the second part's first one begins
    at its first look (``first_seen``). One still open at the first part's end but not in
    the second part ended somewhere before ``first_seen``: it is given that end, and the
    refinement window then ends there."""
    before, after = list(before), list(after)
    if before and before[-1][1] >= last_seen - _JOIN_SLACK:
        if after and after[0][0] <= first_seen + _JOIN_SLACK:
            before[-1] = (before[-1][0], after.pop(0)[1])
        else:
            before[-1] = (before[-1][0], first_seen)
    return before + after

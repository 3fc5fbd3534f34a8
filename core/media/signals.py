"""A recording's signals in one fast pass: waveform, silences, black and static stretches,
scene cuts and loudness (ffmpeg work only; storing them is ``core.library.signals``).

1. ``signal_pass`` reads every stream once: audio in full, video at keyframes only.
2. Each edge it found between two keyframes is placed on its exact frame by decoding that
   one GOP at full rate (``signal_refine``), and each scene-cut candidate is checked there:
   only a real cut (one frame much more different than its neighbours) is kept.

Refining costs one GOP per edge, so candidates are refined strongest first (static and
black edges first) until the windows add up to ``WINDOW_SHARE`` of the video; the rest
are dropped. The whole analysis costs a few percent of one full-rate decode.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np

from core.domain.signals import SignalEvent, SignalKind
from core.domain.waveform import WaveformPyramid

from .errors import MediaCancelled
from .signal_parts import LiveWaveform, run_passes
from .signal_pass import (
    LOUDNESS_RATE,
    MIN_BLACK_SECONDS,
    MIN_SILENCE_SECONDS,
    MIN_STATIC_SECONDS,
    StreamLayout,
    loudness_array,
    stream_layout,
)
from .signal_refine import (
    WindowFrames,
    answered,
    black_end,
    black_start,
    decode_window,
    find_cut,
    static_end,
    static_start,
)

#: keyframes whose scdet score (0..100) reaches this are scene-cut candidates
KEYFRAME_SCENE_THRESHOLD = 10.0
#: refinement decodes at most this share of the video (I and P frames only, stopping early
#: once answered: about a third of what decoding that share in full costs) and at least
#: MIN_WINDOW_SECONDS: with 2 s GOPs, one window per 25 s of video
WINDOW_SHARE = 0.08
MIN_WINDOW_SECONDS = 30.0
REFINE_WORKERS = max(2, min(8, os.cpu_count() or 1))
#: progress share of the keyframe pass; refinement takes the rest
PASS_SHARE = 0.9
#: two cuts closer than this are one cut
CUT_MERGE_SECONDS = 0.5

#: ``progress(fraction 0..1, label)``
Progress = Callable[[float, str], None]


@dataclass
class SignalAnalysis:
    layout: StreamLayout
    duration: float
    events: list[SignalEvent]
    waveform: WaveformPyramid | None
    loudness: np.ndarray | None  # int16 tenths of LUFS, LOUDNESS_RATE per second
    loudness_rate: float = LOUDNESS_RATE
    stats: dict = field(default_factory=dict)


@dataclass
class _Edge:
    """One edge known to lie in the window ``(before, at]`` between two keyframes."""

    kind: SignalKind
    at: float
    before: float
    rank: float  # lower is refined first
    purpose: str  # what the window must answer: "cut", "static_start", "black_end", …


def analyze_signals(
    path: str,
    *,
    progress: Progress | None = None,
    cancel=None,
    on_waveform: Callable[[LiveWaveform], None] | None = None,
    background: bool = False,
) -> SignalAnalysis:
    """Analyse ``path``. ``on_waveform`` receives the waveform being built before the
    pass starts, so a caller can draw it while it grows. ``MediaCancelled`` when
    ``cancel`` is set (ffmpeg stopped; nothing half-made is returned). ``background``: the
    ffmpeg processes run at a lower priority (the editor's analysis, not a command the user
    waits for)."""
    layout = stream_layout(path)
    duration = max(layout.duration, 0.001)

    def pass_progress(seconds: float) -> None:
        if progress is not None:
            progress(min(1.0, seconds / duration) * PASS_SHARE, "reading the recording")

    found, waveform = run_passes(
        path,
        layout,
        progress=pass_progress,
        cancel=cancel,
        background=background,
        on_waveform=on_waveform,
    )
    duration = layout.duration or found.seconds_read  # a file that did not say how long
    keyframes = found.keyframes
    if keyframes and keyframes[0] > 0:
        keyframes = [0.0, *keyframes]
    scores = dict(zip(found.keyframes, found.keyframe_scores, strict=False))

    stretches = {
        SignalKind.STATIC: found.freezes,
        SignalKind.BLACK: found.blacks,
    }
    edges = _edges(stretches, keyframes, scores, duration)
    budget = max(MIN_WINDOW_SECONDS, duration * WINDOW_SHARE)
    windows = _refine(path, edges, budget, layout.fps, progress, cancel, background)

    events = [
        SignalEvent(SignalKind.SILENCE, start, min(end, duration))
        for start, end in found.silences
        if end - start >= MIN_SILENCE_SECONDS
    ]
    events += _placed_stretches(stretches, windows, keyframes)
    cuts = _cuts(edges, windows)
    events += cuts
    events.sort(key=lambda event: (event.start, event.kind.value))
    if progress is not None:
        progress(1.0, "done")
    scene_candidates = sum(1 for edge in edges if edge.kind == SignalKind.SCENE)
    return SignalAnalysis(
        layout=layout,
        duration=duration,
        events=events,
        waveform=waveform,
        loudness=loudness_array(found.loudness) if found.loudness else None,
        stats={
            "keyframes": len(found.keyframes),
            "scene_candidates": scene_candidates,
            "scene_cuts": len(cuts),
            "windows": len(windows),
            "window_seconds": round(sum(b - a for a, b in windows), 1),
            "window_frames": sum(len(w) for w in windows.values()),
            "unrefined": sum(1 for edge in edges if (edge.before, edge.at) not in windows),
        },
    )


def _previous_keyframe(keyframes: list[float], time: float) -> float:
    position = bisect.bisect_left(keyframes, time - 1e-6) - 1
    return keyframes[position] if position >= 0 else 0.0


def _edges(stretches, keyframes, scores, duration: float) -> list[_Edge]:
    edges: list[_Edge] = []
    for kind, spans in stretches.items():
        for start, end in spans:
            for at, side in ((start, "start"), (end, "end")):
                if 0 < at < duration - 1e-3:  # the file's own ends need no refining
                    before = _previous_keyframe(keyframes, at)
                    edges.append(_Edge(kind, at, before, -1.0, f"{kind.value}_{side}"))
    for time, score in scores.items():
        if score >= KEYFRAME_SCENE_THRESHOLD and time > 0:
            before = _previous_keyframe(keyframes, time)
            edges.append(_Edge(SignalKind.SCENE, time, before, -score / 100, "cut"))
    return edges


def _refine(
    path, edges, budget, fps, progress, cancel, background
) -> dict[tuple[float, float], WindowFrames]:
    """Decode the windows, strongest evidence first within ``budget`` seconds of video, one
    per core at a time (each ffmpeg decodes on one thread)."""
    purposes: dict[tuple[float, float], set[str]] = {}
    spent = 0.0
    for edge in sorted(edges, key=lambda e: e.rank):
        key = (edge.before, edge.at)
        if key in purposes:
            purposes[key].add(edge.purpose)
        elif spent + (edge.at - edge.before) <= budget:
            purposes[key] = {edge.purpose}
            spent += edge.at - edge.before
    windows: dict[tuple[float, float], WindowFrames] = {}
    if not purposes:
        return windows

    def decode(key: tuple[float, float]) -> WindowFrames:
        if cancel is not None and cancel.is_set():
            raise MediaCancelled("the signals analysis")
        before, at = key
        return decode_window(
            path,
            before,
            at,
            fps=fps,
            cancel=cancel,
            enough=answered(purposes[key]),
            background=background,
        )

    with ThreadPoolExecutor(max_workers=REFINE_WORKERS, thread_name_prefix="refine") as pool:
        futures = {pool.submit(decode, key): key for key in sorted(purposes)}
        try:
            for number, future in enumerate(as_completed(futures), start=1):
                windows[futures[future]] = future.result()
                if progress is not None:
                    fraction = PASS_SHARE + (1 - PASS_SHARE) * number / len(futures)
                    progress(fraction, f"placing edges on their frames ({number}/{len(futures)})")
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return windows


def _placed_stretches(stretches, windows, keyframes) -> list[SignalEvent]:
    finders = {
        SignalKind.STATIC: (static_start, static_end, MIN_STATIC_SECONDS),
        SignalKind.BLACK: (black_start, black_end, MIN_BLACK_SECONDS),
    }
    events = []
    for kind, spans in stretches.items():
        find_start, find_end, minimum = finders[kind]
        for start, end in spans:
            exact_start = _placed(find_start, windows, keyframes, start)
            exact_end = _placed(find_end, windows, keyframes, end)
            if exact_end - exact_start >= minimum:
                events.append(SignalEvent(kind, exact_start, exact_end))
    return events


def _placed(finder, windows, keyframes, at: float) -> float:
    window = windows.get((_previous_keyframe(keyframes, at), at))
    if window is None:
        return at
    exact = finder(window)
    return at if exact is None else exact


def _cuts(edges, windows) -> list[SignalEvent]:
    cuts: list[SignalEvent] = []
    for edge in edges:
        if edge.kind != SignalKind.SCENE:
            continue
        window = windows.get((edge.before, edge.at))
        found = find_cut(window) if window is not None else None
        if found is None:
            continue
        time, score = found
        if any(abs(cut.start - time) < CUT_MERGE_SECONDS for cut in cuts):
            continue
        cuts.append(SignalEvent(SignalKind.SCENE, time, time, score))
    return cuts

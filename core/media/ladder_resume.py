"""Where each rendition of a ladder resumes, and the ffmpeg passes that finish it.

Video renditions resume together at the first segment one of them has not finished: the
segment starts on a keyframe (fixed GOP, keyframes forced every 2 s), so a run that starts
there with an exact seek writes the same frames with the same timestamps and the same cuts.

The audio resumes on its own, at the start of one of its segments that also starts on the
uninterrupted run's AAC frame grid *and* at an exact multiple of the segment length from
the first packet (every 4th segment at 48 kHz: 4 × 6 s = 1125 frames). From such a point,
ffmpeg's HLS muxer, which cuts audio relative to the first packet it sees, cuts where the
uninterrupted run cut; the new encoder's priming frame is dropped.

A stream-copied rendition (video or audio) starts again from the beginning: a copy cannot
start on an exact frame, and a remux is quick anyway.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from core.domain.media_specs import AUDIO_KBPS, GOP_SECONDS, SEGMENT_SECONDS

from .audio_rendition import AUDIO_FOLDER, source_fingerprint
from .ladder_command import (
    AAC_PRIMING_SECONDS,
    TIMESTAMP_OFFSET_SECONDS,
    LadderPass,
    LadderSpec,
)
from .ladder_plan import RungPlan
from .ladder_work import RenditionWork

#: Bump when the ladder's output changes in a way that old segments would not match.
WORK_FORMAT = 1
_GRID_TOLERANCE = 1e-4  # seconds; AAC frames are 21 ms apart, EXTINF has 6 decimals


def rendition_settings(spec: LadderSpec, rung: RungPlan | None, audio: str | None) -> dict:
    """What a rendition's segments depend on; kept segments with other values are dropped."""
    common: dict[str, Any] = {
        "format": WORK_FORMAT,
        "source": source_fingerprint(spec.source),
        "segment": SEGMENT_SECONDS,
        "offset": TIMESTAMP_OFFSET_SECONDS,
    }
    if rung is None:
        return {**common, "audio": audio, "kbps": AUDIO_KBPS}
    return {
        **common,
        "rung": asdict(rung),
        "encoder": spec.encoder,
        "preset": spec.preset,
        "fps": spec.fps,
        "cfr": spec.variable_frame_rate,
        "gop": GOP_SECONDS,
    }


def open_renditions(
    root: Path, spec: LadderSpec, rungs: list[RungPlan], audio: str | None
) -> dict[str, RenditionWork]:
    works = {
        r.quality: RenditionWork.open(root, r.quality, rendition_settings(spec, r, None))
        for r in rungs
    }
    if audio:
        works[AUDIO_FOLDER] = RenditionWork.open(
            root, AUDIO_FOLDER, rendition_settings(spec, None, audio)
        )
    return works


def audio_splice(durations: list[float]) -> int:
    """The number of audio segments to keep: the largest count whose end lies an exact
    multiple of the segment length after the first packet (0 when there is none)."""
    total = 0.0
    best = 0
    for count, duration in enumerate(durations, start=1):
        total += duration
        if abs(total - count * SEGMENT_SECONDS) < _GRID_TOLERANCE:
            best = count
    return best


def plan_passes(
    spec: LadderSpec, works: dict[str, RenditionWork], rungs: list[RungPlan], audio: str | None
) -> list[LadderPass]:
    """Trim every rendition's kept segments back to where it can resume, and the passes
    (at most two: remuxed renditions from the start, encoded ones from where they stopped)
    that make the rest."""
    encoded = tuple(r for r in rungs if r.method == "encode")
    copied = tuple(r for r in rungs if r.method == "copy")
    for rung in copied:
        works[rung.quality].truncate(0)
    video_from = min((len(works[r.quality].kept) for r in encoded), default=0)
    video_seconds = 0.0
    for rung in encoded:
        works[rung.quality].truncate(video_from)
    if video_from:
        video_seconds = spec.video_start + works[encoded[0].quality].kept_seconds
    audio_from, audio_seconds = 0, 0.0
    if audio:
        audio_work = works[AUDIO_FOLDER]
        if audio == "encode":
            audio_from = audio_splice([s.duration for s in audio_work.kept])
        audio_work.truncate(audio_from)
        if audio_from:
            audio_seconds = spec.audio_start - AAC_PRIMING_SECONDS + audio_work.kept_seconds
    if not video_from and not audio_from:
        return [LadderPass(tuple(rungs), audio)]
    passes = []
    if copied or audio == "copy":
        passes.append(LadderPass(copied, audio if audio == "copy" else None))
    if encoded or audio == "encode":
        passes.append(
            LadderPass(
                encoded,
                audio if audio == "encode" else None,
                video_from,
                video_seconds,
                audio_from,
                audio_seconds,
            )
        )
    return passes

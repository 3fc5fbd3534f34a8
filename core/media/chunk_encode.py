"""Encoding one chunk of a VOD (video, every rung at once) and the VOD's audio track.

A chunk is decoded once and scaled to every requested rung in the same ffmpeg run, like
the single-process ladder. Chunks are video only: the audio is encoded once for the whole
VOD (it is cheap) and becomes the ladder's one audio rendition when the chunks are joined
(``chunk_join.join_audio``). Encoding AAC per chunk would put an encoder priming gap and a
partial frame at every join.

Outputs are written under a ``.part`` name and renamed when complete, so a chunk retried
on another farm worker after a crash never leaves a half-written file that looks done.

Everything here works from plain paths and numbers (``ChunkRequest``), so a farm worker
needs no database: only the same shared path to the source and the work folder.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.domain.media_specs import AUDIO_KBPS, GOP_SECONDS

from .chunk_ffmpeg import CancelCheck, ProgressCallback, run_ffmpeg
from .chunk_plan import ChunkSpan
from .encoders import SOFTWARE_ENCODER, device_args, encoder_options, upload_filter
from .hls_ladder import gop_frames
from .ladder_plan import RungPlan
from .scale_graph import scale_graph

#: Peak rate and buffer relative to the rung's bitrate: the single-process ladder's values.
MAXRATE_FACTOR = 1.07
BUFSIZE_FACTOR = 1.5


@dataclass(frozen=True, slots=True)
class EncodeSettings:
    """How video is encoded; the same for every chunk of a job so that joins are seamless."""

    preset: str | None = None  # None: the ladder's default preset
    fps: float = 30.0  # the source's frame rate; sets the GOP length in frames
    threads: int = 0  # 0: ffmpeg decides; the local pool divides the cores between chunks
    encoder: str = SOFTWARE_ENCODER
    variable_frame_rate: bool = False  # then frames are made constant-rate, as in the ladder


@dataclass(frozen=True, slots=True)
class ChunkRequest:
    """Everything needed to encode one chunk, as plain data (it travels to farm workers)."""

    source: str
    work_dir: str
    index: int
    start: float
    end: float | None
    rungs: tuple[RungPlan, ...]
    settings: EncodeSettings = field(default_factory=EncodeSettings)

    @property
    def span(self) -> ChunkSpan:
        return ChunkSpan(self.index, self.start, self.end)

    @property
    def qualities(self) -> tuple[str, ...]:
        return tuple(r.quality for r in self.rungs)

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["rungs"] = [asdict(r) for r in self.rungs]
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> ChunkRequest:
        values = dict(data)
        values["rungs"] = tuple(RungPlan(**r) for r in values["rungs"])
        values["settings"] = EncodeSettings(**values.get("settings") or {})
        return cls(**values)


def chunk_path(work_dir: str | Path, quality: str, index: int) -> Path:
    return Path(work_dir) / quality / f"chunk_{index:05d}.mp4"


def audio_path(work_dir: str | Path) -> Path:
    return Path(work_dir) / "audio.m4a"


def chunk_done(request: ChunkRequest) -> bool:
    return all(chunk_path(request.work_dir, q, request.index).is_file() for q in request.qualities)


def _time(seconds: float) -> str:
    return f"{seconds:.6f}"


def video_rung_arguments(rung: RungPlan, settings: EncodeSettings) -> list[str]:
    """The single-process ladder's encoder options for one rung: capped bitrate, and a
    keyframe exactly every GOP from the chunk's start (no scene-cut keyframes, so every
    rung's keyframes line up)."""
    kbps = rung.video_kbps
    arguments = [
        "-c:v",
        settings.encoder,
        "-b:v",
        f"{kbps}k",
        "-maxrate",
        f"{round(kbps * MAXRATE_FACTOR)}k",
        "-bufsize",
        f"{round(kbps * BUFSIZE_FACTOR)}k",
        *encoder_options(settings.encoder, gop_frames(settings.fps), settings.preset),
        "-force_key_frames",
        f"expr:gte(t,n_forced*{GOP_SECONDS:g})",
    ]
    if settings.variable_frame_rate:
        arguments += ["-fps_mode", "cfr", "-r", f"{settings.fps:.3f}"]
    if settings.threads:
        arguments += ["-threads", str(settings.threads)]
    return arguments


def encode_chunk(
    request: ChunkRequest,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> dict[str, Any]:
    """Encode ``request``'s span to one video-only MP4 per rung; skip it if already done
    (a redelivered farm task). Returns what was written."""
    if chunk_done(request):
        return _chunk_result(request, reused=True)
    # Input seeking with accurate seek: frames with source time in [start, end) exactly,
    # so neighbouring chunks neither share nor miss a frame.
    arguments = [*device_args(request.settings.encoder), "-ss", _time(request.start)]
    if request.end is not None:
        arguments += ["-t", _time(request.end - request.start)]
    arguments += ["-i", request.source]
    upload = upload_filter(request.settings.encoder)
    arguments += ["-filter_complex", scale_graph(request.rungs, tail=upload, output_prefix="o")]
    parts: list[tuple[Path, Path]] = []
    for i, rung in enumerate(request.rungs):
        final = chunk_path(request.work_dir, rung.quality, request.index)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(f"{final.stem}.{os.getpid()}.part")
        parts.append((part, final))
        arguments += [
            "-map",
            f"[o{i}]",
            "-an",
            "-sn",
            "-dn",
            "-map_metadata",
            "-1",
            *video_rung_arguments(rung, request.settings),
            "-f",
            "mp4",
            str(part),
        ]
    try:
        run_ffmpeg(
            arguments,
            label=f"chunk {request.index}",
            progress=progress,
            should_cancel=should_cancel,
        )
        for part, final in parts:
            os.replace(part, final)
    finally:
        for part, _ in parts:
            part.unlink(missing_ok=True)
    return _chunk_result(request, reused=False)


def _chunk_result(request: ChunkRequest, *, reused: bool) -> dict[str, Any]:
    return {
        "index": request.index,
        "reused": reused,
        "files": {
            q: str(chunk_path(request.work_dir, q, request.index)) for q in request.qualities
        },
    }


def encode_audio(
    source: str,
    work_dir: str,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> str:
    """The whole VOD's audio as AAC-LC stereo at the ladder's audio bitrate."""
    final = audio_path(work_dir)
    if final.is_file():
        return str(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(f"audio.{os.getpid()}.part")
    try:
        run_ffmpeg(
            [
                "-i",
                source,
                "-map",
                "0:a:0",
                "-vn",
                "-sn",
                "-dn",
                "-map_metadata",
                "-1",
                "-c:a",
                "aac",
                "-b:a",
                f"{AUDIO_KBPS}k",
                "-ac",
                "2",
                "-ar",
                "48000",
                "-f",
                "mp4",
                str(part),
            ],
            label="audio",
            progress=progress,
            should_cancel=should_cancel,
        )
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)
    return str(final)

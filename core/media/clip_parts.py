"""The ffmpeg runs a cut clip is made of: copied and re-encoded video parts, the audio,
and the join.

Parts are NUT files: each keeps its own time base, so no timestamp is rounded on the way,
and each carries its H.264 parameter sets in-band (``h264_mp4toannexb`` puts the source's
before the copied IDR, ``dump_extra`` the encoder's before each re-encoded keyframe). The
concat demuxer joins them with the exact duration of each part, so timestamps continue
without a gap or overlap; the audio, copied from the clip's first picture on (every audio
packet is a keyframe), is muxed with the joined video in the same last pass.

A copy selects packets with ffmpeg's output ``-ss``, which for a stream copy compares the
*decoding* time of each packet; starting just below the keyframe's decoding time keeps it
and drops everything decoded before it. Copies run with ``-copyts`` and that threshold in
the file's own timestamps: without it, ffmpeg's stream-copy clock for an MPEG-TS sits one
audio frame (21 ms) off the clock its decoders and ffprobe use, and the keyframe is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.domain.clips import ClipMode

from .chunk_ffmpeg import CancelCheck, run_ffmpeg
from .clip_common import (
    SEEK_MARGIN_SECONDS,
    TIME_EPSILON,
    ClipRequest,
    Progress,
    container_suffix,
    metadata_inputs,
    muxer_for,
)
from .clip_encoding import matching_encoder_args
from .clip_source import SourceInfo
from .tools import run_capture

OnSeconds = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Part:
    """``frames`` pictures from ``start`` to ``end`` (VOD clock): re-encoded, or copied
    from the keyframe whose decoding time is ``start_dts``."""

    encoded: bool
    start: float
    end: float
    frames: int
    name: str
    start_dts: float = 0.0
    seek: float = 0.0  # where reading starts (clip_common.seek_point)

    @property
    def seconds(self) -> float:
        return self.end - self.start


def decode_from(seek: float) -> list[str]:
    """Input options for decoding from ``seek`` with the file's own timestamps: the pictures
    and samples to keep are then picked by ``trim``/``atrim`` on those timestamps (the
    ffprobe clock plus the file's start), which is exact in every container. ffmpeg's own
    ``-ss`` trimming counts from a start that differs from it by an audio frame in some
    MPEG-TS files."""
    return ["-copyts", "-noaccurate_seek", "-ss", f"{seek:.6f}"]


def encode_part(
    source: SourceInfo, part: Part, target: Path, progress: OnSeconds, cancel: CancelCheck | None
) -> None:
    video = source.video
    assert video is not None
    start = part.start + source.start_time - video.frame_seconds / 2
    run_ffmpeg(
        [
            *decode_from(part.seek),
            "-i",
            source.path,
            "-map",
            f"0:{video.index}",
            "-vf",
            f"trim=start={start:.6f},setpts=PTS-STARTPTS",
            "-frames:v",
            str(part.frames),
            "-fps_mode",
            "passthrough",
            "-enc_time_base",
            "-1",
            *matching_encoder_args(video, part.frames),
            "-bsf:v",
            "dump_extra=freq=keyframe",
            "-f",
            "nut",
            str(target),
        ],
        label="re-encoding the clip's edge",
        progress=progress,
        should_cancel=cancel,
    )


def copy_part(
    source: SourceInfo, part: Part, target: Path, progress: OnSeconds, cancel: CancelCheck | None
) -> None:
    assert source.video is not None
    seek = part.seek
    annexb = ["-bsf:v", "h264_mp4toannexb"] if source.video.codec == "h264" else []
    run_ffmpeg(
        [
            "-copyts",  # the threshold below is the file's own timestamp (see the module doc)
            "-ss",
            f"{seek:.6f}",
            "-i",
            source.path,
            "-map",
            f"0:{source.video.index}",
            "-c",
            "copy",
            "-ss",
            f"{part.start_dts + source.start_time - TIME_EPSILON:.6f}",
            "-frames:v",
            str(part.frames),
            *annexb,
            "-f",
            "nut",
            str(target),
        ],
        label="copying the clip",
        progress=progress,
        should_cancel=cancel,
    )


def copy_audio(
    source: SourceInfo,
    tracks: list[int],
    first: float,
    end: float,
    target: Path,
    progress: OnSeconds,
    cancel: CancelCheck | None,
) -> None:
    seek = max(0.0, first - SEEK_MARGIN_SECONDS)
    run_ffmpeg(
        [
            "-copyts",
            "-ss",
            f"{seek:.6f}",
            "-i",
            source.path,
            *[item for t in tracks for item in ("-map", f"0:{source.audio[t].index}")],
            "-c",
            "copy",
            "-ss",
            f"{first + source.start_time:.6f}",
            "-t",
            f"{end - first:.6f}",
            "-f",
            "nut",
            str(target),
        ],
        label="copying the clip's audio",
        progress=progress,
        should_cancel=cancel,
    )


def reorder_depth(path: Path) -> int:
    """How many frames a decoder holds back for the video of ``path`` (has_b_frames)."""
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=has_b_frames",
            "-of",
            "json",
            str(path),
        ],
        timeout=60,
    )
    streams = json.loads(result.stdout or b"{}").get("streams") or [{}]
    return int(streams[0].get("has_b_frames") or 0)


def join_parts(
    request: ClipRequest,
    source: SourceInfo,
    mode: ClipMode,
    parts: list[Part],
    tracks: list[int],
    bounds: tuple[float, float],
    work: Path,
    steps: Progress,
    cancel: CancelCheck | None,
) -> Path:
    """Mux the parts (already in ``work``), the audio from ``bounds[0]`` to ``bounds[1]``,
    the title and the chapters into the clip file; its path in ``work``."""
    first, end = bounds
    listing = work / "parts.ffconcat"
    listing.write_text(
        "ffconcat version 1.0\n"
        + "".join(f"file '{p.name}.nut'\nduration {p.seconds:.6f}\n" for p in parts),
        encoding="utf-8",
    )
    inputs = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    maps = ["-map", "0:v:0"]
    if tracks:
        audio = work / "audio.nut"
        copy_audio(source, tracks, first, end, audio, steps.step("audio"), cancel)
        inputs += ["-i", str(audio)]
        maps += ["-map", "1:a"]
    suffix = container_suffix(source, mode, tracks)
    partial = work / f"{request.stem}{suffix}"
    metadata_input, metadata = metadata_inputs(request, work, first, end, 2 if tracks else 1)
    run_ffmpeg(
        [
            *inputs,
            *metadata_input,
            *maps,
            "-c",
            "copy",
            *metadata,
            *(["-movflags", "+faststart"] if suffix == ".mp4" else []),
            "-f",
            muxer_for(suffix),
            str(partial),
        ],
        label="joining the clip",
        progress=steps.step("joining"),
        should_cancel=cancel,
    )
    return partial

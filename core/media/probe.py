"""What a media file holds, read with ffprobe."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import FFmpegMissingError, MediaError
from .processes import run

PROBE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class MediaInfo:
    path: str
    duration: float
    size_bytes: int
    container: str | None
    bit_rate: int | None
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    pix_fmt: str | None = None
    rotation: int = 0
    variable_frame_rate: bool = False
    video_bit_rate: int | None = None
    # Set by ``truncation.probe_decodable`` when media ends before what the index claims:
    # ``duration`` is then where it really ends, and this is the claim.
    claimed_duration: float | None = None
    #: When the first picture comes, in seconds from the start of the file as ffmpeg counts
    #: it (0 for almost every recording; an MPEG-TS may start its audio a little earlier).
    video_start: float = 0.0
    audio_start: float = 0.0  # the same for the first audio sample

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Width and height as shown, after the rotation a phone recording carries."""
        if self.width is None or self.height is None:
            return None
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Probe ``path``; ``MediaError`` with a plain reason when it is not usable media."""
    file = Path(path).expanduser()
    if not file.exists():
        raise MediaError(f"file not found: {file}")
    if file.is_dir():
        raise MediaError(f"{file} is a folder, not a video file")
    try:
        size = file.stat().st_size
    except OSError as error:
        raise MediaError(f"cannot read {file}: {error.strerror}") from None
    if size == 0:
        raise MediaError(f"{file} is empty (0 bytes)")
    if not os.access(file, os.R_OK):
        raise MediaError(f"cannot read {file}: permission denied")
    try:
        result = run(
            ["ffprobe", "-show_format", "-show_streams", "-of", "json", str(file.resolve())],
            timeout=PROBE_TIMEOUT_SECONDS,
        )
    except FFmpegMissingError:
        raise
    except MediaError as error:  # it did not finish in time
        raise MediaError(f"probing {file.name} failed: {error}") from None
    if result.returncode != 0:
        reason = _last_line(result.stderr) or "ffprobe could not read it"
        raise MediaError(f"{file.name} is not a media file ffprobe can read: {reason}")
    try:
        data = json.loads(result.stdout or b"{}")
    except ValueError:
        raise MediaError(f"probing {file.name} failed: ffprobe wrote no readable answer") from None
    return _media_info(file, size, data)


def _media_info(file: Path, size: int, data: dict[str, Any]) -> MediaInfo:
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise MediaError(f"{file.name} has no audio or video stream")
    duration = _number(fmt.get("duration"))
    if duration is None:
        durations = [_number(s.get("duration")) for s in (video, audio) if s]
        duration = max((d for d in durations if d), default=None)
    if duration is None or duration <= 0:
        raise MediaError(
            f"{file.name} has no readable duration (the file may be truncated or still recording)"
        )
    fps = None
    vfr = False
    if video is not None:
        avg = _rate(video.get("avg_frame_rate"))
        real = _rate(video.get("r_frame_rate"))
        vfr = bool(avg and real and abs(avg - real) / real > 0.01)
        # A constant-rate file's own rate is r_frame_rate; the average is frames over a
        # duration that containers round (a fragmented "hybrid" MP4 from OBS at 60 fps
        # averages 59.826). Only a variable rate is better described by its average.
        fps = (avg or real) if vfr else (real or avg)
    return MediaInfo(
        path=str(file.resolve()),
        duration=duration,
        size_bytes=size,
        container=fmt.get("format_name"),
        bit_rate=_int(fmt.get("bit_rate")),
        has_video=video is not None,
        has_audio=audio is not None,
        width=_int(video.get("width")) if video else None,
        height=_int(video.get("height")) if video else None,
        fps=round(fps, 3) if fps else None,
        video_codec=video.get("codec_name") if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        pix_fmt=video.get("pix_fmt") if video else None,
        rotation=_rotation(video) if video else 0,
        variable_frame_rate=vfr,
        video_bit_rate=_int(video.get("bit_rate")) if video else None,
        video_start=_stream_start(video, fmt),
        audio_start=_stream_start(audio, fmt),
    )


def _stream_start(stream: dict[str, Any] | None, fmt: dict[str, Any]) -> float:
    if stream is None:
        return 0.0
    start, origin = _number(stream.get("start_time")), _number(fmt.get("start_time"))
    if start is None or origin is None:
        return 0.0
    return max(0.0, round(start - origin, 6))


def _rotation(stream: dict[str, Any]) -> int:
    tags = stream.get("tags") or {}
    if "rotate" in tags:
        return int(_number(tags["rotate"]) or 0) % 360
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return int(_number(side["rotation"]) or 0) % 360
    return 0


def _rate(value: Any) -> float | None:
    try:
        rate = float(Fraction(str(value)))
    except (ValueError, ZeroDivisionError):
        return None
    return rate if rate > 0 and math.isfinite(rate) else None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _last_line(stderr: bytes | None) -> str:
    lines = [line.strip() for line in (stderr or b"").decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else ""

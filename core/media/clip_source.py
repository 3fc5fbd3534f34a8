"""What a clip's source holds, read with ffprobe: its streams in the detail a smart cut needs
(profile, level, reorder depth, colour), and its video packets around a range.

Times given to and returned from here count from the file's start (its first timestamp,
``start_time``), like every other time in the app; ffprobe's ``-read_intervals`` takes
absolute timestamps, so the file's start is added and removed here.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .errors import MediaError
from .tools import run_capture, stderr_tail

PROBE_TIMEOUT_SECONDS = 120


@dataclass(frozen=True, slots=True)
class VideoStream:
    index: int
    codec: str
    profile: str | None
    level: int | None
    pix_fmt: str | None
    width: int
    height: int
    time_base: Fraction
    frame_rate: Fraction | None
    reorder_depth: int  # ffprobe's has_b_frames: how many frames a decoder holds back
    field_order: str | None
    color: dict[str, str] = field(default_factory=dict)
    bit_rate: int | None = None

    @property
    def frame_seconds(self) -> float:
        return float(1 / self.frame_rate) if self.frame_rate else 1 / 30


@dataclass(frozen=True, slots=True)
class AudioStream:
    index: int
    codec: str
    channels: int | None
    language: str | None
    title: str | None

    def describe(self, number: int) -> str:
        parts = [f"{number}: {self.codec}"]
        if self.channels:
            parts.append({1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} ch"))
        if self.language and self.language != "und":
            parts.append(self.language)
        if self.title:
            parts.append(f'"{self.title}"')
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    path: str
    duration: float
    start_time: float
    format_name: str
    video: VideoStream | None
    audio: tuple[AudioStream, ...]


@dataclass(frozen=True, slots=True)
class Packet:
    pts: float  # presentation time, from the file's start
    dts: float  # decoding time, from the file's start
    key: bool


@dataclass(slots=True)
class PacketWindow:
    """The video packets of a stretch of the file, in decoding order, with their
    presentation times sorted for lookups."""

    packets: list[Packet]
    frame_times: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.frame_times = sorted(p.pts for p in self.packets)

    def frame_at(self, seconds: float, tolerance: float) -> float | None:
        """The presentation time of the frame on screen at ``seconds`` (the last one that
        starts at or before it, ``tolerance`` absorbing rounding)."""
        position = bisect.bisect_right(self.frame_times, seconds + tolerance)
        return self.frame_times[position - 1] if position else None

    def first_frame_from(self, seconds: float, tolerance: float) -> float | None:
        position = bisect.bisect_left(self.frame_times, seconds - tolerance)
        return self.frame_times[position] if position < len(self.frame_times) else None

    def frames_between(self, start: float, end: float, tolerance: float) -> int:
        """How many frames start in ``[start, end)``."""
        low = bisect.bisect_left(self.frame_times, start - tolerance)
        high = bisect.bisect_left(self.frame_times, end - tolerance)
        return max(0, high - low)

    def keyframes(self) -> list[Packet]:
        return sorted((p for p in self.packets if p.key), key=lambda p: p.pts)

    def has_leading_frames(self, keyframe: Packet, tolerance: float) -> bool:
        """Whether frames decoded after ``keyframe`` are shown before it: an open GOP,
        whose leading frames need the previous GOP and cannot start a copied part."""
        after = False
        for packet in self.packets:
            if packet is keyframe:
                after = True
                continue
            if after:
                if packet.key:
                    return False
                if packet.pts < keyframe.pts - tolerance:
                    return True
        return False


def read_source(path: str | Path) -> SourceInfo:
    """Streams and duration of ``path``; ``MediaError`` with ffprobe's reason otherwise."""
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_streams",
            "-show_format",
            "-of",
            "json",
            str(path),
        ],
        timeout=PROBE_TIMEOUT_SECONDS,
    )
    if result.returncode != 0:
        raise MediaError(
            f"ffprobe cannot read {Path(path).name}: {stderr_tail(result.stderr, 1) or 'no reason given'}"
        )
    data = json.loads(result.stdout or b"{}")
    fmt = data.get("format") or {}
    video = None
    audio = []
    for stream in data.get("streams") or []:
        kind = stream.get("codec_type")
        if kind == "video" and video is None and not _attached_picture(stream):
            video = _video_stream(stream)
        elif kind == "audio":
            tags = stream.get("tags") or {}
            audio.append(
                AudioStream(
                    index=int(stream["index"]),
                    codec=stream.get("codec_name") or "unknown",
                    channels=_int(stream.get("channels")),
                    language=tags.get("language"),
                    title=tags.get("title"),  # not handler_name: muxers fill it with "SoundHandler"
                )
            )
    duration = _float(fmt.get("duration"))
    if duration is None or duration <= 0:
        raise MediaError(f"{Path(path).name} has no readable duration")
    return SourceInfo(
        path=str(path),
        duration=duration,
        start_time=_float(fmt.get("start_time")) or 0.0,
        format_name=fmt.get("format_name") or "",
        video=video,
        audio=tuple(audio),
    )


def read_packets(source: SourceInfo, start: float, end: float) -> PacketWindow:
    """The video packets whose times fall around ``[start, end]`` (from a keyframe before
    ``start``), in decoding order."""
    if source.video is None:
        return PacketWindow([])
    origin = source.start_time
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            str(source.video.index),
            "-read_intervals",
            f"{max(0.0, start + origin):.6f}%{end + origin:.6f}",
            "-show_entries",
            "packet=pts_time,dts_time,flags",
            "-of",
            "csv=p=0",
            source.path,
        ],
        timeout=PROBE_TIMEOUT_SECONDS * 5,
    )
    if result.returncode != 0:
        raise MediaError(
            f"ffprobe cannot read the packets of {Path(source.path).name}: "
            f"{stderr_tail(result.stderr, 1) or 'no reason given'}"
        )
    packets = []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.strip().split(",")
        if len(parts) < 3:
            continue
        pts, dts = _float(parts[0]), _float(parts[1])
        if pts is None:
            continue
        packets.append(
            Packet(
                pts=pts - origin,
                dts=(dts if dts is not None else pts) - origin,
                key="K" in parts[2],
            )
        )
    return PacketWindow(packets)


def h264_keyframe_is_idr(source: SourceInfo, keyframe_dts: float, seek: float) -> bool:
    """Whether the H.264 keyframe decoded at ``keyframe_dts`` is an IDR picture (NAL type
    5). A keyframe that is only an I picture with a recovery point lets later frames refer
    to pictures before it, so copying cannot start there. (Packets are picked as in
    ``clip_parts.copy_part``: read from ``seek``, kept from the keyframe's own timestamp.)"""
    assert source.video is not None
    result = run_capture(
        [
            "ffmpeg",
            "-v",
            "error",
            "-nostdin",
            "-copyts",
            "-ss",
            f"{seek:.6f}",
            "-i",
            source.path,
            "-map",
            f"0:{source.video.index}",
            "-c",
            "copy",
            "-ss",
            f"{keyframe_dts + source.start_time - 0.001:.6f}",
            "-bsf:v",
            "h264_mp4toannexb",
            "-frames:v",
            "1",
            "-f",
            "h264",
            "pipe:1",
        ],
        timeout=PROBE_TIMEOUT_SECONDS,
    )
    return 5 in _nal_types(result.stdout)


def _nal_types(data: bytes) -> set[int]:
    types = set()
    position = data.find(b"\x00\x00\x01")
    while position != -1 and position + 3 < len(data):
        types.add(data[position + 3] & 0x1F)
        position = data.find(b"\x00\x00\x01", position + 3)
    return types


def _video_stream(stream: dict) -> VideoStream:
    color = {
        key: stream[name]
        for key, name in (
            ("color_range", "color_range"),
            ("colorspace", "color_space"),
            ("color_primaries", "color_primaries"),
            ("color_trc", "color_transfer"),
        )
        if stream.get(name) and stream[name] != "unknown"
    }
    return VideoStream(
        index=int(stream["index"]),
        codec=stream.get("codec_name") or "unknown",
        profile=stream.get("profile"),
        level=_int(stream.get("level")),
        pix_fmt=stream.get("pix_fmt"),
        width=_int(stream.get("width")) or 0,
        height=_int(stream.get("height")) or 0,
        time_base=_fraction(stream.get("time_base")) or Fraction(1, 90000),
        frame_rate=_fraction(stream.get("r_frame_rate")) or _fraction(stream.get("avg_frame_rate")),
        reorder_depth=_int(stream.get("has_b_frames")) or 0,
        field_order=stream.get("field_order"),
        color=color,
        bit_rate=_int(stream.get("bit_rate")),
    )


def _attached_picture(stream: dict) -> bool:
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _fraction(value: object) -> Fraction | None:
    try:
        fraction = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return fraction if fraction > 0 else None


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _int(value: object) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None

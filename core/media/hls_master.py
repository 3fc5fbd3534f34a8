"""Measuring finished renditions and writing the multivariant (master) playlist ourselves.

FFmpeg 5.1's master lacks AVERAGE-BANDWIDTH, FRAME-RATE and EXT-X-INDEPENDENT-SEGMENTS and
writes nominal bitrates; Apple's authoring spec wants measured ones, so the master is built
here from the segments on disk: a rendition's peak is its peak segment bitrate, its average
the total bits over the total duration. Video variants are video only; the one audio
rendition (``audio_rendition``) is an ``EXT-X-MEDIA`` audio group every variant points to,
and a variant's BANDWIDTH / AVERAGE-BANDWIDTH are its video's plus the audio's (Apple 9.13:
the largest sum of the peak segment bitrates a player fetches together).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .audio_rendition import AUDIO_GROUP, AudioRenditionInfo, find_audio_rendition
from .errors import MediaError
from .hls_segments import measure_segments
from .iframe_playlists import IFramePlaylistInfo, ensure_iframe_playlist
from .ladder_plan import RungPlan
from .tools import run_capture

log = logging.getLogger(__name__)
MASTER_NAME = "master.m3u8"
_PROFILE_CODES = {
    "Constrained Baseline": "42E0",
    "Baseline": "4200",
    "Main": "4D40",
    "High": "6400",
    "High 10": "6E00",
}


@dataclass(frozen=True, slots=True)
class RenditionInfo:
    """One video variant. ``size_bytes`` and the bandwidths are the variant's own segments
    (video only); the master adds the shared audio rendition's to the bandwidths."""

    quality: str
    playlist: str
    width: int
    height: int
    frame_rate: float
    codecs: str
    segment_count: int
    size_bytes: int
    duration: float
    average_bandwidth: int
    peak_bandwidth: int
    segment_durations: tuple[float, ...]
    method: str = "encode"
    nominal_bitrate: str = ""

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"

    def moved_to(self, playlist: Path) -> RenditionInfo:
        return replace(self, playlist=str(playlist))


def measure_rendition(playlist_path: Path, rung: RungPlan) -> RenditionInfo:
    """Measured facts of a finished rendition; ``MediaError`` when it is incomplete."""
    measured = measure_segments(playlist_path, rung.quality)
    width, height, frame_rate, codecs = _stream_facts(measured.first_segment)
    return RenditionInfo(
        quality=rung.quality,
        playlist=str(playlist_path),
        width=width,
        height=height,
        frame_rate=frame_rate,
        codecs=codecs,
        segment_count=len(measured.sizes),
        size_bytes=sum(measured.sizes),
        duration=measured.duration,
        average_bandwidth=measured.average_bandwidth,
        peak_bandwidth=measured.peak_bandwidth,
        segment_durations=tuple(measured.durations),
        method=rung.method,
        nominal_bitrate=rung.nominal_bitrate,
    )


def _stream_facts(segment: Path) -> tuple[int, int, float, str]:
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,codec_name,profile,level,width,height,avg_frame_rate,r_frame_rate",
            "-of",
            "json",
            str(segment),
        ],
        timeout=30,
    )
    if result.returncode != 0:
        raise MediaError(f"ffprobe cannot read {segment.name}")
    streams = json.loads(result.stdout or b"{}").get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None:
        raise MediaError(f"{segment.name} has no video")
    codecs = [_avc_codec(video)]
    if audio is not None:
        codecs.append("mp4a.40.2" if audio.get("codec_name") == "aac" else audio.get("codec_name"))
    rate = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")) or 0.0
    return int(video["width"]), int(video["height"]), rate, ",".join(codecs)


def _avc_codec(video: dict) -> str:
    profile = _PROFILE_CODES.get(str(video.get("profile")), "6400")
    level = int(video.get("level") or 40)
    return f"avc1.{profile}{level:02X}".lower()


def _rate(value: object) -> float | None:
    try:
        num, den = (float(x) for x in str(value).split("/"))
        return num / den if num > 0 and den > 0 else None
    except (ValueError, ZeroDivisionError):
        return None


def master_text(
    renditions: list[RenditionInfo],
    base: Path,
    audio: AudioRenditionInfo | None = None,
    iframes: dict[str, IFramePlaylistInfo] | None = None,
) -> str:
    """The multivariant playlist for ``renditions``, the shared ``audio`` rendition, if
    any, and the I-frame playlists of ``iframes`` (by rendition playlist path); URIs
    relative to ``base``."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    audio_attribute = ""
    extra_peak = extra_average = 0
    if audio is not None:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",NAME="{audio.name}",'
            f'LANGUAGE="{audio.language}",DEFAULT=YES,AUTOSELECT=YES,'
            f'CHANNELS="{audio.channels}",URI="{_relative(audio.playlist, base)}"'
        )
        audio_attribute = f',AUDIO="{AUDIO_GROUP}"'
        extra_peak, extra_average = audio.peak_bandwidth, audio.average_bandwidth
    for item in sorted(renditions, key=lambda r: r.peak_bandwidth):
        codecs = item.codecs if audio is None else f"{item.codecs},{audio.codecs}"
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={item.peak_bandwidth + extra_peak},"
            f'AVERAGE-BANDWIDTH={item.average_bandwidth + extra_average},CODECS="{codecs}",'
            f"RESOLUTION={item.width}x{item.height},FRAME-RATE={item.frame_rate:.3f}"
            f"{audio_attribute}"
        )
        lines.append(_relative(item.playlist, base))
    for item in sorted(renditions, key=lambda r: r.peak_bandwidth):
        iframe = (iframes or {}).get(item.playlist)
        if iframe is not None:
            lines.append(
                f"#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH={iframe.peak_bandwidth},"
                f'AVERAGE-BANDWIDTH={iframe.average_bandwidth},CODECS="{item.codecs}",'
                f"RESOLUTION={item.width}x{item.height},"
                f'URI="{_relative(iframe.playlist, base)}"'
            )
    return "\n".join(lines) + "\n"


def _relative(path: str, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def write_master(renditions: list[RenditionInfo], directory: Path) -> Path:
    """Write ``master.m3u8`` atomically (temporary name, then rename) for ``renditions``,
    the audio rendition found in ``directory`` (``directory/audio``), if there is one, and
    each rendition's I-frame playlist (made now unless it is already up to date)."""
    if not renditions:
        raise MediaError("no finished rendition to put in a master playlist")
    audio = find_audio_rendition(directory)
    iframes = {}
    for item in renditions:
        try:
            iframes[item.playlist] = ensure_iframe_playlist(item.playlist)
        except MediaError as error:  # trick play is optional for playback: keep the variant
            log.warning("no I-frame playlist for %s: %s", item.quality, error)
    target = directory / MASTER_NAME
    partial = directory / f".{MASTER_NAME}.partial"
    try:
        partial.write_text(master_text(renditions, directory, audio, iframes), encoding="utf-8")
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise MediaError(f"cannot write {target}: {error.strerror or error}") from None
    return target

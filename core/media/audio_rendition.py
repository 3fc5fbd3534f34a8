"""The ladder's one audio rendition: ``<output>/audio/playlist.m3u8``, shared by every video
variant through an ``EXT-X-MEDIA`` audio group (Apple's HLS authoring spec 9.5: deliver
audio and video separately), instead of the same AAC muxed (and encoded) into each variant.

The folder holds a small fingerprint of the source it was made from, so a later run in the
same output folder (a retry of one quality) reuses it only when it belongs to the same,
unchanged source, and never puts a stranger's audio beside new video.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import MediaError
from .hls_segments import measure_segments
from .language_tags import UNDETERMINED, hls_language, language_name
from .tools import run_capture

AUDIO_FOLDER = "audio"
AUDIO_GROUP = "audio"
FINGERPRINT_NAME = ".source-fingerprint"
_PLAYLIST_NAME = "playlist.m3u8"  # the same name as every video rendition's playlist
_AAC_PROFILES = {"LC": "mp4a.40.2", "HE-AAC": "mp4a.40.5", "HE-AACv2": "mp4a.40.29"}


@dataclass(frozen=True, slots=True)
class AudioRenditionInfo:
    playlist: str
    codecs: str
    channels: int
    language: str
    segment_count: int
    size_bytes: int
    duration: float
    average_bandwidth: int
    peak_bandwidth: int
    segment_durations: tuple[float, ...]

    @property
    def name(self) -> str:
        return language_name(self.language)

    def moved_to(self, playlist: Path) -> AudioRenditionInfo:
        return replace(self, playlist=str(playlist))


def audio_playlist(output_dir: str | os.PathLike[str]) -> Path:
    return Path(output_dir) / AUDIO_FOLDER / _PLAYLIST_NAME


def measure_audio_rendition(playlist_path: Path) -> AudioRenditionInfo:
    """Measured facts of a finished audio rendition; ``MediaError`` when it is incomplete."""
    measured = measure_segments(playlist_path, "audio")
    codecs, channels, language = _audio_facts(measured.first_segment)
    return AudioRenditionInfo(
        playlist=str(playlist_path),
        codecs=codecs,
        channels=channels,
        language=language,
        segment_count=len(measured.sizes),
        size_bytes=sum(measured.sizes),
        duration=measured.duration,
        average_bandwidth=measured.average_bandwidth,
        peak_bandwidth=measured.peak_bandwidth,
        segment_durations=tuple(measured.durations),
    )


def find_audio_rendition(output_dir: str | os.PathLike[str]) -> AudioRenditionInfo | None:
    """The audio rendition of ``output_dir`` when there is one (``None`` when there is no
    audio folder); ``MediaError`` when it is there but incomplete."""
    playlist = audio_playlist(output_dir)
    if not playlist.parent.exists():
        return None
    return measure_audio_rendition(playlist)


def reusable_audio(
    output_dir: str | os.PathLike[str], source: str | os.PathLike[str]
) -> AudioRenditionInfo | None:
    """The audio rendition already in ``output_dir`` when it is complete and was made from
    ``source`` as it is now (same path, size and modification time), else ``None``."""
    folder = Path(output_dir) / AUDIO_FOLDER
    try:
        recorded = (folder / FINGERPRINT_NAME).read_text(encoding="utf-8")
    except OSError:
        return None
    if recorded != source_fingerprint(source):
        return None
    try:
        return measure_audio_rendition(folder / _PLAYLIST_NAME)
    except MediaError:
        return None


def source_fingerprint(source: str | os.PathLike[str]) -> str:
    stat = os.stat(source)
    return json.dumps(
        {"source": str(Path(source).resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    )


def write_fingerprint(folder: Path, source: str | os.PathLike[str]) -> None:
    (folder / FINGERPRINT_NAME).write_text(source_fingerprint(source), encoding="utf-8")


def remove_stale_audio(output_dir: str | os.PathLike[str]) -> None:
    """Drop an audio folder left by an earlier run (for a source without audio)."""
    shutil.rmtree(Path(output_dir) / AUDIO_FOLDER, ignore_errors=True)


def source_audio_language(source: str | os.PathLike[str]) -> str:
    """The container's language tag of the source's first audio stream as ffprobe reads it
    (ISO 639-2, e.g. ``fre``: what an MPEG-TS language descriptor holds), ``und`` when
    unknown. The master converts it to RFC 5646 (``hls_language``)."""
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream_tags=language",
            "-of",
            "json",
            str(source),
        ],
        timeout=30,
    )
    if result.returncode != 0:
        return UNDETERMINED
    streams = json.loads(result.stdout or b"{}").get("streams") or [{}]
    tag = str((streams[0].get("tags") or {}).get("language") or "").strip()
    return tag if re.fullmatch(r"[A-Za-z]{3}", tag) else UNDETERMINED


def source_audio_fits(source: str | os.PathLike[str]) -> bool:
    """Whether the source's first audio stream already is what the ladder would encode
    (AAC-LC stereo at 44.1 or 48 kHz), so that a remux may copy it as it is."""
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=codec_name,profile,channels,sample_rate",
            "-of",
            "json",
            str(source),
        ],
        timeout=30,
    )
    if result.returncode != 0:
        return False
    streams = json.loads(result.stdout or b"{}").get("streams") or [{}]
    audio = streams[0]
    return (
        audio.get("codec_name") == "aac"
        and audio.get("profile") == "LC"
        and str(audio.get("channels")) == "2"
        and str(audio.get("sample_rate")) in ("44100", "48000")
    )


def _audio_facts(segment: Path) -> tuple[str, int, str]:
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=codec_name,profile,channels:stream_tags=language",
            "-of",
            "json",
            str(segment),
        ],
        timeout=30,
    )
    if result.returncode != 0:
        raise MediaError(f"ffprobe cannot read {segment.name}")
    streams = json.loads(result.stdout or b"{}").get("streams") or []
    if not streams:
        raise MediaError(f"{segment.name} has no audio")
    audio = streams[0]
    if audio.get("codec_name") == "aac":
        codecs = _AAC_PROFILES.get(str(audio.get("profile")), "mp4a.40.2")
    else:
        codecs = str(audio.get("codec_name"))
    language = hls_language((audio.get("tags") or {}).get("language"))
    return codecs, int(audio.get("channels") or 2), language

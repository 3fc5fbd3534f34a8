"""Joining encoded chunks into one HLS playlist per rung, without re-encoding.

The chunks of a rung are read back to back with ffmpeg's concat demuxer, which shifts each
chunk's timestamps to start where the previous chunk ended: timestamps are continuous and
no frame is doubled or dropped. The HLS muxer (``-c copy``) cuts 6 s segments on the
keyframes the chunks forced every GOP, so the segments fall exactly where the
single-process ladder puts them. Rungs are video only, like the single-process ladder's:
the whole-VOD audio becomes the one audio rendition (``join_audio``), ``<output>/audio``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from core.domain.media_specs import SEGMENT_SECONDS

from .audio_rendition import AUDIO_FOLDER, write_fingerprint
from .chunk_encode import audio_path, chunk_path
from .chunk_ffmpeg import CancelCheck, ProgressCallback, run_ffmpeg
from .hls_ladder import PLAYLIST_NAME, SEGMENT_PATTERN, TIMESTAMP_OFFSET_SECONDS

#: The same muxer options as the single-process ladder (core.media.hls_ladder), including
#: its timestamp offset: the rungs and the audio are joined by separate ffmpeg runs, which
#: stay in sync (and match the ladder's timestamps) only because none starts below zero.
_HLS_OPTIONS = [
    "-output_ts_offset",
    f"{TIMESTAMP_OFFSET_SECONDS:g}",
    "-f",
    "hls",
    "-hls_time",
    f"{SEGMENT_SECONDS:g}",
    "-hls_playlist_type",
    "vod",
    "-hls_flags",
    "independent_segments",
    "-hls_segment_type",
    "mpegts",
]


def _concat_line(path: Path) -> str:
    escaped = str(path.resolve()).replace("'", "'\\''")
    return f"file '{escaped}'"


def write_concat_list(work_dir: str | Path, quality: str, chunk_count: int) -> Path:
    files = [chunk_path(work_dir, quality, i) for i in range(chunk_count)]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        from .errors import MediaError

        raise MediaError(f"{quality}: chunks missing before the join: {', '.join(missing[:5])}")
    listing = Path(work_dir) / quality / "chunks.txt"
    listing.write_text(
        "ffconcat version 1.0\n" + "\n".join(_concat_line(f) for f in files) + "\n",
        encoding="utf-8",
    )
    return listing


def join_rung(
    work_dir: str | Path,
    quality: str,
    chunk_count: int,
    output_dir: str | Path,
    *,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> Path:
    """Write ``<output_dir>/<quality>/playlist.m3u8`` and its (video-only) segments from the
    chunks."""
    listing = write_concat_list(work_dir, quality, chunk_count)
    arguments = [
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing),
        "-map",
        "0:v:0",
        "-c",
        "copy",
        "-map_metadata",
        "-1",
    ]
    return _write_rendition(arguments, quality, output_dir, progress, should_cancel)


def join_audio(
    work_dir: str | Path,
    output_dir: str | Path,
    *,
    source: str,
    language: str,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> Path:
    """Write the audio rendition ``<output_dir>/audio/playlist.m3u8`` from the whole-VOD
    AAC (``-c copy``), tagged with the source's ``language`` (ISO 639-2, as the MPEG-TS
    language descriptor wants it)."""
    arguments = [
        "-i",
        str(audio_path(work_dir)),
        "-map",
        "0:a:0",
        "-c",
        "copy",
        "-map_metadata",
        "-1",
        "-metadata:s:a:0",
        f"language={language}",
    ]
    return _write_rendition(
        arguments, AUDIO_FOLDER, output_dir, progress, should_cancel, fingerprint_of=source
    )


def _write_rendition(
    arguments: list[str],
    name: str,
    output_dir: str | Path,
    progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
    fingerprint_of: str | None = None,
) -> Path:
    """Run the HLS muxer into a folder beside the final one and swap it in at the end, so
    a failed or cancelled join never leaves a half playlist where a player would find it."""
    final = Path(output_dir) / name
    # ".partial-*": the job queue clears these when a job is cancelled or fails
    staging = Path(output_dir) / f".partial-join-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    arguments = [
        *arguments,
        *_HLS_OPTIONS,
        "-hls_segment_filename",
        str(staging / SEGMENT_PATTERN),
        str(staging / PLAYLIST_NAME),
    ]
    try:
        run_ffmpeg(arguments, label=f"join {name}", progress=progress, should_cancel=should_cancel)
        if fingerprint_of is not None:
            write_fingerprint(staging, fingerprint_of)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return final / PLAYLIST_NAME

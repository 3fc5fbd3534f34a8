"""Joining encoded chunks into one HLS playlist per rung, without re-encoding.

The chunks of a rung are read back to back with ffmpeg's concat demuxer, which shifts each
chunk's timestamps to start where the previous chunk ended: timestamps are continuous and
no frame is doubled or dropped. The whole-VOD audio is muxed in, and the HLS muxer
(``-c copy``) cuts 6 s segments on the keyframes the chunks forced every GOP, so the
segments fall exactly where the single-process ladder puts them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from core.domain.media_specs import SEGMENT_SECONDS

from .chunk_encode import audio_path, chunk_path
from .chunk_ffmpeg import CancelCheck, ProgressCallback, run_ffmpeg
from .hls_ladder import PLAYLIST_NAME, SEGMENT_PATTERN


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
    listing.write_text("ffconcat version 1.0\n" + "\n".join(_concat_line(f) for f in files) + "\n",
                       encoding="utf-8")
    return listing


def join_rung(
    work_dir: str | Path,
    quality: str,
    chunk_count: int,
    output_dir: str | Path,
    *,
    with_audio: bool,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> Path:
    """Write ``<output_dir>/<quality>/playlist.m3u8`` and its segments from the chunks.

    The rung folder is built beside the final one and swapped in at the end, so a failed
    or cancelled join never leaves a half playlist where a player would find it."""
    listing = write_concat_list(work_dir, quality, chunk_count)
    final = Path(output_dir) / quality
    # ".partial-*": the job queue clears these when a job is cancelled or fails
    staging = Path(output_dir) / f".partial-join-{quality}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    arguments = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    if with_audio:
        arguments += ["-i", str(audio_path(work_dir))]
    arguments += ["-map", "0:v:0"]
    if with_audio:
        arguments += ["-map", "1:a:0"]
    arguments += [
        "-c", "copy", "-map_metadata", "-1",
        # the same muxer options as the single-process ladder (core.media.hls_ladder)
        "-f", "hls", "-hls_time", f"{SEGMENT_SECONDS:g}", "-hls_playlist_type", "vod",
        "-hls_flags", "independent_segments", "-hls_segment_type", "mpegts",
        "-hls_segment_filename", str(staging / SEGMENT_PATTERN), str(staging / PLAYLIST_NAME),
    ]
    try:
        run_ffmpeg(arguments, label=f"join {quality}", progress=progress,
                   should_cancel=should_cancel)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return final / PLAYLIST_NAME

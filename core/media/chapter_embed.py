"""FFmpeg's side of chapters inside a video: copying a video with an FFMETADATA chapter file
mapped in (``-c copy``, ``-map_metadata 0``, ``-map_chapters 1``), and reading the chapters a
file holds back with ffprobe.

The copy is written next to the target under a temporary name and renamed only after ffprobe
has read the chapters back and they match the expected ones to the millisecond, so a failed run
never leaves a half-written file and the source is never touched. What to write (the metadata
text, the expected chapters) is decided by ``core.formats.embed``.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .chunk_ffmpeg import CancelCheck, ProgressCallback, run_ffmpeg
from .errors import FFmpegMissingError, MediaError
from .processes import run

CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}
PROBE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class EmbeddedChapter:
    start_ms: int
    end_ms: int
    title: str


def embed_arguments(source: Path, metadata_file: Path, output: Path, container: str) -> list[str]:
    """ffmpeg's arguments: copy all streams and tags, chapters from the metadata file."""
    return [
        "-i",
        str(source),
        "-f",
        "ffmetadata",
        "-i",
        str(metadata_file),
        "-map",
        "0",
        "-map_metadata",
        "0",
        "-map_chapters",
        "1",
        "-c",
        "copy",
        "-f",
        container,
        str(output),
    ]


def read_chapters(path: str | os.PathLike[str]) -> list[EmbeddedChapter]:
    """The chapters ffprobe reads from ``path``, in milliseconds."""
    command = ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)]
    try:
        completed = run(command, timeout=PROBE_TIMEOUT_SECONDS, text=True)
    except FFmpegMissingError:
        raise
    except MediaError:
        raise MediaError(
            f"ffprobe took longer than {PROBE_TIMEOUT_SECONDS} s on {Path(path).name}"
        ) from None
    if completed.returncode != 0:
        raise MediaError(
            f"ffprobe could not read the chapters of {Path(path).name}: "
            f"{_last_line(completed.stderr)}"
        )
    chapters = []
    for item in json.loads(completed.stdout or "{}").get("chapters", []):
        base = Fraction(item["time_base"])
        chapters.append(
            EmbeddedChapter(
                start_ms=round(int(item["start"]) * base * 1000),
                end_ms=round(int(item["end"]) * base * 1000),
                title=(item.get("tags") or {}).get("title", ""),
            )
        )
    return chapters


def copy_with_chapters(
    source: Path,
    output: Path,
    container: str,
    metadata_text: str,
    expected: list[EmbeddedChapter],
    *,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> None:
    """Copy ``source`` to ``output`` with the chapters of ``metadata_text`` (an FFMETADATA
    file) and check that ffprobe reads ``expected`` back; nothing is left behind on failure.

    ``progress(seconds_copied)`` is called about twice a second; ``should_cancel()`` is polled
    as often and stops the copy (``MediaCancelled``)."""
    with tempfile.TemporaryDirectory(prefix="vodstudio-embed-", dir=output.parent) as folder:
        metadata_file = Path(folder) / "chapters.ffmeta"
        metadata_file.write_text(metadata_text, encoding="utf-8")
        partial = Path(folder) / f"partial{output.suffix}"
        run_ffmpeg(
            embed_arguments(source, metadata_file, partial, container),
            label="embedding chapters",
            progress=progress,
            should_cancel=should_cancel,
        )
        found = read_chapters(partial)
        if found != expected:
            raise MediaError(
                "the chapters read back from the copy differ from the ones written: expected "
                f"{_summary(expected)}, read {_summary(found)}; the copy was not kept"
            )
        os.replace(partial, output)


def _summary(chapters: list[EmbeddedChapter]) -> str:
    return ", ".join(f"{c.title!r} {c.start_ms}–{c.end_ms} ms" for c in chapters) or "none"


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no error message"

"""Chapters written into a copy of a video (MP4 or MKV) without re-encoding.

FFmpeg copies every stream (``-c copy``) and the source's metadata (``-map_metadata 0``) and
takes the chapters from an FFMETADATA file (``-map_chapters 1``). The copy is written next to
the target under a temporary name and renamed only after ffprobe has read the chapters back
and they match to the millisecond, so a failed run never leaves a half-written file and the
source is never touched.

MP4 stores chapters as start times only: a gap before the first chapter or between two
chapters cannot be kept (FFmpeg reads each chapter as lasting until the next starts, the first
from 0). For MP4 the expected chapters are those, and every such change is reported.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from core.domain.chapters import Chapter
from core.domain.errors import ValidationError
from core.domain.timefmt import format_time
from core.formats.ffmetadata import export_ffmetadata

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


@dataclass(slots=True)
class EmbedResult:
    output: Path
    chapters: list[EmbeddedChapter]
    notes: list[str] = field(default_factory=list)


def container_for(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in CONTAINERS:
        raise ValidationError(
            f"cannot embed chapters in a {suffix or 'extension-less'} file: "
            f"name the copy {' or '.join(sorted(CONTAINERS))}"
        )
    return CONTAINERS[suffix]


def expected_chapters(
    chapters: Iterable[Chapter],
    container: str,
) -> tuple[list[EmbeddedChapter], list[str]]:
    """The chapters as the container will hold them, and what had to change for it."""
    ordered = sorted(chapters, key=lambda c: c.start_time)
    stored = [EmbeddedChapter(_ms(c.start_time), _ms(c.end_time), c.title) for c in ordered]
    notes: list[str] = []
    if container in ("mp4", "mov") and stored:
        if stored[0].start_ms != 0:
            notes.append(
                f'MP4 chapters start at 0:00: "{stored[0].title}" will start at 0:00 '
                f"instead of {format_time(stored[0].start_ms / 1000, decimals=3)}"
            )
            stored[0] = EmbeddedChapter(0, stored[0].end_ms, stored[0].title)
        for index in range(len(stored) - 1):
            current, following = stored[index], stored[index + 1]
            if current.end_ms != following.start_ms:
                notes.append(
                    f'MP4 chapters cannot leave gaps: "{current.title}" will end at '
                    f"{format_time(following.start_ms / 1000, decimals=3)} (where the next "
                    f"chapter starts) instead of {format_time(current.end_ms / 1000, decimals=3)}"
                )
                stored[index] = EmbeddedChapter(current.start_ms, following.start_ms, current.title)
    return stored, notes


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


def embed_chapters(
    source: str | os.PathLike[str],
    chapters: Iterable[Chapter],
    output: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> EmbedResult:
    """Write a copy of ``source`` with ``chapters`` to ``output`` and verify them.

    ``progress(seconds_copied)`` is called about twice a second; ``should_cancel()`` is polled
    as often and stops the copy (``MediaCancelled``), leaving no file behind."""
    source_path, output_path = Path(source).expanduser(), Path(output).expanduser()
    container = container_for(output_path)
    chapter_list = list(chapters)
    if not chapter_list:
        raise ValidationError("this VOD has no chapters to embed")
    if not source_path.is_file():
        raise MediaError(f"the video file is missing: {source_path}")
    if output_path.resolve() == source_path.resolve():
        raise ValidationError(
            "the copy cannot replace the original video: choose another file name"
        )
    if output_path.exists() and not overwrite:
        raise ValidationError(f"{output_path} already exists (allow overwriting to replace it)")
    if not output_path.parent.is_dir():
        raise ValidationError(f"the folder {output_path.parent} does not exist")
    expected, notes = expected_chapters(chapter_list, container)
    metadata_text = export_ffmetadata(
        Chapter(id=str(i), title=c.title, start_time=c.start_ms / 1000, end_time=c.end_ms / 1000)
        for i, c in enumerate(expected)
    )
    with tempfile.TemporaryDirectory(prefix="vodstudio-embed-", dir=output_path.parent) as folder:
        metadata_file = Path(folder) / "chapters.ffmeta"
        metadata_file.write_text(metadata_text, encoding="utf-8")
        partial = Path(folder) / f"partial{output_path.suffix}"
        run_ffmpeg(
            embed_arguments(source_path, metadata_file, partial, container),
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
        os.replace(partial, output_path)
    return EmbedResult(output_path, expected, notes)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _summary(chapters: list[EmbeddedChapter]) -> str:
    return ", ".join(f"{c.title!r} {c.start_ms}–{c.end_ms} ms" for c in chapters) or "none"


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no error message"

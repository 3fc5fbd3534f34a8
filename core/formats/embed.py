"""Chapters written into a copy of a video (MP4 or MKV) without re-encoding.

This decides what to write: the container from the copy's name, the chapters as that container
can hold them, and the FFMETADATA text; ``core.media.chapter_embed`` runs ffmpeg, reads the
chapters back and keeps the copy only when they match.

MP4 stores chapters as start times only: a gap before the first chapter or between two
chapters cannot be kept (FFmpeg reads each chapter as lasting until the next starts, the first
from 0). For MP4 the expected chapters are those, and every such change is reported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.chapters import Chapter
from core.domain.errors import ValidationError
from core.domain.timefmt import format_time
from core.media.chapter_embed import CONTAINERS, EmbeddedChapter, copy_with_chapters
from core.media.chunk_ffmpeg import CancelCheck, ProgressCallback
from core.media.errors import MediaError

from .ffmetadata import export_ffmetadata


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
    copy_with_chapters(
        source_path,
        output_path,
        container,
        metadata_text,
        expected,
        progress=progress,
        should_cancel=should_cancel,
    )
    return EmbedResult(output_path, expected, notes)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)

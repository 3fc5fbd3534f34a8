"""Chapter export, import and the YouTube check for a VOD in the library.

Imports and the YouTube fix go through ``ChapterService.change``, so the whole file is validated
and stored in one transaction: it applies completely or not at all. Each result carries the
change set it stored, so the GUI can undo an import (or a YouTube fix) in one step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.changes import ChangeSet
from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import ValidationError
from core.library.chapters import Changed, ChapterService, replace_every_chapter
from core.media.chapter_embed import CONTAINERS, read_chapters
from core.store.models import new_id

from .embed import EmbedResult, embed_chapters
from .entries import FormatError, ParsedEntry, resolve_entries
from .files import FileWriteError, write_text_file
from .importing import plan_import
from .registry import (
    EXPORT_FORMATS,
    TEXT_IMPORT_FORMATS,
    check_format,
    detect_format,
    export_chapters,
    fallback_title,
    parse_chapters,
)
from .youtube import YoutubeFix, YoutubeProblem, check_youtube, fix_for_youtube, youtube_stamps

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class YoutubeRulesError(ValidationError):
    """YouTube text was asked for, but YouTube would ignore these chapters."""

    def __init__(self, problems: list[YoutubeProblem]) -> None:
        super().__init__(
            "YouTube would ignore these chapters: "
            + "; ".join(p.message for p in problems)
            + " (fix them with --fix-youtube, or export anyway with --ignore-rules)"
        )
        self.problems = problems


@dataclass(slots=True)
class ExportResult:
    format: str
    text: str
    chapters: list[Chapter]
    problems: list[YoutubeProblem] = field(default_factory=list)  # YouTube rules still broken
    changes: list[str] = field(default_factory=list)  # what the YouTube fix changed


@dataclass(slots=True)
class ImportResult:
    format: str
    added: list[Chapter]
    chapters: list[Chapter]  # all chapters of the VOD after the import
    changes: (
        ChangeSet  # what the import stored: ``ChapterService.apply(changes.inverse())`` undoes it
    )


@dataclass(slots=True)
class YoutubeCheck:
    problems: list[YoutubeProblem]
    fix: YoutubeFix


def read_text_file(path: str | Path) -> str:
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"{file} is {size} bytes; a chapter file is at most "
                f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB"
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"file not found: {file}") from None
    except IsADirectoryError:
        raise ValidationError(f"{file} is a folder, not a chapter file") from None
    except OSError as error:
        raise ValidationError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(f"{file.name} line {line}: not UTF-8 text") from None


def is_video_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in CONTAINERS


def video_chapter_entries(path: str | Path) -> list[ParsedEntry]:
    """The chapters stored inside a video file, numbered 1, 2, … in place of lines."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValidationError(f"file not found: {file}")
    chapters = read_chapters(file)
    if not chapters:
        raise ValidationError(f"{file.name} has no chapters inside")
    return [
        ParsedEntry(start=c.start_ms / 1000, end=c.end_ms / 1000, title=c.title, line=number)
        for number, c in enumerate(chapters, start=1)
    ]


class ChapterFormats:
    def __init__(self, chapters: ChapterService, vods=None) -> None:
        self._chapters = chapters
        self._vods = vods  # a ``VodLibrary``: only ``embed`` needs it (for the video file)

    # --- embed ---------------------------------------------------------------------------
    def embed(
        self,
        vod_ref: str,
        output: str | Path,
        *,
        overwrite: bool = False,
        progress: Callable[[float], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> EmbedResult:
        """Write a copy of the VOD's video with its chapters inside (streams copied, read back
        with ffprobe). ``progress`` gets the fraction copied (0..1); ``should_cancel()``
        stops the copy and leaves no file behind. Returns the ``EmbedResult``."""
        if self._vods is None:
            raise ValidationError(
                "embedding needs the VOD library (ChapterFormats(chapters, vods))"
            )
        vod = self._vods.get(vod_ref)
        duration = vod.duration or 0.0
        chapters = self._chapters.list(vod.id).chapters

        def copied(seconds: float) -> None:
            if progress is not None and duration > 0:
                progress(max(0.0, min(1.0, seconds / duration)))

        try:
            return embed_chapters(
                vod.file_path,
                chapters,
                output,
                overwrite=overwrite,
                progress=copied,
                should_cancel=should_cancel,
            )
        except OSError as error:  # e.g. its temporary folder on a full or read-only disk
            raise FileWriteError(
                f"cannot write the copy {Path(output).expanduser()}: {error.strerror or error}"
            ) from None

    # --- export --------------------------------------------------------------------------
    def export(
        self,
        vod_ref: str,
        fmt: str,
        *,
        fix_youtube: bool = False,
        ignore_youtube_rules: bool = False,
    ) -> ExportResult:
        """The VOD's chapters as text. For ``youtube`` the rules are checked first: broken
        rules refuse the export unless ``fix_youtube`` fixes them (the stored chapters are
        not changed) or ``ignore_youtube_rules`` exports them anyway (``problems`` lists them)."""
        fmt = check_format(fmt, EXPORT_FORMATS)
        listing = self._chapters.list(vod_ref)
        return export_listing(
            listing.vod_id,
            ChapterTimeline.from_stored(listing.duration, listing.chapters),
            fmt,
            fix_youtube=fix_youtube,
            ignore_youtube_rules=ignore_youtube_rules,
        )

    def export_to_file(
        self,
        vod_ref: str,
        fmt: str,
        path: str | Path,
        *,
        overwrite: bool = False,
        fix_youtube: bool = False,
        ignore_youtube_rules: bool = False,
    ) -> ExportResult:
        """``export`` written to ``path`` atomically (``files.write_text_file``): a full or
        read-only disk raises ``FileWriteError`` and leaves no truncated file."""
        result = self.export(
            vod_ref, fmt, fix_youtube=fix_youtube, ignore_youtube_rules=ignore_youtube_rules
        )
        write_text_file(path, result.text, overwrite=overwrite)
        return result

    def check_youtube(self, vod_ref: str) -> YoutubeCheck:
        return youtube_check(self._chapters.timeline(vod_ref))

    def apply_youtube_fix(self, vod_ref: str) -> Changed[YoutubeFix]:
        """Store the YouTube fix (one transaction); the result's ``changes`` undo it."""

        def fix_timeline(timeline: ChapterTimeline) -> YoutubeFix:
            fix = fix_for_youtube(timeline.chapters, timeline.duration, id_factory=new_id)
            if fix.changes:
                replace_every_chapter(timeline, fix.chapters)
                fix.chapters = timeline.chapters
            return fix

        return self._chapters.change(vod_ref, fix_timeline)

    # --- import --------------------------------------------------------------------------
    def import_text(
        self,
        vod_ref: str,
        text: str,
        fmt: str = "auto",
        *,
        filename: str | None = None,
        replace: bool = False,
    ) -> ImportResult:
        """Read chapters in ``fmt`` (or detect it) and add them to, or with ``replace`` put
        them in place of, the VOD's chapters. Nothing changes when anything is refused."""
        name = (
            detect_format(text, filename)
            if fmt in ("auto", "", None)
            else check_format(fmt, TEXT_IMPORT_FORMATS)
        )
        return self._import_entries(vod_ref, name, parse_chapters(name, text), replace=replace)

    def _import_entries(
        self, vod_ref: str, name: str, entries: list[ParsedEntry], *, replace: bool
    ) -> ImportResult:
        def import_into(timeline: ChapterTimeline) -> set[str]:
            imported = resolve_entries(
                entries, timeline.duration, fallback_title=fallback_title(name)
            )
            combined, added = plan_import(
                timeline.chapters, imported, timeline.duration, replace=replace, id_factory=new_id
            )
            replace_every_chapter(timeline, combined)
            return {c.id for c in added}

        changed = self._chapters.change(vod_ref, import_into)
        added_stored = [c for c in changed.chapters if c.id in changed.value]
        return ImportResult(name, added_stored, changed.chapters, changed.changes)

    def import_file(
        self, vod_ref: str, path: str | Path, fmt: str = "auto", *, replace: bool = False
    ) -> ImportResult:
        """A chapter file, or a video's own chapters (MP4/MKV/MOV, e.g. OBS chapter markers
        or a file written by ``chapters embed``) with format ``video`` or detected by its
        extension."""
        if fmt == "video" or (fmt in ("auto", "", None) and is_video_file(path)):
            try:
                return self._import_entries(
                    vod_ref, "video", video_chapter_entries(path), replace=replace
                )
            except FormatError as error:
                if error.line is None:
                    raise
                reason = str(error).removeprefix(f"line {error.line}: ")
                named = FormatError(f"{Path(path).name} chapter {error.line}: {reason}")
                named.line = error.line
                raise named from None
        try:
            return self.import_text(
                vod_ref, read_text_file(path), fmt, filename=str(path), replace=replace
            )
        except FormatError as error:
            named = FormatError(
                f"{Path(path).name} {error}" if error.line else f"{Path(path).name}: {error}"
            )
            named.line = error.line
            raise named from None


def export_listing(
    vod_id: str,
    timeline: ChapterTimeline,
    fmt: str,
    *,
    fix_youtube: bool = False,
    ignore_youtube_rules: bool = False,
) -> ExportResult:
    """``ChapterFormats.export`` of chapters already in memory (e.g. the editor's timeline)."""
    fmt = check_format(fmt, EXPORT_FORMATS)
    chapters, changes, problems = timeline.chapters, [], []
    if fmt == "youtube":
        if fix_youtube:
            fixed = fix_for_youtube(chapters, timeline.duration)
            chapters, changes, problems = fixed.chapters, fixed.changes, fixed.remaining
        else:
            problems = check_youtube(youtube_stamps(chapters), timeline.duration)
        if problems and not ignore_youtube_rules:
            raise YoutubeRulesError(problems)
    text = export_chapters(fmt, chapters, video_id=vod_id)
    return ExportResult(fmt, text, chapters, problems, changes)


def youtube_check(timeline: ChapterTimeline) -> YoutubeCheck:
    """YouTube's rules checked on chapters in memory, and the fix that would satisfy them."""
    chapters = timeline.chapters
    return YoutubeCheck(
        check_youtube(youtube_stamps(chapters), timeline.duration),
        fix_for_youtube(chapters, timeline.duration, id_factory=new_id),
    )

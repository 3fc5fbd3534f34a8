"""What every chapter file format parses into, and how markers become chapters.

Parsers return ``ParsedEntry`` rows that remember their line in the file, so every refusal
can say where the problem is. An entry without an end is a *marker* (a YouTube timestamp, a
Twitch stream marker, a LosslessCut segment with an empty end): it becomes a chapter that
lasts until the next entry starts, the last one until the end of the video.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.domain.chapters import (
    TITLE_MAX_LENGTH,
    ChapterSource,
    clean_confidence,
    clean_description,
)
from core.domain.errors import ValidationError
from core.domain.timefmt import format_time

# Containers and tools disagree about a video's duration by up to a frame or two (MP4 vs MKV,
# audio priming); an end this close past the VOD's end is taken to mean "the end".
END_TOLERANCE_SECONDS = 1.0


class FormatError(ValidationError):
    """A chapter file that cannot be read, with the line that is wrong."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    start: float
    end: float | None
    title: str
    line: int
    description: str = ""
    source: ChapterSource = ChapterSource.MANUAL
    confidence_score: float | None = None


@dataclass(frozen=True, slots=True)
class ImportedChapter:
    """One chapter read from a file, with its final times and the line it came from."""

    title: str
    start_time: float
    end_time: float
    line: int
    description: str = ""
    source: ChapterSource = ChapterSource.MANUAL
    confidence_score: float | None = None

    def describe(self) -> str:
        return f'"{self.title}" ({format_time(self.start_time)}–{format_time(self.end_time)})'


def resolve_entries(
    entries: Iterable[ParsedEntry],
    duration: float,
    *,
    fallback_title: str = "Chapter {n}",
) -> list[ImportedChapter]:
    """Chapters from parsed entries: markers get their ends, everything is checked.

    Refused with the offending line: a start at or past the end of the video, two entries
    starting at the same time, an end before its start, an end past the video, entries that
    overlap each other, a title that is too long.
    """
    ordered = sorted(entries, key=lambda e: (e.start, e.line))
    if not ordered:
        raise FormatError("no chapters found in the file")
    for entry in ordered:
        if entry.start >= duration:
            raise FormatError(
                f"starts at {format_time(entry.start)}, at or past the end of the video "
                f"({format_time(duration)})",
                line=entry.line,
            )
    chapters: list[ImportedChapter] = []
    for index, entry in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None and following.start == entry.start:
            raise FormatError(
                f"starts at {format_time(entry.start)}, the same time as line {entry.line}",
                line=following.line,
            )
        end = entry.end
        if end is None:
            end = following.start if following is not None else duration
        if end <= entry.start:
            raise FormatError(
                f"ends at {format_time(end)}, not after its start {format_time(entry.start)}",
                line=entry.line,
            )
        if end > duration:
            if end > duration + END_TOLERANCE_SECONDS:
                raise FormatError(
                    f"ends at {format_time(end)}, past the end of the video "
                    f"({format_time(duration)})",
                    line=entry.line,
                )
            end = duration
        if following is not None and end > following.start:
            raise FormatError(
                f"{format_time(entry.start)}–{format_time(end)} overlaps the chapter of line "
                f"{following.line} starting at {format_time(following.start)}",
                line=entry.line,
            )
        title = " ".join(entry.title.split()) or fallback_title.format(n=index + 1)
        if len(title) > TITLE_MAX_LENGTH:
            raise FormatError(
                f"title is {len(title)} characters long; the limit is {TITLE_MAX_LENGTH}",
                line=entry.line,
            )
        try:
            description = clean_description(entry.description)
            confidence = clean_confidence(entry.confidence_score)
        except ValidationError as error:
            raise FormatError(str(error), line=entry.line) from None
        if entry.source != ChapterSource.AI:
            confidence = None
        chapters.append(
            ImportedChapter(
                title=title,
                start_time=entry.start,
                end_time=end,
                line=entry.line,
                description=description,
                source=entry.source,
                confidence_score=confidence,
            )
        )
    return chapters

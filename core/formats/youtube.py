"""YouTube description chapters: ``0:00 Title`` lines, YouTube's rules, and a fix for them.

Export writes whole seconds, rounding every start *down*, so a chapter never starts later on
YouTube than in VOD Studio (at worst it starts up to a second early). ``m:ss`` is used under
an hour and ``h:mm:ss`` from an hour on, as YouTube shows them.

YouTube ignores the whole list, silently, when one rule is broken: the first timestamp must
be 0:00, there must be at least three, ascending, each chapter at least 10 s long. YouTube
measures a chapter from its timestamp to the next one (the last to the end of the video), so
the rules are checked on exactly that view of the chapters.
"""

from __future__ import annotations

import itertools
import math
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from core.domain.chapters import Chapter, ChapterSource
from core.domain.errors import ValidationError
from core.domain.timefmt import parse_time

from .entries import FormatError, ParsedEntry

MIN_CHAPTERS = 3
MIN_CHAPTER_SECONDS = 10
INTRO_TITLE = "Intro"

_STAMP = r"\d+(?::\d{1,2}){1,2}(?:\.\d+)?"
# "1:02 Title", "[1:02] Title", "(1:02) - Title", "• 1:02: Title", "3. 01:02:03 – Title"
_LEADING = re.compile(
    r"^\s*(?:(?:[-*•·]|\d+[.)])\s+)?"  # an optional bullet or list number
    rf"[\[(]?(?P<stamp>{_STAMP})[\])]?"
    r"(?:\s*[-–—:|]\s*|\s+|$)(?P<title>.*)$"
)
# "Title - 1:02", "Title (1:02)"
_TRAILING = re.compile(rf"^\s*(?P<title>.*?)\s*[-–—:|]?\s*[\[(]?(?P<stamp>{_STAMP})[\])]?\s*$")


def format_stamp(seconds: float) -> str:
    """Whole seconds, rounded down: ``0:00``, ``12:05``, ``1:02:03``."""
    whole = math.floor(seconds + 1e-9)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class YoutubeStamp:
    seconds: int
    title: str


def youtube_stamps(chapters: Iterable[Chapter]) -> list[YoutubeStamp]:
    ordered = sorted(chapters, key=lambda c: c.start_time)
    return [YoutubeStamp(math.floor(c.start_time + 1e-9), c.title) for c in ordered]


def export_youtube(chapters: Iterable[Chapter]) -> str:
    return "".join(f"{format_stamp(s.seconds)} {s.title}\n" for s in youtube_stamps(chapters))


def parse_youtube(text: str) -> list[ParsedEntry]:
    """Timestamp lines as markers. Blank lines and a leading ``Chapters:`` heading are skipped;
    any other line without a timestamp is refused with its line number."""
    entries: list[ParsedEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        match = _LEADING.match(line) or _TRAILING.match(line)
        if match is None:
            if not entries and line.endswith(":") and not any(ch.isdigit() for ch in line):
                continue  # a heading such as "Chapters:" or "Timestamps:"
            raise FormatError(
                f"no timestamp in {_shorten(line)!r} (expected a line like '1:02 Title')",
                line=number,
            )
        try:
            start = parse_time(match.group("stamp"))
        except ValidationError as error:
            raise FormatError(str(error), line=number) from None
        entries.append(
            ParsedEntry(start=start, end=None, title=match.group("title").strip(), line=number)
        )
    return entries


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- rules ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class YoutubeProblem:
    rule: str  # first-at-zero | min-count | min-length | ascending
    message: str


def youtube_lengths(stamps: list[YoutubeStamp], duration: float | None) -> list[float | None]:
    """Each chapter's length as YouTube measures it: to the next timestamp or the video's end."""
    lengths: list[float | None] = []
    for index, stamp in enumerate(stamps):
        if index + 1 < len(stamps):
            lengths.append(stamps[index + 1].seconds - stamp.seconds)
        else:
            lengths.append(None if duration is None else duration - stamp.seconds)
    return lengths


def check_youtube(stamps: list[YoutubeStamp], duration: float | None) -> list[YoutubeProblem]:
    """Every YouTube rule these timestamps break (an empty list when YouTube will show them)."""
    problems: list[YoutubeProblem] = []
    if stamps and stamps[0].seconds != 0:
        problems.append(
            YoutubeProblem(
                "first-at-zero",
                f'the first chapter must start at 0:00; "{stamps[0].title}" starts at '
                f"{format_stamp(stamps[0].seconds)}",
            )
        )
    if len(stamps) < MIN_CHAPTERS:
        problems.append(
            YoutubeProblem(
                "min-count",
                f"YouTube needs at least {MIN_CHAPTERS} chapters; there "
                f"{'is' if len(stamps) == 1 else 'are'} {len(stamps)}",
            )
        )
    for previous, stamp in itertools.pairwise(stamps):
        if stamp.seconds <= previous.seconds:
            problems.append(
                YoutubeProblem(
                    "ascending",
                    f'timestamps must ascend: "{stamp.title}" at {format_stamp(stamp.seconds)} '
                    f'does not come after "{previous.title}" at {format_stamp(previous.seconds)}',
                )
            )
    for stamp, length in zip(stamps, youtube_lengths(stamps, duration), strict=False):
        if length is not None and 0 <= length < MIN_CHAPTER_SECONDS:
            problems.append(
                YoutubeProblem(
                    "min-length",
                    f'chapter "{stamp.title}" at {format_stamp(stamp.seconds)} is {_seconds(length)} '
                    f"long; YouTube needs at least {MIN_CHAPTER_SECONDS} s",
                )
            )
    return problems


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + " s"


# --- fix -----------------------------------------------------------------------------------
@dataclass(slots=True)
class YoutubeFix:
    """Chapters changed to meet YouTube's rules, what was changed, and what is still broken."""

    chapters: list[Chapter]
    changes: list[str] = field(default_factory=list)
    remaining: list[YoutubeProblem] = field(default_factory=list)


def fix_for_youtube(
    chapters: Iterable[Chapter],
    duration: float,
    *,
    id_factory: Callable[[], str] = lambda: uuid.uuid4().hex,
    intro_title: str = INTRO_TITLE,
) -> YoutubeFix:
    """Insert an intro at 0:00 and merge chapters shorter than 10 s into a neighbour.

    A gap of 10 s or more before the first chapter becomes an ``Intro`` chapter; a shorter one
    is given to the first chapter (an intro that short would itself break the rules). A short
    chapter is merged into the chapter before it, whose title is kept; the first chapter has
    none, so it is merged into the next one. The shortest is merged first, and merging repeats
    until every chapter is long enough or one chapter is left. The result never overlaps and
    is a valid timeline; rules that cannot be fixed this way (fewer than three chapters) are
    returned in ``remaining``.
    """
    result = sorted(chapters, key=lambda c: c.start_time)
    changes: list[str] = []
    if result and math.floor(result[0].start_time + 1e-9) > 0:
        first = result[0]
        if first.start_time >= MIN_CHAPTER_SECONDS:
            intro = Chapter(
                id=id_factory(),
                title=intro_title,
                start_time=0.0,
                end_time=first.start_time,
                source=ChapterSource.MANUAL,
            )
            result.insert(0, intro)
            changes.append(f'added "{intro_title}" at 0:00 up to {format_stamp(first.start_time)}')
        else:
            result[0] = replace(first, start_time=0.0)
            changes.append(
                f'"{first.title}" now starts at 0:00 instead of {format_stamp(first.start_time)}'
            )
    while len(result) > 1:
        lengths = youtube_lengths(youtube_stamps(result), duration)
        short = [
            (length, i)
            for i, length in enumerate(lengths)
            if length is not None and length < MIN_CHAPTER_SECONDS
        ]
        if not short:
            break
        length, index = min(short)
        chapter = result[index]
        if index == 0:
            neighbour = result[1]
            result[1] = replace(neighbour, start_time=chapter.start_time)
        else:
            neighbour = result[index - 1]
            result[index - 1] = replace(
                neighbour, end_time=max(neighbour.end_time, chapter.end_time)
            )
        del result[index]
        changes.append(
            f'merged "{chapter.title}" ({format_stamp(chapter.start_time)}, {_seconds(length)}) '
            f'into "{neighbour.title}"'
        )
    result = [replace(c, order=i) for i, c in enumerate(result)]
    return YoutubeFix(result, changes, check_youtube(youtube_stamps(result), duration))

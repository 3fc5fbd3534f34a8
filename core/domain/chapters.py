"""Chapters of one VOD and the platform's rules for them.

A chapter covers ``[start_time, end_time)`` seconds with ``0 ≤ start < end ≤ duration``.
Chapters of one VOD never overlap; touching (``end == next.start``) is allowed. Because of
that, ordering by start time is also ordering by end time, which lets every lookup and
overlap check run in O(log n) with ``bisect``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .errors import NotFoundError, OverlapError, ValidationError
from .text import clean_line, clean_multiline
from .timefmt import format_time

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
MIN_AI_CHAPTER_SECONDS = 1.0


class ChapterSource(StrEnum):
    MANUAL = "manual"
    AI = "ai"


def parse_source(value: str) -> ChapterSource:
    try:
        return ChapterSource(str(value).strip().lower())
    except ValueError:
        raise ValidationError(f"unknown chapter source {value!r}: use manual or ai") from None


@dataclass(frozen=True, slots=True)
class Chapter:
    id: str
    title: str
    start_time: float
    end_time: float
    source: ChapterSource = ChapterSource.MANUAL
    description: str = ""
    confidence_score: float | None = None
    thumbnail_url: str | None = None
    order: int = 0

    @property
    def duration(self) -> float:
        return self.end_time - self.start_time

    def describe(self) -> str:
        """``"Intro" (0:00–2:00)``, used in messages about this chapter."""
        return f'"{self.title}" ({format_time(self.start_time)}–{format_time(self.end_time)})'


@dataclass(frozen=True, slots=True)
class ChapterDraft:
    """A proposed chapter before it has an id, e.g. one of an AI answer."""

    title: str
    start_time: float
    end_time: float
    description: str = ""
    confidence_score: float | None = None


def clean_title(title: object) -> str:
    text = clean_line(title)
    if not text:
        raise ValidationError("chapter title is required and cannot be blank", field="title")
    if len(text) > TITLE_MAX_LENGTH:
        raise ValidationError(
            f"chapter title is {len(text)} characters long; the limit is {TITLE_MAX_LENGTH}",
            field="title",
        )
    return text


def clean_description(description: object) -> str:
    text = clean_multiline(description)
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            f"chapter description is {len(text)} characters long; "
            f"the limit is {DESCRIPTION_MAX_LENGTH}",
            field="description",
        )
    return text


def clean_confidence(value: object) -> float | None:
    if value is None:
        return None
    try:
        score = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(
            f"confidence_score must be a number in [0, 1], got {value!r}",
            field="confidence_score",
        ) from None
    if math.isnan(score) or not 0.0 <= score <= 1.0:
        raise ValidationError(
            f"confidence_score must be in [0, 1], got {value}", field="confidence_score"
        )
    return score


def validate_time_range(start: object, end: object, duration: float) -> tuple[float, float]:
    """``(start, end)`` as floats when ``0 ≤ start < end ≤ duration``, else ``ValidationError``
    naming the time at fault (an end at or before the start is the end's)."""
    start_s = _finite(start, "start_time")
    end_s = _finite(end, "end_time")
    if start_s < 0:
        raise ValidationError(f"start_time cannot be negative, got {start_s:g}", field="start_time")
    if start_s >= end_s:
        raise ValidationError(
            f"start_time ({format_time(start_s)}) must be before end_time ({format_time(end_s)})",
            field="end_time",
        )
    if end_s > duration + 1e-9:
        raise ValidationError(
            f"end_time {format_time(end_s)} is past the end of the video ({format_time(duration)})",
            field="end_time",
        )
    return start_s, min(end_s, duration)


def _finite(value: object, name: str) -> float:
    if isinstance(value, bool):
        raise ValidationError(f"{name} must be a number of seconds, got {value!r}", field=name)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(
            f"{name} must be a number of seconds, got {value!r}", field=name
        ) from None
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(f"{name} must be a finite number of seconds, got {value}", field=name)
    return number


@dataclass(frozen=True, slots=True)
class ChapterFilter:
    """The platform's list filters."""

    source: ChapterSource | None = None
    search: str | None = None
    min_confidence: float | None = None

    def matches(self, chapter: Chapter) -> bool:
        if self.source is not None and chapter.source != self.source:
            return False
        if self.search:
            needle = self.search.casefold()
            if (
                needle not in chapter.title.casefold()
                and needle not in chapter.description.casefold()
            ):
                return False
        # As on the platform: a chapter without a score (every manual one) has not reached
        # any minimum confidence, so a threshold shows scored chapters only.
        return not (
            self.min_confidence is not None
            and (chapter.confidence_score is None or chapter.confidence_score < self.min_confidence)
        )


@dataclass(slots=True)
class AiReplacement:
    """What replacing the AI chapters did: the new AI chapters and every repair made."""

    added: list[Chapter] = field(default_factory=list)
    removed: list[Chapter] = field(default_factory=list)
    adjustments: list[str] = field(default_factory=list)


class ChapterTimeline:
    """The chapters of one VOD, sorted and non-overlapping, with O(log n) lookups.

    Every mutation validates first and changes nothing when it raises.
    """

    def __init__(self, duration: float, chapters: Iterable[Chapter] = ()) -> None:
        if not isinstance(duration, (int, float)) or math.isnan(duration) or duration <= 0:
            raise ValidationError(f"video duration must be a positive number, got {duration!r}")
        self.duration = float(duration)
        self._chapters: list[Chapter] = []
        self._starts: list[float] = []
        self._by_id: dict[str, Chapter] = {}
        # Pairs of stored chapters that overlap (see ``from_stored``); empty in a sound timeline.
        self._overlaps: list[tuple[Chapter, Chapter]] = []
        for chapter in sorted(chapters, key=lambda c: c.start_time):
            self._insert_checked(chapter)
        self._renumber_from(0)

    @classmethod
    def from_stored(cls, duration: float, chapters: Iterable[Chapter]) -> ChapterTimeline:
        """The chapters as stored, kept even when some of them overlap.

        An overlap can only come from outside these rules (a version without the write lock,
        another tool writing the file), and it must not lock the VOD: it stays listable,
        exportable and repairable. ``overlaps`` names each pair; a change may delete or move
        one of a pair, and never makes a new overlap.
        """
        timeline = cls(duration)
        for chapter in sorted(chapters, key=lambda c: c.start_time):
            if chapter.id in timeline._by_id:
                raise ValidationError(f"chapter id {chapter.id} appears twice")
            position = bisect.bisect_right(timeline._starts, chapter.start_time)
            timeline._starts.insert(position, chapter.start_time)
            timeline._chapters.insert(position, chapter)
            timeline._by_id[chapter.id] = chapter
        timeline._renumber_from(0)
        timeline._find_overlaps()
        return timeline

    # --- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._chapters)

    def __iter__(self) -> Iterator[Chapter]:
        return iter(self._chapters)

    @property
    def chapters(self) -> list[Chapter]:
        return list(self._chapters)

    def get(self, chapter_id: str) -> Chapter:
        try:
            return self._by_id[chapter_id]
        except KeyError:
            raise NotFoundError(f"chapter {chapter_id} not found") from None

    def index_of(self, chapter_id: str) -> int:
        chapter = self.get(chapter_id)
        return self._position_of(chapter)

    @property
    def overlaps(self) -> list[tuple[Chapter, Chapter]]:
        """Pairs of stored chapters that overlap, earlier start first (see ``from_stored``)."""
        return list(self._overlaps)

    def filtered(self, chapter_filter: ChapterFilter) -> list[Chapter]:
        return [c for c in self._chapters if chapter_filter.matches(c)]

    def at_time(self, seconds: float) -> Chapter:
        """The chapter with ``start ≤ t < end``; the last chapter also holds ``t == end``."""
        t = _finite(seconds, "timestamp")
        if self._overlaps:
            covering = [c for c in self._chapters if c.start_time <= t < c.end_time]
            if covering:
                return covering[-1]
        position = bisect.bisect_right(self._starts, t) - 1
        if position >= 0:
            chapter = self._chapters[position]
            if t < chapter.end_time:
                return chapter
            if position == len(self._chapters) - 1 and t == chapter.end_time:
                return chapter
        raise NotFoundError(f"no chapter covers {format_time(t)}")

    def next(self, chapter_id: str) -> Chapter:
        position = self.index_of(chapter_id)
        if position + 1 >= len(self._chapters):
            raise NotFoundError(f"chapter {self.get(chapter_id).describe()} is the last chapter")
        return self._chapters[position + 1]

    def previous(self, chapter_id: str) -> Chapter:
        position = self.index_of(chapter_id)
        if position == 0:
            raise NotFoundError(f"chapter {self.get(chapter_id).describe()} is the first chapter")
        return self._chapters[position - 1]

    def find_overlap(
        self, start: float, end: float, *, ignore_id: str | None = None
    ) -> Chapter | None:
        """The chapter that ``[start, end)`` would overlap, if any.

        Chapters are disjoint and sorted, so the only candidates are the one or two with the
        largest start below ``end`` (two when one of them is the chapter being moved).
        """
        if self._overlaps:  # sorted starts no longer bound the ends: look at every chapter
            return next(
                (
                    c
                    for c in self._chapters
                    if c.id != ignore_id and c.start_time < end and c.end_time > start
                ),
                None,
            )
        position = bisect.bisect_left(self._starts, end) - 1
        while position >= 0:
            candidate = self._chapters[position]
            if candidate.id != ignore_id:
                return candidate if candidate.end_time > start else None
            position -= 1
        return None

    def free_range_around(
        self, seconds: float, *, ignore_id: str | None = None
    ) -> tuple[float, float]:
        """The widest ``[lo, hi]`` containing ``seconds`` that no other chapter occupies.

        The timeline editor clamps drags to this, so an overlap can never be drawn.
        """
        lo, hi = 0.0, self.duration
        position = bisect.bisect_right(self._starts, seconds) - 1
        before = position
        while before >= 0 and self._chapters[before].id == ignore_id:
            before -= 1
        if before >= 0:
            lo = max(lo, self._chapters[before].end_time)
        after = position + 1
        while after < len(self._chapters) and self._chapters[after].id == ignore_id:
            after += 1
        if after < len(self._chapters):
            hi = min(hi, self._chapters[after].start_time)
        return lo, hi

    # --- validation ----------------------------------------------------------------------
    def check_range(
        self, start: object, end: object, *, ignore_id: str | None = None
    ) -> tuple[float, float]:
        start_s, end_s = validate_time_range(start, end, self.duration)
        collision = self.find_overlap(start_s, end_s, ignore_id=ignore_id)
        if collision is not None:
            raise OverlapError(
                f"{format_time(start_s)}–{format_time(end_s)} overlaps chapter "
                f"{collision.describe()}",
                conflicting_id=collision.id,
                field=_overlapping_field(start_s, collision),
            )
        return start_s, end_s

    # --- mutations -----------------------------------------------------------------------
    def add(self, chapter: Chapter) -> Chapter:
        if chapter.id in self._by_id:
            raise ValidationError(f"chapter id {chapter.id} already exists")
        checked = self._validated(chapter, ignore_id=None)
        position = self._insert_checked(checked)
        self._renumber_from(position)
        if self._overlaps:
            self._find_overlaps()
        return self._chapters[position]

    def update(self, chapter_id: str, **changes: object) -> Chapter:
        current = self.get(chapter_id)
        allowed = {
            "title",
            "description",
            "start_time",
            "end_time",
            "thumbnail_url",
            "confidence_score",
            "source",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError(f"cannot update {', '.join(sorted(unknown))} of a chapter")
        candidate = replace(current, **changes)  # type: ignore[arg-type]
        checked = self._validated(candidate, ignore_id=chapter_id)
        old_position = self._remove_at(self._position_of(current))
        new_position = self._insert_checked(checked)
        self._renumber_from(min(old_position, new_position))
        if self._overlaps:
            self._find_overlaps()
        return self._chapters[new_position]

    def remove(self, chapter_id: str) -> Chapter:
        chapter = self.get(chapter_id)
        position = self._remove_at(self._position_of(chapter))
        self._renumber_from(position)
        if self._overlaps:
            self._find_overlaps()
        return chapter

    def replace_ai(
        self, drafts: Iterable[ChapterDraft], id_factory: Callable[[], str]
    ) -> AiReplacement:
        """Replace every AI chapter with ``drafts``; manual chapters stay exactly as they are.

        Drafts are repaired rather than refused where the intent is clear: times are clamped
        into the video, AI chapters overlapping each other are trimmed, and an AI chapter
        overlapping a manual one keeps only its largest free part (or is dropped when less
        than ``MIN_AI_CHAPTER_SECONDS`` is left). Every repair is reported.
        """
        report = AiReplacement()
        candidates = self._sanitised_drafts(drafts, report)
        manual = [c for c in self._chapters if c.source == ChapterSource.MANUAL]
        manual_timeline = ChapterTimeline(self.duration, manual)
        placed: list[Chapter] = []
        last_end = 0.0
        for draft in candidates:
            start, end = draft.start_time, draft.end_time
            if start < last_end:
                report.adjustments.append(
                    f'AI chapter "{draft.title}" overlapped the previous AI chapter: '
                    f"start moved from {format_time(start)} to {format_time(last_end)}"
                )
                start = last_end
            piece = manual_timeline._largest_free_piece(start, end)
            if piece is None or piece[1] - piece[0] < MIN_AI_CHAPTER_SECONDS:
                report.adjustments.append(
                    f'AI chapter "{draft.title}" dropped: less than {MIN_AI_CHAPTER_SECONDS:g} s '
                    "left clear of manual and earlier AI chapters"
                )
                continue
            if piece != (start, end):
                report.adjustments.append(
                    f'AI chapter "{draft.title}" trimmed to {format_time(piece[0])}–'
                    f"{format_time(piece[1])} to keep clear of manual chapters"
                )
            chapter = Chapter(
                id=id_factory(),
                title=draft.title,
                start_time=piece[0],
                end_time=piece[1],
                source=ChapterSource.AI,
                description=draft.description,
                confidence_score=draft.confidence_score,
            )
            manual_timeline._insert_checked(chapter)
            placed.append(chapter)
            last_end = piece[1]
        report.removed = [c for c in self._chapters if c.source == ChapterSource.AI]
        # Commit only now, after every draft was placed: a failure above changed nothing.
        self._chapters, self._starts, self._by_id, self._overlaps = [], [], {}, []
        for chapter in sorted(manual + placed, key=lambda c: c.start_time):
            self._insert_checked(chapter)
        self._renumber_from(0)
        report.added = [self._by_id[c.id] for c in placed]
        return report

    # --- internals -----------------------------------------------------------------------
    def _sanitised_drafts(
        self, drafts: Iterable[ChapterDraft], report: AiReplacement
    ) -> list[ChapterDraft]:
        cleaned: list[ChapterDraft] = []
        for index, draft in enumerate(drafts):
            try:
                title = clean_title(draft.title)
            except ValidationError:
                report.adjustments.append(f"AI chapter #{index + 1} dropped: empty title")
                continue
            try:
                start = _finite(draft.start_time, "start_time")
                end = _finite(draft.end_time, "end_time")
            except ValidationError as error:
                report.adjustments.append(f'AI chapter "{title}" dropped: {error}')
                continue
            clamped_start, clamped_end = max(0.0, start), min(self.duration, end)
            if (clamped_start, clamped_end) != (start, end):
                report.adjustments.append(
                    f'AI chapter "{title}" clamped into the video: '
                    f"{format_time(clamped_start)}–{format_time(clamped_end)}"
                )
            if clamped_end - clamped_start < MIN_AI_CHAPTER_SECONDS:
                report.adjustments.append(
                    f'AI chapter "{title}" dropped: shorter than {MIN_AI_CHAPTER_SECONDS:g} s '
                    "inside the video"
                )
                continue
            confidence = draft.confidence_score
            if confidence is not None:
                try:
                    score = float(confidence)
                except (TypeError, ValueError):
                    score = math.nan
                if math.isnan(score):
                    report.adjustments.append(
                        f'AI chapter "{title}": unreadable confidence dropped'
                    )
                    confidence = None
                else:
                    confidence = min(1.0, max(0.0, score))
                    if confidence != score:
                        report.adjustments.append(
                            f'AI chapter "{title}": confidence {score:g} clamped to {confidence:g}'
                        )
            description = clean_multiline(draft.description)[:DESCRIPTION_MAX_LENGTH]
            cleaned.append(ChapterDraft(title, clamped_start, clamped_end, description, confidence))
        cleaned.sort(key=lambda d: (d.start_time, d.end_time))
        return cleaned

    def _largest_free_piece(self, start: float, end: float) -> tuple[float, float] | None:
        """The longest part of ``[start, end)`` that no chapter of this timeline occupies."""
        best: tuple[float, float] | None = None
        cursor = start
        position = max(0, bisect.bisect_right(self._starts, start) - 1)
        while position < len(self._chapters) and cursor < end:
            chapter = self._chapters[position]
            position += 1
            if chapter.end_time <= cursor:
                continue
            if chapter.start_time >= end:
                break
            if chapter.start_time > cursor:
                best = _longer(best, (cursor, chapter.start_time))
            cursor = max(cursor, chapter.end_time)
        if cursor < end:
            best = _longer(best, (cursor, end))
        return best

    def _validated(self, chapter: Chapter, *, ignore_id: str | None) -> Chapter:
        source = parse_source(chapter.source)
        start, end = self.check_range(chapter.start_time, chapter.end_time, ignore_id=ignore_id)
        confidence = clean_confidence(chapter.confidence_score)
        if source == ChapterSource.MANUAL:
            confidence = None
        return replace(
            chapter,
            title=clean_title(chapter.title),
            description=clean_description(chapter.description),
            start_time=start,
            end_time=end,
            source=source,
            confidence_score=confidence,
        )

    def _find_overlaps(self) -> None:
        """Each chapter that starts before the furthest end so far overlaps that chapter."""
        self._overlaps = []
        reach: Chapter | None = None
        for chapter in self._chapters:
            if reach is not None and chapter.start_time < reach.end_time:
                self._overlaps.append((reach, chapter))
            if reach is None or chapter.end_time > reach.end_time:
                reach = chapter

    def _insert_checked(self, chapter: Chapter) -> int:
        collision = self.find_overlap(chapter.start_time, chapter.end_time)
        if collision is not None:
            raise OverlapError(
                f"chapter {chapter.describe()} overlaps chapter {collision.describe()}",
                conflicting_id=collision.id,
                field=_overlapping_field(chapter.start_time, collision),
            )
        if chapter.id in self._by_id:
            raise ValidationError(f"chapter id {chapter.id} appears twice")
        position = bisect.bisect_left(self._starts, chapter.start_time)
        self._starts.insert(position, chapter.start_time)
        self._chapters.insert(position, chapter)
        self._by_id[chapter.id] = chapter
        return position

    def _remove_at(self, position: int) -> int:
        chapter = self._chapters.pop(position)
        self._starts.pop(position)
        del self._by_id[chapter.id]
        return position

    def _position_of(self, chapter: Chapter) -> int:
        position = bisect.bisect_left(self._starts, chapter.start_time)
        while self._chapters[position].id != chapter.id:
            position += 1
        return position

    def _renumber_from(self, position: int) -> None:
        for index in range(position, len(self._chapters)):
            chapter = self._chapters[index]
            if chapter.order != index:
                chapter = replace(chapter, order=index)
                self._chapters[index] = chapter
                self._by_id[chapter.id] = chapter


def chapter_numbered(chapters: Sequence[Chapter], ref: str) -> Chapter | None:
    """The chapter ``ref`` names by its number as lists show it ("3": the third by start
    time, counting from 1), or None when ``ref`` is no such number."""
    text = ref.strip()
    if not text.isdigit() or not 1 <= int(text) <= len(chapters):
        return None
    return sorted(chapters, key=lambda c: c.start_time)[int(text) - 1]


def describe_overlaps(pairs: Iterable[tuple[Chapter, Chapter]]) -> str:
    """One sentence naming every overlapping pair and how to repair it."""
    named = "; ".join(
        f"{a.describe()} [id {a.id}] and {b.describe()} [id {b.id}]" for a, b in pairs
    )
    return f"overlapping chapters: {named}: delete one of each pair or move it clear of the other"


def _longer(best: tuple[float, float] | None, piece: tuple[float, float]) -> tuple[float, float]:
    if best is None or piece[1] - piece[0] > best[1] - best[0]:
        return piece
    return best


def _overlapping_field(start: float, collision: Chapter) -> str:
    """The input at fault in an overlap: the start when it lies inside the other chapter,
    otherwise the end (it runs into the next one)."""
    return "start_time" if collision.start_time <= start < collision.end_time else "end_time"

"""YouTube's chapter rules: the first chapter starts at 0:00, there are at least three, each
lasts at least ten seconds, in ascending order. Drafts are reshaped to meet them and every
change is reported."""

from __future__ import annotations

from core.domain.chapters import ChapterDraft
from core.domain.timefmt import format_time

from .errors import UnusableAnswerError

YOUTUBE_MIN_CHAPTERS = 3
YOUTUBE_MIN_SECONDS = 10.0


def make_youtube_ready(
    drafts: list[ChapterDraft], duration: float, repairs: list[str], manual_count: int = 0
) -> list[ChapterDraft]:
    """``drafts`` reshaped for YouTube; ``manual_count`` manual chapters will stand beside
    them, so they count towards the minimum and no AI chapter is split to reach it needlessly."""
    if duration < YOUTUBE_MIN_CHAPTERS * YOUTUBE_MIN_SECONDS:
        raise UnusableAnswerError(
            f"YouTube chapters need a video of at least {YOUTUBE_MIN_CHAPTERS * YOUTUBE_MIN_SECONDS:g} s; "
            f"this one lasts {format_time(duration)}"
        )
    chapters = sorted(drafts, key=lambda d: d.start_time)
    if not chapters:
        chapters = [ChapterDraft("Introduction", 0.0, duration, "", 0.3)]
        repairs.append("YouTube: no chapters, one covering the whole video was made")
    if chapters[0].start_time > 0:
        first = chapters[0]
        if first.start_time < YOUTUBE_MIN_SECONDS:
            chapters[0] = _with(first, start=0.0)
            repairs.append(f'YouTube: "{first.title}" now starts at 0:00')
        else:
            chapters.insert(0, ChapterDraft("Introduction", 0.0, first.start_time, "", 0.3))
            repairs.append('YouTube: an "Introduction" chapter was added at 0:00')
    # Contiguous: each chapter runs until the next, the last to the end of the video.
    chapters = [
        _with(c, end=chapters[i + 1].start_time if i + 1 < len(chapters) else duration)
        for i, c in enumerate(chapters)
    ]
    chapters = _merge_short(chapters, repairs)
    while len(chapters) + manual_count < YOUTUBE_MIN_CHAPTERS:
        longest = max(
            range(len(chapters)), key=lambda i: chapters[i].end_time - chapters[i].start_time
        )
        chapter = chapters[longest]
        middle = round((chapter.start_time + chapter.end_time) / 2, 1)
        second = ChapterDraft(
            f"{chapter.title} (part 2)",
            middle,
            chapter.end_time,
            chapter.description,
            chapter.confidence_score,
        )
        chapters[longest : longest + 1] = [_with(chapter, end=middle), second]
        repairs.append(
            f'YouTube: "{chapter.title}" split at {format_time(middle)} to reach '
            f"{YOUTUBE_MIN_CHAPTERS} chapters"
        )
    return chapters


def _merge_short(chapters: list[ChapterDraft], repairs: list[str]) -> list[ChapterDraft]:
    result: list[ChapterDraft] = []
    for chapter in chapters:
        if result and chapter.end_time - chapter.start_time < YOUTUBE_MIN_SECONDS:
            repairs.append(
                f'YouTube: "{chapter.title}" is shorter than {YOUTUBE_MIN_SECONDS:g} s; '
                f'merged into "{result[-1].title}"'
            )
            result[-1] = _with(result[-1], end=chapter.end_time)
            continue
        if result and result[-1].end_time - result[-1].start_time < YOUTUBE_MIN_SECONDS:
            short = result.pop()
            repairs.append(
                f'YouTube: "{short.title}" is shorter than {YOUTUBE_MIN_SECONDS:g} s; '
                f'merged into "{chapter.title}"'
            )
            chapter = _with(chapter, start=short.start_time)
        result.append(chapter)
    return result


def youtube_problems(starts_and_ends: list[tuple[float, float]]) -> list[str]:
    """What stops a final chapter list (manual and AI together) from being YouTube-ready."""
    problems = []
    if not starts_and_ends or starts_and_ends[0][0] > 0:
        problems.append("YouTube: the first chapter does not start at 0:00")
    if len(starts_and_ends) < YOUTUBE_MIN_CHAPTERS:
        problems.append(f"YouTube: fewer than {YOUTUBE_MIN_CHAPTERS} chapters")
    short = [s for s, e in starts_and_ends if e - s < YOUTUBE_MIN_SECONDS]
    if short:
        problems.append(
            f"YouTube: {len(short)} chapter(s) shorter than {YOUTUBE_MIN_SECONDS:g} s "
            "(manual chapters are never changed)"
        )
    return problems


def _with(
    draft: ChapterDraft, *, start: float | None = None, end: float | None = None
) -> ChapterDraft:
    return ChapterDraft(
        draft.title,
        draft.start_time if start is None else start,
        draft.end_time if end is None else end,
        draft.description,
        draft.confidence_score,
    )

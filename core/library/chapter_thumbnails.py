"""A thumbnail for every chapter, stored as the chapters' ``thumbnail_url`` in one change.

The pictures are made first (the slow part, cancellable); then one ``ChapterService.change``
stores every URL, so the outbox records it and the GUI undoes it as one step. Every run
writes files under new names, so an undo shows the earlier pictures again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.domain.cancel import CancelFlag
from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import ValidationError
from core.domain.media_specs import THUMBNAIL_SIZES
from core.media.errors import MediaCancelled
from core.media.frames import last_frame_time
from core.media.stills import letterboxed, pick_frame, write_stills
from core.media.thumbnail_grabs import make_dir
from core.store.db import Database
from core.store.models import new_id

from .chapters import Changed, ChapterService
from .vods import ready_vod

CHAPTER_THUMBNAIL_SIZE = "medium"
Progress = Callable[[float, str], None]


def make_chapter_thumbnails(
    database: Database,
    root: Path,
    vod_ref: str,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Changed[list[Chapter]]:
    """One thumbnail per chapter, near its start and smart-picked within the chapter.

    ``value``: the chapters with their new thumbnails; a chapter deleted while the pictures
    were made is skipped. Cancelled or failed, nothing changes and no new file stays behind.
    """
    chapters_service = ChapterService(database)
    with database.session() as session:
        vod = ready_vod(session, vod_ref, "make chapter thumbnails")
        vod_id, path, duration = vod.id, vod.file_path, vod.duration
    chapters = chapters_service.list(vod_id).chapters
    if not chapters:
        raise ValidationError("the VOD has no chapters to make thumbnails for")
    report = progress or (lambda fraction, message: None)
    last = last_frame_time(path, duration)
    folder = root / vod_id / "chapters"
    make_dir(folder)
    size = THUMBNAIL_SIZES[CHAPTER_THUMBNAIL_SIZE]
    run = new_id()[:8]
    urls: dict[str, str] = {}
    written: list[Path] = []
    try:
        for number, chapter in enumerate(chapters, start=1):
            if cancel is not None and cancel.is_set():
                raise MediaCancelled("chapter thumbnails")
            length = chapter.end_time - chapter.start_time
            pick = pick_frame(
                path,
                chapter.start_time + min(2.0, length * 0.1),
                smart=True,
                last_frame=last,
                window=(chapter.start_time, min(chapter.end_time, last)),
            )
            files = write_stills(
                letterboxed(pick.image, size.width, size.height), folder / f"{chapter.id}-{run}"
            )
            written.extend(files)
            urls[chapter.id] = files[0].as_uri()
            report(number / len(chapters), f"chapter {number} of {len(chapters)}")
        return chapters_service.change(vod_id, lambda timeline: _set_urls(timeline, urls))
    except BaseException:
        for file in written:
            file.unlink(missing_ok=True)
        raise


def _set_urls(timeline: ChapterTimeline, urls: dict[str, str]) -> list[Chapter]:
    present = {chapter.id for chapter in timeline}
    return [
        timeline.update(chapter_id, thumbnail_url=url)
        for chapter_id, url in urls.items()
        if chapter_id in present
    ]

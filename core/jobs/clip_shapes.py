"""The clip queue's shapes: a clip row as the CLI's ``--json`` and the GUI see it, the
options stored with it, and how a chapter is named on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.domain.chapters import Chapter, chapter_numbered
from core.domain.clips import ClipOptions
from core.domain.errors import NotFoundError, ValidationError
from core.store.models import ClipJobRow


def default_folder(file_path: str) -> Path:
    """Clips go to a ``Clips`` folder beside the recording unless told otherwise."""
    return Path(file_path).parent / "Clips"


def clip_json(job: ClipJobRow) -> dict[str, Any]:
    return {
        "id": job.id,
        "batch_id": job.batch_id,
        "video_id": job.vod_id,
        "number": job.number,
        "title": job.title,
        "chapter_id": job.chapter_id,
        "start": job.start_time,
        "end": job.end_time,
        "mode": job.mode,
        "status": job.status,
        "progress": round(job.progress or 0.0, 1),
        "step": job.step,
        "output": job.output_path,
        "folder": job.folder,
        "name": job.stem,
        "result_mode": job.result_mode,
        "actual_start": job.actual_start,
        "actual_end": job.actual_end,
        "notes": list(job.notes or []),
        "error": job.error,
    }


def options_json(options: ClipOptions) -> dict[str, Any]:
    vertical = options.vertical
    return {
        "audio_tracks": list(options.audio_tracks) if options.audio_tracks is not None else None,
        "vertical": {"fill": vertical.fill.value, "position": vertical.position}
        if vertical
        else None,
        "template": options.template,
        "with_chapters": options.with_chapters,
    }


def find_chapter(chapters: list[Chapter], ref: str) -> Chapter:
    text = (ref or "").strip()
    exact = [c for c in chapters if c.id == text]
    if exact:
        return exact[0]
    numbered = chapter_numbered(chapters, text)  # "3", as numbered in lists and file names
    if numbered is not None:
        return numbered
    if text.isdigit():
        raise NotFoundError(
            f"chapter {int(text)} does not exist: this VOD has {len(chapters)} chapters"
        )
    matches = [c for c in chapters if len(text) >= 4 and c.id.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(f"chapter id prefix {text!r} is ambiguous: give more characters")
    raise NotFoundError(f"chapter {text} not found in this VOD")

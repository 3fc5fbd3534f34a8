"""Access to the media services from the GUI, whichever way the context offers them."""

from __future__ import annotations


def thumbnails(context):
    """``context.thumbnails`` (``core.library.thumbnails.ThumbnailService``)."""
    service = getattr(context, "thumbnails", None)
    if service is None:
        from core.library.thumbnails import ThumbnailService

        service = ThumbnailService(context.database, context.database.data_dir)
        context.__dict__["thumbnails"] = service
    return service


def transcodes(context):
    """``context.transcodes`` (``core.jobs.TranscodeService``)."""
    service = getattr(context, "transcodes", None)
    if service is None:
        from core.jobs.service import TranscodeService

        service = TranscodeService(context.database, context.database.data_dir, context.settings)
        context.__dict__["transcodes"] = service
    return service


def default_thumbnail_path(context, vod_id: str) -> str | None:
    try:
        infos = thumbnails(context).list(vod_id)
    except Exception:  # no thumbnails yet, or media services not installed
        return None
    defaults = [t for t in infos if t.is_default]
    return defaults[0].jpeg_path if defaults else None

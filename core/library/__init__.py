"""The local library: VODs, their chapters and thumbnails, with the platform's rules, in the
SQLite cache.

``VodLibrary``, ``ChapterService`` and ``ThumbnailService`` (``library.thumbnails``) are what
the CLI and the GUI call; every method is one transaction that either applies completely or
leaves the database as it was. The ffmpeg work (probing, grabbing frames, reading keyframes)
is ``core.media``'s, called with plain values.
"""

from .chapters import Changed, ChapterService
from .stored import StoredChapters
from .vods import VodLibrary

__all__ = ["Changed", "ChapterService", "StoredChapters", "VodLibrary"]

"""The local library: VODs and their chapters, with the platform's rules, in the SQLite cache.

``VodLibrary`` and ``ChapterService`` are what the CLI and the GUI call; every method is one
transaction that either applies completely or leaves the database as it was.
"""

from .chapters import Changed, ChapterService
from .stored import StoredChapters
from .vods import VodLibrary

__all__ = ["Changed", "ChapterService", "StoredChapters", "VodLibrary"]

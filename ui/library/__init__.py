"""The library: every VOD in the local cache as a card."""

from .view import LibraryView

__all__ = ["LibraryView"]

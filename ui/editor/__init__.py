"""The editor: player, timeline and side panels for one VOD."""

from .view import EditorView

__all__ = ["EditorView"]

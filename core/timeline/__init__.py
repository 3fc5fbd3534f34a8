"""The timeline editor's model without Qt: mapping, ruler, hit-testing, drags and snapping.

The Qt widget in ``ui/timeline`` only paints what this package computes and forwards mouse
positions to it, so every rule of the editor (clamping, snapping, what is under the cursor)
is unit-tested here without a display.
"""

from .drag import MIN_CHAPTER_SECONDS, DragKind, DragSession
from .index import ChapterIndex, Hit, HitKind
from .ruler import Tick, choose_steps, ruler_ticks
from .snapping import Snapper
from .viewport import Viewport

__all__ = [
    "MIN_CHAPTER_SECONDS",
    "ChapterIndex",
    "DragKind",
    "DragSession",
    "Hit",
    "HitKind",
    "Snapper",
    "Tick",
    "Viewport",
    "choose_steps",
    "ruler_ticks",
]

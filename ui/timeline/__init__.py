"""The custom-painted timeline over ``core.timeline``."""

from .view import TimelineView
from .widget import TimelineWidget

__all__ = ["TimelineView", "TimelineWidget"]

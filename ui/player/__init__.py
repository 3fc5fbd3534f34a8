"""The video player: libvlc embedded in a widget, QtMultimedia as the fallback."""

from .backends import PlayerBackend, create_backend
from .widget import PlayerWidget

__all__ = ["PlayerBackend", "PlayerWidget", "create_backend"]

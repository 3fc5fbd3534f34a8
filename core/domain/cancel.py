"""The one shape every long operation polls to stop early."""

from __future__ import annotations

from typing import Protocol


class CancelFlag(Protocol):
    """A ``threading.Event``, a task's cancel flag, the farm's Redis cancel key: anything
    whose ``is_set()`` turns true when the user asked to stop."""

    def is_set(self) -> bool: ...

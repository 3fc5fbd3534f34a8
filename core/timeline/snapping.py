"""Snapping a dragged time to the playhead, chapter edges, keyframes and signals."""

from __future__ import annotations

import bisect
from collections.abc import Sequence


class Snapper:
    """Finds the nearest snap point within a tolerance, in O(log n) per sorted source.

    Sources are kept as separate sorted lists (chapter edges, keyframes, scene cuts, …) so
    nothing is merged or copied per mouse move; ``exclude`` removes the dragged chapter's own
    edges. ``labels`` name the sources; after a snap, ``last_label`` says what the time
    snapped to (for the feedback the timeline draws).
    """

    def __init__(
        self,
        *,
        playhead: float | None = None,
        sorted_sources: Sequence[Sequence[float]] = (),
        exclude: Sequence[float] = (),
        enabled: bool = True,
        labels: Sequence[str] = (),
    ) -> None:
        self.playhead = playhead
        named = list(zip(sorted_sources, [*labels, *[""] * len(sorted_sources)], strict=False))
        self.sources = [source for source, _ in named if source]
        self.labels = [label for source, label in named if source]
        self.exclude = tuple(exclude)
        self.enabled = enabled
        self.last_label: str | None = None

    def snap(self, seconds: float, tolerance: float) -> tuple[float, bool]:
        """``(time, snapped)``: the nearest point within ``tolerance`` or ``seconds`` itself."""
        self.last_label = None
        if not self.enabled or tolerance <= 0:
            return seconds, False
        best, best_distance = seconds, tolerance
        found = False
        if self.playhead is not None and abs(self.playhead - seconds) <= best_distance:
            best, best_distance, found = self.playhead, abs(self.playhead - seconds), True
            self.last_label = "playhead"
        for source, label in zip(self.sources, self.labels, strict=True):
            position = bisect.bisect_left(source, seconds)
            for index in (position - 1, position, position + 1):
                if 0 <= index < len(source):
                    candidate = source[index]
                    if self._excluded(candidate):
                        continue
                    distance = abs(candidate - seconds)
                    if distance < best_distance or (distance == best_distance and not found):
                        best, best_distance, found = candidate, distance, True
                        self.last_label = label or None
        return best, found

    def _excluded(self, value: float) -> bool:
        return any(abs(value - e) < 1e-9 for e in self.exclude)

"""Snapping a dragged time to the playhead, chapter edges and keyframes."""

from __future__ import annotations

import bisect
from collections.abc import Sequence


class Snapper:
    """Finds the nearest snap point within a tolerance, in O(log n) per sorted source.

    Sources are kept as separate sorted lists (chapter edges, keyframes) so nothing is merged
    or copied per mouse move; ``exclude`` removes the dragged chapter's own edges.
    """

    def __init__(
        self,
        *,
        playhead: float | None = None,
        sorted_sources: Sequence[Sequence[float]] = (),
        exclude: Sequence[float] = (),
        enabled: bool = True,
    ) -> None:
        self.playhead = playhead
        self.sources = [s for s in sorted_sources if s]
        self.exclude = tuple(exclude)
        self.enabled = enabled

    def snap(self, seconds: float, tolerance: float) -> tuple[float, bool]:
        """``(time, snapped)``: the nearest point within ``tolerance`` or ``seconds`` itself."""
        if not self.enabled or tolerance <= 0:
            return seconds, False
        best, best_distance = seconds, tolerance
        found = False
        if self.playhead is not None and abs(self.playhead - seconds) <= best_distance:
            best, best_distance, found = self.playhead, abs(self.playhead - seconds), True
        for source in self.sources:
            position = bisect.bisect_left(source, seconds)
            for index in (position - 1, position, position + 1):
                if 0 <= index < len(source):
                    candidate = source[index]
                    if self._excluded(candidate):
                        continue
                    distance = abs(candidate - seconds)
                    if distance < best_distance or (distance == best_distance and not found):
                        best, best_distance, found = candidate, distance, True
        return best, found

    def _excluded(self, value: float) -> bool:
        return any(abs(value - e) < 1e-9 for e in self.exclude)

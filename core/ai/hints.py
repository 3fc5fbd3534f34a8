"""Evidence from the VOD itself that a segment may change at a time: a long silence, a static
screen, a scene cut. The offline segmenter weighs these against what is said."""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.domain.errors import ValidationError

HINT_KINDS = frozenset({"silence", "static", "scene_cut", "black", "marker"})


@dataclass(frozen=True, slots=True)
class BoundaryHint:
    """``time`` in seconds where the VOD suggests a change; ``strength`` from 0 (barely) to 1
    (as sure as the signal can be: a long black screen, a streamer's own marker)."""

    time: float
    strength: float
    kind: str

    def __post_init__(self) -> None:
        if not math.isfinite(self.time) or self.time < 0:
            raise ValidationError(f"a boundary hint needs a time ≥ 0 s, got {self.time!r}")
        if not 0.0 <= self.strength <= 1.0:
            raise ValidationError(
                f"a boundary hint's strength must be between 0 and 1, got {self.strength!r}"
            )
        if self.kind not in HINT_KINDS:
            raise ValidationError(
                f"unknown boundary hint kind {self.kind!r} (known: {', '.join(sorted(HINT_KINDS))})"
            )

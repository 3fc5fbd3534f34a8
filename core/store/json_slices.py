"""JSON columns written a slice at a time.

One ``json.dumps`` of a 10-hour transcript (60,000 cues) runs ~80 ms in C without letting go
of the GIL: a worker saving it froze the window for that long. Encoded a few thousand items
at a time, other threads (the GUI's) get their turn between slices; the text is the same.
"""

from __future__ import annotations

import json
from typing import Any

SLICE_ITEMS = 2000  # ~2.5 ms of encoding each


def dumps_in_slices(value: Any) -> str:
    """``json.dumps(value)``, a long list encoded a slice at a time."""
    if not isinstance(value, list) or len(value) <= SLICE_ITEMS:
        return json.dumps(value)
    slices = (
        json.dumps(value[first : first + SLICE_ITEMS])[1:-1]
        for first in range(0, len(value), SLICE_ITEMS)
    )
    return "[" + ", ".join(slices) + "]"

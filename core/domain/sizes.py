"""File sizes for people: one convention everywhere (cards, the Transcode tab, the CLI).

Decimal units (1 MB = 1,000,000 bytes), as file managers and disk makers show them, so the
number a user reads here matches the one their file manager shows for the same file.
"""

from __future__ import annotations

UNITS = ("B", "kB", "MB", "GB", "TB")
STEP = 1000


def format_size(size: int | float | None) -> str:
    """``169_600_000`` → ``169.6 MB``; ``512`` → ``512 B``; ``None`` → ``-``."""
    if size is None:
        return "-"
    value = float(size)
    for unit in UNITS:
        if abs(value) < STEP or unit == UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= STEP
    raise AssertionError("unreachable")  # the loop returns at the last unit


SIZE_CONVENTION = "1 MB = 1,000,000 bytes"


def describe_size(size: int | None) -> str:
    """The exact count beside the rounded one, with the convention named:
    ``30760024`` → ``30.8 MB (30,760,024 bytes; 1 MB = 1,000,000 bytes)``."""
    if size is None:
        return format_size(size)
    return f"{format_size(size)} ({size:,} bytes; {SIZE_CONVENTION})"

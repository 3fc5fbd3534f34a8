"""Which ticks and labels the time ruler shows at the current zoom."""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.domain.timefmt import format_time

from .viewport import Viewport

# Steps a person reads comfortably: tenths, seconds, the usual minute and hour fractions.
STEPS = (
    0.1,
    0.2,
    0.5,
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
)
MIN_LABEL_SPACING_PX = 84.0
MIN_TICK_SPACING_PX = 7.0


@dataclass(frozen=True, slots=True)
class Tick:
    seconds: float
    x: float
    major: bool
    label: str | None


def choose_steps(pixels_per_second: float) -> tuple[float, float]:
    """``(major, minor)`` step in seconds: labels at least ``MIN_LABEL_SPACING_PX`` apart,
    minor ticks a whole fraction of the major step and at least ``MIN_TICK_SPACING_PX``."""
    major = next((s for s in STEPS if s * pixels_per_second >= MIN_LABEL_SPACING_PX), STEPS[-1])
    minor = major
    for step in STEPS:
        if step >= major:
            break
        ratio = major / step
        if abs(ratio - round(ratio)) < 1e-9 and step * pixels_per_second >= MIN_TICK_SPACING_PX:
            minor = step
            break
    return float(major), float(minor)


def format_tick(seconds: float, step: float) -> str:
    """``1:02:03`` / ``12:30`` / ``0:04.5``: precision follows the step, never noise."""
    negative = seconds < 0
    seconds = abs(seconds)
    if step < 1:
        whole = int(seconds)
        tenths = round((seconds - whole) * 10)
        if tenths == 10:
            whole, tenths = whole + 1, 0
        text = format_time(whole, decimals=0) + f".{tenths}"
    else:
        text = format_time(round(seconds), decimals=0)
    return ("-" if negative else "") + text


def ruler_ticks(viewport: Viewport) -> list[Tick]:
    """Every tick inside the view (a few hundred at most, whatever the zoom)."""
    major, minor = choose_steps(viewport.pixels_per_second)
    start, end = viewport.visible_start, viewport.visible_end
    first = math.floor(start / minor)
    last = math.ceil(end / minor)
    per_major = max(1, round(major / minor))
    ticks = []
    for index in range(first, last + 1):
        seconds = index * minor
        if seconds < 0 or seconds > viewport.duration + 1e-9:
            continue
        is_major = index % per_major == 0
        label = format_tick(seconds, major) if is_major else None
        ticks.append(Tick(seconds, viewport.time_to_x(seconds), is_major, label))
    return ticks

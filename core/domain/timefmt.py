"""Times for humans: parse ``1:02:03.5``, ``62:03``, ``3723.5`` or ``1h2m3.5s``; format back."""

from __future__ import annotations

import math
import re

from .errors import ValidationError

_UNITS_PATTERN = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)


def parse_time(text: str | float | int) -> float:
    """Seconds from a clock string (``H:MM:SS.f``, ``M:SS``), plain seconds or ``1h2m3s``.

    Raises ``ValidationError`` naming the input for anything that is not a finite,
    non-negative time.
    """
    if isinstance(text, bool):
        raise ValidationError(f"not a time: {text!r}")
    if isinstance(text, (int, float)):
        return ensure_finite_seconds(float(text), what="time")
    raw = str(text).strip()
    if not raw:
        raise ValidationError("empty time: give seconds (3723.5) or a clock time (1:02:03.5)")
    if ":" in raw:
        return _parse_clock(raw)
    units = _UNITS_PATTERN.match(raw.lower())
    if units and any(units.group(k) for k in "hms") and raw[-1].lower() in "hms":
        hours = float(units.group("h") or 0)
        minutes = float(units.group("m") or 0)
        seconds = float(units.group("s") or 0)
        return ensure_finite_seconds(hours * 3600 + minutes * 60 + seconds, what=raw)
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError(
            f"not a time: {raw!r} (use seconds like 3723.5, or H:MM:SS like 1:02:03.5)"
        ) from None
    return ensure_finite_seconds(value, what=raw)


def _parse_clock(raw: str) -> float:
    if raw.startswith("-"):
        raise ValidationError(f"time cannot be negative: {raw!r}")
    parts = raw.split(":")
    if len(parts) > 3 or any(p.strip() == "" for p in parts):
        raise ValidationError(f"not a clock time: {raw!r} (use H:MM:SS, M:SS or seconds)")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValidationError(f"not a clock time: {raw!r} (use H:MM:SS, M:SS or seconds)") from None
    if any(math.isnan(n) or math.isinf(n) or n < 0 for n in numbers):
        raise ValidationError(f"not a clock time: {raw!r}")
    # Only the last field may carry a fraction; the others must be whole numbers.
    if any(n != int(n) for n in numbers[:-1]):
        raise ValidationError(f"not a clock time: {raw!r} (only seconds may have a fraction)")
    if len(numbers) >= 2 and numbers[-1] >= 60:
        raise ValidationError(f"not a clock time: {raw!r} (seconds must be below 60)")
    if len(numbers) == 3 and numbers[1] >= 60:
        raise ValidationError(f"not a clock time: {raw!r} (minutes must be below 60)")
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def ensure_finite_seconds(value: float, *, what: str = "time") -> float:
    """``value`` as float when finite and non-negative, else a ``ValidationError``."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"not a time: {value!r}") from None
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValidationError(f"{what}: time must be a finite number of seconds, got {value}")
    if seconds < 0:
        raise ValidationError(f"{what}: time cannot be negative, got {value}")
    return seconds


def format_time(seconds: float, *, decimals: int = 1, always_hours: bool = False) -> str:
    """``3723.5`` → ``1:02:03.5``; ``62`` → ``1:02``. Trailing ``.0`` is dropped."""
    if seconds is None or math.isnan(seconds) or math.isinf(seconds):
        return "--:--"
    negative = seconds < 0
    seconds = abs(seconds)
    scale = 10**decimals
    total = round(seconds * scale)
    whole, fraction = divmod(total, scale)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    frac_text = f".{fraction:0{decimals}d}".rstrip("0").rstrip(".") if decimals else ""
    if hours or always_hours:
        text = f"{hours}:{minutes:02d}:{secs:02d}{frac_text}"
    else:
        text = f"{minutes}:{secs:02d}{frac_text}"
    return f"-{text}" if negative else text


def format_duration_words(seconds: float | None) -> str:
    """``510`` → ``8m 30s``, the seed's style for estimated times."""
    if seconds is None or math.isnan(seconds) or math.isinf(seconds):
        return "unknown"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


#: fraction digits of every time a view shows (tables, forms, tooltips, the timeline)
DISPLAY_DECIMALS = 2


def format_display_time(seconds: float) -> str:
    """The one format every view shows a chapter time in: to the hundredth, trailing zeros
    dropped (``9.92`` → ``0:09.92``, ``9.9`` → ``0:09.9``, ``9`` → ``0:09``). The chapter form
    shows the same text, so a time read anywhere can be typed back unchanged."""
    return format_time(seconds, decimals=DISPLAY_DECIMALS)

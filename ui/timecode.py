"""Clock text for on-screen time displays: truncated (never ahead of the picture) and with a
fixed number of fraction digits, so a running display keeps its width."""

from __future__ import annotations


def clock(seconds: float, *, fraction_digits: int = 0) -> str:
    """``3723.456`` → ``1:02:03`` (0 digits), ``1:02:03.4`` (1) or ``1:02:03.45`` (2)."""
    seconds = max(0.0, seconds)
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    if fraction_digits:
        scale = 10**fraction_digits
        text += f".{int((seconds - whole) * scale):0{fraction_digits}d}"
    return text

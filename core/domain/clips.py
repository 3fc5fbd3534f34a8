"""Clips: what part of a VOD goes out, how, and under which file name.

A clip covers ``[start, end)`` seconds of its VOD. Its file name comes from a template such
as ``{vod} - {n:02} - {title}``; the name is made safe on every operating system (no path
separators, no characters Windows refuses, no reserved names such as ``CON``, no trailing
dots or spaces, at most ``NAME_MAX_LENGTH`` characters), so a batch made on Linux can be
copied to a Windows or macOS disk as it is.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from enum import StrEnum

from pathvalidate import sanitize_filename

from .errors import ValidationError
from .timefmt import format_time

DEFAULT_TEMPLATE = "{vod} - {n:02} - {title}"
TEMPLATE_FIELDS = ("vod", "n", "title", "start", "end", "mode")
NAME_MAX_LENGTH = 180  # leaves room for " (99)", the extension and a temporary prefix
VERTICAL_SIZE = (1080, 1920)


class ClipMode(StrEnum):
    LOSSLESS = "lossless"
    SMART = "smart"
    ENCODE = "encode"


class VerticalFill(StrEnum):
    CROP = "crop"
    BLUR = "blur"


def parse_mode(value: object) -> ClipMode:
    try:
        return ClipMode(str(value).strip().lower())
    except ValueError:
        raise ValidationError(
            f"unknown clip mode {value!r}: use lossless, smart or encode"
        ) from None


def parse_fill(value: object) -> VerticalFill:
    try:
        return VerticalFill(str(value).strip().lower())
    except ValueError:
        raise ValidationError(f"unknown vertical fill {value!r}: use crop or blur") from None


@dataclass(frozen=True, slots=True)
class VerticalOptions:
    """9:16 at 1080x1920. ``crop``: a full-height 9:16 window of the picture, ``position``
    from 0 (left edge) to 1 (right edge); ``blur``: the whole picture fitted to the width
    over a blurred, zoomed copy of itself."""

    fill: VerticalFill = VerticalFill.CROP
    position: float = 0.5

    def __post_init__(self) -> None:
        if not (math.isfinite(self.position) and 0.0 <= self.position <= 1.0):
            raise ValidationError(
                f"crop position {self.position!r} is outside 0–1 (0 is the left edge, 1 the right)"
            )


@dataclass(frozen=True, slots=True)
class ClipRange:
    """One clip to make: a range of the VOD, its title and its number in the batch."""

    start: float
    end: float
    title: str
    number: int = 1
    chapter_id: str | None = None


@dataclass(frozen=True, slots=True)
class ClipOptions:
    mode: ClipMode = ClipMode.SMART
    vertical: VerticalOptions | None = None
    audio_tracks: tuple[int, ...] | None = None  # indexes among the audio streams; None: all
    template: str = DEFAULT_TEMPLATE
    with_chapters: bool = True

    def __post_init__(self) -> None:
        if self.vertical is not None and self.mode != ClipMode.ENCODE:
            raise ValidationError(
                "a vertical clip must be encoded: use --mode encode with --vertical"
            )
        check_template(self.template)
        if self.audio_tracks is not None and any(t < 0 for t in self.audio_tracks):
            raise ValidationError("audio track numbers start at 1")


def check_range(start: float, end: float, duration: float) -> tuple[float, float]:
    """``(start, end)`` when it is a non-empty range inside a VOD of ``duration`` seconds;
    one sentence saying what is wrong otherwise."""
    for name, value in (("start", start), ("end", end)):
        if not math.isfinite(value):
            raise ValidationError(f"the clip's {name} is not a number")
    if start < 0:
        raise ValidationError(f"the clip starts before the VOD ({format_time(start)} < 0:00)")
    if end > duration + 1e-6:
        raise ValidationError(
            f"the clip ends at {format_time(end)}, after the end of the VOD "
            f"({format_time(duration)})"
        )
    if start >= duration:
        raise ValidationError(
            f"the clip starts at {format_time(start)}, at or after the end of the VOD "
            f"({format_time(duration)})"
        )
    if end <= start:
        raise ValidationError(
            f"the clip is empty: it ends at {format_time(end)}, not after its start "
            f"({format_time(start)})"
        )
    return start, min(end, duration)


def check_template(template: str) -> str:
    """The template when every ``{field}`` in it is known and well formed."""
    if not template or not template.strip():
        raise ValidationError("the file name template is empty")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValidationError(f"the file name template is malformed: {error}") from None
    for _, name, spec, _ in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS:
            raise ValidationError(
                f"unknown field {{{name}}} in the file name template: use "
                + ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS)
            )
        try:
            format(1 if name == "n" else "x", spec or "")
        except ValueError:
            raise ValidationError(
                f"the format {{{name}:{spec}}} in the file name template does not fit "
                f"{'a number' if name == 'n' else 'text'}"
            ) from None
    return template


def clip_file_stem(template: str, *, vod: str, clip: ClipRange, mode: ClipMode) -> str:
    """The clip's file name without extension, safe on every operating system."""
    check_template(template)
    values = {
        "vod": _safe_part(vod) or "VOD",
        "n": clip.number,
        "title": _safe_part(clip.title) or "clip",
        "start": time_label(clip.start),
        "end": time_label(clip.end),
        "mode": mode.value,
    }
    name = template.format(**values)
    safe = sanitize_filename(name, platform="universal", max_len=NAME_MAX_LENGTH)
    safe = safe.strip(" .")
    return safe or f"clip {clip.number:02}"


def _safe_part(text: str) -> str:
    """A value put into the template: separators become dashes first, so that "A/B" stays
    readable as "A-B" rather than "AB"."""
    cleaned = " ".join(str(text).split())
    for separator in "/\\":
        cleaned = cleaned.replace(separator, "-")
    return cleaned.replace(":", " -").strip()


def time_label(seconds: float) -> str:
    """``1h02m03s``-style times: no colons, which Windows refuses in names."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02}m{secs:02}s"
    return f"{minutes}m{secs:02}s"


def unique_names(stems: list[str], taken: set[str]) -> list[str]:
    """``stems`` with `` (2)``, `` (3)``… added where a name repeats in the batch or is in
    ``taken`` (compared case-insensitively: Windows and macOS disks ignore case)."""
    used = {name.casefold() for name in taken}
    result = []
    for stem in stems:
        candidate, counter = stem, 2
        while candidate.casefold() in used:
            candidate = f"{stem} ({counter})"
            counter += 1
        used.add(candidate.casefold())
        result.append(candidate)
    return result


def clip_chapters(
    chapters: list[tuple[float, float, str]], start: float, end: float
) -> list[tuple[float, float, str]]:
    """The VOD's chapters that overlap ``[start, end)``, moved to the clip's own clock and
    cut to its length (a chapter that starts before the clip starts at 0:00)."""
    inside = []
    for chapter_start, chapter_end, title in sorted(chapters):
        if chapter_end <= start or chapter_start >= end:
            continue
        inside.append((max(chapter_start, start) - start, min(chapter_end, end) - start, title))
    return inside

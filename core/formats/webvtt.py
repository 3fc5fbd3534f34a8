"""WebVTT chapter tracks (``<track kind="chapters">``): one cue per chapter, millisecond times."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from core.domain.chapters import Chapter

from .entries import FormatError, ParsedEntry

_TIMESTAMP = r"(?:\d+:)?\d{1,2}:\d{2}\.\d{3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_TIMESTAMP})\s+-->\s+(?P<end>{_TIMESTAMP})(?:\s+.*)?$")


def format_vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def parse_vtt_time(text: str) -> float:
    parts = text.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[0]) if len(parts) == 3 else 0
    if minutes >= 60 or seconds >= 60:
        raise ValueError(text)
    return hours * 3600 + minutes * 60 + seconds


def export_webvtt(chapters: Iterable[Chapter]) -> str:
    lines = ["WEBVTT", ""]
    for number, chapter in enumerate(sorted(chapters, key=lambda c: c.start_time), start=1):
        lines += [
            f"Chapter {number}",
            f"{format_vtt_time(chapter.start_time)} --> {format_vtt_time(chapter.end_time)}",
            html.escape(chapter.title, quote=False),
            "",
        ]
    return "\n".join(lines)


def parse_webvtt(text: str) -> list[ParsedEntry]:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not (lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        raise FormatError("a WebVTT file must start with 'WEBVTT'", line=1)
    entries: list[ParsedEntry] = []
    for first_line, block in _blocks(lines):
        if first_line == 1 or block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue  # the header block and comment/style blocks carry no cues
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            wrong = min(timing_at, len(block) - 1)
            raise FormatError(
                "expected a cue timing line like '00:01:02.000 --> 00:03:04.000', got "
                f"{block[wrong]!r}",
                line=first_line + wrong,
            )
        match = _TIMING.match(block[timing_at])
        number = first_line + timing_at
        if match is None:
            raise FormatError(
                f"unreadable cue timing {block[timing_at]!r} (use HH:MM:SS.mmm --> HH:MM:SS.mmm)",
                line=number,
            )
        try:
            start, end = parse_vtt_time(match["start"]), parse_vtt_time(match["end"])
        except ValueError:
            raise FormatError(
                f"minutes and seconds must be below 60 in {block[timing_at]!r}", line=number
            ) from None
        title = " ".join(html.unescape(_strip_tags(t)) for t in block[timing_at + 1 :])
        entries.append(ParsedEntry(start=start, end=end, title=title, line=number))
    return entries


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text)


def _blocks(lines: list[str]):
    """``(line number of its first line, lines)`` of each blank-line separated block."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block

"""FFmpeg's metadata file (``;FFMETADATA1``): ``[CHAPTER]`` sections with a TIMEBASE.

This is what ``ffmpeg -i video -i chapters.txt -map_chapters 1`` reads to embed chapters.
Export uses ``TIMEBASE=1/1000`` (millisecond chapters). Import reads any timebase; a chapter
without ``END`` is taken as a marker that lasts to the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from core.domain.chapters import Chapter

from .entries import FormatError, ParsedEntry

HEADER = ";FFMETADATA1"
_SPECIAL = "=;#\\\n"


def escape_value(text: str) -> str:
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def export_ffmetadata(chapters: Iterable[Chapter]) -> str:
    lines = [HEADER]
    for chapter in sorted(chapters, key=lambda c: c.start_time):
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start_time * 1000)}",
            f"END={round(chapter.end_time * 1000)}",
            f"title={escape_value(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def parse_ffmetadata(text: str) -> list[ParsedEntry]:
    logical = list(_logical_lines(text.lstrip("\ufeff")))
    if not logical or logical[0][1].strip() != HEADER:
        raise FormatError(f"an FFmpeg metadata file must start with {HEADER!r}", line=1)
    chapters: list[dict] = []
    section: str | None = None
    for number, line in logical[1:]:
        stripped = line.strip()
        if not stripped or (stripped[0] in ";#" and not line.startswith("\\")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().upper()
            if section == "CHAPTER":
                chapters.append({"line": number})
            continue
        key, value = _split_key_value(line, number)
        if section == "CHAPTER":
            timing = key.upper() in ("TIMEBASE", "START", "END")
            chapters[-1][key.upper() if timing else key.lower()] = (value, number)
    return [_chapter_entry(chapter) for chapter in chapters]


def _chapter_entry(fields: dict) -> ParsedEntry:
    line = fields["line"]
    timebase = Fraction(1, 1_000_000_000)  # FFmpeg's default when TIMEBASE is missing
    if "TIMEBASE" in fields:
        value, number = fields["TIMEBASE"]
        try:
            numerator, denominator = (int(part) for part in value.split("/"))
            timebase = Fraction(numerator, denominator)
        except (ValueError, ZeroDivisionError):
            raise FormatError(
                f"TIMEBASE must look like 1/1000, got {value!r}", line=number
            ) from None
        if timebase <= 0:
            raise FormatError(f"TIMEBASE must be positive, got {value!r}", line=number)
    if "START" not in fields:
        raise FormatError("[CHAPTER] has no START", line=line)
    start = _ticks(fields["START"], timebase)
    end = _ticks(fields["END"], timebase) if "END" in fields else None
    title = fields.get("title", ("", line))[0]
    return ParsedEntry(start=start, end=end, title=title, line=line)


def _ticks(field: tuple[str, int], timebase: Fraction) -> float:
    value, number = field
    try:
        ticks = int(value.strip())
    except ValueError:
        raise FormatError(
            f"expected a whole number of TIMEBASE ticks, got {value!r}", line=number
        ) from None
    if ticks < 0:
        raise FormatError(f"chapter times cannot be negative, got {ticks}", line=number)
    return float(ticks * timebase)


def _split_key_value(line: str, number: int) -> tuple[str, str]:
    """``key=value`` with FFmpeg's backslash escapes undone in both parts."""
    key_chars: list[str] = []
    value_chars: list[str] = []
    target = key_chars
    escaped = False
    for ch in line:
        if escaped:
            target.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "=" and target is key_chars:
            target = value_chars
        else:
            target.append(ch)
    if target is key_chars:
        raise FormatError(f"expected key=value or a [SECTION], got {line.strip()!r}", line=number)
    return "".join(key_chars).strip(), "".join(value_chars)


def _logical_lines(text: str):
    """Lines with escaped newlines (a backslash at the end) joined, numbered by first line."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not pending:
            first = number
        if _ends_with_escape(line):
            pending.append(line[:-1] + "\\\n")
            continue
        pending.append(line)
        yield first, "".join(pending)
        pending = []
    if pending:
        yield first, "".join(pending)


def _ends_with_escape(line: str) -> bool:
    backslashes = len(line) - len(line.rstrip("\\"))
    return backslashes % 2 == 1

"""CSV chapters ``start,end,title`` in seconds, and LosslessCut/OBS-style marker lists.

Export writes a ``start,end,title`` header and seconds with millisecond precision. Import
follows LosslessCut's convention: ``start,end,label`` in seconds, where an empty end makes the
row a marker. A header row is optional; when present its names pick the columns (``start``,
``end``, ``title``/``label``/``name``, ``description``), so reordered or extra columns work.
Times may also be clock times (``1:02:03.5``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.domain.chapters import Chapter
from core.domain.errors import ValidationError
from core.domain.timefmt import parse_time

from .entries import FormatError, ParsedEntry

_COLUMN_NAMES = {
    "start": (
        "start",
        "start_time",
        "starttime",
        "start time",
        "from",
        "begin",
        "in",
        "time",
        "timestamp",
        "position",
        "position_seconds",
    ),
    "end": ("end", "end_time", "endtime", "end time", "to", "stop", "out"),
    "title": ("title", "label", "name", "chapter", "marker"),
    "description": ("description", "notes", "note", "comment"),
}


def export_csv(chapters: Iterable[Chapter]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["start", "end", "title"])
    for chapter in sorted(chapters, key=lambda c: c.start_time):
        writer.writerow([f"{chapter.start_time:.3f}", f"{chapter.end_time:.3f}", chapter.title])
    return buffer.getvalue()


def parse_csv(text: str) -> list[ParsedEntry]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    columns: dict[str, int] | None = None
    entries: list[ParsedEntry] = []
    try:
        for row in reader:
            number = reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if columns is None and not entries and _is_header(cells):
                columns = _header_columns(cells, number)
                continue
            entries.append(_row_entry(cells, columns, number))
    except csv.Error as error:
        raise FormatError(f"not valid CSV: {error}", line=reader.line_num) from None
    return entries


def _is_header(cells: list[str]) -> bool:
    try:
        parse_time(cells[0])
    except ValidationError:
        return True
    return False


def _header_columns(cells: list[str], number: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(cells):
        for role, names in _COLUMN_NAMES.items():
            if name.lower() in names and role not in columns:
                columns[role] = index
    if "start" not in columns:
        raise FormatError(
            f"the header {','.join(cells)!r} has no start column (expected start,end,title)",
            line=number,
        )
    return columns


def _row_entry(cells: list[str], columns: dict[str, int] | None, number: int) -> ParsedEntry:
    if columns is None:
        # No header: start,end,label (LosslessCut); a two-cell row whose second cell is not a
        # time is start,label (a marker list).
        if len(cells) == 2 and not _looks_like_time(cells[1]):
            columns = {"start": 0, "title": 1}
        else:
            columns = {"start": 0, "end": 1, "title": 2, "description": 3}

    def cell(role: str) -> str:
        index = columns.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    start = _time(cell("start"), "start", number)
    if start is None:
        raise FormatError("the start time is empty", line=number)
    end = _time(cell("end"), "end", number)
    return ParsedEntry(
        start=start, end=end, title=cell("title"), line=number, description=cell("description")
    )


def _looks_like_time(text: str) -> bool:
    if not text:
        return True
    try:
        parse_time(text)
    except ValidationError:
        return False
    return True


def _time(text: str, what: str, number: int) -> float | None:
    if not text:
        return None
    try:
        return parse_time(text)
    except ValidationError:
        raise FormatError(
            f"the {what} time {text!r} is not seconds (62.5) or a clock time (1:02.5)",
            line=number,
        ) from None

"""JSON chapters in the platform's shape, and Twitch stream markers.

Export writes ``{"video_id", "chapters": [<chapter object of the API page>], "count"}``.
Import reads that, a bare list of chapter objects, or Twitch markers: the Helix
``GET /streams/markers`` answer (``data[].videos[].markers[]``), ``{"markers": [...]}`` or a
bare list, each marker with ``position_seconds`` and a ``description`` that becomes the title.
Errors name the line of the entry that is wrong.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable
from json import scanner
from json.decoder import WHITESPACE, JSONDecodeError  # type: ignore[attr-defined]

from core.domain.chapters import Chapter, ChapterSource
from core.library.shapes import chapter_json

from .entries import FormatError, ParsedEntry


def export_json(chapters: Iterable[Chapter], video_id: str) -> str:
    ordered = sorted(chapters, key=lambda c: c.start_time)
    document = {
        "video_id": video_id,
        "chapters": [chapter_json(c, video_id) for c in ordered],
        "count": len(ordered),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_json(text: str) -> list[ParsedEntry]:
    data = load_lined_json(text)
    markers = _twitch_markers(data)
    if markers is not None:
        return [_marker_entry(marker, line) for marker, line in markers]
    if isinstance(data, dict) and isinstance(data.get("chapters"), list):
        items = data["chapters"]
    elif isinstance(data, list):
        items = data
    else:
        raise FormatError(
            'expected a list of chapters, {"chapters": [...]}, or Twitch markers '
            "with position_seconds",
            line=1,
        )
    return [_chapter_entry(item, line) for item, line in zip(items, items.lines, strict=False)]


def parse_twitch(text: str) -> list[ParsedEntry]:
    markers = _twitch_markers(load_lined_json(text))
    if markers is None:
        raise FormatError(
            "no Twitch markers found (expected objects with position_seconds)", line=1
        )
    return [_marker_entry(marker, line) for marker, line in markers]


def looks_like_twitch(data: object) -> bool:
    return _twitch_markers(data) is not None


def _twitch_markers(data: object) -> list[tuple[dict, int]] | None:
    """``(marker, line)`` pairs when ``data`` is one of the Twitch marker shapes, else None."""
    if isinstance(data, dict):
        if isinstance(data.get("markers"), list):
            return _twitch_markers(data["markers"])
        if isinstance(data.get("data"), list):
            found: list[tuple[dict, int]] = []
            for item in data["data"]:
                videos = item.get("videos") if isinstance(item, dict) else None
                for video in videos if isinstance(videos, list) else []:
                    if isinstance(video, dict) and isinstance(video.get("markers"), list):
                        found += _twitch_markers(video["markers"]) or []
            if found or data["data"] == []:
                return found
            return _twitch_markers(data["data"])
        return None
    if (
        isinstance(data, LinedList)
        and data
        and all(isinstance(item, dict) and "position_seconds" in item for item in data)
    ):
        return list(zip(data, data.lines, strict=False))
    return None


def _marker_entry(marker: dict, line: int) -> ParsedEntry:
    start = _seconds(marker.get("position_seconds"), "position_seconds", line)
    return ParsedEntry(start=start, end=None, title=str(marker.get("description") or ""), line=line)


def _chapter_entry(item: object, line: int) -> ParsedEntry:
    if not isinstance(item, dict):
        raise FormatError(f"expected a chapter object, got {json.dumps(item)[:40]}", line=line)
    start_key = "start_time" if "start_time" in item else "start"
    end_key = "end_time" if "end_time" in item else "end"
    if start_key not in item:
        raise FormatError("the chapter has no start_time", line=line)
    start = _seconds(item[start_key], start_key, line)
    end = None if item.get(end_key) is None else _seconds(item[end_key], end_key, line)
    source_text = str(item.get("source") or "manual").lower()
    if source_text not in ("manual", "ai"):
        raise FormatError(f"unknown source {source_text!r}: use manual or ai", line=line)
    return ParsedEntry(
        start=start,
        end=end,
        title=str(item.get("title") or item.get("name") or ""),
        line=line,
        description=str(item.get("description") or ""),
        source=ChapterSource(source_text),
        confidence_score=item.get("confidence_score"),
    )


def _seconds(value: object, name: str, line: int) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormatError(f"{name} must be a number of seconds, got {json.dumps(value)}", line=line)
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0:
        raise FormatError(
            f"{name} must be a non-negative number of seconds, got {value}", line=line
        )
    return seconds


# --- JSON that remembers the line of every list item ----------------------------------------
class LinedList(list):
    """A JSON array whose ``lines[i]`` is the line where item ``i`` starts."""

    lines: list[int]


def load_lined_json(text: str) -> object:
    text = text.lstrip("\ufeff")
    newlines = [index for index, char in enumerate(text) if char == "\n"]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(newlines, offset) + 1

    decoder = json.JSONDecoder()
    # The stdlib decoder's undocumented hooks (typeshed leaves them out): line numbers per array.
    decoder.parse_array = (  # type: ignore[attr-defined]
        lambda s_and_end, scan_once: _lined_array(s_and_end, scan_once, line_of)
    )
    decoder.scan_once = scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]  # the C scanner ignores parse_array
    try:
        return decoder.decode(text)
    except JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno
        ) from None


def _lined_array(s_and_end, scan_once, line_of, _w=WHITESPACE.match):
    """``json.decoder.JSONArray`` that also records where each item starts."""
    s, end = s_and_end
    values = LinedList()
    values.lines = []
    end = _w(s, end).end()
    if s[end : end + 1] == "]":
        return values, end + 1
    while True:
        values.lines.append(line_of(end))
        try:
            value, end = scan_once(s, end)
        except StopIteration as error:
            raise JSONDecodeError("Expecting value", s, error.value) from None
        values.append(value)
        end = _w(s, end).end()
        nextchar = s[end : end + 1]
        end += 1
        if nextchar == "]":
            break
        if nextchar != ",":
            raise JSONDecodeError("Expecting ',' delimiter", s, end - 1)
        end = _w(s, end).end()
    return values, end

"""The chapter formats by name: export, parse, and guessing a file's format."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath

from core.domain.chapters import Chapter
from core.domain.errors import ValidationError

from .csv_format import export_csv, parse_csv
from .entries import FormatError, ParsedEntry
from .ffmetadata import HEADER as FFMETADATA_HEADER
from .ffmetadata import export_ffmetadata, parse_ffmetadata
from .json_format import export_json, load_lined_json, looks_like_twitch, parse_json, parse_twitch
from .webvtt import export_webvtt, parse_webvtt
from .youtube import export_youtube, parse_youtube

EXPORT_FORMATS = ("youtube", "webvtt", "ffmetadata", "csv", "json")
TEXT_IMPORT_FORMATS = ("youtube", "webvtt", "ffmetadata", "csv", "json", "twitch")
# "video": the chapters inside an MP4/MKV/MOV file (read with ffprobe, see ChapterFormats).
IMPORT_FORMATS = (*TEXT_IMPORT_FORMATS, "video")
FILE_EXTENSIONS = {
    "youtube": ".txt",
    "webvtt": ".vtt",
    "ffmetadata": ".ffmeta",
    "csv": ".csv",
    "json": ".json",
}

_PARSERS: dict[str, Callable[[str], list[ParsedEntry]]] = {
    "youtube": parse_youtube,
    "webvtt": parse_webvtt,
    "ffmetadata": parse_ffmetadata,
    "csv": parse_csv,
    "json": parse_json,
    "twitch": parse_twitch,
}
_FALLBACK_TITLES = {"twitch": "Marker {n}"}


def check_format(name: str, allowed: Iterable[str]) -> str:
    choice = (name or "").strip().lower()
    allowed = tuple(allowed)
    if choice not in allowed:
        raise ValidationError(f"unknown chapter format {name!r}: use {', '.join(allowed)}")
    return choice


def export_chapters(name: str, chapters: Iterable[Chapter], *, video_id: str = "") -> str:
    """The chapters as text in format ``name`` (see ``EXPORT_FORMATS``)."""
    fmt = check_format(name, EXPORT_FORMATS)
    chapters = list(chapters)
    if fmt == "json":
        return export_json(chapters, video_id)
    return {
        "youtube": export_youtube,
        "webvtt": export_webvtt,
        "ffmetadata": export_ffmetadata,
        "csv": export_csv,
    }[fmt](chapters)


def parse_chapters(name: str, text: str) -> list[ParsedEntry]:
    return _PARSERS[check_format(name, TEXT_IMPORT_FORMATS)](text)


def fallback_title(name: str) -> str:
    return _FALLBACK_TITLES.get(name, "Chapter {n}")


def detect_format(text: str, filename: str | None = None) -> str:
    """The format of ``text``: its own header or shape first, then the file's extension."""
    body = text.lstrip("\ufeff").lstrip()
    if body.startswith(FFMETADATA_HEADER):
        return "ffmetadata"
    if body.startswith("WEBVTT"):
        return "webvtt"
    if body[:1] in ("{", "["):
        try:
            data = load_lined_json(body)
        except FormatError:
            if body[:1] == "{" or (filename or "").lower().endswith(".json"):
                return "json"  # broken JSON: let the JSON parser report the line
        else:
            return "twitch" if looks_like_twitch(data) else "json"
    suffix = PurePath(filename).suffix.lower() if filename else ""
    by_extension = {
        ".vtt": "webvtt",
        ".csv": "csv",
        ".json": "json",
        ".ffmeta": "ffmetadata",
        ".ffmetadata": "ffmetadata",
    }
    if suffix in by_extension:
        return by_extension[suffix]
    first_line = body.splitlines()[0] if body else ""
    if "," in first_line:
        # "0,120,Intro" or a "start,end,title" header; YouTube lines start with a clock time.
        first_cell = first_line.split(",")[0].strip().strip('"').lower()
        if first_cell.replace(".", "", 1).isdigit() or first_cell in ("start", "start_time"):
            return "csv"
    return "youtube"


__all__ = [
    "EXPORT_FORMATS",
    "FILE_EXTENSIONS",
    "IMPORT_FORMATS",
    "TEXT_IMPORT_FORMATS",
    "check_format",
    "detect_format",
    "export_chapters",
    "fallback_title",
    "parse_chapters",
]

"""Transcripts: parse WebVTT, SRT, SBV, recognisers' JSON and timestamped text into segments.

A transcript is a list of ``Segment(start, end, text)`` in seconds, sorted by start. Each
parsed segment remembers where it came from (``origin``: "line 12" or "segment #3") so that a
time outside the VOD is reported where the user can find it.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from core.domain.timefmt import format_time

from .errors import TranscriptError
from .rolling_captions import CueLines, new_text_of_cues
from .segment import Segment, clean_text
from .transcript_json import segments_of_json

# A transcript may run a little past the probed duration (rounding, trailing silence).
END_TOLERANCE_SECONDS = 2.0
MAX_FILE_BYTES = 50 * 1024 * 1024
_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_SRT_TIMING = re.compile(rf"^\s*(?P<start>{_CLOCK})\s*-->\s*(?P<end>{_CLOCK})(?:\s.*)?$")
# YouTube Studio's SubViewer captions (.sbv): "0:00:02.360,0:00:05.120" then the text.
_SBV_TIMING = re.compile(rf"^\s*(?P<start>{_CLOCK}),(?P<end>{_CLOCK})\s*$")
_TEXT_LINE = re.compile(
    rf"^\s*(?:\[(?P<b>{_CLOCK})\]|\((?P<p>{_CLOCK})\)|(?P<bare>{_CLOCK}))\s*[-–:|]?\s*(?P<text>.*)$"
)


def segments_from_json(items: list | None) -> list[Segment]:
    """Segments as stored in ``Vod.transcript``."""
    return [Segment(float(i["start"]), float(i["end"]), str(i["text"])) for i in items or []]


def read_transcript_file(path: str | Path) -> tuple[list[Segment], str]:
    """``(segments, format name)`` of a transcript file; ``TranscriptError`` if it is not one."""
    file = Path(path)
    if not file.is_file():
        raise TranscriptError(f"transcript file not found: {file}")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise TranscriptError(
            f"{file.name} is larger than {MAX_FILE_BYTES // 2**20} MB: not a transcript"
        )
    return parse_transcript(_decoded(file.read_bytes(), file.name), name=file.name)


def _decoded(raw: bytes, name: str) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with its mark (what Windows tools
    such as Notepad and Subtitle Edit save as "Unicode"), else Latin-1."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise TranscriptError(f"{name} is damaged: not valid UTF-16 text") from None
    if b"\x00" in raw[:4096]:
        raise TranscriptError(f"{name} is a binary file, not a transcript")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_transcript(text: str, *, name: str = "transcript") -> tuple[list[Segment], str]:
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise TranscriptError(f"{name} is empty")
    lowered = name.lower()
    if stripped.startswith("WEBVTT") or lowered.endswith(".vtt"):
        return _parse_vtt(stripped, name), "webvtt"
    if stripped[0] in "[{" and (lowered.endswith(".json") or _looks_like_json(stripped)):
        return _parse_json(stripped, name), "json"
    if lowered.endswith(".srt") or _SRT_TIMING.match(_first_timing_candidate(stripped)):
        return _parse_srt(stripped, name), "srt"
    if lowered.endswith(".sbv") or _SBV_TIMING.match(stripped.splitlines()[0]):
        return _parse_sbv(stripped, name), "sbv"
    return _parse_timestamped_text(stripped, name), "text"


def _looks_like_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _first_timing_candidate(text: str) -> str:
    for line in text.splitlines()[:5]:
        if "-->" in line:
            return line
    return ""


def _clock_seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _parse_vtt(text: str, name: str) -> list[Segment]:
    timing_lines = [n for n, line in enumerate(text.splitlines(), 1) if "-->" in line]
    try:
        captions = webvtt.from_string(text, strict=True)
    except MalformedFileError:
        raise TranscriptError(
            f"{name} is not a WebVTT file: it must start with a WEBVTT line"
        ) from None
    except MalformedCaptionError:
        for number in timing_lines:
            line = text.splitlines()[number - 1]
            if not _SRT_TIMING.match(line.replace(",", ".")):
                raise TranscriptError(
                    f"{name} line {number}: bad cue timing {line.strip()!r}"
                ) from None
        raise TranscriptError(
            f"{name}: a cue block is malformed (each cue needs a timing line and text)"
        ) from None
    if not len(captions):
        raise TranscriptError(f"{name} has no cues: not a transcript")
    cues = [
        CueLines(
            caption.start_time.in_milliseconds() / 1000,
            caption.end_time.in_milliseconds() / 1000,
            _clean_lines(caption.lines),
            f"line {timing_lines[index]}" if index < len(timing_lines) else f"cue #{index + 1}",
        )
        for index, caption in enumerate(captions.captions)
    ]
    return _segments_of(cues)


def _clean_lines(lines: list[str]) -> list[str]:
    return [cleaned for cleaned in map(clean_text, lines) if cleaned]


def _segments_of(cues: list[CueLines]) -> list[Segment]:
    return [Segment(c.start, c.end, text, c.origin) for c, text in new_text_of_cues(cues)]


def _parse_srt(text: str, name: str) -> list[Segment]:
    return _parse_cue_blocks(text, name, _SRT_TIMING, "a cue number or 'start --> end' timing")


def _parse_sbv(text: str, name: str) -> list[Segment]:
    return _parse_cue_blocks(text, name, _SBV_TIMING, "a 'start,end' timing")


def _parse_cue_blocks(text: str, name: str, timing: re.Pattern, expected: str) -> list[Segment]:
    """Blocks of a timing line and text lines, apart by blank lines (SRT, SBV)."""
    cues: list[CueLines] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if not line or line.isdigit():
            index += 1
            continue
        match = timing.match(line)
        if not match:
            raise TranscriptError(
                f"{name} line {index + 1}: expected {expected}, got {line[:60]!r}"
            )
        body: list[str] = []
        number = index + 1
        index += 1
        while index < len(lines) and lines[index].strip():
            body.append(lines[index])
            index += 1
        cues.append(
            CueLines(
                _clock_seconds(match["start"]),
                _clock_seconds(match["end"]),
                _clean_lines(body),
                f"line {number}",
            )
        )
    if not cues:
        raise TranscriptError(f"{name} has no cues: not a transcript")
    return _segments_of(cues)


def _parse_json(text: str, name: str) -> list[Segment]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise TranscriptError(
            f"{name} is not valid JSON (line {getattr(error, 'lineno', '?')}): {error}"
        ) from None
    return segments_of_json(data, name)


def _parse_timestamped_text(text: str, name: str) -> list[Segment]:
    """Lines like ``[00:01:02] text``, ``(1:02) text`` or ``1:02 text``; untimed lines continue
    the previous one. A segment ends where the next begins."""
    starts: list[tuple[float, list[str], str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _TEXT_LINE.match(line)
        if match:
            stamp = match["b"] or match["p"] or match["bare"]
            starts.append((_clock_seconds(stamp), [match["text"]], f"line {number}"))
        elif starts:
            starts[-1][1].append(line)
        else:
            raise TranscriptError(
                f"{name} line {number}: no timestamp found; a transcript needs timed lines "
                "(WebVTT, SRT, JSON segments, or text like '[00:01:02] words')"
            )
    segments = []
    for index, (start, body, origin) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else math.inf
        segments.append(Segment(start, end, clean_text(" ".join(body)), origin))
    return segments


def validate_segments(
    segments: list[Segment], duration: float, *, name: str = "transcript"
) -> list[Segment]:
    """Sorted segments inside ``[0, duration]``; an open last end is closed at the VOD's end.

    Empty cues are dropped; a start past the end of the VOD is an error naming its line.
    """
    # Starts first: in timestamped text an end is the next line's start, so the line to
    # blame for a time past the end is the one that starts there.
    for segment in segments:
        where = f"{name} {segment.origin}".strip()
        if any(math.isnan(t) for t in (segment.start, segment.end)) or segment.start < 0:
            raise TranscriptError(f"{where}: times must be non-negative numbers")
        if segment.start > duration + END_TOLERANCE_SECONDS:
            raise TranscriptError(
                f"{where}: starts at {format_time(segment.start)}, past the end of the video "
                f"({format_time(duration)}); is this the transcript of another VOD?"
            )
    cleaned: list[Segment] = []
    for segment in segments:
        where = f"{name} {segment.origin}".strip()
        if math.isfinite(segment.end) and segment.end > duration + END_TOLERANCE_SECONDS:
            raise TranscriptError(
                f"{where}: ends at {format_time(segment.end)}, past the end of the video "
                f"({format_time(duration)})"
            )
        end = segment.end
        if math.isfinite(end) and end < segment.start:
            raise TranscriptError(
                f"{where}: ends ({format_time(end)}) before it starts ({format_time(segment.start)})"
            )
        start = min(segment.start, duration)
        if not math.isfinite(end):
            end = min(duration, start + max(2.0, 0.4 * len(segment.text.split())))
        end = min(end, duration)
        if not segment.text or end <= start:
            continue
        cleaned.append(replace(segment, start=start, end=end))
    if not cleaned:
        raise TranscriptError(f"{name} has no spoken text inside the video")
    cleaned.sort(key=lambda s: (s.start, s.end))
    return cleaned

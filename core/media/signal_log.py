"""Reading what ffmpeg's detection filters log, line by line, into a ``PassResult``."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

LOUDNESS_FLOOR = -120.7  # what ebur128 reports for a block with no signal

_NUMBER = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
_PATTERNS = {
    "silence_start": re.compile(r"silence_start: " + _NUMBER),
    "silence_end": re.compile(r"silence_end: " + _NUMBER),
    "black": re.compile(r"black_start:" + _NUMBER + r" black_end:" + _NUMBER),
    "freeze_start": re.compile(r"freezedetect\.freeze_start: " + _NUMBER),
    "freeze_end": re.compile(r"freezedetect\.freeze_end: " + _NUMBER),
    "frame_time": re.compile(r"\bpts_time:" + _NUMBER),
    "scene_score": re.compile(r"lavfi\.scd\.score=" + _NUMBER),
    "loudness": re.compile(r"\bt: " + _NUMBER + r"\s.*?\bM:\s*(-?inf|nan|-?\d+(?:\.\d+)?)"),
}


@dataclass
class PassResult:
    """What the pass found, in seconds from the file's start; edges at keyframe precision."""

    keyframes: list[float] = field(default_factory=list)
    keyframe_scores: list[float] = field(default_factory=list)  # scdet's 0..100, per keyframe
    silences: list[tuple[float, float]] = field(default_factory=list)
    blacks: list[tuple[float, float]] = field(default_factory=list)
    freezes: list[tuple[float, float]] = field(default_factory=list)
    loudness: list[float] = field(default_factory=list)  # momentary LUFS every 100 ms
    seconds_read: float = 0.0


class LogReader:
    """Turns the filters' log lines into ``PassResult`` fields (also used by the tests).
    ``offset`` is added to every time (a part read from ``offset`` logs times from 0)."""

    def __init__(self, result: PassResult, offset: float = 0.0) -> None:
        self.result = result
        self.offset = offset
        self.tail: deque[str] = deque(maxlen=12)
        self._silence_start: float | None = None
        self._freeze_start: float | None = None
        self._frame_time: float | None = None
        self.video_seconds = 0.0

    def feed(self, line: str) -> None:
        result = self.result
        if "Parsed_ebur128" in line or "[ebur128" in line:
            match = _PATTERNS["loudness"].search(line)
            if match:
                value = float(match.group(2))  # digital silence logs nan
                result.loudness.append(value if value > LOUDNESS_FLOOR else LOUDNESS_FLOOR)
                return
        if "Parsed_metadata" in line:
            match = _PATTERNS["frame_time"].search(line)
            if match:
                self._frame_time = round(float(match.group(1)) + self.offset, 6)
                return
            match = _PATTERNS["scene_score"].search(line)
            if match and self._frame_time is not None:
                result.keyframes.append(self._frame_time)
                result.keyframe_scores.append(float(match.group(1)))
                self.video_seconds = self._frame_time
                self._frame_time = None
                return
        for key in ("silence_start", "silence_end", "freeze_start", "freeze_end"):
            match = _PATTERNS[key].search(line)
            if match:
                self._edge(key, round(float(match.group(1)) + self.offset, 6))
                return
        match = _PATTERNS["black"].search(line)
        if match:
            start, end = float(match.group(1)), float(match.group(2))
            result.blacks.append((round(start + self.offset, 6), round(end + self.offset, 6)))
            return
        if line.strip() and "TARGET:" not in line:
            self.tail.append(line.rstrip())

    def _edge(self, key: str, value: float) -> None:
        if key == "silence_start":
            self._silence_start = value
        elif key == "silence_end":
            start = self._silence_start if self._silence_start is not None else self.offset
            self.result.silences.append((max(0.0, start), value))
            self._silence_start = None
        elif key == "freeze_start":
            if self._freeze_start is None:
                self._freeze_start = value
        else:
            start = self._freeze_start if self._freeze_start is not None else self.offset
            self.result.freezes.append((start, value))
            self._freeze_start = None

    def close(self, duration: float) -> None:
        """Stretches still open when the file (or the part) ended run to its end."""
        if self._silence_start is not None:
            self.result.silences.append((self._silence_start, duration))
            self._silence_start = None
        if self._freeze_start is not None:
            self.result.freezes.append((self._freeze_start, duration))
            self._freeze_start = None

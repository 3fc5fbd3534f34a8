"""Transcripts as JSON, in the shapes the common recognisers write:

- a list of segments, or an object with ``segments`` (OpenAI's verbose JSON, openai-whisper,
  faster-whisper, WhisperX): ``start``/``end`` in seconds and ``text``;
- whisper.cpp's ``--output-json``: ``transcription`` items with ``offsets`` in milliseconds;
- word lists: AssemblyAI's ``words`` (milliseconds) and Deepgram's
  ``results.channels[0].alternatives[0].words`` (seconds), grouped here into cues at
  sentence ends and pauses.
"""

from __future__ import annotations

import statistics
from typing import Any

from .errors import TranscriptError
from .segment import Segment, clean_text

WORDS_PER_CUE = 20
PAUSE_SECONDS = 1.0  # a gap this long between words ends a cue
# A word lasts well under this many units when they are seconds; in milliseconds, far more.
MILLISECOND_WORDS = 20.0
SHAPES = (
    "a list of segments, an object with 'segments' (Whisper), 'transcription' (whisper.cpp) "
    "or 'words' (AssemblyAI, Deepgram)"
)


def segments_of_json(data: Any, name: str) -> list[Segment]:
    if isinstance(data, list):
        return _segments(data, name)
    if not isinstance(data, dict):
        raise TranscriptError(f"{name}: expected {SHAPES}")
    if isinstance(data.get("segments"), list) and data["segments"]:
        return _segments(data["segments"], name)
    if isinstance(data.get("transcription"), list) and data["transcription"]:
        return _whisper_cpp(data["transcription"], name)
    words = _deepgram_words(data) or data.get("words")
    if isinstance(words, list) and words:
        return _cues_of_words(words, name)
    raise TranscriptError(f"{name}: expected {SHAPES}")


def _segments(items: list, name: str) -> list[Segment]:
    if not items:
        raise TranscriptError(f"{name}: expected {SHAPES}")
    return [
        Segment(start, end, _text(item, "text", name, where), where)
        for item, start, end, where in _timed(items, name, "segment")
    ]


def _whisper_cpp(items: list, name: str) -> list[Segment]:
    return [
        Segment(start / 1000, end / 1000, _text(item, "text", name, where), where)
        for item, start, end, where in _timed(items, name, "transcription", "offsets")
    ]


def _deepgram_words(data: dict) -> list | None:
    try:
        return data["results"]["channels"][0]["alternatives"][0]["words"]
    except (KeyError, IndexError, TypeError):
        return None


def _cues_of_words(words: list, name: str) -> list[Segment]:
    timed = [
        (start, end, _text(word, _word_key(word), name, where), where)
        for word, start, end, where in _timed(words, name, "word")
    ]
    scale = 1000.0 if statistics.median(e - s for s, e, _, _ in timed) > MILLISECOND_WORDS else 1.0
    cues: list[Segment] = []
    current: list[tuple[float, float, str, str]] = []
    for index, word in enumerate(timed):
        current.append(word)
        following = timed[index + 1] if index + 1 < len(timed) else None
        if (
            following is None
            or word[2].endswith((".", "?", "!"))
            or (following[0] - word[1]) / scale >= PAUSE_SECONDS
            or len(current) >= WORDS_PER_CUE
        ):
            text = " ".join(w[2] for w in current if w[2])
            cues.append(Segment(current[0][0] / scale, current[-1][1] / scale, text, current[0][3]))
            current = []
    return cues


def _timed(items: list, name: str, label: str, inside: str | None = None):
    """``(item, start, end, where)`` of each item: its ``start`` and ``end``, or the ``from``
    and ``to`` of its ``inside`` object (whisper.cpp's ``offsets``)."""
    first, last = ("from", "to") if inside else ("start", "end")
    for number, item in enumerate(items, 1):
        where = f"{label} #{number}"
        holder = item.get(inside) if inside and isinstance(item, dict) else item
        if not isinstance(holder, dict):
            wanted = (
                f"{inside!r} with {first!r} and {last!r}"
                if inside
                else ("an object with start, end and text")
            )
            raise TranscriptError(f"{name} {where}: expected {wanted}")
        yield (item, *_times(holder, first, last, name, where), where)


def _word_key(word: dict) -> str:
    return next((key for key in ("punctuated_word", "text", "word") if key in word), "text")


def _times(item: dict, first: str, last: str, name: str, where: str) -> tuple[float, float]:
    try:
        return float(item[first]), float(item[last])
    except KeyError as missing:
        raise TranscriptError(f"{name} {where}: missing {missing.args[0]!r}") from None
    except (TypeError, ValueError):
        raise TranscriptError(f"{name} {where}: {first} and {last} must be numbers") from None


def _text(item: dict, key: str, name: str, where: str) -> str:
    text = item.get(key, "")
    if not isinstance(text, str):
        raise TranscriptError(f"{name} {where}: {key} must be a string")
    return clean_text(text)

"""One timed piece of a transcript, and the text cleaning every format shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Segment:
    start: float
    end: float
    text: str
    origin: str = field(default="", compare=False)  # where it was read, for messages

    def to_json(self) -> dict:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "text": self.text}


def clean_text(text: str) -> str:
    """``text`` without markup (``<v Alice>``, ``<c>``, word times) on one line."""
    return " ".join(_TAG.sub("", text).split())

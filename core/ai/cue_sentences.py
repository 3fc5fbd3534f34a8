"""Sentences that begin inside a cue. Rolling captions print a few words a cue, blind to
sentences, so a chapter can begin mid-cue: "…or a double-quoted string. JSON is a subset
of…". Cut there, the new chapter can start on its own first word rather than on the cue
before or after it (one to four seconds away).

Recognisers time cues, not words, so each part gets the cue's time in proportion to its
words. Only punctuated text is cut: without a full stop before a capital there is no
sentence to find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .segment import Segment

# A full stop, question or exclamation mark, then a word that opens with a capital (maybe
# after a quote or bracket): "string. JSON", "right? So".
_INNER_SENTENCE_START = re.compile(r"(?<=[.?!])\s+(?=[\"'“(]?[A-Z])")


def split_at_sentence_starts(segments: Sequence[Segment]) -> list[Segment]:
    """``segments`` with every cue that holds a sentence start after its first word cut
    into parts, timed by their share of the cue's words."""
    parts: list[Segment] = []
    for segment in segments:
        pieces = _INNER_SENTENCE_START.split(segment.text.strip())
        if len(pieces) == 1:
            parts.append(segment)
            continue
        counts = [len(piece.split()) for piece in pieces]
        total, span, said = sum(counts), segment.end - segment.start, 0
        for piece, count in zip(pieces, counts, strict=True):
            start = segment.start + span * said / total
            said += count
            end = segment.start + span * said / total
            parts.append(Segment(round(start, 3), round(end, 3), piece, segment.origin))
    return parts

"""Captions that roll, as YouTube's automatic captions do (and the files yt-dlp saves from
them): each cue shows the line before it and the new one, and between two cues a 10 ms cue
shows the finished line alone. Read cue by cue, every sentence came two or three times, which
tripled the words the chapters were made from and the tokens sent to a model.

When most cues begin with a line the cue before them showed, only each cue's new lines are
kept, and a cue with none is dropped. Other files, where a line said twice is said twice,
are left as they are.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

ROLLING_SHARE = 0.6  # of cues that begin with a line of the cue before (YouTube's: all)


@dataclass(frozen=True, slots=True)
class CueLines:
    start: float
    end: float
    lines: list[str]  # without markup, blank lines dropped
    origin: str


def new_text_of_cues(cues: Sequence[CueLines]) -> list[tuple[CueLines, str]]:
    """Each cue with its text: all its lines, or, in rolling captions, the lines it adds
    (cues that add none are left out)."""
    if not _rolls(cues):
        return [(cue, " ".join(cue.lines)) for cue in cues]
    kept: list[tuple[CueLines, str]] = []
    shown: list[str] = []
    for cue in cues:
        new = [line for line in cue.lines if line not in shown]
        if new:
            kept.append((cue, " ".join(new)))
        shown = cue.lines
    return kept


def _rolls(cues: Sequence[CueLines]) -> bool:
    repeated = sum(
        1
        for before, cue in itertools.pairwise(cues)
        if cue.lines and before.lines and cue.lines[0] in before.lines
    )
    return len(cues) >= 3 and repeated >= ROLLING_SHARE * (len(cues) - 1)

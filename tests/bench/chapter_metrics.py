"""Measures for chapter boundaries and titles, and a reference TextTiling to compare with."""

from __future__ import annotations

import math
import re
from collections import Counter

from core.ai.words import STOPWORDS, content_stems


def match_boundaries(predicted: list[float], truth: list[float], tolerance: float) -> int:
    """Greedy one-to-one matches of predicted to true boundaries within ``tolerance``."""
    used: set[int] = set()
    matched = 0
    for time_ in sorted(predicted):
        best = min(
            (i for i in range(len(truth)) if i not in used and abs(truth[i] - time_) <= tolerance),
            key=lambda i: abs(truth[i] - time_),
            default=None,
        )
        if best is not None:
            used.add(best)
            matched += 1
    return matched


def scores(
    runs: list[tuple[list[float], list[float]]], tolerance: float
) -> tuple[float, float, float]:
    hits = sum(match_boundaries(p, t, tolerance) for p, t in runs)
    predicted = sum(len(p) for p, _ in runs)
    true = sum(len(t) for _, t in runs)
    precision = hits / predicted if predicted else 0.0
    recall = hits / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def even_split(duration: float, chapters: int) -> list[float]:
    return [duration * i / chapters for i in range(1, chapters)]


def texttiling(segments, duration: float, block_words: int = 100) -> list[float]:
    """A careful textbook TextTiling (Hearst 1997): block comparison of about
    ``block_words`` content words on each side of every cue start, smoothed, depth scores,
    cut where the depth passes mean + std/2, one boundary per 90 s at most."""
    tokens = [content_stems(s.text) for s in segments]
    gaps = []
    for gap in range(1, len(tokens)):
        left, right, i, j = Counter(), Counter(), gap - 1, gap
        while i >= 0 and sum(left.values()) < block_words:
            left.update(tokens[i])
            i -= 1
        while j < len(tokens) and sum(right.values()) < block_words:
            right.update(tokens[j])
            j += 1
        dot = sum(left[w] * right[w] for w in left)
        norm = math.sqrt(sum(v * v for v in left.values()) * sum(v * v for v in right.values()))
        gaps.append(dot / norm if norm else 0.0)
    smooth = [
        sum(gaps[max(0, i - 2) : i + 3]) / len(gaps[max(0, i - 2) : i + 3])
        for i in range(len(gaps))
    ]
    depths = [_climb(smooth, i, -1) + _climb(smooth, i, 1) - 2 * v for i, v in enumerate(smooth)]
    if not depths:
        return []
    mean = sum(depths) / len(depths)
    spread = math.sqrt(sum((d - mean) ** 2 for d in depths) / len(depths))
    chosen: list[float] = []
    for i in sorted(range(len(depths)), key=lambda i: -depths[i]):
        at = segments[i + 1].start
        if depths[i] > mean + spread / 2 and all(abs(at - c) >= 90 for c in chosen):
            chosen.append(at)
    return sorted(chosen)


def _climb(values: list[float], index: int, step: int) -> float:
    """The top of the hill next to ``index`` going ``step`` (-1 left, +1 right)."""
    peak = values[index]
    index += step
    while 0 <= index < len(values) and values[index] >= peak:
        peak = values[index]
        index += step
    return peak


TITLE_CHECKS = (
    "not empty",
    "≤ 49 characters, ≤ 5 words",
    "not a list (no commas)",
    "capitalised",
    "noun phrase (POS heuristic)",
    "words said in the chapter",
    "differs from the neighbour",
)
_NOT_A_HEAD = re.compile(r"(ly|ed|ous|ful|ive|able|ible|less)$")
_VERBS = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "return",
        "returns",
        "raise",
        "raises",
        "call",
        "calls",
        "make",
        "makes",
        "take",
        "takes",
        "give",
        "gives",
        "get",
        "gets",
        "run",
        "runs",
        "say",
        "says",
    ]
)


def title_checks(title: str, chapter_text: str, previous: str | None) -> dict[str, bool]:
    """Each of ``TITLE_CHECKS`` for one title. The noun-phrase check is a heuristic: the last
    word can head a noun phrase (not a function word, a verb, an adverb, a participle or an
    adjective by its ending) and the first word is not a function word."""
    words = title.split()
    # Quotes and hyphens at a word's edges are not part of it ("'smartindent'", "CTRL-O").
    said = {w.strip("'’-") for w in re.findall(r"[a-z0-9'’-]+", chapter_text.lower())}
    head = words[-1].lower() if words else ""
    first = words[0].lower() if words else ""
    return {
        "not empty": bool(title.strip()),
        "≤ 49 characters, ≤ 5 words": len(title) <= 49 and len(words) <= 5,
        "not a list (no commas)": "," not in title,
        "capitalised": bool(title) and title[0].isupper(),
        "noun phrase (POS heuristic)": bool(words)
        and head not in STOPWORDS
        and head not in _VERBS
        and not _NOT_A_HEAD.search(head)
        and first not in STOPWORDS,
        "words said in the chapter": bool(words) and all(w.lower() in said for w in words),
        "differs from the neighbour": previous is None or title.lower() != previous.lower(),
    }

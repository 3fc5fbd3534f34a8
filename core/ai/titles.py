"""Chapter titles from the chapter's own words: the short noun phrase that says what this
chapter is about and its neighbours are not ("Invoking Descriptors", not "Class, Attribute,
Method").

Candidates are runs of one to three content words said inside one clause, whose last word can
head a noun phrase (not an adverb, participle or adjective by its ending). Each candidate
scores by how often the chapter says it and how much more this chapter uses its words than the
rest of the talk (log-odds). Phrases that follow a determiner ("the slots", "a descriptor") are
surely noun phrases and score higher; a phrase said once is a last resort.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from .words import TOKEN, is_content, stem

MAX_TITLE_WORDS = 3
MAX_TITLE_CHARS = 49  # what YouTube shows on hover
DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "my",
        "your",
        "our",
        "their",
        "its",
        "his",
        "her",
        "some",
        "any",
        "each",
        "every",
    ]
)
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\"“”]")
_NOT_A_HEAD = ("ly", "ed", "ous", "ful", "ive", "able", "ible", "less", "est")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "via",
        "with",
    ]
)


def chapter_titles(chapter_texts: list[str]) -> list[str]:
    """One title per chapter, in order; never empty, never the same as the previous one."""
    phrases = [_candidates(text) for text in chapter_texts]
    stems_per_chapter = [
        Counter(stem(w) for p, n in found.items() for w in p.split() for _ in range(n))
        for found in phrases
    ]
    everywhere = sum(stems_per_chapter, Counter())
    total = sum(everywhere.values()) or 1
    titles: list[str] = []
    for index, found in enumerate(phrases):
        own = stems_per_chapter[index]
        own_total = sum(own.values()) or 1

        def distinct(word: str, own=own, own_total=own_total) -> float:
            root = stem(word)
            inside = (own[root] + 0.5) / own_total
            outside = (everywhere[root] - own[root] + 0.5) / max(1, total - own_total)
            return max(0.0, math.log(inside / outside))

        ranked = sorted(
            found.items(),
            key=lambda item: -_score(item[0], item[1], distinct, found.determined),
        )
        previous = titles[-1].lower() if titles else None
        title = next(
            (
                _capitalise(p, found.spoken)
                for p, _ in ranked
                if _capitalise(p, found.spoken).lower() != previous
            ),
            "",
        )
        titles.append(title or f"Part {index + 1}")
    return titles


class _Found(Counter):
    """Candidate phrases (lowercase) with counts, plus how each was spoken and whether a
    determiner came before it at least once."""

    def __init__(self) -> None:
        super().__init__()
        self.spoken: dict[str, Counter] = {}
        self.determined: set[str] = set()


def _candidates(text: str) -> _Found:
    found = _Found()
    for clause in _CLAUSE_BREAK.split(text):
        tokens = TOKEN.findall(clause)
        run: list[str] = []
        before = ""
        for token in [*tokens, ""]:
            word = token.lower().strip("'’-")
            if word and is_content(word) and not word.isdigit():
                run.append(token.strip("'’-"))
                continue
            _add_runs(found, run, before)
            run, before = [], word
    return found


def _add_runs(found: _Found, run: list[str], before: str) -> None:
    for size in range(1, MAX_TITLE_WORDS + 1):
        for first in range(len(run) - size + 1):
            words = run[first : first + size]
            if words[-1].lower().endswith(_NOT_A_HEAD):
                continue
            key = " ".join(w.lower() for w in words)
            found[key] += 1
            found.spoken.setdefault(key, Counter())[" ".join(words)] += 1
            if first == 0 and before in DETERMINERS:
                found.determined.add(key)


def _score(phrase: str, count: int, distinct, determined: set[str]) -> float:
    words = phrase.split()
    weight = sum(distinct(w) for w in words) / len(words) + 0.1
    length = {1: 1.0, 2: 2.2, 3: 1.8}[len(words)]
    noun_phrase = 1.5 if phrase in determined else 1.0
    repeated = 1.0 if count >= 2 else 0.3
    return count**0.5 * weight * length * noun_phrase * repeated


def _capitalise(phrase: str, spoken: dict[str, Counter]) -> str:
    form = spoken[phrase].most_common(1)[0][0]
    words = []
    for position, word in enumerate(form.split()):
        if word.isupper() and len(word) > 1:
            words.append(word)  # an acronym as it was said: SMTP, GPU
        elif position and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1].upper() + word[1:].lower())
    return " ".join(words)[:MAX_TITLE_CHARS].strip()

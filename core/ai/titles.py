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

from .words import TOKEN, is_content, spoken, stem

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
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# Words that head a title badly on their own ("Read", "Return"): said as verbs far more often.
_VERBS = frozenset(
    [
        "add",
        "allow",
        "apply",
        "ask",
        "call",
        "change",
        "check",
        "close",
        "come",
        "create",
        "define",
        "describe",
        "find",
        "follow",
        "handle",
        "help",
        "keep",
        "leave",
        "load",
        "look",
        "open",
        "pass",
        "print",
        "raise",
        "read",
        "remove",
        "return",
        "run",
        "save",
        "send",
        "set",
        "show",
        "start",
        "stop",
        "tell",
        "turn",
        "wait",
        "write",
    ]
)
# Nouns no title a viewer could use has: they name the talk itself or nothing at all
# ("in this chapter", "the next section", "for example", "a lot of things").
_VAGUE_WORDS = frozenset(
    [
        "anything",
        "bit",
        "chapter",
        "everything",
        "example",
        "kind",
        "lot",
        "nothing",
        "part",
        "question",
        "section",
        "something",
        "sort",
        "stuff",
        "thing",
        "things",
        "way",
    ]
)
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
    found = [_candidates(text) for text in chapter_texts]
    everywhere = sum((f.stems for f in found), Counter())
    total = sum(everywhere.values()) or 1
    titles: list[str] = []
    for index, chapter in enumerate(found):
        own_total = sum(chapter.stems.values()) or 1
        weights = {}
        for root, count in chapter.stems.items():
            inside = (count + 0.5) / own_total
            outside = (everywhere[root] - count + 0.5) / max(1, total - own_total)
            weights[root] = max(0.0, math.log(inside / outside))
        ranked = sorted(chapter.items(), key=lambda item: -_score(item, weights, chapter))
        previous = titles[-1].lower() if titles else None
        spoken = (_capitalise(phrase, chapter.spoken) for phrase, _ in ranked)
        titles.append(next((t for t in spoken if t.lower() != previous), f"Part {index + 1}"))
    return titles


class _Found(Counter):
    """Candidate phrases (lowercase, stems joined by spaces) with counts; how each was
    spoken when it had capitals; which followed a determiner; the chapter's stem counts."""

    def __init__(self) -> None:
        super().__init__()
        self.spoken: dict[str, Counter] = {}
        self.determined: set[str] = set()
        self.stems: Counter = Counter()


def _candidates(text: str) -> _Found:
    found = _Found()
    for clause in _CLAUSE_BREAK.split(spoken(text)):
        run: list[str] = []
        before = ""
        for token in [*TOKEN.findall(clause), ""]:
            word = _POSSESSIVE.sub("", token).strip("'’-")
            lower = word.lower()
            if lower and is_content(lower):
                run.append(word)
                found.stems[stem(lower)] += 1
                continue
            _add_runs(found, run, before)
            run, before = [], lower
    return found


def _add_runs(found: _Found, run: list[str], before: str) -> None:
    for first in range(len(run)):
        for size in range(1, min(MAX_TITLE_WORDS, len(run) - first) + 1):
            words = run[first : first + size]
            head = words[-1].lower()
            if head.endswith(_NOT_A_HEAD) or _is_verb(head):
                continue
            lowered = [w.lower() for w in words]
            if any(w in _VAGUE_WORDS for w in lowered) or len(set(lowered)) < size:
                continue  # vague, or a word said twice over ("keymap keymap")
            key = " ".join(words).lower()
            found[key] += 1
            if any(sum(c.isupper() for c in w) > 1 for w in words):  # an acronym: SMTP
                found.spoken.setdefault(key, Counter())[" ".join(words)] += 1
            if first == 0 and before in DETERMINERS:
                found.determined.add(key)


def _is_verb(word: str) -> bool:
    return word in _VERBS or (word.endswith("s") and word[:-1] in _VERBS)  # "shows"


def _score(item: tuple[str, int], weights: dict[str, float], found: _Found) -> float:
    phrase, count = item
    words = phrase.split()
    weight = sum(weights.get(stem(w), 0.0) for w in words) / len(words) + 0.1
    length = {1: 1.0, 2: 2.2, 3: 1.8}[len(words)]
    noun_phrase = 1.5 if phrase in found.determined else 1.0
    repeated = 1.0 if count >= 2 else 0.3
    return count**0.5 * weight * length * noun_phrase * repeated


def _capitalise(phrase: str, spoken: dict[str, Counter]) -> str:
    form = spoken[phrase].most_common(1)[0][0] if phrase in spoken else phrase
    words = []
    for position, word in enumerate(form.split()):
        if word.isupper() and len(word) > 1:
            words.append(word)  # an acronym as it was said: SMTP, GPU
        elif position and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1].upper() + word[1:].lower())
    return " ".join(words)[:MAX_TITLE_CHARS].strip()

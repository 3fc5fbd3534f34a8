"""Where the talk changes subject: a global, probabilistic segmentation of a transcript.

Each chapter is modelled as a bag of content words drawn from its own word distribution,
which has a sparse Dirichlet prior (a chapter uses few of the talk's words often; Eisenstein
& Barzilay 2008). The best split of the whole transcript minimises the words' description
length plus a fixed price per chapter (a multiple of the log of the number of words, as in
Utiyama & Isahara 2001), found by dynamic programming over blocks of a few seconds. Every
chapter's words count, not just a window on each side of a gap as in TextTiling: on the
project's single-subject talks, where neighbouring chapters share most of their words, this
found the chapters that TextTiling missed (F1 at 30 s 0.86 vs 0.56, both given the true
chapter count).

Beside the words' counts, each cue has a vector of what it means (``sentence_vectors``): a
chapter's vectors should sit close together, so its cost also counts how far they spread
from their mean. Cues about one thing said in other words then stay together.

Each boundary is then placed on a cue: among the cue starts near it, the one that best splits
its two chapters (same cost, cue by cue), helped by sentence starts and by hints from the
VOD (silences, static screens, scene cuts). When a few cues of chit-chat sit between two
chapters and either split costs the same, the later one wins: a new chapter starts where its
words start. Only the words within a few minutes of the boundary count there: talk drifts
inside a chapter, and the words said near its edge tell more about which side a sentence
belongs to than the far end of the chapter does.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .hints import BoundaryHint
from .segment import Segment
from .sentence_vectors import sentence_vectors
from .words import content_stems

# Price of one more chapter, in nats per log(total words), and the Dirichlet prior's weight
# per word (1 would be Laplace smoothing). Chosen together with MIN_COUNT on two kinds of talk
# (Python docs and the Vim manual: tests/bench/talk_corpus.py, vim_talks.py): Laplace with a
# price of 2 and every word kept, tuned on the Python talks alone, found 65 % of the Vim
# talks' chapters (F1@5s 0.51); this finds 80 % (0.63) and scores more on the Python talks.
CHAPTER_PRICE = 4.0
WORD_PRIOR = 0.15
# With the cues' vectors: nats per unit of their spread about the chapter's mean, when
# splitting and when placing, and the price that goes with them (the spread adds cost to
# every chapter). Tuned as the word prior was, on the Python and Vim talks together: F1@5s
# 0.707 -> 0.730 and 0.638 -> 0.709.
SPREAD_WEIGHT_SPLIT = 5.0
SPREAD_WEIGHT_PLACE = 20.0
CHAPTER_PRICE_WITH_VECTORS = 6.0
MAX_BLOCKS = 360  # blocks of at least 10 s; a 10-hour stream uses 100 s blocks
MIN_BLOCK_SECONDS = 10.0
MAX_VOCABULARY = 3000  # the most frequent stems; rarer ones say little about a boundary
MIN_COUNT = 2  # a word said once is in one chapter whatever the split: it only adds noise
SENTENCE_START_BONUS = 4.0  # nats: chapters begin with a sentence
HINT_BONUS = 60.0  # nats for a strength-1 hint at a cue start: more than a cue's words say
HINT_PRICE_CUT = 0.5  # a strength-1 hint halves the price of a chapter starting in its block
HINT_SNAP_SECONDS = 3.0
PLATEAU_NATS = 0.5  # splits within this of the best are ties: take the latest
# Words within this of a boundary decide where on the cues it goes. On the dev talks 200 to
# 400 s did better than whole chapters (F1@5s +0.01 to +0.02, the 3 s score more); 150 s
# was too few words and lost on the old set.
PLACEMENT_CONTEXT_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Boundary:
    segment: int  # index of the cue that starts the new chapter
    gain: float  # nats saved by cutting here: how clear the change is


def find_boundaries(
    segments: Sequence[Segment],
    duration: float,
    *,
    hints: Sequence[BoundaryHint] = (),
    min_chapter_seconds: float | None = None,
) -> list[Boundary]:
    """Chapter starts (after the first chapter) of a transcript sorted by start time."""
    if len(segments) < 4:
        return []
    words = _WordStream.of(segments)
    if not words.total:
        return []
    min_seconds = min_chapter_seconds or max(90.0, min(600.0, duration / 100))
    block_seconds = max(MIN_BLOCK_SECONDS, duration / MAX_BLOCKS)
    blocks = _blocks(segments, block_seconds)
    min_blocks = max(1, round(min_seconds / block_seconds))
    if len(blocks) < 2 * min_blocks:
        return []
    vectors = sentence_vectors([s.text for s in segments])
    spread = None if vectors is None else _Spread(vectors)
    per_log_word = CHAPTER_PRICE if spread is None else CHAPTER_PRICE_WITH_VECTORS
    price = per_log_word * float(np.log(words.total))
    prices = _block_prices(segments, blocks, hints, price, block_seconds)
    max_blocks = max(min_blocks, round(max(3600.0, duration / 4) / block_seconds))
    coder = _Coder(words.size, words.total)
    block_spread = None
    if spread is not None:
        edges = np.array([*blocks, len(segments)])  # each block's first cue, then the end
        block_spread = lambda starts, end: spread(edges[starts], edges[end])  # noqa: E731
    cuts = _best_split(
        coder, words.block_counts(blocks), prices, min_blocks, max_blocks, block_spread
    )
    starts = [blocks[c] for c in cuts]
    reach = max(30.0, 1.5 * block_seconds)
    return _place_on_cues(segments, words, coder, starts, sorted(hints, key=_time), reach, spread)


class _Spread:
    """How far the cues' unit vectors spread about their mean: for cues ``first`` up to
    ``end``, ``n - |sum|² / n`` (0 when all point the same way), from prefix sums. ``first``
    may be an array of starts."""

    def __init__(self, vectors: np.ndarray) -> None:
        self._sums = np.vstack([np.zeros((1, vectors.shape[1])), np.cumsum(vectors, axis=0)])

    def __call__(self, first, end):
        n = np.subtract(end, first)
        total = self._sums[end] - self._sums[first]
        return n - (total * total).sum(axis=-1) / np.maximum(n, 1)


class _WordStream:
    """The transcript's content words as vocabulary ids, with where each cue's words begin."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray, size: int) -> None:
        self.ids, self.offsets, self.size = ids, offsets, size
        self.total = len(ids)

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> _WordStream:
        stems = [content_stems(s.text) for s in segments]
        frequency: dict[str, int] = {}
        for line in stems:
            for stem in line:
                frequency[stem] = frequency.get(stem, 0) + 1
        kept = sorted(
            (w for w, n in frequency.items() if n >= MIN_COUNT), key=lambda w: -frequency[w]
        )
        vocabulary = {w: i for i, w in enumerate(kept[:MAX_VOCABULARY])}
        ids: list[int] = []
        offsets = [0]
        for line in stems:
            ids.extend(vocabulary[w] for w in line if w in vocabulary)
            offsets.append(len(ids))
        return cls(np.array(ids, dtype=np.int64), np.array(offsets), len(vocabulary))

    def counts(self, first: int, end: int) -> np.ndarray:
        """Word counts of cues ``first`` up to (not including) ``end``."""
        chunk = self.ids[self.offsets[first] : self.offsets[end]]
        return np.bincount(chunk, minlength=self.size)

    def block_counts(self, blocks: list[int]) -> np.ndarray:
        edges = [*blocks, len(self.offsets) - 1]
        return np.stack([self.counts(a, b) for a, b in itertools.pairwise(edges)])


def _blocks(segments: Sequence[Segment], seconds: float) -> list[int]:
    """First cue of each block of about ``seconds``."""
    firsts = [0]
    for index in range(1, len(segments)):
        if segments[index].start - segments[firsts[-1]].start >= seconds:
            firsts.append(index)
    return firsts


class _Coder:
    """Description length (nats) of a chapter's words: minus the log probability of their
    sequence under a Dirichlet-multinomial, ``Σ log Γ`` differences written as sums of logs
    taken from tables (the logs were the bulk of the dynamic programming's time on a 10-hour
    transcript)."""

    def __init__(self, vocabulary: int, total: int, prior: float = WORD_PRIOR) -> None:
        self.vocabulary = vocabulary
        n = np.arange(total, dtype=np.float64)
        # _word[c] = log Γ(c + a) - log Γ(a); _all[n] = log Γ(n + V a) - log Γ(V a)
        self._word = np.concatenate([[0.0], np.cumsum(np.log(n + prior))])
        self._all = np.concatenate([[0.0], np.cumsum(np.log(n + prior * vocabulary))])

    def cost(self, counts: np.ndarray) -> np.ndarray:
        """``counts``: one row or a matrix of rows."""
        return self._all[counts.sum(axis=-1)] - self._word[counts].sum(axis=-1)


def _block_prices(segments, blocks, hints, price: float, block_seconds: float) -> np.ndarray:
    """The price of a chapter starting at each block: lower where the VOD hints at a change."""
    prices = np.full(len(blocks), price)
    times = np.array([segments[first].start for first in blocks])
    for hint in hints:
        low = np.searchsorted(times, hint.time - block_seconds, side="left")
        high = np.searchsorted(times, hint.time + block_seconds, side="right")
        cut = price * HINT_PRICE_CUT * hint.strength
        prices[low:high] = np.minimum(prices[low:high], price - cut)
    return prices


def _best_split(
    coder: _Coder,
    counts: np.ndarray,
    prices: np.ndarray,
    min_blocks: int,
    max_blocks: int,
    spread: Callable[[np.ndarray, int], np.ndarray] | None = None,
) -> list[int]:
    """Blocks that start a chapter (after block 0), by dynamic programming."""
    n, vocabulary = counts.shape
    prefix = np.vstack([np.zeros(vocabulary, dtype=counts.dtype), np.cumsum(counts, axis=0)])
    best = np.full(n + 1, np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=int)
    for end in range(min_blocks, n + 1):
        first = max(0, end - max_blocks)
        last = end - min_blocks
        starts = np.arange(first, last + 1)
        reachable = starts[np.isfinite(best[starts])]
        if not len(reachable):
            continue
        costs = coder.cost(prefix[end] - prefix[reachable])
        if spread is not None:
            costs = costs + SPREAD_WEIGHT_SPLIT * spread(reachable, end)
        totals = best[reachable] + costs + np.where(reachable > 0, prices[reachable], 0.0)
        pick = int(np.argmin(totals))
        best[end], back[end] = totals[pick], reachable[pick]
    cuts, end = [], n
    while end > 0:
        end = int(back[end])
        cuts.append(end)
    return sorted(c for c in cuts if c > 0)


def _place_on_cues(
    segments,
    words: _WordStream,
    coder: _Coder,
    starts: list[int],
    hints,
    reach: float,
    spread: _Spread | None = None,
):
    punctuated = _is_punctuated(segments)
    times = [s.start for s in segments]
    context = max(PLACEMENT_CONTEXT_SECONDS, 2 * reach)
    placed = list(starts)
    gains = []
    for k, start in enumerate(placed):
        around = segments[start].start
        left = max(placed[k - 1] if k else 0, bisect.bisect_left(times, around - context))
        right = len(segments) if k + 1 == len(placed) else placed[k + 1]
        right = min(right, bisect.bisect_right(times, around + context))
        candidates = [
            c for c in range(left + 1, right) if abs(segments[c].start - around) <= reach
        ] or [start]
        base_left = words.counts(left, candidates[0])
        whole = words.counts(left, right)
        scores = []
        running = base_left
        for index, cue in enumerate(candidates):
            if index:
                running = running + words.counts(candidates[index - 1], cue)
            split = coder.cost(running) + coder.cost(whole - running)
            if spread is not None:
                split += SPREAD_WEIGHT_PLACE * float(spread(left, cue) + spread(cue, right))
            scores.append(split - _cue_bonus(segments, cue, hints, punctuated))
        best = min(scores)
        chosen = max(i for i, s in enumerate(scores) if s <= best + PLATEAU_NATS)
        placed[k] = candidates[chosen]
        unsplit = float(coder.cost(whole))
        if spread is not None:
            unsplit += SPREAD_WEIGHT_PLACE * float(spread(left, right))
        gains.append(unsplit - float(scores[chosen]))
    return [Boundary(c, g) for c, g in zip(placed, gains, strict=False)]


def _is_punctuated(segments: Sequence[Segment]) -> bool:
    """Whether the recogniser ends sentences with a full stop: at least one cue in a few
    ends one, or one in 60 words does (recognisers of one to three words a cue)."""
    ends = sum(s.text.rstrip()[-1:] in ".?!" for s in segments)
    words = sum(len(s.text.split()) for s in segments)
    return ends > 0.15 * len(segments) or ends > words / 60


def _cue_bonus(segments, cue: int, hints: list[BoundaryHint], punctuated: bool) -> float:
    """``hints`` sorted by time (a stream can have thousands of scene cuts)."""
    bonus = 0.0
    if punctuated and segments[cue - 1].text.rstrip()[-1:] in ".?!":
        bonus += SENTENCE_START_BONUS
    start = segments[cue].start
    first = bisect.bisect_left(hints, start - HINT_SNAP_SECONDS, key=_time)
    last = bisect.bisect_right(hints, start + HINT_SNAP_SECONDS, key=_time)
    return bonus + HINT_BONUS * max((h.strength for h in hints[first:last]), default=0.0)


def _time(hint: BoundaryHint) -> float:
    return hint.time

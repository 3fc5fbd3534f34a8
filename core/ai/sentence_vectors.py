"""What each cue means, as a vector: the mean of its tokens' vectors from WordLlama (MIT
licensed: static token embeddings distilled from Llama 2's, trained for sentence similarity),
whose weights and tokenizer ship inside its wheel. Nothing is fetched at run time, and no
neural network runs: ten hours of cues take well under a second.

The segmenter uses them beside the words' counts: two cues about one thing in other words
("the swap file", "recover after a crash") are near, which counting words cannot see. Without
the package (or with a damaged one) chapters are still made, from the words alone.

The tokenizer's byte-pair merges are applied here, word by word with a cache, rather than by
the ``tokenizers`` library: building its tokenizer holds the GIL for ~110 ms, which froze the
window at the first offline generation.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL = "l2_supercat"  # WordLlama's default: 256 dimensions, Llama 2's 32,000 tokens
SPACE = "▁"  # SentencePiece's word start
CACHED_WORDS = 50_000  # a word's summed vector, kept (1 KB each): a 10-hour stream says ~15,000
_lock = threading.Lock()
_loaded: list[_TokenVectors | None] = []  # loaded once, by the first caller


def sentence_vectors(texts: Sequence[str]) -> np.ndarray | None:
    """One unit vector per text (float64), or None when the model cannot be loaded."""
    model = _model()
    if model is None:
        return None
    return model.embed(texts)


class _TokenVectors:
    def __init__(self, embedding: np.ndarray, vocabulary: dict[str, int], merges: list) -> None:
        self.embedding = embedding
        self.vocabulary = vocabulary
        self.ranks = {_pair(merge): rank for rank, merge in enumerate(merges)}
        self._words: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The tokens' mean, as a unit vector: their sum, normalised, is the same."""
        vectors = np.empty((len(texts), self.embedding.shape[1]))
        for row, text in enumerate(texts):
            total = np.zeros(self.embedding.shape[1])
            for word in text.split() or ["."]:
                total += self._word(word)
            norm = float(np.linalg.norm(total))
            vectors[row] = total / norm if norm else total
        return vectors

    def _word(self, word: str) -> np.ndarray:
        """The sum of the word's token vectors."""
        found = self._words.get(word)
        if found is None:
            ids = self.token_ids(SPACE + word)
            found = self.embedding[ids].sum(axis=0, dtype=np.float64).astype(np.float32)
            if len(self._words) < CACHED_WORDS:
                self._words[word] = found
        return found

    def token_ids(self, chunk: str) -> list[int]:
        """Byte-pair encoding: merge the best-ranked neighbours until none is in the merges;
        a piece outside the vocabulary is spelled in bytes (``<0x41>``)."""
        pieces = list(chunk)
        while len(pieces) > 1:
            ranked = [
                (self.ranks.get((a, b), len(self.ranks)), i)
                for i, (a, b) in enumerate(itertools.pairwise(pieces))
            ]
            rank, at = min(ranked)
            if rank == len(self.ranks):
                break
            pieces[at : at + 2] = [pieces[at] + pieces[at + 1]]
        ids: list[int] = []
        for piece in pieces:
            if piece in self.vocabulary:
                ids.append(self.vocabulary[piece])
            else:
                ids.extend(self.vocabulary.get(f"<0x{b:02X}>", 0) for b in piece.encode())
        return ids


def _pair(merge: str | list[str]) -> tuple[str, str]:
    first, second = merge.split(" ", 1) if isinstance(merge, str) else merge
    return first, second


def _model() -> _TokenVectors | None:
    with _lock:
        if not _loaded:
            _loaded.append(_load())
        return _loaded[0]


def _load() -> _TokenVectors | None:
    try:
        spec = find_spec("wordllama")  # its files only: importing it loads far more
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("the wordllama package is not installed")
        from safetensors import safe_open

        root = Path(next(iter(spec.submodule_search_locations)))
        tokenizer = json.loads(
            (root / "tokenizers" / f"{MODEL}_tokenizer_config.json").read_text(encoding="utf-8")
        )
        with safe_open(str(root / "weights" / f"{MODEL}_256.safetensors"), "np") as weights:
            embedding = weights.get_tensor("embedding.weight")
        model = tokenizer["model"]
        return _TokenVectors(embedding, model["vocab"], model["merges"])
    except Exception as error:  # not installed, or damaged: the words alone still work
        log.warning("sentence vectors unavailable (%s): chapters from the words alone", error)
        return None

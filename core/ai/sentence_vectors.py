"""What each cue means, as a vector: WordLlama's static token embeddings (MIT licensed), whose
weights ship inside its wheel. Nothing is fetched at run time, and ten hours of cues take a
quarter of a second: an average of token vectors, no network, no neural network run.

The segmenter uses them beside the words' counts: two cues about the same thing in other
words ("the swap file", "recover after a crash") are near, which counting words cannot see.
Without the package (or with a damaged one) chapters are still made, from the words alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL = "l2_supercat"  # WordLlama's default: 256 dimensions distilled from Llama 2's tokens
_lock = threading.Lock()
_loaded: list = []  # [model or None], once


def sentence_vectors(texts: Sequence[str]) -> np.ndarray | None:
    """One unit vector per text (float64), or None when the model cannot be loaded."""
    model = _model()
    if model is None:
        return None
    vectors = model.embed([text.strip() or "." for text in texts], norm=True)
    return np.asarray(vectors, dtype=np.float64)


def _model():
    with _lock:
        if not _loaded:
            _loaded.append(_load())
        return _loaded[0]


def _load():
    try:
        import wordllama
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference

        # The files as the wheel ships them: WordLlama.load() looks for the tokenizer in
        # another folder and would download it.
        root = Path(wordllama.__file__).parent
        tokenizer = Tokenizer.from_file(str(root / "tokenizers" / f"{MODEL}_tokenizer_config.json"))
        with safe_open(str(root / "weights" / f"{MODEL}_256.safetensors"), "np") as weights:
            embedding = weights.get_tensor("embedding.weight")
        return WordLlamaInference(embedding, tokenizer)
    except Exception as error:  # not installed, or damaged: the words alone still work
        log.warning("sentence vectors unavailable (%s): chapters from the words alone", error)
        return None

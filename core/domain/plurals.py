"""Counts in words: ``1 chapter``, ``2 chapters``, never ``1 chapters``."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "chapter")`` → ``1 chapter``; ``plural(0, "VOD")`` → ``0 VODs``."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"

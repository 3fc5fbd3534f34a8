"""Who can see a VOD on the platform."""

from __future__ import annotations

from enum import StrEnum

from .errors import ValidationError


class Visibility(StrEnum):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    PRIVATE = "private"


def parse_visibility(value: object) -> Visibility:
    """``value`` as a ``Visibility``; ``ValidationError`` (field ``visibility``) naming the
    choices otherwise."""
    try:
        return Visibility(str(value))
    except ValueError:
        *first, last = (v.value for v in Visibility)
        raise ValidationError(
            f"unknown visibility {value!r}: use {', '.join(first)} or {last}", field="visibility"
        ) from None

"""The rules for a VOD's own text: its title, description and content warning.

Every road that sets them (import, the details form, an upload's options) goes through
these, so the same title is stored whichever way it came in.
"""

from __future__ import annotations

from .errors import ValidationError
from .text import clean_line, clean_multiline

VOD_TITLE_MAX_LENGTH = 300
VOD_DESCRIPTION_MAX_LENGTH = 5000


def clean_vod_title(title: object) -> str:
    text = clean_line(title)
    if not text:
        raise ValidationError("VOD title cannot be blank")
    if len(text) > VOD_TITLE_MAX_LENGTH:
        raise ValidationError(
            f"VOD title is {len(text)} characters; the limit is {VOD_TITLE_MAX_LENGTH}"
        )
    return text


def clean_vod_description(description: object) -> str:
    text = clean_multiline(description)
    if len(text) > VOD_DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            f"VOD description is {len(text)} characters; the limit is {VOD_DESCRIPTION_MAX_LENGTH}"
        )
    return text


def clean_content_warning(warning: object) -> str | None:
    """One line, or ``None`` when nothing printable is left."""
    return clean_line(warning) or None

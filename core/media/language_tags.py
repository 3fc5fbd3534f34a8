"""Language tags for HLS: ffprobe reports ISO 639-2 codes (``eng``, ``fre``/``fra``), HLS
wants RFC 5646 tags, which use the two-letter ISO 639-1 code wherever one exists (``en``,
``fr``). ``und`` (undetermined) when nothing usable is known. ``langcodes`` knows the IANA
registry and its names, so no table is kept here.
"""

from __future__ import annotations

import langcodes

UNDETERMINED = "und"
UNKNOWN_NAME = "Audio"


def hls_language(tag: str | None) -> str:
    """The RFC 5646 tag for a container's language tag: ``fre`` → ``fr``, ``en-US`` kept,
    missing, ``und`` or malformed → ``und``."""
    value = (tag or "").strip()
    if not value or not langcodes.tag_is_valid(value.replace("_", "-")):
        return UNDETERMINED
    return langcodes.standardize_tag(value)


def language_name(tag: str) -> str:
    """An English name for the rendition's ``NAME`` (``Audio`` when the language is unknown)."""
    if tag == UNDETERMINED or not langcodes.tag_is_valid(tag):
        return UNKNOWN_NAME
    return langcodes.Language.get(tag).language_name("en")

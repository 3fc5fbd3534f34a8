"""Language tags for HLS: ffprobe reports ISO 639-2 codes (``eng``, ``fre``/``fra``), HLS
wants RFC 5646 tags, which use the two-letter ISO 639-1 code wherever one exists (``en``,
``fr``). ``und`` (undetermined) when nothing usable is known. ``langcodes`` knows the IANA
registry and its names, so no table is kept here.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

UNDETERMINED = "und"
UNKNOWN_NAME = "Audio"


@cache
def _registry() -> ModuleType:
    # Loaded on first use: probing a file needs it, but most CLI commands never probe, and
    # loading the registry's tables costs every one of them ~50 ms at start.
    import langcodes

    return langcodes


def hls_language(tag: str | None) -> str:
    """The RFC 5646 tag for a container's language tag: ``fre`` → ``fr``, ``en-US`` kept,
    missing, ``und`` or malformed → ``und``."""
    value = (tag or "").strip()
    if not value or not _registry().tag_is_valid(value.replace("_", "-")):
        return UNDETERMINED
    return _registry().standardize_tag(value)


def language_name(tag: str) -> str:
    """An English name for the rendition's ``NAME`` (``Audio`` when the language is unknown)."""
    if tag == UNDETERMINED or not _registry().tag_is_valid(tag):
        return UNKNOWN_NAME
    return _registry().Language.get(tag).language_name("en")

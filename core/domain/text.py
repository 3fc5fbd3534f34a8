"""Text that users, files, AI answers and the platform give us, made safe to store and print.

Titles and descriptions end up on terminals, in chapter files and on the platform, so no
terminal control may travel in them: ANSI escape sequences (colours, cursor moves, window
titles, hyperlinks) are removed whole, and so is every other C0/C1 control character (BEL,
NUL, DEL, the 8-bit CSI…). Everything printable stays exactly as given: emoji (with their
joiners and variation selectors), right-to-left scripts and their direction marks.
"""

from __future__ import annotations

import re

# ECMA-48 sequences as terminals read them, 7-bit (ESC …) and 8-bit (CSI U+009B, OSC U+009D…).
_ANSI_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]                  # CSI: colours, cursor, erase
  | (?:\x1b\]|\x9d) .*? (?:\x07|\x1b\\|\x9c|$)          # OSC: window title, hyperlinks
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) .*? (?:\x1b\\|\x9c|$)  # DCS, SOS, PM, APC strings
  | \x1b [ -/]* [0-~]                                   # any other escape (ESC c, ESC ( B…)
    """,
    re.VERBOSE | re.DOTALL,
)
# Line breaks and tabs become a space in one-line text; other controls are dropped.
_SPACING_CONTROLS = re.compile(r"[\t\n\v\f\r\x85]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTILINE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n


def strip_controls(text: str) -> str:
    """``text`` without ANSI escape sequences and C0/C1 control characters."""
    return _CONTROLS.sub("", _ANSI_SEQUENCE.sub("", text))


def clean_line(value: object) -> str:
    """One line of text (a title): no controls, runs of spaces and line breaks made one space."""
    text = _ANSI_SEQUENCE.sub("", str(value if value is not None else ""))
    text = _CONTROLS.sub("", _SPACING_CONTROLS.sub(" ", text))
    return " ".join(text.split())


def clean_multiline(value: object) -> str:
    """Text that may have lines (a description): newlines and tabs kept (``\\r\\n`` and ``\\r``
    become ``\\n``), other controls removed, surrounding blank space trimmed."""
    text = _ANSI_SEQUENCE.sub("", str(value if value is not None else ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    return _MULTILINE_CONTROLS.sub("", text).strip()

"""Telling a damaged database file from every other failure, in one sentence.

A cache file overwritten with other bytes, cut short by a failing disk or a bad copy, or
replaced by a folder cannot be opened; the user gets what is wrong, that the file was left
as it is, and the way out (``vodstudio db restore``, or the dialog the app shows at start).
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from core.domain.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
WAL_HEADER_BYTES = 32
# What SQLite says when the bytes themselves are wrong (not a lock, a full disk or permissions).
DAMAGE_MESSAGES = (
    "file is not a database",
    "database disk image is malformed",
    "malformed database schema",
    "file is encrypted or is not a database",
)


class DatabaseDamagedError(DomainError):
    """The database file cannot be read as a VOD Studio database; it was left untouched."""

    def __init__(self, message: str, *, path: Path, reason: str) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


def inspect_file(path: Path) -> str | None:
    """Why ``path`` cannot be a sound database, from its header alone, or ``None``.

    Cheap enough for every start: a folder in its place, bytes that are not SQLite's, and a
    file shorter than its own header says (cut short). A missing or empty file is a new one.
    """
    if path.is_dir():
        return "it is a folder, not a database file"
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_BYTES)
            size = file.seek(0, 2)
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"it cannot be read ({error.strerror or error})"
    if size == 0:
        return None
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        return "it is not an SQLite database: its first bytes are something else"
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    # The page count in the header is only kept up to date when these agree; and while a
    # write-ahead log holds frames, the file may legitimately lag behind it.
    if page_count and change_counter == valid_for and not _wal_has_frames(path):
        expected = page_count * page_size
        if size < expected:
            return f"it is cut short: only {size:,} of its {expected:,} bytes are there"
    return None


def _wal_has_frames(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > WAL_HEADER_BYTES
    except OSError:
        return False


def damage_reason(error: BaseException) -> str | None:
    """SQLite's words for damaged bytes in ``error`` (SQLAlchemy's or sqlite3's), or ``None``."""
    original = getattr(error, "orig", None) or error
    if not isinstance(original, sqlite3.DatabaseError) or isinstance(
        original, sqlite3.IntegrityError
    ):
        return None
    text = str(original).splitlines()[0] if str(original) else ""
    lowered = text.lower()
    return text if any(words in lowered for words in DAMAGE_MESSAGES) else None

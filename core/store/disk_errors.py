"""What a failed file or database write means for the user, in one sentence.

A full or read-only disk is the user's to fix, not a bug: the CLI and the GUI show this
message instead of a traceback or SQLAlchemy's multi-line error text.
"""

from __future__ import annotations

from pathlib import Path

from .backups import BUSY_TIMEOUT_SECONDS, DATABASE_FILENAME, damaged
from .damage import damage_reason


def disk_problem(error: BaseException, data_dir) -> str | None:
    """What a failed file or SQLite write means for the user, or ``None`` for other errors."""
    reason = damage_reason(error)
    if reason is not None:  # damage found mid-command, past the checks made at open
        return str(damaged(Path(data_dir) / DATABASE_FILENAME, reason))
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    if type(error).__name__ == "OperationalError" and type(error).__module__.startswith(
        ("sqlalchemy", "sqlite3")
    ):
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        lowered = reason.lower()
        if "disk is full" in lowered:
            return (
                f"the data directory {data_dir} is full ({reason}): free some space, or "
                "choose another with --data-dir or VODSTUDIO_DATA_DIR"
            )
        if "database is locked" in lowered or "database is busy" in lowered:
            return (
                f"the database in {data_dir} stayed busy: another VOD Studio (the app, a CLI "
                f"or a sync) held its write lock for over {BUSY_TIMEOUT_SECONDS} s; "
                "try again when it is done"
            )
        if "readonly" in lowered or "read-only" in lowered or "disk i/o" in lowered:
            return (
                f"cannot write the database in the data directory {data_dir} ({reason}); "
                "choose another with --data-dir or VODSTUDIO_DATA_DIR"
            )
    return None

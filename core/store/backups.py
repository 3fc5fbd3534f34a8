"""Rolling backups of the SQLite cache, and restoring one.

Backups are taken with SQLite's online backup API (a consistent copy while other processes
keep reading and writing), checked with ``PRAGMA quick_check`` before they count, and kept in
``<data dir>/backups/`` for ``GENERATIONS`` generations: at start when the newest is older
than ``INTERVAL``, and before every schema migration. Restoring never destroys anything: a
damaged file is moved aside under a dated name, a sound one is backed up first.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from filelock import FileLock, Timeout

from core.domain.errors import NotFoundError, StateError, ValidationError

from .damage import DatabaseDamagedError, inspect_file

log = logging.getLogger(__name__)

DATABASE_FILENAME = "vodstudio.sqlite3"
BACKUP_FOLDER = "backups"
GENERATIONS = 5
INTERVAL = timedelta(hours=24)
# A half-made copy this old belongs to a process that died (a live one writes it in seconds).
STALE_PARTIAL = timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_PREFIX, _SUFFIX = "vodstudio-", ".sqlite3"
# How long a writer waits for another one to commit before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str  # daily | before-<revision> | before-restore | manual
    size_bytes: int

    @property
    def taken_at_text(self) -> str:
        return self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "taken_at": self.taken_at.isoformat().replace("+00:00", "Z"),
            "reason": self.reason,
            "size_bytes": self.size_bytes,
        }


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Backup | None  # None: an empty library was started
    set_aside: Path | None  # where the replaced database now is


def backup_folder(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_FOLDER


def list_backups(data_dir: Path) -> list[Backup]:
    """The backups of ``data_dir``, newest first (unchecked: see ``check_database``)."""
    found = []
    with suppress(OSError):
        for entry in backup_folder(data_dir).iterdir():
            backup = _parse(entry)
            if backup is not None:
                found.append(backup)
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def _parse(path: Path) -> Backup | None:
    name = path.name
    if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
        return None
    stamp, _, reason = name[len(_PREFIX) : -len(_SUFFIX)].partition("-")
    try:
        taken_at = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return Backup(path, taken_at, reason or "manual", size)


def check_database(path: Path) -> str | None:
    """``None`` when ``path`` is a sound VOD Studio database, else what is wrong with it.

    Opened read-only: checking never changes the file, damaged or not."""
    path = Path(path)
    if not path.exists():
        return "the file does not exist"
    problem = inspect_file(path)
    if problem:
        return problem
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return str(error)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
        if rows != ["ok"]:
            return integrity_finding(rows)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            return "it is not a VOD Studio database (it has no schema version)"
    except sqlite3.DatabaseError as error:
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    finally:
        connection.close()
    return None


def integrity_finding(rows: list[str]) -> str:
    """SQLite's integrity-check rows as one line: the first finding, and how many follow."""
    findings = [
        line.strip()
        for row in rows
        for line in str(row).splitlines()
        if line.strip() and not line.startswith("***")  # "*** in database main ***"
    ]
    if not findings:
        return "SQLite's integrity check failed"
    more = " (and other problems)" if len(findings) > 1 else ""
    return f"SQLite's integrity check found: {findings[0]}{more}"


def take_backup(database: Path, reason: str, *, prune: bool = True) -> Backup | None:
    """A checked copy of ``database`` in the backups folder, or ``None`` when the copy is not
    sound (an unsound copy never displaces a good generation)."""
    folder = backup_folder(database.parent)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime(_STAMP)
    target = folder / f"{_PREFIX}{stamp}-{reason}{_SUFFIX}"
    partial = folder / f".{target.name}.{os.getpid()}.partial"
    try:
        _online_copy(database, partial, single_file=True)
        if check_database(partial) is not None:
            return None
        os.replace(partial, target)
    finally:
        _remove_with_companions(partial)
    if prune:
        prune_backups(database.parent)
    return _parse(target)


def backup_if_due(database: Path, *, interval: timedelta = INTERVAL) -> Backup | None:
    """A new generation when the newest is older than ``interval``; one process at a time
    (the others go on without waiting).

    A backup that cannot be written (a full disk, a backups folder that cannot be written)
    is worth a warning, not the user's command: it is tried again at the next start."""
    if _newest_is_recent(database.parent, interval):
        return None
    folder = backup_folder(database.parent)
    try:
        folder.mkdir(exist_ok=True)
        with FileLock(folder / ".backup.lock", timeout=0):
            if _newest_is_recent(database.parent, interval):
                return None
            return take_backup(database, "daily")
    except Timeout:
        return None
    except (OSError, sqlite3.OperationalError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if isinstance(error, OSError) and error.strerror:
            reason = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
        log.warning(
            "warning: the daily backup of %s was not taken (%s): it is tried again at the next "
            "start",
            database,
            reason,
        )
        return None


def _newest_is_recent(data_dir: Path, interval: timedelta) -> bool:
    backups = list_backups(data_dir)
    return bool(backups) and datetime.now(UTC) - backups[0].taken_at < interval


def prune_backups(data_dir: Path, generations: int = GENERATIONS) -> None:
    """Keep the newest ``generations``; drop copies a killed process left half-made."""
    for old in list_backups(data_dir)[generations:]:
        _remove_with_companions(old.path)
    stale = datetime.now(UTC).timestamp() - STALE_PARTIAL.total_seconds()
    with suppress(OSError):
        for partial in backup_folder(data_dir).glob(".*.partial*"):
            if partial.stat().st_mtime < stale:
                partial.unlink(missing_ok=True)


def restore(
    data_dir: Path, source: str | Path | None = None, *, empty: bool = False
) -> RestoreResult:
    """Put a backup (the newest sound one, or ``source``) in place of the database.

    A damaged database is moved aside under a dated name; a sound one is only replaced when
    ``source`` is given, after a backup of it (so going back is always possible). ``empty``
    sets a damaged database aside and lets the next start create an empty one.
    """
    data_dir = Path(data_dir)
    live = data_dir / DATABASE_FILENAME
    live_problem = check_database(live) if live.exists() or live.is_symlink() else None
    sound = live.exists() and live_problem is None
    if empty:
        if sound:
            raise StateError(
                f"the database {live} is sound: --empty only sets a damaged database aside"
            )
        return RestoreResult(None, _set_aside(live))
    if not (live.exists() or live.is_symlink() or source or list_backups(data_dir)):
        raise NotFoundError(f"nothing to restore: {data_dir} has no database and no backup yet")
    chosen = _chosen_backup(data_dir, source)
    if sound:
        if source is None:
            raise StateError(
                f"the database {live} is sound: nothing to restore (give --from BACKUP to go "
                "back to a backup anyway)"
            )
        kept = take_backup(live, "before-restore", prune=False)
        _online_copy(chosen.path, live)
        prune_backups(data_dir, GENERATIONS + 1)
        return RestoreResult(chosen, kept.path if kept else None)
    aside = _set_aside(live)
    partial = data_dir / f".{DATABASE_FILENAME}.{os.getpid()}.partial"
    try:
        _online_copy(chosen.path, partial, single_file=True)
        os.replace(partial, live)
    finally:
        _remove_with_companions(partial)
    return RestoreResult(chosen, aside)


def _chosen_backup(data_dir: Path, source: str | Path | None) -> Backup:
    if source is not None:
        path = Path(source).expanduser()
        if not path.exists() and (backup_folder(data_dir) / str(source)).exists():
            path = backup_folder(data_dir) / str(source)
        if not path.exists():
            raise NotFoundError(f"backup {source} not found ('vodstudio db check' lists them)")
        problem = check_database(path)
        if problem:
            raise ValidationError(f"the backup {path} cannot be restored: {problem}")
        return _parse(path) or Backup(path, datetime.now(UTC), "chosen", path.stat().st_size)
    backups = list_backups(data_dir)
    for backup in backups:
        if check_database(backup.path) is None:
            return backup
    tried = f" (all {len(backups)} are damaged)" if backups else ""
    raise NotFoundError(
        f"no sound backup to restore in {backup_folder(data_dir)}{tried}: "
        "'vodstudio db restore --empty' sets the damaged database aside and starts an empty one"
    )


def _set_aside(live: Path) -> Path | None:
    """Move the database (file or folder) and its -wal/-shm aside, untouched; where it went."""
    if not (live.exists() or live.is_symlink()):
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = live.with_name(f"{live.name}.damaged-{stamp}")
    os.replace(live, aside)
    for suffix in ("-wal", "-shm"):
        companion = live.with_name(live.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return aside


def _online_copy(source: Path, target: Path, *, single_file: bool = False) -> None:
    """A consistent copy of ``source`` into ``target`` while others may be writing to it.

    ``single_file``: ``target`` is new and will be renamed; the copy carries the live
    database's write-ahead-log mode, whose ``-wal``/``-shm`` companions would not follow the
    rename and would be left behind, so it is switched to a self-contained rollback journal
    (the app turns the log back on when it opens a restored copy)."""
    with _connect(source) as src, _connect(target) as dst:
        src.backup(dst)
        if single_file:
            dst.execute("PRAGMA journal_mode=DELETE")


def _remove_with_companions(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        yield connection
    finally:
        connection.close()


def damaged(path: Path, reason: str) -> DatabaseDamagedError:
    """The error for a damaged ``path``, naming the way out that exists (a backup or not)."""
    backups = list_backups(path.parent)
    if backups:
        way_out = (
            f"'vodstudio db restore' goes back to the newest sound backup (the newest is of "
            f"{backups[0].taken_at_text}; 'vodstudio db check' lists all {len(backups)})"
        )
    else:
        way_out = (
            "there is no backup of it, so 'vodstudio db restore --empty' sets it aside and starts "
            "an empty library, or choose another data folder with --data-dir"
        )
    return DatabaseDamagedError(
        f"the database {path} is damaged ({reason}) and was left as it is: {way_out}",
        path=path,
        reason=reason,
    )

"""Opening the SQLite cache: WAL, foreign keys, automatic Alembic migrations.

``Database.open(data_dir)`` creates the directory if needed, refuses a directory it cannot
write, upgrades an older schema in place (without losing rows) and refuses a database
written by a newer VOD Studio instead of damaging it.

Transactions: ``session()`` is a writer and takes SQLite's write lock at its first statement
(``BEGIN IMMEDIATE``, waiting up to ``BUSY_TIMEOUT_SECONDS`` for another writer), so the rows
it reads to decide a change (the chapters an overlap check looks at) cannot change before it
commits. ``read_session()`` reads one consistent snapshot and never blocks or waits for writers.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from core.domain.errors import DomainError

from .backups import (
    BUSY_TIMEOUT_SECONDS,
    DATABASE_FILENAME,
    backup_if_due,
    damaged,
    integrity_finding,
    take_backup,
)
from .damage import damage_reason, inspect_file
from .json_slices import dumps_in_slices

# A connection's execution option: False makes its transactions plain (deferred) readers.
WRITE_LOCK_OPTION = "vodstudio_write_lock"
# The newest migration. Comparing with it lets an up-to-date database open without importing
# Alembic (~150 ms of every CLI call); tests/integration/test_store.py keeps it equal to the
# migrations' real head.
SCHEMA_HEAD = "0005"


class DataDirError(DomainError):
    """The data directory is missing and cannot be created, or is not writable."""


class DatabaseTooNewError(DomainError):
    """The database was written by a newer version of VOD Studio."""


class Database:
    """The engine and session factory of one data directory."""

    def __init__(self, data_dir: Path, engine: Engine) -> None:
        self.data_dir = data_dir
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(reader(engine), expire_on_commit=False)
        event.listen(self._read_sessions, "before_flush", _refuse_writes)

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str], *, migrate: bool = True) -> Database:
        """Open (and migrate) the cache; a damaged file raises ``DatabaseDamagedError`` and
        is left untouched. A backup is taken when the newest is older than a day."""
        directory = prepare_data_dir(Path(data_dir))
        path = directory / DATABASE_FILENAME
        problem = inspect_file(path)
        if problem:
            raise damaged(path, problem)
        existed = path.exists() and path.stat().st_size > 0
        engine = create_sqlite_engine(path)
        try:
            if migrate:
                upgrade_to_head(engine)
            if existed:
                backup_if_due(path)
        except Exception as error:
            engine.dispose()
            reason = damage_reason(error)
            if reason:
                raise damaged(path, reason) from None
            raise
        return cls(directory, engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back when it raises.

        It holds the write lock from its first statement to its end: keep slow work (ffmpeg,
        HTTP) outside the block."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """Reading only: one consistent snapshot, without the write lock (a flush raises)."""
        session = self._read_sessions()
        try:
            yield session
            session.commit()  # ends the snapshot; unlike a rollback, keeps what was loaded
        finally:
            session.close()

    def check_pages(self) -> None:
        """Raise ``DatabaseDamagedError`` when SQLite's quick check finds damaged pages.

        Opening reads only the header and the schema version: a page damaged further in shows
        only when a query reaches it. The app checks at start (off its GUI thread), where the
        way out is offered; it reads every page, so it is not for every CLI command."""
        path = Path(self.engine.url.database or "")
        try:
            with reader(self.engine).connect() as connection:
                rows = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check(5)")]
        except Exception as error:
            reason = damage_reason(error)
            if reason:
                raise damaged(path, reason) from None
            raise
        if rows != ["ok"]:
            raise damaged(path, integrity_finding(rows))

    def close(self) -> None:
        self.engine.dispose()


def _refuse_writes(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read session cannot write: use Database.session()")


def prepare_data_dir(directory: Path) -> Path:
    directory = directory.expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(
            f"cannot create the data directory {directory}: {error.strerror or error}"
        ) from None
    if not directory.is_dir():
        raise DataDirError(f"the data directory {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DataDirError(
            f"the data directory {directory} is not writable; choose another with "
            "--data-dir or VODSTUDIO_DATA_DIR"
        )
    return directory.resolve()


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
        json_serializer=dumps_in_slices,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # The driver's own BEGIN comes only before the first INSERT/UPDATE/DELETE, after the
        # SELECTs that decided them: two writers could both check, then both insert. SQLAlchemy's
        # documented pysqlite recipe: switch it off and emit BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        writer = connection.get_execution_options().get(WRITE_LOCK_OPTION, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def reader(engine: Engine) -> Engine:
    """``engine`` whose transactions read without taking the write lock."""
    return engine.execution_options(**{WRITE_LOCK_OPTION: False})


def _alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("core.store").joinpath("migrations"))
    )
    config.attributes["engine"] = engine
    return config


def migration_heads(engine: Engine) -> tuple[str, ...]:
    """The newest revision of each branch of the migrations (one, unless two were not chained)."""
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    with reader(engine).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_to_head(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default); cheap when it is already there."""
    if revision == "head" and current_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _alembic_config(engine)
    scripts = ScriptDirectory.from_config(config)
    current = current_revision(engine)
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise DatabaseTooNewError(
            f"the database in {engine.url.database} was written by a newer VOD Studio "
            f"(schema {current}); this version knows up to {scripts.get_current_head()}. "
            "Update VOD Studio; the database was left untouched."
        )
    if revision == "head" and current == scripts.get_current_head():
        return
    try:
        if current is not None and engine.url.database:  # keep a copy from before the change
            take_backup(Path(engine.url.database), f"before-{scripts.get_current_head()}")
        command.upgrade(config, revision)
    except sqlite3.OperationalError as error:
        raise DataDirError(f"cannot write the database {engine.url.database}: {error}") from None

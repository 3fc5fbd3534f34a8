"""Opening the SQLite cache: WAL, foreign keys, automatic Alembic migrations.

``Database.open(data_dir)`` creates the directory if needed, refuses a directory it cannot
write, upgrades an older schema in place (without losing rows) and refuses a database
written by a newer VOD Studio instead of damaging it.
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

DATABASE_FILENAME = "vodstudio.sqlite3"
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

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str], *, migrate: bool = True) -> Database:
        directory = prepare_data_dir(Path(data_dir))
        engine = create_sqlite_engine(directory / DATABASE_FILENAME)
        database = cls(directory, engine)
        if migrate:
            upgrade_to_head(engine)
        return database

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back when it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


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
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


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
    with engine.connect() as connection:
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
        command.upgrade(config, revision)
    except sqlite3.OperationalError as error:
        raise DataDirError(f"cannot write the database {engine.url.database}: {error}") from None

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from core.store import db as dbmod
from core.store.db import (
    DATABASE_FILENAME,
    Database,
    DatabaseTooNewError,
    DataDirError,
    create_sqlite_engine,
    upgrade_to_head,
)
from core.store.models import Base


def test_open_creates_directory_with_wal_and_foreign_keys(tmp_path):
    database = Database.open(tmp_path / "new" / "nested")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "new" / "nested" / DATABASE_FILENAME).exists()
    database.close()


def test_migrations_have_a_single_head_and_match_the_models(tmp_path):
    database = Database.open(tmp_path)
    heads = dbmod.migration_heads(database.engine)
    assert len(heads) == 1, "two Alembic heads: chain the newer revision after the other"
    assert heads[0] == dbmod.SCHEMA_HEAD, "set core.store.db.SCHEMA_HEAD to the new revision"
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], f"models.py and the migrations disagree: {differences}"
    database.close()


def test_an_older_database_upgrades_without_losing_rows(tmp_path):
    engine = create_sqlite_engine(tmp_path / DATABASE_FILENAME)
    upgrade_to_head(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO vods (id, file_path, title, description, duration, size_bytes, status, "
                "visibility, is_nsfw, created_at, updated_at) VALUES ('v1', '/x.mp4', 'Old stream', '', "
                "100, 5, 'ready', 'public', 0, '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                'INSERT INTO chapters (id, vod_id, title, description, start_time, end_time, "order", '
                "source, created_at, updated_at) VALUES ('c1', 'v1', 'Intro', '', 0, 10, 0, 'manual', "
                "'2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()
    database = Database.open(tmp_path)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM vods")).scalar() == "Old stream"
        assert connection.execute(text("SELECT title FROM chapters")).scalar() == "Intro"
    database.close()


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    Database.open(tmp_path).close()
    path = tmp_path / DATABASE_FILENAME
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="newer VOD Studio"):
        Database.open(tmp_path)
    assert path.read_bytes() == before


def test_a_data_dir_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirError, match="cannot create the data directory"):
        Database.open(blocker / "data")


def test_a_failed_unit_of_work_leaves_the_database_as_it_was(tmp_path):
    database = Database.open(tmp_path)
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(text("INSERT INTO settings (key, value) VALUES ('k', '1')"))
        raise RuntimeError("boom")
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM settings")).scalar() == 0
    database.close()

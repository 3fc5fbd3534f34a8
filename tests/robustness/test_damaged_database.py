"""A damaged database gets one sentence and a way out, and is never changed (issue 19, item 2)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import timedelta

import pytest

from core.store.backups import GENERATIONS, backup_if_due, list_backups, take_backup
from core.store.db import DATABASE_FILENAME

from .processes import damage_table_page, integrity


@pytest.fixture
def library(run_cli, data_dir, clip_factory):
    """A library with one VOD and one chapter, closed cleanly (no write-ahead log left)."""
    vod = run_cli("import", clip_factory(seconds=30), "--title", "Keep me").stdout.strip()
    assert (
        run_cli("chapters", "add", vod, "--title", "Intro", "--start", "0", "--end", "5").code == 0
    )
    return vod


def damage(data_dir, kind: str):
    database = data_dir / DATABASE_FILENAME
    data = database.read_bytes()
    if kind == "random bytes":
        database.write_bytes(os.urandom(len(data)))
    elif kind == "cut at half":
        database.write_bytes(data[: len(data) // 2])
    else:
        database.unlink()
        database.mkdir()
        (database / "something").write_text("not a database")


def snapshot(path):
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir()}
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["random bytes", "cut at half", "a folder"])
def test_one_sentence_the_file_untouched_and_restore_brings_the_backup_back(
    run_cli, data_dir, library, clip_factory, kind
):
    database = data_dir / DATABASE_FILENAME
    assert take_backup(database, "manual") is not None
    damage(data_dir, kind)
    before = snapshot(database)
    for args in (["list"], ["import", clip_factory(seconds=30)], ["chapters", "list", library]):
        result = run_cli(*args)
        assert result.code == 1, result.stdout
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "damaged" in result.stderr and "vodstudio db restore" in result.stderr
        assert snapshot(database) == before

    checked = run_cli("db", "check")
    assert checked.code == 1 and "DAMAGED" in checked.stdout and "manual" in checked.stdout
    assert snapshot(database) == before

    restored = run_cli("db", "restore")
    assert restored.code == 0, restored.stderr
    [aside] = [
        p
        for p in data_dir.glob(f"{DATABASE_FILENAME}.damaged-*")
        if not p.name.endswith(("-wal", "-shm"))
    ]
    assert snapshot(aside) == before
    assert integrity(data_dir) == "ok"
    assert [v["title"] for v in json.loads(run_cli("list", "--json").stdout)] == ["Keep me"]
    chapters = json.loads(run_cli("chapters", "list", library, "--json").stdout)
    assert [c["title"] for c in chapters] == ["Intro"]
    assert run_cli("db", "check").code == 0


def test_restore_skips_a_damaged_backup_for_an_older_sound_one(run_cli, data_dir, library):
    database = data_dir / DATABASE_FILENAME
    older = take_backup(database, "manual")
    newer = take_backup(database, "manual")
    newer.path.write_bytes(newer.path.read_bytes()[:1000])
    damage(data_dir, "cut at half")
    checked = run_cli("db", "check", "--json")
    report = json.loads(checked.stdout)
    assert report["sound"] is False
    assert [b["sound"] for b in report["backups"]][:2] == [False, True]
    restored = run_cli("db", "restore")
    assert restored.code == 0 and older.path.name in restored.stdout


def test_a_sound_database_is_only_replaced_on_request_and_is_kept(run_cli, data_dir, library):
    database = data_dir / DATABASE_FILENAME
    backup = take_backup(database, "manual")
    assert run_cli("chapters", "add", library, "--title", "Later", "--start", "5", "--end", "9")
    refused = run_cli("db", "restore")
    assert refused.code == 1 and "sound" in refused.stderr
    restored = run_cli("db", "restore", "--from", backup.path.name)
    assert restored.code == 0, restored.stderr
    titles = [c["title"] for c in json.loads(run_cli("chapters", "list", library, "--json").stdout)]
    assert titles == ["Intro"]
    kept = [b for b in list_backups(data_dir) if b.reason == "before-restore"]
    assert len(kept) == 1  # the replaced database, restorable in turn
    assert run_cli("db", "restore", "--from", kept[0].path).code == 0
    titles = [c["title"] for c in json.loads(run_cli("chapters", "list", library, "--json").stdout)]
    assert titles == ["Intro", "Later"]


def test_no_backup_at_all_still_has_a_way_out(run_cli, data_dir, library):
    shutil.rmtree(data_dir / "backups", ignore_errors=True)
    damage(data_dir, "random bytes")
    before = snapshot(data_dir / DATABASE_FILENAME)
    result = run_cli("list")
    assert result.code == 1 and "no backup" in result.stderr and "--empty" in result.stderr
    assert run_cli("db", "restore").code == 1
    assert run_cli("db", "restore", "--empty").code == 0
    assert json.loads(run_cli("list", "--json").stdout) == []
    [aside] = [
        p
        for p in data_dir.glob(f"{DATABASE_FILENAME}.damaged-*")
        if not p.name.endswith(("-wal", "-shm"))
    ]
    assert snapshot(aside) == before


def test_backups_roll_over_and_are_taken_at_most_once_per_interval(data_dir, library):
    database = data_dir / DATABASE_FILENAME
    first = list_backups(data_dir)
    assert len(first) == 1 and first[0].reason == "daily"  # the library's second start
    assert backup_if_due(database) is None
    for _ in range(GENERATIONS + 2):
        assert backup_if_due(database, interval=timedelta(0)) is not None
    kept = list_backups(data_dir)
    assert len(kept) == GENERATIONS
    assert first[0].path not in {b.path for b in kept}


def test_a_migration_is_preceded_by_a_backup(tmp_path):
    from sqlalchemy import text

    from core.store.db import SCHEMA_HEAD, Database, create_sqlite_engine, upgrade_to_head

    engine = create_sqlite_engine(tmp_path / DATABASE_FILENAME)
    upgrade_to_head(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO settings (key, value) VALUES ('openai_model', '\"old-model\"')")
        )
    engine.dispose()
    Database.open(tmp_path).close()
    [backup] = list_backups(tmp_path)
    assert backup.reason == f"before-{SCHEMA_HEAD}"
    with sqlite3.connect(backup.path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_backups_are_single_files_and_leave_nothing_beside_them(run_cli, data_dir, library):
    """A backup of a database in write-ahead-log mode would drag ``-wal``/``-shm`` files along
    (left behind by its rename, and again by every check); each one is one file instead."""
    for _ in range(GENERATIONS + 1):
        assert run_cli("db", "backup").code == 0
    assert run_cli("db", "check").code == 0
    oldest = list_backups(data_dir)[-1]
    assert run_cli("db", "restore", "--from", oldest.path.name).code == 0
    damage(data_dir, "cut at half")
    assert run_cli("db", "restore").code == 0
    assert run_cli("list").code == 0

    kept = {b.path.name for b in list_backups(data_dir)}
    in_folder = {p.name for p in (data_dir / "backups").iterdir()} - {".backup.lock"}
    assert in_folder == kept
    for backup in list_backups(data_dir):
        with sqlite3.connect(backup.path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    left_over = [p.name for p in data_dir.iterdir() if "partial" in p.name]
    assert left_over == []


def test_a_backup_that_cannot_be_written_warns_and_the_command_goes_on(run_cli, data_dir, library):
    shutil.rmtree(data_dir / "backups")
    (data_dir / "backups").write_text("a file where the backups folder belongs")
    listed = run_cli("list", "--json")
    assert listed.code == 0, listed.stderr
    assert [v["title"] for v in json.loads(listed.stdout)] == ["Keep me"]
    assert "daily backup" in listed.stderr and "Traceback" not in listed.stderr
    assert (
        run_cli("chapters", "add", library, "--title", "On", "--start", "6", "--end", "8").code == 0
    )

    (data_dir / "backups").unlink()
    assert run_cli("list").code == 0
    assert [b.reason for b in list_backups(data_dir)] == ["daily"]  # taken at the next start


def test_a_damaged_page_deep_in_the_file_is_one_sentence_and_found_by_check(
    run_cli, data_dir, library
):
    # Enough rows for the chapters table to span pages, in one command.
    listing = data_dir.parent / "chapters.txt"
    listing.write_text("".join(f"0:{second} c{second}\n" for second in range(10, 30)))
    added = run_cli("chapters", "import", library, listing)
    assert added.code == 0 and "the VOD now has 21" in added.stdout, added.stderr
    assert run_cli("db", "backup").code == 0
    damage_table_page(data_dir, "chapters")
    before = snapshot(data_dir / DATABASE_FILENAME)

    shown = run_cli("chapters", "list", library)
    assert shown.code == 1 and shown.stderr.count("\n") == 1, shown.stderr
    assert "damaged" in shown.stderr and "Traceback" not in shown.stderr
    checked = run_cli("db", "check")
    assert checked.code == 1 and checked.stderr.count("\n") == 1, checked.stderr
    assert "integrity check found" in checked.stderr
    assert "DAMAGED" in checked.stdout
    assert snapshot(data_dir / DATABASE_FILENAME) == before

    assert run_cli("db", "restore").code == 0
    chapters = json.loads(run_cli("chapters", "list", library, "--json").stdout)
    assert len(chapters) == 21
    assert integrity(data_dir) == "ok"

"""A VOD that holds overlapping chapters (written before the write lock, or by another tool)
stays listable, showable, exportable and repairable (issue 19, item 0)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from core.store.db import DATABASE_FILENAME


@pytest.fixture
def damaged_vod(run_cli, data_dir, clip_factory):
    """A VOD whose rows hold "A" 0:04–0:08 and "B" 0:06–0:10, overlapping, plus a sound "C"."""
    vod = run_cli("import", clip_factory(seconds=30)).stdout.strip()
    for title, start, end in (("A", 4, 8), ("C", 20, 25)):
        assert run_cli("chapters", "add", vod, "--title", title, "--start", start, "--end", end)
    with sqlite3.connect(data_dir / DATABASE_FILENAME) as connection:
        connection.execute(
            'INSERT INTO chapters (id, vod_id, title, description, start_time, end_time, "order",'
            " source, created_at, updated_at) VALUES ('bbbbbbbb-0000-0000-0000-000000000000', ?,"
            " 'B', '', 6, 10, 1, 'manual', '2026-01-01', '2026-01-01')",
            (vod,),
        )
    listed = json.loads(run_cli("chapters", "list", vod, "--json").stdout)
    ids = {c["title"]: c["id"] for c in listed}
    return vod, ids


def test_a_stored_overlap_is_listed_shown_and_exported_with_the_pair_named(run_cli, damaged_vod):
    vod, ids = damaged_vod
    listed = run_cli("chapters", "list", vod, "--json")
    assert listed.code == 0
    assert [c["title"] for c in json.loads(listed.stdout)] == ["A", "B", "C"]
    for result in (
        listed,
        run_cli("show", vod),
        run_cli("chapters", "export", vod, "--format", "webvtt"),
    ):
        assert result.code == 0, result.stderr
        assert result.stderr.count("\n") == 1
        assert ids["A"] in result.stderr and ids["B"] in result.stderr
        assert ids["C"] not in result.stderr
    assert "B" in json.loads(run_cli("show", vod, "--json").stdout)["chapters"][1]["title"]


def test_an_edit_may_not_keep_or_make_an_overlap_but_may_repair_one(run_cli, damaged_vod):
    vod, ids = damaged_vod
    still = run_cli("chapters", "update", vod, ids["B"], "--title", "B2", "--start", "7")
    assert still.code == 1 and '"A"' in still.stderr and ids["A"] in still.stderr
    new = run_cli("chapters", "add", vod, "--title", "D", "--start", "5", "--end", "6")
    assert new.code == 1 and '"A"' in new.stderr
    elsewhere = run_cli("chapters", "add", vod, "--title", "E", "--start", "12", "--end", "14")
    assert elsewhere.code == 0, elsewhere.stderr

    moved = run_cli("chapters", "update", vod, ids["B"], "--start", "8")
    assert moved.code == 0, moved.stderr
    listed = run_cli("chapters", "list", vod, "--json")
    assert listed.stderr == ""
    assert [(c["title"], c["start_time"]) for c in json.loads(listed.stdout)] == [
        ("A", 4),
        ("B", 8),
        ("E", 12),
        ("C", 20),
    ]


def test_deleting_one_of_the_pair_repairs_the_vod(run_cli, damaged_vod):
    vod, ids = damaged_vod
    assert run_cli("chapters", "delete", vod, ids["A"]).code == 0
    listed = run_cli("chapters", "list", vod, "--json")
    assert listed.stderr == ""
    assert [c["title"] for c in json.loads(listed.stdout)] == ["B", "C"]
    at = run_cli("chapters", "at", vod, "7", "--json")
    assert json.loads(at.stdout)["id"] == ids["B"]


def test_import_replace_repairs_the_vod(run_cli, damaged_vod, tmp_path):
    vod, _ids = damaged_vod
    replacement = tmp_path / "fixed.json"
    replacement.write_text(
        json.dumps(
            [
                {"title": "Intro", "start_time": 0, "end_time": 6},
                {"title": "Game", "start_time": 6, "end_time": 10},
            ]
        )
    )
    imported = run_cli("chapters", "import", vod, replacement, "--replace")
    assert imported.code == 0, imported.stderr
    listed = run_cli("chapters", "list", vod, "--json")
    assert listed.stderr == ""
    assert [c["title"] for c in json.loads(listed.stdout)] == ["Intro", "Game"]

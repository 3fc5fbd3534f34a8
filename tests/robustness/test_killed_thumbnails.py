"""``thumbnails generate`` killed with SIGKILL mid-run leaves nothing behind once the next run
starts: no file without a row, no row without a file (issue 19, item 3)."""

from __future__ import annotations

import json
import re
import signal
import sqlite3

from core.store.db import DATABASE_FILENAME

from .processes import descendants, integrity, needs_proc, start_cli, wait_gone

MOMENTS = [f"{t:.1f}" for t in range(1, 40)]


def files_under(folder):
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def row_files(data_dir, vod_id):
    with sqlite3.connect(data_dir / DATABASE_FILENAME) as connection:
        rows = connection.execute(
            "SELECT jpeg_path, webp_path FROM thumbnails WHERE vod_id = ?", (vod_id,)
        ).fetchall()
    return [p for row in rows for p in row if p]


def test_a_killed_run_leaves_no_orphan_files_after_the_next_run(run_cli, data_dir, clip_factory):
    needs_proc()
    vod_id = run_cli("import", clip_factory("long.mp4", seconds=40, size="640x360")).stdout.strip()
    assert run_cli("thumbnails", "generate", vod_id, "--at", "2").code == 0
    before = set(row_files(data_dir, vod_id))
    assert len(before) == 6

    args = ["thumbnails", "generate", vod_id, "--default", "0"]
    for moment in MOMENTS:
        args += ["--at", moment]
    process = start_cli(data_dir, *args)
    children: set[int] = set()
    for line in process.stderr:  # one progress line per 10 %, without a terminal
        children |= descendants(process.pid)
        percent = re.search(r"(\d+\.\d)%", line)
        if percent and float(percent[1]) >= 80:
            break
    children |= descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    process.stdout.close()

    assert wait_gone(children) == set(), "children outlived the killed CLI"
    assert integrity(data_dir) == "ok"
    folder = data_dir / "thumbnails" / vod_id
    assert set(row_files(data_dir, vod_id)) == before  # nothing half-committed
    assert len(files_under(folder)) > len(before)  # the killed run's images are still there

    again = run_cli("thumbnails", "generate", vod_id, "--at", "3", "--json")
    assert again.code == 0, again.stderr
    rows = row_files(data_dir, vod_id)
    assert len(rows) == 12 == len(set(rows))
    assert {str(p) for p in files_under(folder)} == set(rows)
    listed = json.loads(run_cli("thumbnails", "list", vod_id, "--json").stdout)
    assert sum(t["is_default"] for t in listed) == 1


def test_runs_at_once_never_remove_each_others_images(run_cli, data_dir, clip_factory):
    """Each run cleans up before it starts; a run still going is not a leftover."""
    vod_id = run_cli("import", clip_factory("long.mp4", seconds=40, size="640x360")).stdout.strip()
    runs = []
    for first in (1, 2, 3):
        args = ["thumbnails", "generate", vod_id]
        for moment in range(first, 40, 3):
            args += ["--at", str(moment)]
        runs.append(start_cli(data_dir, *args))
    for process in runs:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    rows = row_files(data_dir, vod_id)
    assert len(rows) == 39 * 6 == len(set(rows))
    assert {str(p) for p in files_under(data_dir / "thumbnails" / vod_id)} == set(rows)
    assert integrity(data_dir) == "ok"

"""Many writers at once (issue 19, item 0): real CLI processes racing on one VOD."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from core.store.db import DATABASE_FILENAME

from .processes import integrity, needs_proc, start_cli, wait_all_waiting_on

RACERS = 8


@pytest.fixture
def vod_id(run_cli, clip_factory):
    result = run_cli("import", clip_factory(seconds=30), "--title", "Race")
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def test_processes_racing_for_one_range_store_exactly_one(run_cli, data_dir, vod_id):
    needs_proc()
    database = data_dir / DATABASE_FILENAME
    # The test holds the write lock while the racers start, so they all reach the database
    # before any of them can write, then lets them go at once.
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    racers = [
        start_cli(
            data_dir, "chapters", "add", vod_id, "--title", f"k{n}", "--start", "4", "--end", "5"
        )
        for n in range(RACERS)
    ]
    try:
        wait_all_waiting_on(racers, database)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    results = [(p.wait(timeout=120), *p.communicate()) for p in racers]

    stored = json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)
    assert len(stored) == 1, stored
    winners = [r for r in results if r[0] == 0]
    losers = [r for r in results if r[0] != 0]
    assert len(winners) == 1 and stored[0]["id"] in winners[0][1]
    assert len(losers) == RACERS - 1
    for code, _out, err in losers:
        assert code == 1
        assert err.count("\n") == 1 and "overlaps chapter" in err and stored[0]["id"] in err
    assert integrity(data_dir) == "ok"


# One CLI process that runs ``vodstudio chapters add`` once per range through the real entry
# point (a fresh context and database connection each time), printing one JSON line per add:
# the same work as 200 separate commands, without 200 interpreter start-ups.
ADD_LOOP = """
import contextlib, io, json, sys
from app.main import main
data_dir, vod, name = sys.argv[1:4]
for line in sys.stdin:
    start, end = line.split()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", data_dir, "chapters", "add", vod, "--title", name + start,
                     "--start", start, "--end", end, "--json"])
    print(json.dumps([code, out.getvalue(), err.getvalue()]), flush=True)
"""


def test_two_clis_adding_200_each_keep_every_acknowledged_chapter(run_cli, data_dir, vod_id):
    """Both add the same 200 ranges at once: each range is stored once, every refusal names
    the overlap, and the VOD stays usable."""
    ranges = [(f"{i / 10:.1f}", f"{(i + 1) / 10:.1f}") for i in range(200)]
    feed = "".join(f"{start} {end}\n" for start, end in ranges)
    loops = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_LOOP, str(data_dir), vod_id, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for loop in loops:  # both are importing while the other's feed is written
        loop.stdin.write(feed)
        loop.stdin.flush()
        loop.stdin.close()
    outcomes = [[json.loads(line) for line in loop.stdout] for loop in loops]
    assert [loop.wait(timeout=120) for loop in loops] == [0, 0]

    listed = run_cli("chapters", "list", vod_id, "--json")
    assert listed.code == 0, listed.stderr
    stored = json.loads(listed.stdout)
    acknowledged = [
        json.loads(out)["id"] for results in outcomes for code, out, _ in results if code == 0
    ]
    assert sorted(acknowledged) == sorted(c["id"] for c in stored)
    assert [(c["start_time"], c["end_time"]) for c in stored] == [
        (float(s), float(e)) for s, e in ranges
    ]
    refusals = [err for results in outcomes for code, _, err in results if code != 0]
    assert len(refusals) == 200
    assert all("overlaps chapter" in err and err.count("\n") == 1 for err in refusals)
    assert integrity(data_dir) == "ok"


def test_readers_never_wait_for_a_writer(run_cli, data_dir, vod_id):
    """With another process holding the write lock, every read command still answers (a
    read that took the lock would wait for it, then fail with "database is locked")."""
    assert run_cli("chapters", "add", vod_id, "--title", "A", "--start", "0", "--end", "5")
    holder = sqlite3.connect(data_dir / DATABASE_FILENAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for args in (
            ["list", "--json"],
            ["show", vod_id, "--json"],
            ["chapters", "list", vod_id, "--json"],
            ["chapters", "at", vod_id, "2", "--json"],
            ["chapters", "export", vod_id, "--format", "webvtt"],
            ["thumbnails", "list", vod_id, "--json"],
            ["transcode", "status", vod_id, "--json"],
        ):
            result = run_cli(*args)
            assert result.code in (0, 1), result.stderr
            assert "locked" not in result.stderr, (args, result.stderr)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

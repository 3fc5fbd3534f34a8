"""A recording whose second half is missing (its index kept) imports with the duration that
is really there, says so, and transcodes what is there with a note (issue 19, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import m3u8
import pytest


@pytest.fixture
def cut_short(clip_factory, tmp_path) -> Path:
    """A 10 s MP4 with its index at the front, then only the first half of its bytes."""
    whole = clip_factory(
        "indexed.mp4", seconds=10, size="640x360", extra=["-movflags", "+faststart"]
    )
    data = whole.read_bytes()
    path = tmp_path / "cut-short.mp4"
    path.write_bytes(data[: len(data) // 2])
    return path


def test_import_stores_the_real_duration_and_says_so(run_cli, cut_short, clip_factory):
    imported = run_cli("import", cut_short)
    assert imported.code == 0, imported.stderr
    assert imported.stderr.count("\n") == 1 and "cut short" in imported.stderr
    assert "0:10" in imported.stderr
    shown = json.loads(run_cli("show", imported.stdout.strip(), "--json").stdout)
    assert shown["claimed_duration"] == pytest.approx(10, abs=0.1)
    assert 2.0 < shown["duration"] < 6.0

    whole = run_cli(
        "import",
        clip_factory("indexed.mp4", seconds=10, size="640x360", extra=["-movflags", "+faststart"]),
    )
    assert whole.code == 0 and whole.stderr == ""
    shown = json.loads(run_cli("show", whole.stdout.strip(), "--json").stdout)
    assert shown["claimed_duration"] is None and shown["duration"] == pytest.approx(10, abs=0.1)


def test_the_transcode_covers_what_is_there_and_notes_it(run_cli, cut_short, data_dir):
    vod = run_cli("import", cut_short).stdout.strip()
    duration = json.loads(run_cli("show", vod, "--json").stdout)["duration"]
    started = run_cli("transcode", "start", vod, "--qualities", "360p", "--wait", timeout=600)
    assert started.code == 0, started.stderr
    status = json.loads(run_cli("transcode", "status", vod, "--json").stdout)
    assert status["status"] == "completed"
    assert any("cut short" in note for note in status["notes"]), status["notes"]
    [playlist] = (data_dir / "hls" / vod).glob("*/360p/playlist.m3u8")
    covered = sum(segment.duration for segment in m3u8.load(str(playlist)).segments)
    assert covered == pytest.approx(duration, abs=0.6)

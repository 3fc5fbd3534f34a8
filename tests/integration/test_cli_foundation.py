"""The real ``vodstudio`` command, run as a subprocess on clips made by ffmpeg."""

import json
import os
import shutil
import sqlite3

import pytest

from core.store.db import DATABASE_FILENAME


@pytest.fixture
def vod_id(run_cli, clip_factory):
    result = run_cli("import", clip_factory(seconds=30), "--title", "Friday stream")
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def test_import_list_show_json_mirror_the_platform_shapes(run_cli, vod_id):
    listed = json.loads(run_cli("list", "--json").stdout)
    assert [v["id"] for v in listed] == [vod_id]
    shown = json.loads(run_cli("show", vod_id[:8], "--json").stdout)
    for key in ("id", "status", "title", "cloudflare_video_id", "playback_url", "created_at"):
        assert key in shown
    assert shown["status"] == "ready" and shown["title"] == "Friday stream"
    assert shown["duration"] == pytest.approx(30, abs=0.1)
    assert shown["chapters"] == []


def test_chapter_commands_end_to_end(run_cli, vod_id):
    intro = run_cli(
        "chapters", "add", vod_id, "--title", "Intro", "--start", "0", "--end", "0:10", "--json"
    )
    assert intro.code == 0, intro.stderr
    intro_json = json.loads(intro.stdout)
    assert set(intro_json) == {
        "id",
        "video_id",
        "title",
        "description",
        "start_time",
        "end_time",
        "order",
        "source",
        "confidence_score",
        "thumbnail_url",
    }
    assert (intro_json["source"], intro_json["video_id"]) == ("manual", vod_id)
    game = json.loads(
        run_cli(
            "chapters",
            "add",
            vod_id,
            "--title",
            "Game",
            "--start",
            "10",
            "--end",
            "25.5",
            "--description",
            "Boss fight",
            "--json",
        ).stdout
    )

    clash = run_cli(
        "chapters", "add", vod_id, "--title", "Clash", "--start", "0:20", "--end", "0:28"
    )
    assert clash.code == 1
    assert clash.stderr.count("\n") == 1 and '"Game"' in clash.stderr

    assert json.loads(run_cli("chapters", "at", vod_id, "12", "--json").stdout)["id"] == game["id"]
    assert (
        json.loads(run_cli("chapters", "next", vod_id, intro_json["id"], "--json").stdout)["id"]
        == game["id"]
    )
    assert (
        json.loads(run_cli("chapters", "previous", vod_id, game["id"][:8], "--json").stdout)["id"]
        == intro_json["id"]
    )
    missing = run_cli("chapters", "at", vod_id, "28")
    assert missing.code == 1 and "no chapter covers 0:28" in missing.stderr
    last = run_cli("chapters", "next", vod_id, game["id"])
    assert last.code == 1 and "last chapter" in last.stderr

    updated = run_cli(
        "chapters", "update", vod_id, game["id"], "--title", "Boss", "--end", "30", "--json"
    )
    assert json.loads(updated.stdout)["end_time"] == 30
    found = json.loads(
        run_cli("chapters", "list", vod_id, "--search", "boss FIGHT", "--json").stdout
    )
    assert [c["id"] for c in found] == [game["id"]]
    assert json.loads(run_cli("chapters", "list", vod_id, "--source", "ai", "--json").stdout) == []

    assert run_cli("chapters", "delete", vod_id, intro_json["id"]).code == 0
    remaining = json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)
    assert [(c["title"], c["order"]) for c in remaining] == [("Boss", 0)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--start", "nan", "--end", "5"], "finite"),
        (["--start", "inf", "--end", "5"], "finite"),
        (["--start", "-3", "--end", "5"], "negative"),
        (["--start", "8", "--end", "5"], "must be before"),
        (["--start", "0", "--end", "31"], "past the end"),
        (["--start", "abc", "--end", "5"], "not a time"),
    ],
)
def test_bad_times_exit_1_with_one_line(run_cli, vod_id, args, message):
    result = run_cli("chapters", "add", vod_id, "--title", "X", *args)
    assert result.code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(run_cli("chapters", "list", vod_id, "--json").stdout) == []


def test_a_vod_is_found_by_its_title_as_list_shows_it(run_cli, vod_id, clip_factory):
    added = run_cli("chapters", "add", "friday STREAM", "--title", "Intro", "--start", "0",
                    "--end", "5")  # fmt: skip
    assert added.code == 0, added.stderr
    assert json.loads(run_cli("show", "Friday stream", "--json").stdout)["id"] == vod_id
    again = run_cli("import", clip_factory(seconds=20), "--title", "Friday stream")
    assert again.code == 0, again.stderr
    ambiguous = run_cli("chapters", "list", "Friday stream")
    assert ambiguous.code == 1 and "more than one VOD is titled" in ambiguous.stderr
    assert run_cli("chapters", "list", vod_id[:8]).code == 0


def test_a_chapter_is_found_by_the_number_the_list_shows(run_cli, vod_id):
    for title, start, end in (("Intro", "0", "4"), ("Build", "4", "9"), ("Outro", "9", "12")):
        added = run_cli("chapters", "add", vod_id, "--title", title, "--start", start,
                        "--end", end)  # fmt: skip
        assert added.code == 0, added.stderr
    table = run_cli("chapters", "list", vod_id).stdout.splitlines()
    numbers = {line.split()[-1]: line.split()[0] for line in table[1:]}
    assert numbers == {"Intro": "1", "Build": "2", "Outro": "3"}, table
    renamed = run_cli("chapters", "update", vod_id, "2", "--title", "Boss fight")
    assert renamed.code == 0, renamed.stderr
    titles = [c["title"] for c in json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)]
    assert titles == ["Intro", "Boss fight", "Outro"]
    missing = run_cli("chapters", "delete", vod_id, "4")
    assert missing.code == 1 and "not found" in missing.stderr
    assert len(json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)) == 3


def test_blank_title_unknown_ids_and_bad_transitions(run_cli, vod_id):
    blank = run_cli("chapters", "add", vod_id, "--title", "   ", "--start", "0", "--end", "1")
    assert blank.code == 1 and "title is required" in blank.stderr
    unknown = run_cli("show", "0000-not-there")
    assert unknown.code == 1 and "not found" in unknown.stderr
    unknown_chapter = run_cli("chapters", "delete", vod_id, "nope-nope")
    assert unknown_chapter.code == 1 and "not found" in unknown_chapter.stderr
    bad = run_cli("status", vod_id, "processing")
    assert bad.code == 1 and "can only become deleted" in bad.stderr
    assert run_cli("status", vod_id, "deleted").code == 0
    assert json.loads(run_cli("list", "--json").stdout) == []


def test_usage_errors_exit_2(run_cli):
    assert run_cli("chapters", "add", "v").code == 2
    assert run_cli("no-such-command").code == 2


def test_unusable_files_are_refused_clearly(run_cli, tmp_path, clip_factory):
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(os.urandom(4096))
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(clip_factory(seconds=30).read_bytes()[:2000])
    for path, message in [
        (tmp_path / "nope.mp4", "file not found"),
        (empty, "empty (0 bytes)"),
        (garbage, "not a media file"),
        (truncated, "not a media file"),
    ]:
        result = run_cli("import", path)
        assert result.code == 1, path
        assert message in result.stderr, result.stderr
    assert json.loads(run_cli("list", "--json").stdout) == []


def test_file_names_with_spaces_quotes_and_non_ascii(run_cli, tmp_path, clip_factory):
    odd = tmp_path / "Stream 'ñandú' \"final\" #1 ✨.mp4"
    shutil.copy(clip_factory(seconds=30), odd)
    result = run_cli("import", odd)
    assert result.code == 0, result.stderr
    shown = json.loads(run_cli("show", result.stdout.strip(), "--json").stdout)
    assert shown["file_path"] == str(odd) and shown["title"] == odd.stem


def test_ffprobe_missing_from_path_is_explained(run_cli, clip_factory):
    result = run_cli("import", clip_factory(seconds=30), env={"PATH": "/nonexistent"})
    assert result.code == 1 and "ffprobe was not found" in result.stderr


def test_unwritable_or_impossible_data_dir(run_cli, tmp_path, clip_factory):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("--data-dir", str(blocker / "sub"), "list")
    assert result.code == 1 and "cannot create the data directory" in result.stderr
    if os.geteuid() != 0:  # root ignores permission bits
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        result = run_cli("--data-dir", str(locked), "list")
        assert result.code == 1 and "not writable" in result.stderr


def test_newer_database_is_refused_by_the_cli(run_cli, data_dir):
    assert run_cli("list").code == 0
    with sqlite3.connect(data_dir / DATABASE_FILENAME) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_newer'")
    result = run_cli("list")
    assert result.code == 1 and "newer VOD Studio" in result.stderr

"""``vodstudio chapters export|import|check-youtube|embed``: in process for speed, and the real
command in a subprocess where its exit code and stderr line matter."""

import json

import pytest

from core.media.chapter_embed import EmbeddedChapter, read_chapters


@pytest.fixture
def vod_id(cli, long_clip):
    result = cli("import", long_clip, "--title", "Friday stream")
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def listed(cli, vod_id):
    return [
        (c["title"], c["start_time"], c["end_time"])
        for c in json.loads(cli("chapters", "list", vod_id, "--json").stdout)
    ]


def test_import_markers_then_export_every_format_and_import_it_back(cli, vod_id, tmp_path):
    markers = tmp_path / "markers.json"
    markers.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "videos": [
                            {
                                "markers": [
                                    {"position_seconds": 0, "description": "Starting soon"},
                                    {"position_seconds": 12, "description": "Boss fight"},
                                    {"position_seconds": 27, "description": "Chat"},
                                ]
                            }
                        ]
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    result = cli("chapters", "import", vod_id[:8], markers)
    assert result.code == 0, result.stderr
    assert "imported 3 chapters (twitch)" in result.stdout
    expected = [("Starting soon", 0, 12), ("Boss fight", 12, 27), ("Chat", 27, 40)]
    assert listed(cli, vod_id) == expected
    for fmt in ("youtube", "webvtt", "ffmetadata", "csv", "json"):
        target = tmp_path / f"out-{fmt}"
        exported = cli("chapters", "export", vod_id, "--format", fmt, "--output", target)
        assert exported.code == 0, exported.stderr
        again = cli("chapters", "import", vod_id, target, "--replace")
        assert again.code == 0, (fmt, again.stderr)
        assert f"({fmt})" in again.stdout
        assert listed(cli, vod_id) == expected, fmt


def test_export_to_stdout_and_youtube_refusal_with_every_rule(cli, vod_id):
    added = cli("chapters", "add", vod_id, "--title", "Game", "--start", "5", "--end", "38")
    assert added.code == 0
    refused = cli("chapters", "export", vod_id, "--format", "youtube")
    assert refused.code == 1 and refused.stdout == ""
    assert "first chapter must start at 0:00" in refused.stderr
    assert "at least 3 chapters" in refused.stderr and "--fix-youtube" in refused.stderr
    csv = cli("chapters", "export", vod_id, "--format", "csv")
    assert csv.stdout == "start,end,title\n5.000,38.000,Game\n"


def test_export_never_overwrites_a_file_unless_asked(cli, vod_id, tmp_path):
    cli("chapters", "add", vod_id, "--title", "Game", "--start", "0", "--end", "40")
    target = tmp_path / "mine.csv"
    target.write_text("my own notes", encoding="utf-8")
    refused = cli("chapters", "export", vod_id, "--format", "csv", "--output", target)
    assert refused.code == 1 and "already exists" in refused.stderr
    assert target.read_text(encoding="utf-8") == "my own notes"
    forced = cli("chapters", "export", vod_id, "--format", "csv", "-o", target, "--overwrite")
    assert forced.code == 0
    assert target.read_text(encoding="utf-8") == "start,end,title\n0.000,40.000,Game\n"


def test_check_youtube_reports_then_fixes(cli, vod_id):
    for title, start, end in (("Game", "12", "20"), ("Blip", "20", "24"), ("Talk", "24", "40")):
        added = cli("chapters", "add", vod_id, "--title", title, "--start", start, "--end", end)
        assert added.code == 0
    check = cli("chapters", "check-youtube", vod_id)
    assert check.code == 1
    assert 'broken: the first chapter must start at 0:00; "Game" starts at 0:12' in check.stdout
    assert 'broken: chapter "Blip" at 0:20 is 4 s long' in check.stdout
    report = json.loads(cli("chapters", "check-youtube", vod_id, "--json").stdout)
    assert report["ok"] is False
    assert {p["rule"] for p in report["problems"]} == {"first-at-zero", "min-length"}
    fixed = cli("chapters", "check-youtube", vod_id, "--fix")
    assert fixed.code == 0 and "OK: YouTube will show these chapters" in fixed.stdout
    assert listed(cli, vod_id) == [("Intro", 0, 12), ("Game", 12, 24), ("Talk", 24, 40)]
    text = cli("chapters", "export", vod_id, "--format", "youtube")
    assert text.code == 0 and text.stdout == "0:00 Intro\n0:12 Game\n0:24 Talk\n"


def test_garbage_import_is_one_line_with_the_file_and_line(run_cli, cli, vod_id, tmp_path):
    garbage = tmp_path / "desc.txt"
    garbage.write_text("0:00 Intro\n0:10 Fine\nsubscribe to my channel!\n", encoding="utf-8")
    result = run_cli("chapters", "import", vod_id, garbage)
    assert result.code == 1
    assert result.stderr.strip().splitlines() == [
        "vodstudio: error: desc.txt line 3: no timestamp in 'subscribe to my channel!' "
        "(expected a line like '1:02 Title')"
    ]
    assert json.loads(cli("chapters", "list", vod_id, "--json").stdout) == []
    missing = cli("chapters", "import", vod_id, tmp_path / "nope.csv")
    assert missing.code == 1 and "file not found" in missing.stderr


def test_embed_writes_a_verified_copy(cli, vod_id, tmp_path):
    cli("chapters", "add", vod_id, "--title", "One", "--start", "0", "--end", "12.345")
    cli("chapters", "add", vod_id, "--title", "Two", "--start", "12.345", "--end", "40")
    output = tmp_path / "with-chapters.mkv"
    result = cli("chapters", "embed", vod_id, output)
    assert result.code == 0, result.stderr
    assert read_chapters(output) == [
        EmbeddedChapter(0, 12345, "One"),
        EmbeddedChapter(12345, 40000, "Two"),
    ]
    again = cli("chapters", "embed", vod_id, output)
    assert again.code == 1 and "already exists" in again.stderr


def test_version(run_cli):
    from importlib.metadata import version

    result = run_cli("--version")
    assert result.code == 0 and result.stdout.strip() == f"vodstudio {version('vodstudio')}"

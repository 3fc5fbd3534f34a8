"""``deleted`` is final: a deleted VOD's chapters and details cannot change (issue 19, item 6)."""

from __future__ import annotations

import json


def test_chapter_edits_of_a_deleted_vod_are_refused_with_the_status_named(
    run_cli, clip_factory, tmp_path
):
    vod = run_cli("import", clip_factory(seconds=30)).stdout.strip()
    kept = json.loads(
        run_cli(
            "chapters", "add", vod, "--title", "Kept", "--start", "0", "--end", "5", "--json"
        ).stdout
    )
    assert run_cli("status", vod, "deleted").code == 0
    cues = tmp_path / "cues.vtt"
    cues.write_text("WEBVTT\n\n00:00:10.000 --> 00:00:20.000\nLate\n")
    for args in (
        ["chapters", "add", vod, "--title", "Late", "--start", "10", "--end", "20"],
        ["chapters", "update", vod, kept["id"], "--title", "Renamed"],
        ["chapters", "delete", vod, kept["id"]],
        ["chapters", "import", vod, cues, "--replace"],
    ):
        refused = run_cli(*args)
        assert refused.code == 1, (args, refused.stdout)
        assert refused.stderr.count("\n") == 1
        assert "status is deleted" in refused.stderr and "final" in refused.stderr, refused.stderr
    listed = run_cli("chapters", "list", vod, "--json")
    assert listed.code == 0
    assert [(c["id"], c["title"]) for c in json.loads(listed.stdout)] == [(kept["id"], "Kept")]

"""Titles and descriptions never carry terminal controls, whichever road they come by; every
printable character stays exactly (issue 19, item 5)."""

from __future__ import annotations

import json

import pytest

from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import ValidationError
from core.domain.vod_details import clean_vod_title

PRINTABLE = "Boss 👩🏽‍💻🇯🇵 مرحبا بالعالم \u200fשלום ñ e\u0301 ✨"
NASTY = "\x07\x1b[31;1m" + PRINTABLE + "\x1b[0m\x00\x7f\x9b2J\x1b]0;owned\x07"
ARGUMENT = NASTY.replace("\x00", "")  # a command line cannot hold NUL


def no_controls(text: str) -> bool:
    return not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


def test_the_domain_strips_controls_and_keeps_every_printable_character():
    timeline = ChapterTimeline(60)
    chapter = timeline.add(
        Chapter(
            id="c1",
            title=NASTY,
            start_time=0,
            end_time=10,
            description="first line\r\n\tsecond\x1b[2K line\x08",
        )
    )
    assert chapter.title == PRINTABLE
    assert chapter.description == "first line\n\tsecond line"
    assert clean_vod_title("\x1b[1m" + PRINTABLE + "\x07") == PRINTABLE
    with pytest.raises(ValidationError, match="blank"):
        timeline.add(Chapter(id="c2", title="\x1b[0m\x07", start_time=10, end_time=20))


def test_cli_titles_descriptions_and_imports_are_stored_clean(run_cli, clip_factory, tmp_path):
    vod = run_cli("import", clip_factory(seconds=30), "--title", ARGUMENT)
    assert vod.code == 0, vod.stderr
    vod_id = vod.stdout.strip()
    assert json.loads(run_cli("show", vod_id, "--json").stdout)["title"] == PRINTABLE

    added = run_cli(
        "chapters",
        "add",
        vod_id,
        "--title",
        ARGUMENT,
        "--start",
        "0",
        "--end",
        "5",
        "--description",
        "a\x1b[5mb\nc\x07",
    )
    assert added.code == 0, added.stderr
    assert no_controls(added.stdout)
    cues = tmp_path / "cues.vtt"
    cues.write_text(f"WEBVTT\n\n00:00:10.000 --> 00:00:20.000\n{NASTY}\n", encoding="utf-8")
    assert run_cli("chapters", "import", vod_id, cues).code == 0

    listed = run_cli("chapters", "list", vod_id)
    assert no_controls(listed.stdout) and PRINTABLE in listed.stdout
    stored = json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)
    assert [c["title"] for c in stored] == [PRINTABLE, PRINTABLE]
    assert stored[0]["description"] == "ab\nc"

"""``vodstudio signals analyze|show|cancel`` through the real CLI."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CUT, SILENCE, STATIC

pytestmark = pytest.mark.media


@pytest.fixture
def vod_id(run_cli, stream_clip):
    return run_cli("import", stream_clip).stdout.strip()


def test_analyze_then_show(run_cli, vod_id):
    before = run_cli("signals", "show", vod_id, "--json")
    assert before.code == 0 and json.loads(before.stdout)["status"] == "missing"
    analysed = run_cli("signals", "analyze", vod_id)
    assert analysed.code == 0, analysed.stderr
    assert "1 silence" in analysed.stdout and "scene cut" in analysed.stdout
    shown = json.loads(run_cli("signals", "show", vod_id, "--json").stdout)
    assert shown["status"] == "completed"
    kinds = {(e["kind"], round(e["start"])) for e in shown["events"]}
    assert {("static", STATIC[0]), ("silence", SILENCE[0]), ("scene", CUT)} <= kinds
    assert shown["waveform"]["sample_rate"] == 48000 and len(shown["waveform"]["levels"]) == 6
    assert len(shown["loudness"]["momentary_lufs"]) == pytest.approx(200, abs=1)
    table = run_cli("signals", "show", vod_id, "--kind", "silence")
    rows = table.stdout.split("KIND")[1].splitlines()[1:]
    assert rows and all(row.startswith("silence") for row in rows) and "2:00" in rows[0]
    again = run_cli("signals", "analyze", vod_id)
    assert "already analysed" in again.stdout


def test_bad_requests_get_one_sentence(run_cli, vod_id):
    missing = run_cli("signals", "show", "nope-nope")
    assert missing.code == 1 and "not found" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    idle = run_cli("signals", "cancel", vod_id)
    assert idle.code == 1 and "no signals analysis running" in idle.stderr
    usage = run_cli("signals", "show", vod_id, "--kind", "loud")
    assert usage.code == 2


def test_suggest_adds_scored_ai_chapters_and_keeps_manual_ones(run_cli, vod_id):
    early = run_cli("signals", "suggest", vod_id)
    assert early.code == 1 and "not analysed yet" in early.stderr
    assert len(early.stderr.strip().splitlines()) == 1
    manual = run_cli(
        "chapters", "add", vod_id, "--title", "My intro", "--start", "150", "--end", "160", "--json"
    )
    assert manual.code == 0, manual.stderr
    assert run_cli("signals", "analyze", vod_id).code == 0

    suggested = run_cli("signals", "suggest", vod_id, "--json")
    assert suggested.code == 0, suggested.stderr
    added = json.loads(suggested.stdout)
    assert added and all(c["source"] == "ai" for c in added)
    assert all(0 < c["confidence_score"] <= 1 for c in added)
    assert {STATIC[0], STATIC[1], CUT} <= {round(c["start_time"]) for c in added}
    listed = json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)
    kept = [c for c in listed if c["source"] == "manual"]
    assert [(c["title"], c["start_time"], c["end_time"]) for c in kept] == [
        ("My intro", 150.0, 160.0)
    ]
    assert {c["id"] for c in listed} == {c["id"] for c in added} | {kept[0]["id"]}

    again = run_cli("signals", "suggest", vod_id)  # replaces its own AI chapters, not adds
    assert again.code == 0 and f"replaced {len(added)} AI chapters" in again.stdout
    assert len(json.loads(run_cli("chapters", "list", vod_id, "--json").stdout)) == len(listed)


def _ffmpeg_children_of(path: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command and command[0].endswith(b"ffmpeg") and path.encode() in b" ".join(command):
            found.append(entry.name)
    return found


def test_ctrl_c_cancels_cleanly(data_dir, run_cli, vod_id):
    command = [sys.executable, "-m", "app", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "signals", "analyze", vod_id],
        stderr=subprocess.PIPE,
        text=True,
        # a test runner may start us with SIGINT ignored; the CLI gets a normal Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    first = process.stderr.readline()  # the progress bar's first line: ffmpeg is running
    assert "signals" in first
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130, first + rest
    assert "cancelled" in rest
    path = json.loads(run_cli("show", vod_id, "--json").stdout)["file_path"]
    assert _ffmpeg_children_of(path) == []
    shown = json.loads(run_cli("signals", "show", vod_id, "--json").stdout)
    assert shown["status"] == "cancelled" and shown["events"] == []
    with sqlite3.connect(os.path.join(data_dir, "vodstudio.sqlite3")) as db:
        for table in ("signal_events", "signal_peaks"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_chapters_generate_weighs_the_signals_unless_told_not_to(
    run_cli, context, vod_id, tmp_path
):
    from tests.ai.synthetic import make_transcript, to_vtt

    talk = tmp_path / "talk.vtt"
    talk.write_text(
        to_vtt(make_transcript(3, topics=3, min_topic_seconds=55, max_topic_seconds=60).segments)
    )
    context.ai.import_transcript(vod_id, talk)
    unanalysed = run_cli("chapters", "generate", vod_id, "--offline", "--json")
    assert unanalysed.code == 0, unanalysed.stderr
    assert json.loads(unanalysed.stdout)["hints_used"] == 0
    context.signals.analyze(vod_id)
    hints = len(context.ai.signal_hints(vod_id))

    weighed = run_cli("chapters", "generate", vod_id, "--offline")
    assert weighed.code == 0, weighed.stderr
    assert f"weighing {hints} boundary hints from the VOD's signals" in weighed.stderr
    as_json = run_cli("chapters", "generate", vod_id, "--offline", "--json")
    assert json.loads(as_json.stdout)["hints_used"] == hints > 0
    left_out = run_cli("chapters", "generate", vod_id, "--offline", "--no-signals", "--json")
    assert json.loads(left_out.stdout)["hints_used"] == 0

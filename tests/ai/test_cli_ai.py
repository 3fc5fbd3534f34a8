"""``transcript import`` and ``chapters generate`` through the real CLI, with the openai
client pointed at the stub by ``OPENAI_BASE_URL`` as a user would."""

from __future__ import annotations

import json

import pytest

from tests.ai.synthetic import to_vtt


@pytest.fixture
def cli_vod(context, long_clip, labelled, tmp_path):
    """A VOD with a transcript, made in-process in the CLI's data dir (CLI start-up is slow
    on a loaded machine; the CLI's own import commands are tested once below)."""
    vod = context.vods.import_file(long_clip, title="Stream")
    path = tmp_path / "talk.vtt"
    path.write_text(to_vtt(labelled.segments))
    context.ai.import_transcript(vod.id, path)
    return vod.id


def test_import_vod_and_transcript_through_the_cli(run_cli, long_clip, labelled, tmp_path):
    imported = run_cli("import", long_clip, "--title", "Stream")
    assert imported.code == 0, imported.stderr
    vod_id = imported.stdout.strip().split()[-1]
    path = tmp_path / "talk.vtt"
    path.write_text(to_vtt(labelled.segments))
    stored = run_cli("transcript", "import", vod_id, path)
    assert stored.code == 0, stored.stderr
    assert f"{len(labelled.segments)} segments" in stored.stdout
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nok\n\nnonsense here\n")
    refused = run_cli("transcript", "import", vod_id, bad)
    assert refused.code == 1 and "line 5" in refused.stderr
    shown = run_cli("transcript", "show", vod_id)
    assert shown.code == 0 and shown.stdout.startswith("[0:00]")
    assert len(shown.stdout.splitlines()) == len(labelled.segments)


def chapters(context, vod_id):
    """What the CLI saved, read in-process (the CLI's own listing is tested elsewhere)."""
    from core.library.shapes import chapter_json

    return [chapter_json(c, vod_id) for c in context.chapters.list(vod_id).chapters]


def test_generate_replaces_ai_and_keeps_manual(run_cli, stub, cli_vod, context):
    env = {"OPENAI_BASE_URL": stub.url}
    context.chapters.add(cli_vod, title="Sponsor", start_time=150, end_time=170)
    first = run_cli("chapters", "generate", cli_vod, "--model", "stub-good", "--json", env=env)
    assert first.code == 0, first.stderr
    body = json.loads(first.stdout)
    assert set(body) >= {"chapters", "count", "model_used", "processing_time_seconds", "repairs"}
    assert body["model_used"] == "stub-good" and body["count"] == len(body["chapters"]) == 3
    assert all(c["source"] == "ai" and 0 <= c["confidence_score"] <= 1 for c in body["chapters"])
    second = run_cli(
        "chapters",
        "generate",
        cli_vod,
        "--model",
        "stub-good",
        "--temperature",
        "0.1",
        "--max-tokens",
        "500",
        "--json",
        env=env,
    )
    assert second.code == 0, second.stderr
    saved = chapters(context, cli_vod)
    manual = [c for c in saved if c["source"] == "manual"]
    assert [(c["title"], c["start_time"], c["end_time"]) for c in manual] == [("Sponsor", 150, 170)]
    ai_ids = {c["id"] for c in saved if c["source"] == "ai"}
    assert ai_ids == {c["id"] for c in json.loads(second.stdout)["chapters"]}
    assert ai_ids.isdisjoint(c["id"] for c in body["chapters"])
    sent = stub.chat_requests()[-1]["body"]
    assert sent["temperature"] == 0.1 and sent["max_tokens"] == 500


def test_generate_human_output_lists_repairs(run_cli, stub, cli_vod):
    done = run_cli(
        "chapters",
        "generate",
        cli_vod,
        "--model",
        "stub-out_of_range",
        env={"OPENAI_BASE_URL": stub.url},
    )
    assert done.code == 0, done.stderr
    assert "AI chapters from stub-out_of_range" in done.stdout
    assert "Repairs:" in done.stdout and "outside the video" in done.stdout


def test_failures_exit_1_with_one_line(run_cli, stub, cli_vod, context):
    for model, message in (
        ("stub-unauthorized", "rejected the API key (401)"),
        ("stub-malformed", "not valid JSON"),
    ):
        done = run_cli(
            "chapters", "generate", cli_vod, "--model", model, env={"OPENAI_BASE_URL": stub.url}
        )
        assert done.code == 1
        assert message in done.stderr and "Traceback" not in done.stderr
        assert chapters(context, cli_vod) == []


def test_no_transcript_is_a_clear_error(run_cli, stub, context, long_clip):
    vod_id = context.vods.import_file(long_clip).id
    done = run_cli("chapters", "generate", vod_id, env={"OPENAI_BASE_URL": stub.url})
    assert done.code == 1 and "has no transcript" in done.stderr


def test_offline_needs_no_server(run_cli, cli_vod, labelled):
    done = run_cli("chapters", "generate", cli_vod, "--json")  # nothing configured: offline
    assert done.code == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["model_used"] == "offline-texttiling" and body["mode"] == "offline"
    assert body["count"] >= 3
    assert all(c["confidence_score"] <= 0.6 for c in body["chapters"])
    assert "made offline" in done.stderr and "OPENAI_API_KEY" in done.stderr
    assert "--offline" in done.stderr and "--offline" not in body["notice"]  # the GUI shows it
    assert "made offline" in body["notice"]
    explicit = run_cli("chapters", "generate", cli_vod, "--offline", "--youtube", "--json")
    assert explicit.code == 0, explicit.stderr
    assert "made offline" not in explicit.stderr  # asked for: nothing to explain
    chapters_ = json.loads(explicit.stdout)["chapters"]
    assert chapters_[0]["start_time"] == 0 and len(chapters_) >= 3
    table = run_cli("chapters", "generate", cli_vod, "--offline")
    assert table.code == 0 and " AI chapters made offline in " in table.stdout, table.stdout

"""``vodstudio clips export`` as a user runs it, and the clip queue behind it: batches,
names, cancel from another process, recovery, full and read-only disks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.domain.clips import ClipMode, ClipOptions, VerticalFill, VerticalOptions

from .conftest import decode_errors, video_duration

pytestmark = pytest.mark.media


@pytest.fixture
def vod(context, bframe_source):
    vod_id = context.vods.import_file(bframe_source, title="Friday: stream/test").id
    context.chapters.add(vod_id, title="Intro", start_time=0, end_time=4.5)
    context.chapters.add(vod_id, title="Boss: fight?", start_time=4.5, end_time=13.2)
    context.chapters.add(vod_id, title="Outro", start_time=13.2, end_time=20)
    return vod_id


def test_export_chapters_and_a_range_in_one_batch(run_cli, vod, tmp_path):
    out = tmp_path / "clips"
    result = run_cli(
        "clips",
        "export",
        vod,
        "2",
        "3",
        "--start",
        "1",
        "--end",
        "2.5",
        "--title",
        "Funny bit",
        "--mode",
        "smart",
        "--out",
        out,
        "--json",
    )
    assert result.code == 0, result.stderr
    jobs = json.loads(result.stdout)
    assert [j["status"] for j in jobs] == ["completed"] * 3
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "Friday - stream-test - 02 - Boss - fight.mp4",
        "Friday - stream-test - 03 - Outro.mp4",
        "Friday - stream-test - 04 - Funny bit.mp4",
    ]
    for job in jobs:
        assert decode_errors(Path(job["output"])) == ""
        assert abs(video_duration(Path(job["output"])) - (job["end"] - job["start"])) <= 1 / 30


def test_lossless_reports_its_real_start(run_cli, vod, tmp_path):
    result = run_cli(
        "clips",
        "export",
        vod,
        "--start",
        "4.5",
        "--end",
        "8",
        "--mode",
        "lossless",
        "--out",
        tmp_path,
        "--json",
    )
    assert result.code == 0, result.stderr
    job = json.loads(result.stdout)[0]
    assert job["actual_start"] == pytest.approx(3.0)
    assert "keyframe" in job["notes"][0]


def test_human_output_names_the_file_and_the_fallback(run_cli, context, hevc_source, tmp_path):
    vod_id = context.vods.import_file(hevc_source).id
    result = run_cli(
        "clips",
        "export",
        vod_id,
        "--start",
        "1",
        "--end",
        "3",
        "--mode",
        "smart",
        "--out",
        tmp_path,
    )
    assert result.code == 0, result.stderr
    assert str(tmp_path) in result.stdout and "(encode," in result.stdout
    assert "encoded in full" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--start", "5", "--end", "40", "--mode", "smart"], 1, "after the end of the VOD"),
        (["--start", "5", "--end", "5", "--mode", "smart"], 1, "empty"),
        (["9", "--mode", "smart"], 1, "chapter 9 does not exist"),
        (["--start", "5", "--mode", "smart"], 2, "--start and --end go together"),
        (["1", "--mode", "smart", "--vertical"], 2, "--vertical needs --mode encode"),
        (["1", "--mode", "fast"], 2, "invalid choice"),
        (["1", "--mode", "smart", "--audio", "0"], 2, "start at 1"),
        (["1", "--mode", "smart", "--template", "{nope}"], 1, "unknown field {nope}"),
    ],
)
def test_bad_input_is_one_sentence(run_cli, vod, tmp_path, args, code, words):
    result = run_cli("clips", "export", vod, *args, "--out", tmp_path / "out")
    assert result.code == code, (result.stdout, result.stderr)
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_names_never_collide_with_files_or_queued_clips(context, vod, tmp_path):
    (tmp_path / "Friday - stream-test - 01 - Intro.mp4").write_bytes(b"mine")
    first = context.clips.queue(vod, chapter_refs=["1"], folder=tmp_path)
    second = context.clips.queue(vod, chapter_refs=["1"], folder=tmp_path)
    assert first[0]["name"] == "Friday - stream-test - 01 - Intro (2)"
    assert second[0]["name"] == "Friday - stream-test - 01 - Intro (3)"


def test_cancel_from_another_process_stops_the_running_clip(
    run_cli, context, vod, tmp_path, data_dir
):
    # 9:16 with a blurred fill at 1080x1920: slow enough that the cancel lands mid-clip
    vertical = VerticalOptions(VerticalFill.BLUR)
    options = ClipOptions(mode=ClipMode.ENCODE, vertical=vertical)
    queued = context.clips.queue(vod, all_chapters=True, options=options, folder=tmp_path / "out")
    runner = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "clips", "run", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while context.clips.jobs(queued[0]["batch_id"])[0]["status"] != "processing":
            assert time.monotonic() < deadline, "the clip never started"
            time.sleep(0.1)
        cancel = run_cli("clips", "cancel", queued[0]["batch_id"][:8])
        assert cancel.code == 0, cancel.stderr
        runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 1
    jobs = context.clips.jobs(queued[0]["batch_id"])
    # the clip running when the cancel came (and every one after it) stopped; only whole
    # clips are on disk
    assert jobs[-1]["status"] == "cancelled"
    assert {j["status"] for j in jobs} <= {"completed", "cancelled"}
    finished = sorted(Path(j["output"]).name for j in jobs if j["status"] == "completed")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == finished


def test_a_killed_worker_s_clip_is_queued_again_and_its_leftovers_removed(
    context, vod, tmp_path, data_dir
):
    (tmp_path / "out").mkdir()
    queued = context.clips.queue(
        vod, chapter_refs=["2"], options=ClipOptions(mode=ClipMode.ENCODE), folder=tmp_path / "out"
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "clips", "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".partial-clip-") for p in (tmp_path / "out").iterdir()):
        assert time.monotonic() < deadline, "the clip never started"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    done = context.clips.run()
    assert [j["status"] for j in done] == ["completed"]
    assert "interrupted" in done[0]["notes"][0]
    assert [p.name for p in (tmp_path / "out").iterdir()] == [Path(done[0]["output"]).name]
    assert queued[0]["id"] == done[0]["id"]


def test_sigterm_queues_the_running_clip_again_and_run_finishes_the_batch(
    run_cli, context, vod, tmp_path, data_dir
):
    out = tmp_path / "out"
    exporter = subprocess.Popen(
        [
            *(sys.executable, "-m", "app", "--data-dir", str(data_dir), "clips", "export", vod),
            *("1", "3", "--mode", "encode", "--vertical", "--out", str(out)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (
            out.is_dir() and any(p.name.startswith(".partial-clip-") for p in out.iterdir())
        ):
            assert exporter.poll() is None, exporter.communicate()
            assert time.monotonic() < deadline, "the clip never started"
            time.sleep(0.05)
        exporter.send_signal(signal.SIGTERM)
        _, stderr = exporter.communicate(timeout=60)
    finally:
        if exporter.poll() is None:
            exporter.kill()
    assert exporter.returncode == 128 + signal.SIGTERM, stderr
    assert "stay queued" in stderr
    jobs = context.clips.jobs(vod_ref=vod)
    assert {j["status"] for j in jobs} == {"queued"}  # nothing cancelled, failed or running
    assert list(out.iterdir()) == []  # the stopped clip's work folder went with it
    finished = run_cli("clips", "run", "--json", timeout=600)  # 1080x1920 on a busy machine
    assert finished.code == 0, finished.stderr
    assert {j["status"] for j in json.loads(finished.stdout)} == {"completed"}
    assert len(list(out.iterdir())) == 2


def test_disk_filling_up_during_an_export_fails_with_one_sentence_and_leaves_nothing(
    run_cli, vod, tmp_path, small_mounts
):
    # room to start (more than the 1 MB asked up front), not for a 1080x1920 clip
    out = small_mounts.mount(tmp_path / "full", size="4m", leave_free=1536 * 1024)
    before = sorted(p.name for p in out.iterdir())
    result = run_cli(
        "clips",
        "export",
        vod,
        "2",
        "--mode",
        "encode",
        "--vertical",
        "--fill",
        "blur",
        "--out",
        out,
    )
    assert result.code == 1, result.stderr
    assert "is full" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == before


def test_full_disk_is_refused_before_queueing(run_cli, vod, tmp_path, small_mounts):
    out = small_mounts.mount(tmp_path / "full", size="2m", leave_free=256 * 1024)
    before = sorted(p.name for p in out.iterdir())
    result = run_cli("clips", "export", vod, "2", "--mode", "encode", "--out", out)
    assert result.code == 1
    assert "is full" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == before


def test_read_only_folder_fails_with_one_sentence(run_cli, vod, tmp_path, small_mounts):
    out = small_mounts.mount(tmp_path / "ro", read_only=True)
    result = run_cli("clips", "export", vod, "2", "--mode", "lossless", "--out", out)
    assert result.code == 1
    assert "read-only" in result.stderr and "Traceback" not in result.stderr

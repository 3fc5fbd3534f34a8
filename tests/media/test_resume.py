"""Transcodes survive kill -9, Ctrl-C, SIGTERM and cancelling one quality: the real CLI as a
process, the signal sent, no ffmpeg left behind, and the job finished later from the
segments it had made, to the very same output as an uninterrupted job."""

from __future__ import annotations

import os
import signal

import pytest

from .resume_helpers import (
    VIDEO_RUNGS,
    assert_like_uninterrupted,
    assert_no_ffmpeg_left,
    cli,
    cli_process,
    ffmpeg_processes,
    identities,
    job_folder,
    job_status,
    kept_fraction,
    wait_for,
    work_segments,
)

pytestmark = pytest.mark.media
SEGMENTS = 5  # 30 s of 6 s segments


@pytest.fixture(scope="module")
def source(clip_factory):
    """30 s at 720p and 5 fps: two encoded rungs (360p, 720p) and their audio, cheaply."""
    return clip_factory("resume.mp4", seconds=30, size="1280x720", rate=5)


@pytest.fixture(scope="module")
def reference(source, tmp_path_factory):
    """The output folder of the same job run without interruption."""
    data = tmp_path_factory.mktemp("reference")
    vod = cli(data, "import", str(source)).stdout.strip().splitlines()[-1]
    done = cli(data, "transcode", "start", vod, *_ladder("ultrafast"), "--wait")
    assert done.returncode == 0, done.stderr
    return job_folder(data)


def _ladder(preset: str) -> list[str]:
    return ["--qualities", ",".join(VIDEO_RUNGS), "--no-remux", "--preset", preset]


def _import(data, source) -> str:
    done = cli(data, "import", str(source))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _finished_at_least(count: int, qualities=VIDEO_RUNGS):
    def check(data):
        folder = job_folder(data)
        if folder and all(len(work_segments(folder, q)) >= count for q in qualities):
            return folder
        return None

    return check


def test_kill_9_at_80_percent_resumes_with_the_work_kept(tmp_path, source, reference):
    data = tmp_path / "data"
    vod = _import(data, source)
    running = cli_process(data, "transcode", "start", vod, *_ladder("medium"), "--wait")
    try:
        reached = _finished_at_least(SEGMENTS - 1)
        output = wait_for(lambda: reached(data), what="80 % of the segments")
        before = {q: identities(work_segments(output, q)) for q in VIDEO_RUNGS}
        os.kill(running.pid, signal.SIGKILL)
        running.wait(30)
    finally:
        if running.poll() is None:
            running.kill()
    assert_no_ffmpeg_left(output)
    assert job_status(data, vod)["status"] == "processing"  # what the killed run left

    resumed = cli(data, "transcode", "run")
    assert resumed.returncode == 0, resumed.stderr
    final = job_status(data, vod)
    assert final["status"] == "completed", final
    kept = kept_fraction(before, output)
    print(f"\nkill -9 at 80 %: {kept:.0%} of the video segments were kept")
    assert kept >= 0.75
    assert not any("interrupted" in note or "stopped" in note for note in final["notes"])
    assert any("were kept" in note for note in final["notes"])
    assert_like_uninterrupted(output, reference, source)


def test_ctrl_c_cancels_every_time_and_retry_resumes(tmp_path, source, reference):
    data = tmp_path / "data"
    vod = _import(data, source)
    for attempt in range(3):
        waiting = cli_process(data, "transcode", "start", vod, *_ladder("medium"), "--wait")
        try:
            wanted = 2 if attempt == 2 else 0  # the last one has segments to keep
            wait_for(
                lambda w=wanted: _finished_at_least(w)(data) and any(ffmpeg_processes(data)),
                what="ffmpeg to run",
            )
            output = job_folder(data)
            before = {q: identities(work_segments(output, q)) for q in VIDEO_RUNGS}
            os.killpg(waiting.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
            _, stderr = waiting.communicate(timeout=60)
        finally:
            if waiting.poll() is None:
                waiting.kill()
        assert waiting.returncode == 130, stderr
        assert_no_ffmpeg_left(data)
        status = job_status(data, vod)
        assert status["status"] == "cancelled", status.get("error")
        assert status["cancelled_qualities"] == list(VIDEO_RUNGS)

    retried = cli(data, "transcode", "retry", vod, "all", "--wait")
    assert retried.returncode == 0, retried.stderr
    assert job_status(data, vod)["status"] == "completed"
    kept = kept_fraction(before, output)
    print(f"\nCtrl-C then retry: {kept:.0%} of the video segments were kept")
    assert kept > 0
    assert_like_uninterrupted(output, reference, source)


def test_sigterm_stops_transcode_run_cleanly_and_the_next_run_resumes(tmp_path, source, reference):
    data = tmp_path / "data"
    vod = _import(data, source)
    queued = cli(data, "transcode", "start", vod, *_ladder("medium"))
    assert queued.returncode == 0, queued.stderr
    running = cli_process(data, "transcode", "run")
    try:
        output = wait_for(lambda: _finished_at_least(2)(data), what="two segments")
        before = {q: identities(work_segments(output, q)) for q in VIDEO_RUNGS}
        running.send_signal(signal.SIGTERM)  # to the process alone, as a logout's kill does
        _, stderr = running.communicate(timeout=60)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 128 + signal.SIGTERM, stderr
    assert_no_ffmpeg_left(data)
    waiting = job_status(data, vod)
    assert waiting["status"] == "queued"
    assert any("SIGTERM" in note for note in waiting["notes"])

    resumed = cli(data, "transcode", "run")
    assert resumed.returncode == 0, resumed.stderr
    final = job_status(data, vod)
    assert final["status"] == "completed"
    assert not any("SIGTERM" in note for note in final["notes"]), "no stale note"
    assert kept_fraction(before, output) >= 0.2
    assert_like_uninterrupted(output, reference, source)


def test_one_quality_cancelled_while_the_other_goes_on_then_retried(tmp_path, source, reference):
    data = tmp_path / "data"
    vod = _import(data, source)
    waiting = cli_process(data, "transcode", "start", vod, *_ladder("medium"), "--wait")
    try:
        output = wait_for(lambda: _finished_at_least(2)(data), what="two segments")
        job_id = output.name
        cancelled = cli(data, "transcode", "cancel", vod, job_id, "--quality", "720p")
        assert cancelled.returncode == 0, cancelled.stderr
        _, stderr = waiting.communicate(timeout=300)
    finally:
        if waiting.poll() is None:
            waiting.kill()
    assert waiting.returncode == 0, stderr
    status = job_status(data, vod)
    assert status["status"] == "completed"
    assert status["completed_qualities"] == ["360p"]
    assert status["cancelled_qualities"] == ["720p"]
    assert not (output / "720p").exists()
    before = {"720p": identities(work_segments(output, "720p"))}
    assert before["720p"], "the cancelled quality keeps its finished segments"

    retried = cli(data, "transcode", "retry", vod, "720p", "--wait")
    assert retried.returncode == 0, retried.stderr
    final = job_status(data, vod)
    assert final["completed_qualities"] == list(VIDEO_RUNGS) and final["status"] == "completed"
    kept = kept_fraction(before, output, ("720p",))
    print(f"\n720p cancelled then retried: {kept:.0%} of its segments were kept")
    assert kept > 0
    assert_like_uninterrupted(output, reference, source)

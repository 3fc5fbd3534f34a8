"""Cancel, retry, ffmpeg dying and crash recovery, on real ffmpeg processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import m3u8
import pytest

from core.domain.errors import StateError
from core.jobs.queue import recover_interrupted
from core.jobs.runner import JobRunner
from core.store.models import TranscodeJobRow

pytestmark = pytest.mark.media


def ffmpeg_children(parent: int) -> list[int]:
    """Pids of the ffmpeg processes whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == parent and name == "ffmpeg":
            found.append(int(entry.name))
    return found


def wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def job_row(context, job_id: str) -> TranscodeJobRow:
    with context.database.session() as session:
        return session.get(TranscodeJobRow, job_id)


@pytest.fixture
def slow_source(clip_factory):
    """Long enough at x264 ``veryslow`` to be caught while ffmpeg runs."""
    return clip_factory("slow.mp4", seconds=10, size="640x360", rate=30)


def test_cancel_stops_ffmpeg_and_retry_redoes_one_quality(context, clip_factory, import_vod):
    vod_id = import_vod(
        clip_factory("ladder.mp4", seconds=4, size="1280x720", rate=10, extra=["-b:v", "8000k"])
    )
    started = context.transcodes.start(vod_id, "360p,720p", preset="veryslow")
    job_id = started.job_id
    runner = JobRunner(context.database, context.data_dir, context.settings, poll_seconds=0.2)
    seen: list[tuple[float, dict]] = []
    runner.subscribe(lambda status: seen.append((time.monotonic(), status)))
    runner.start()
    try:
        # ffmpeg dies mid-job (killed from outside): the job fails with ffmpeg's reason.
        wait_for(lambda: any(s.progress > 0 for _, s in seen), what="progress")
        # As on the platform's page: one quality at a time, also read from another process.
        running = [s for _, s in seen if s.status == "processing"]
        assert running and all(s.current_quality == "360p" for s in running)
        assert context.transcodes.status(vod_id, job_id).current_quality == "360p"
        victims = wait_for(lambda: ffmpeg_children(os.getpid()), what="ffmpeg to run")
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        wait_for(lambda: job_row(context, job_id).status == "failed", what="failure")
        status = context.transcodes.status(vod_id, job_id)
        assert "killed by signal 9" in status.error
        assert status.failed_qualities == ["360p", "720p"]
        assert not list(Path(job_row(context, job_id).output_dir).glob(".partial*"))

        # Retry one quality: it completes alone; the other stays failed.
        context.transcodes.retry(vod_id, "360p", preset="ultrafast")
        runner.wake()
        wait_for(
            lambda: (
                job_row(context, job_id).status == "failed"
                and job_row(context, job_id).completed_qualities == ["360p"]
            ),
            120,
            "retry",
        )
        status = context.transcodes.status(vod_id, job_id)
        assert status.failed_qualities == ["720p"]
        master = m3u8.load(status.master_playlist)
        assert [p.stream_info.resolution for p in master.playlists] == [(640, 360)]
        # The killed first run left no audio: the retry made the one audio rendition.
        assert [m.uri for m in master.media] == ["audio/playlist.m3u8"]
        audio_segment = Path(status.master_playlist).parent / "audio" / "seg_00000.ts"
        made = audio_segment.stat()

        # Retry the other, then cancel it: ffmpeg stops, the finished 360p is kept.
        context.transcodes.retry(vod_id, "720p", preset="veryslow")
        runner.wake()
        wait_for(lambda: ffmpeg_children(os.getpid()), what="ffmpeg for 720p")
        context.transcodes.cancel(vod_id, job_id)
        wait_for(lambda: job_row(context, job_id).status == "cancelled", 30, "cancel")
        wait_for(lambda: not ffmpeg_children(os.getpid()), 10, "ffmpeg to exit")
        status = context.transcodes.status(vod_id, job_id)
        by_quality = {o.quality: o for o in status.outputs}
        assert by_quality["360p"].status == "completed"
        assert Path(by_quality["360p"].path).is_file()
        assert by_quality["720p"].status == "cancelled"
        assert not (Path(status.master_playlist).parent / "720p").exists()
        assert len(m3u8.load(status.master_playlist).media) == 1  # the audio is kept
        with pytest.raises(StateError, match="already cancelled"):
            context.transcodes.cancel(vod_id, job_id)

        # A cancelled quality can be retried; the job then completes with both rungs.
        context.transcodes.retry(vod_id, "720p", preset="ultrafast")
        runner.wake()
        wait_for(lambda: job_row(context, job_id).status == "completed", 180, "completion")
    finally:
        runner.stop()
    status = context.transcodes.status(vod_id, job_id)
    assert status.completed_qualities == ["360p", "720p"] and status.error is None
    master = m3u8.load(status.master_playlist)
    assert sorted(p.stream_info.resolution for p in master.playlists) == [(640, 360), (1280, 720)]
    # Retrying 720p (twice) reused the audio rendition instead of encoding it again.
    assert [p.stream_info.audio for p in master.playlists] == ["audio", "audio"]
    assert (audio_segment.stat().st_ino, audio_segment.stat().st_mtime_ns) == (
        made.st_ino,
        made.st_mtime_ns,
    )
    with pytest.raises(StateError, match="already completed"):
        context.transcodes.cancel(vod_id, job_id)

    processing = [(t, s) for t, s in seen if s.status == "processing"]
    assert processing and all(0 <= s.progress <= 100 for _, s in processing)
    # Observers are throttled: never more than ~10 progress updates in any second.
    times = [t for t, _ in processing]
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 12


def test_a_broken_source_fails_its_job_but_not_the_queue(
    context, clip, clip_factory, import_vod, tmp_path
):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(clip.read_bytes())
    bad_id = import_vod(broken)
    broken.write_bytes(clip.read_bytes()[: len(clip.read_bytes()) // 3])  # truncated later
    good_id = import_vod(clip)
    bad = context.transcodes.start(bad_id, "360p", priority="high")
    good = context.transcodes.start(good_id, "360p")
    JobRunner(context.database, context.data_dir, context.settings).run_until_idle(timeout=240)
    failed = context.transcodes.status(bad_id, bad.job_id)
    assert failed.status == "failed"
    assert "moov atom not found" in failed.error or "Invalid data" in failed.error
    assert context.transcodes.status(good_id, good.job_id).status == "completed"


def test_jobs_of_a_dead_worker_are_resumed_or_failed_never_stuck(context, clip, import_vod):
    vod_id = import_vod(clip)
    resumable = context.transcodes.start(vod_id, "360p").job_id
    exhausted = context.transcodes.start(vod_id, "360p").job_id
    dead_worker = "some-host-that-is-gone:1:abc"
    with context.database.session() as session:
        for job_id, resumes in ((resumable, 0), (exhausted, 2)):
            job = session.get(TranscodeJobRow, job_id)
            job.status, job.worker_id, job.progress = "processing", dead_worker, 40.0
            job.heartbeat_at = None
            job.options = {**job.options, "resume_count": resumes}
    partial = Path(job_row(context, resumable).output_dir) / ".partial-deadbeef" / "360p"
    partial.mkdir(parents=True)
    (partial / "seg_00000.ts").write_bytes(b"half written")

    recover_interrupted(context.database)
    waiting = context.transcodes.status(vod_id, resumable)
    assert waiting.status == "queued"
    assert any("interrupted at 40%" in note for note in waiting.notes)
    JobRunner(context.database, context.data_dir, context.settings).run_until_idle(timeout=240)

    done = context.transcodes.status(vod_id, resumable)
    assert done.status == "completed"
    # Why it waited was shown while it was queued; a finished job carries no stale note.
    assert not any("interrupted" in note for note in done.notes)
    assert not partial.parent.exists()
    gave_up = context.transcodes.status(vod_id, exhausted)
    assert gave_up.status == "failed" and "interrupted 3 times" in gave_up.error
    assert gave_up.failed_qualities == ["360p"]


def test_cli_wait_is_stopped_by_cancel_from_another_shell_and_a_killed_run_resumes(
    data_dir, run_cli, slow_source, context
):
    vod_id = run_cli("import", str(slow_source)).stdout.strip().splitlines()[-1]
    command = [
        sys.executable,
        "-m",
        "app",
        "--data-dir",
        str(data_dir),
        "transcode",
        "start",
        vod_id,
        "--qualities",
        "360p",
        "--preset",
        "veryslow",
        "--no-remux",
        "--wait",
    ]

    def job_status() -> dict:  # the newest job, as `transcode status --json` shows it
        jobs = context.transcodes.list_jobs(vod_id)
        return jobs[0].to_json() if jobs else {}

    waiting = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = wait_for(
            lambda: (s := job_status()).get("status") == "processing" and s,
            90,
            "the --wait run to start",
        )
        cancelled = run_cli("transcode", "cancel", vod_id, first["job_id"])
        assert cancelled.code == 0, cancelled.stderr
        _, stderr = waiting.communicate(timeout=60)
    finally:
        if waiting.poll() is None:
            waiting.kill()
    assert waiting.returncode == 1 and "was cancelled" in stderr
    assert job_status()["status"] == "cancelled"

    # Kill a --wait run outright; the next run finds the job and finishes it.
    killed = subprocess.Popen(
        [*command[:-3], "medium", "--no-remux", "--wait"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        second = wait_for(
            lambda: (
                (s := job_status()).get("status") == "processing"
                and s["job_id"] != first["job_id"]
                and s
            ),
            90,
            "the second run",
        )
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
    finally:
        if killed.poll() is None:
            killed.kill()
    assert job_status()["status"] == "processing"  # left behind by the killed process
    resumed = run_cli("transcode", "run", timeout=240)
    assert resumed.code == 0, resumed.stderr
    final = job_status()
    assert final["job_id"] == second["job_id"] and final["status"] == "completed"
    assert not any("interrupted" in note for note in final["notes"])

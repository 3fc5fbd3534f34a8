"""End to end on a real farm: Redis, two Celery worker processes, real ffmpeg."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from celery.result import AsyncResult

from core.jobs.farm.celery_app import create_app
from core.jobs.farm.executor import FarmChunkExecutor
from core.jobs.farm.status import farm_status
from core.media.chunked import plan_chunked, transcode_chunked
from core.media.errors import MediaCancelled

from .hls_checks import assert_joined_rung, assert_master

pytestmark = [pytest.mark.farm, pytest.mark.media]

THREE_MINUTES = 180


@pytest.fixture
def long_clip(clip_factory):
    return clip_factory("farm_src.mp4", seconds=THREE_MINUTES, size="640x360", rate=15)


@pytest.fixture
def silent_long_clip(clip_factory):
    """Without audio the whole-VOD audio task (the slowest single task here) is skipped,
    so the worker tests below spend their time on chunks."""
    return clip_factory(
        "farm_silent.mp4", seconds=THREE_MINUTES, size="640x360", rate=15, audio=False
    )


def _descendants(roots: set[int]) -> list[tuple[int, str]]:
    """(pid, name) of every process below ``roots``, read from /proc."""
    parents: dict[int, tuple[int, str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        parents[int(stat.parent.name)] = (ppid, name)
    found = []
    for pid, (ppid, name) in parents.items():
        chain, seen = ppid, set()
        while chain and chain not in roots and chain not in seen:
            seen.add(chain)
            chain = parents.get(chain, (0, ""))[0]
        if chain in roots:
            found.append((pid, name))
    return found


def _running_chunk(app, executor: FarmChunkExecutor) -> tuple[str, str] | None:
    """(task id, worker) of a chunk a worker is encoding right now, if any."""
    for key, submission in list(executor.submissions.items()):
        if key == "audio" or not submission.task_ids:
            continue
        task_id = submission.task_ids[-1]
        result = AsyncResult(task_id, app=app)
        info = result.info
        if result.state == "PROGRESS" and isinstance(info, dict) and info.get("seconds", 0) > 0:
            return task_id, info["worker"]
    return None


def test_three_minute_clip_is_encoded_across_both_workers_and_joins_seamlessly(
    farm, long_clip, tmp_path, run_cli
):
    output = tmp_path / "hls"
    plan = plan_chunked(
        long_clip,
        output,
        qualities="360p,720p",
        parallelism=2,
        chunk_seconds=30,
        preset="ultrafast",
    )
    assert len(plan.chunks) == 6 and plan.skipped_qualities == ("720p",)
    app = create_app(farm.url)
    reports: list[float] = []
    result = transcode_chunked(
        plan,
        FarmChunkExecutor(app, "job-e2e"),
        progress=lambda fraction, text: reports.append(fraction),
    )
    # Every chunk and the audio were encoded by a farm worker, and both workers took part.
    assert sum(result.workers.values()) == 6 + 1
    assert set(result.workers) == {"w1@farm", "w2@farm"}, result.workers
    assert reports[-1] == 1.0 and any(0 < f < 0.9 for f in reports), "progress was relayed"
    assert_master(result.master_playlist, ["360p"])
    assert_joined_rung(output / "360p" / "playlist.m3u8", long_clip, fps=15, duration=THREE_MINUTES)

    status = run_cli("farm", "status", "--broker", farm.url, "--json")
    assert status.code == 0, status.stderr
    workers = {w["name"]: w for w in json.loads(status.stdout)["workers"]}
    assert {name for name, w in workers.items() if w["online"]} == {"w1@farm", "w2@farm"}
    assert sum(w["jobs"].get("job-e2e", 0) for w in workers.values()) == 7


def test_a_worker_killed_mid_chunk_does_not_fail_or_hang_the_job(farm, silent_long_clip, tmp_path):
    long_clip = silent_long_clip
    output = tmp_path / "hls"
    # a slower preset so that chunks take long enough to be killed in the middle
    plan = plan_chunked(
        long_clip, output, qualities="360p", parallelism=2, chunk_seconds=30, preset="veryfast"
    )
    app = create_app(farm.url)
    executor = FarmChunkExecutor(app, "job-kill", stall_after=8)
    box: dict = {}
    worker = threading.Thread(
        target=lambda: box.update(result=transcode_chunked(plan, executor)), daemon=True
    )
    worker.start()
    deadline = time.monotonic() + 60
    running = None
    while running is None and time.monotonic() < deadline:
        running = _running_chunk(app, executor)
        time.sleep(0.1)
    assert running, "no chunk was seen running"
    killed_task, victim = running
    farm.kill(victim)
    survivor = ({"w1@farm", "w2@farm"} - {victim}).pop()

    worker.join(150)
    assert not worker.is_alive(), "the job hung after a worker died"
    result = box["result"]
    assert sum(result.workers.values()) == len(plan.chunks)
    assert result.workers.get(survivor, 0) >= 1
    # recovered by the stall watchdog (resubmitted) or by Redis redelivering the message
    assert executor.resubmissions >= 1 or AsyncResult(killed_task, app=app).state == "SUCCESS"
    print(f"killed {victim} during {killed_task}; resubmissions: {executor.resubmissions}")
    assert_joined_rung(
        output / "360p" / "playlist.m3u8", long_clip, fps=15, duration=THREE_MINUTES, audio=False
    )
    online = {w.name for w in farm_status(farm.url, timeout=0.5).workers if w.online}
    assert online == {survivor}


def test_cancel_revokes_chunks_and_stops_ffmpeg_on_the_workers(farm, silent_long_clip, tmp_path):
    long_clip = silent_long_clip
    output = tmp_path / "hls"
    plan = plan_chunked(
        long_clip, output, qualities="360p", parallelism=2, chunk_seconds=30, preset="medium"
    )
    app = create_app(farm.url)
    cancel = threading.Event()
    box: dict = {}
    executor = FarmChunkExecutor(app, "job-cancel")

    def run() -> None:
        try:
            transcode_chunked(plan, executor, should_cancel=cancel.is_set)
        except MediaCancelled as error:
            box["cancelled"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while _running_chunk(app, executor) is None:
        assert time.monotonic() < deadline, "no chunk started"
        time.sleep(0.1)
    cancel.set()
    thread.join(30)
    assert "cancelled" in box

    def ffmpegs() -> list[int]:
        return [
            pid
            for pid, name in _descendants({p.pid for p in farm.workers.values()})
            if name == "ffmpeg"
        ]

    # A chunk that a worker took just before the cancel may still launch its ffmpeg; it
    # stops at its next cancel poll. The revoked chunks never start: once the workers are
    # quiet they stay quiet (without the revoke, each chunk would start an ffmpeg in turn).
    deadline, quiet_since = time.monotonic() + 12, None
    while quiet_since is None or time.monotonic() - quiet_since < 2.5:
        assert time.monotonic() < deadline, f"ffmpeg kept running on a worker: {ffmpegs()}"
        if ffmpegs():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        time.sleep(0.2)
    assert not (output / "master.m3u8").exists()

    # The same job run again (a retry keeps its job id) is not blocked by the old cancel.
    retry_plan = plan_chunked(
        long_clip, output, qualities="360p", chunk_seconds=60, preset="ultrafast"
    )
    result = transcode_chunked(retry_plan, FarmChunkExecutor(app, "job-cancel"))
    assert sum(result.workers.values()) == len(retry_plan.chunks) == 3
    assert (output / "master.m3u8").is_file()


def test_workers_make_thumbnails_with_the_thumbnail_code(farm, clip_factory, tmp_path):
    from PIL import Image

    from core.jobs.farm.tasks import GRAB_STILLS

    clip = clip_factory("farm_thumbs.mp4", seconds=6, size="320x180", rate=10)
    app = create_app(farm.url)
    folder = tmp_path / "thumbs"
    result = app.send_task(
        GRAB_STILLS,
        args=["job-thumbs", str(clip), 6.0, [1.0, 3.0], ["small", "medium"], str(folder)],
    )
    value = result.get(timeout=60)
    assert value["worker"] in {"w1@farm", "w2@farm"}
    assert [(s["index"], s["resolution"]) for s in value["stills"]] == [
        (0, "medium"),
        (0, "small"),
        (1, "medium"),
        (1, "small"),
    ]
    for still in value["stills"]:
        with Image.open(still["jpeg"]) as image:
            assert image.size == {"small": (320, 180), "medium": (640, 360)}[still["resolution"]]


def test_a_worker_runs_the_whole_one_process_ladder_too(farm, clip_factory, tmp_path):
    """The unchunked farm mode: LocalLadderExecutor on a worker, reporting its renditions."""
    from core.jobs.farm.tasks import TRANSCODE_LADDER

    clip = clip_factory("farm_ladder.mp4", seconds=4, size="640x360", rate=10)
    output = tmp_path / "ladder"
    spec = {
        "job_id": "job-ladder",
        "source": str(clip),
        "output_dir": str(output),
        "qualities": ["360p"],
        "encoder_preference": "libx264",
        "allow_copy": False,
        "preset": "ultrafast",
        "duration": 4.0,
    }
    value = (
        create_app(farm.url).send_task(TRANSCODE_LADDER, args=["job-ladder", spec]).get(timeout=120)
    )
    (rendition,) = value["renditions"]
    assert rendition["quality"] == "360p"
    assert (rendition["width"], rendition["height"]) == (640, 360)
    assert Path(rendition["playlist"]).is_file() and value["worker"].endswith("@farm")

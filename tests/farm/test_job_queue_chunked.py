"""Chunked transcoding through the media engine's persistent job queue (``JobRunner``):
the same start/status calls as a local job, only the executor differs."""

from __future__ import annotations

import pytest

from core.jobs.farm.ladder_executor import local_chunked_executor
from core.jobs.runner import JobRunner

from .hls_checks import assert_joined_rung, assert_master


def _ready_vod(context, clip):
    vod = context.vods.import_file(clip)
    if vod.status != "ready":
        context.vods.set_status(vod.id, "ready")
    return vod.id


def _run(context, vod_id, executor, qualities="360p"):
    job = context.transcodes.start(vod_id, qualities, preset="ultrafast")
    runner = JobRunner(
        context.database, context.database.data_dir, context.settings, executor=executor
    )
    runner.run_until_idle(until_job=job.job_id, timeout=240)
    return context.transcodes.status(vod_id, job.job_id)


@pytest.mark.media
def test_job_queue_runs_a_local_chunked_transcode(context, clip_factory):
    clip = clip_factory("queue_src.mp4", seconds=20, size="640x360", rate=15)
    vod_id = _ready_vod(context, clip)
    status = _run(
        context, vod_id, local_chunked_executor(2, chunk_seconds=6), qualities="360p,720p"
    )
    assert status.status == "completed", status
    assert status.completed_qualities == ["360p"] and status.skipped_qualities == ["720p"]
    assert any(note.startswith("chunked: 3 chunks of 6 s") for note in status.notes)
    (output,) = [o for o in status.outputs if o.status == "completed"]
    assert output.resolution == "640x360" and output.segment_count == 4
    assert_master(__import__("pathlib").Path(status.master_playlist), ["360p"])


@pytest.mark.farm
@pytest.mark.media
def test_job_queue_runs_on_the_farm_when_a_broker_url_is_set(farm, context, clip_factory):
    from pathlib import Path

    context.settings.set("broker_url", farm.url)
    assert context.farm_executor is not None, "a broker URL selects the farm executor"
    clip = clip_factory("queue_src.mp4", seconds=20, size="640x360", rate=15)
    vod_id = _ready_vod(context, clip)
    status = _run(context, vod_id, context.farm_executor)
    assert status.status == "completed", status
    note = next(n for n in status.notes if n.startswith("chunked:"))
    assert "farm" in note and "@farm" in note
    master = Path(status.master_playlist)
    assert_master(master, ["360p"])
    assert_joined_rung(master.parent / "360p" / "playlist.m3u8", clip, fps=15, duration=20)

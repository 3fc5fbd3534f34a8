"""Uploading over real HTTP to the tus server and the emulator: chunk rules, linking and the
post, pause/cancel, an expired upload, network faults, and a killed process that resumes
without sending confirmed bytes again."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from core.domain.errors import StateError, ValidationError
from core.platform import UploadControl, UploadOptions
from core.store.models import UploadSession, Vod

MIB = 1024 * 1024
CHUNK = 5 * MIB


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def accepted_offsets(tus) -> list[int]:
    return [p["offset"] for p in tus.stats()["patches"] if p["accepted"]]


def bytes_sent_at(tus, offset: int) -> int:
    return sum(p["received"] for p in tus.stats()["patches"] if p["offset"] == offset)


def test_upload_sends_valid_chunks_links_the_vod_and_creates_the_post(
    context, platform_env, local_vod, random_file, tus, emulator
):
    seen = []
    result = context.uploads.upload(
        local_vod,
        UploadOptions(
            chunk_size=CHUNK,
            visibility="followers",
            is_nsfw=True,
            content_warning="strong language",
            description="desc",
        ),
        progress=seen.append,
    )
    assert result.status == "completed"
    assert accepted_offsets(tus) == [0, CHUNK, 2 * CHUNK]
    upload = tus.server.uploads[result.media_id]
    assert upload.sha256() == sha(random_file)
    assert upload.metadata["name"] == "My coding session"
    remote = emulator.as_user().get(f"/api/v1/vod/{result.remote_vod_id}").json()
    assert remote["cloudflare_video_id"] == result.media_id
    assert remote["post"]["id"] == result.post_id and remote["post"]["visibility"] == "followers"
    stored = next(
        v for v in emulator.http.get("/_control/videos").json() if v["id"] == result.remote_vod_id
    )
    assert stored["is_nsfw"] == 1 and stored["content_warning"] == "strong language"
    vod = context.vods.get(local_vod)
    assert (vod.remote_id, vod.remote_post_id, vod.cloudflare_video_id) == (
        result.remote_vod_id,
        result.post_id,
        result.media_id,
    )
    assert vod.remote_status == "processing" and vod.playback_url
    assert seen[-1].phase == "done" and seen[-1].sent == seen[-1].total == 12 * MIB
    assert any(p.phase == "uploading" and 0 < p.sent < p.total for p in seen)
    with pytest.raises(StateError, match="already on the platform"):
        context.uploads.upload(local_vod)


def test_chunk_size_must_follow_cloudflare_rules(context, platform_env, local_vod):
    for bad in (3 * MIB, CHUNK + 1000, 300 * MIB):
        with pytest.raises(ValidationError, match="multiples of 256 KiB"):
            context.uploads.upload(local_vod, UploadOptions(chunk_size=bad))


def test_pause_then_resume_sends_each_byte_once(context, platform_env, local_vod, tus, random_file):
    control = UploadControl()

    def pause_after_first_chunk(progress):
        if progress.sent >= CHUNK:
            control.pause()

    first = context.uploads.upload(
        local_vod,
        UploadOptions(chunk_size=CHUNK),
        progress=pause_after_first_chunk,
        control=control,
    )
    assert first.status == "paused"
    session = context.uploads.session(local_vod)
    assert session.status == "paused" and session.offset == CHUNK
    second = context.uploads.upload(local_vod, UploadOptions(chunk_size=CHUNK))
    assert second.status == "completed" and second.resumed_from == CHUNK
    assert second.media_id == first.media_id
    assert accepted_offsets(tus) == [0, CHUNK, 2 * CHUNK]
    assert bytes_sent_at(tus, 0) == CHUNK
    assert tus.server.uploads[second.media_id].sha256() == sha(random_file)


def test_cancel_stops_and_terminates_the_upload(context, platform_env, local_vod, tus, emulator):
    control = UploadControl()
    result = context.uploads.upload(
        local_vod,
        UploadOptions(chunk_size=CHUNK),
        progress=lambda p: control.cancel() if p.sent >= CHUNK else None,
        control=control,
    )
    assert result.status == "cancelled"
    assert tus.server.uploads[result.media_id].expired  # DELETE reached the server
    assert context.uploads.session(local_vod).status == "cancelled"
    assert context.vods.get(local_vod).remote_id is None
    assert emulator.http.get("/_control/videos").json() == []


def test_an_expired_upload_starts_over(context, platform_env, local_vod, tus, random_file):
    control = UploadControl()
    first = context.uploads.upload(
        local_vod,
        UploadOptions(chunk_size=CHUNK),
        progress=lambda p: control.pause() if p.sent >= CHUNK else None,
        control=control,
    )
    tus.http.post(f"/_control/expire/{first.media_id}")
    second = context.uploads.upload(local_vod, UploadOptions(chunk_size=CHUNK))
    assert second.status == "completed" and second.restarted
    assert second.media_id != first.media_id and second.resumed_from == 0
    assert tus.server.uploads[second.media_id].sha256() == sha(random_file)


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 503, "retry_after": "0"},
        {"kind": "status", "status": 502, "after": True},  # chunk stored, answer lost
        {"kind": "drop"},
        {"kind": "drop", "after": True},
        {"kind": "delay", "delay": 3, "after": True},  # stored, then a timeout
    ],
)
def test_patch_faults_resume_from_the_servers_offset(
    fault, context, platform_env, local_vod, tus, random_file
):
    import httpx

    from core.platform import TusClient

    context.uploads.tus_factory = lambda: TusClient(
        context.platform_config(), timeout=httpx.Timeout(1.5, connect=2)
    )
    context.uploads.backoff_base = 0.01
    tus.fault(method="PATCH", path="/stream/", skip=1, **fault)
    result = context.uploads.upload(local_vod, UploadOptions(chunk_size=CHUNK))
    assert result.status == "completed"
    assert accepted_offsets(tus) == [0, CHUNK, 2 * CHUNK]  # no chunk stored twice
    assert bytes_sent_at(tus, 0) == CHUNK
    assert tus.server.uploads[result.media_id].sha256() == sha(random_file)


def test_lost_link_answer_is_not_repeated_and_a_rerun_does_not_post_twice(
    context, platform_env, local_vod, emulator, tus
):
    from core.platform.errors import PlatformServerError

    emulator.fault(kind="status", status=500, method="POST", path="/vod/upload", after=True)
    with pytest.raises(PlatformServerError, match="may have created the post"):
        context.uploads.upload(local_vod, UploadOptions(chunk_size=CHUNK))
    assert len(emulator.requests("POST", "/vod/upload")) == 1  # never repeated blindly
    assert context.uploads.session(local_vod).status == "linking"
    sent = tus.stats()["bytes_received"]
    result = context.uploads.upload(local_vod, UploadOptions(chunk_size=CHUNK))
    assert result.status == "completed"
    assert tus.stats()["bytes_received"] == sent  # the file was not sent again
    assert len(emulator.requests("POST", "/vod/upload")) == 2
    assert [v["id"] for v in emulator.http.get("/_control/videos").json()] == [result.remote_vod_id]


def test_cli_upload_end_to_end_with_progress(run_cli, context, platform_env, local_vod, emulator):
    result = run_cli(
        "upload",
        local_vod[:8],
        "--chunk-size",
        "5",
        "--visibility",
        "private",
        "--title",
        "Release stream",
        "--nsfw",
        "--content-warning",
        "flashing",
        env=platform_env,
    )
    assert result.code == 0, result.stderr
    assert "Uploaded" in result.stdout and "post" in result.stdout
    assert "ETA" in result.stderr and "/s" in result.stderr and "100.0%" in result.stderr
    assert "token-alice" not in result.stdout + result.stderr
    with context.database.session() as s:
        vod = s.get(Vod, local_vod)
        remote_id = vod.remote_id
    remote = emulator.as_user().get(f"/api/v1/vod/{remote_id}").json()
    assert remote["title"] == "Release stream" and remote["post"]["visibility"] == "private"
    again = run_cli("upload", local_vod, env=platform_env)
    assert again.code == 1 and "already on the platform" in again.stderr


def test_cli_upload_without_configuration_says_what_is_missing(run_cli, local_vod):
    result = run_cli("upload", local_vod)
    assert result.code == 1
    assert "VODSTUDIO_STREAM_ACCOUNT_ID" in result.stderr or "VODSTUDIO_API_URL" in result.stderr


def test_killed_upload_resumes_without_resending_confirmed_bytes(
    data_dir, context, platform_env, local_vod, tus, random_file, run_cli
):
    # The second chunk is held by the server long enough to kill the uploader mid-chunk.
    tus.fault(kind="delay", delay=6, method="PATCH", path="/stream/", skip=1)
    command = [
        sys.executable,
        "-m",
        "app",
        "--data-dir",
        str(data_dir),
        "upload",
        local_vod,
        "--chunk-size",
        "5",
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, **platform_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(r["fault"] == "delay" for r in tus.stats()["requests"]):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    with context.database.session() as s:
        session = s.query(UploadSession).one()
        assert (session.status, session.offset) == ("uploading", CHUNK)
    resumed = run_cli("upload", local_vod, "--chunk-size", "5", env=platform_env)
    assert resumed.code == 0, resumed.stderr
    # From the server's offset: 5 MiB (5.2 MB), or 10 MiB (10.5 MB) when the kernel had already passed the whole
    # second chunk to the server before the kill (then it was complete and kept, legitimately).
    assert re.search(r"Resumed at (5\.2|10\.5) MB", resumed.stdout), resumed.stdout
    assert accepted_offsets(tus) == [0, CHUNK, 2 * CHUNK]
    assert bytes_sent_at(tus, 0) == CHUNK  # the confirmed first chunk was never sent again
    media_id = context.vods.get(local_vod).cloudflare_video_id
    assert tus.server.uploads[media_id].sha256() == sha(random_file)

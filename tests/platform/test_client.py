"""The API client against the emulator over real HTTP: every endpoint, typed errors, the
retry policy (what is repeated, what never is), and secrets kept out of logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from core.platform import PlatformClient, PlatformConfig
from core.platform.errors import (
    MalformedResponseError,
    PlatformAuthError,
    PlatformConflictError,
    PlatformForbiddenError,
    PlatformNotFoundError,
    PlatformRateLimitError,
    PlatformServerError,
    PlatformUnavailableError,
    PlatformUnprocessableError,
    PlatformValidationError,
)
from core.platform.http import RetryPolicy
from core.platform.polling import poll_transcode
from tests.counterparts.platform_emulator.dialects import PROFILES

every_dialect = pytest.mark.parametrize("dialect", list(PROFILES), indirect=True)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(emulator, sleeps):
    made = []

    def make(
        token: str = "token-alice",
        project: str = "project-a",
        timeout: float = 5.0,
        attempts: int = 4,
    ) -> PlatformClient:
        config = PlatformConfig(api_url=emulator.url, project_id=project, api_token=token)
        client = PlatformClient(
            config,
            timeout=timeout,
            sleep=sleeps.append,
            retry=RetryPolicy(attempts=attempts, base_delay=0.01),
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def video(make_client, emulator, tus) -> str:
    tus.server.exists = lambda media_id: True  # linking without a real upload here
    client = make_client()
    result = client.upload_vod(cloudflare_video_id="cf-1", title="Stream", visibility="public")
    emulator.set_video(result.vod.id, duration=600.0, status="ready")
    return result.vod.id


@every_dialect
def test_vod_upload_get_and_status(make_client, emulator, tus):
    tus.server.exists = lambda media_id: media_id == "cf-known"
    client = make_client()
    with pytest.raises(PlatformValidationError, match="does not exist"):
        client.upload_vod(cloudflare_video_id="cf-unknown", title="x")
    result = client.upload_vod(
        cloudflare_video_id="cf-known",
        title="My coding session",
        visibility="followers",
        is_nsfw=True,
        content_warning="language",
    )
    assert result.vod.status == "processing" and result.post_id
    if result.post is not None:  # a server may answer with the post's id alone
        assert result.post.type == "VIDEO" and result.post.visibility == "followers"
    fetched = client.get_vod(result.vod.id)
    assert fetched.post.id == result.post_id and fetched.cloudflare_video_id == "cf-known"
    with pytest.raises(
        PlatformValidationError, match="cannot change status from processing to deleted"
    ):
        client.set_vod_status(result.vod.id, "deleted")
    assert client.set_vod_status(result.vod.id, "ready").status == "ready"
    assert client.set_vod_status(result.vod.id, "deleted").status == "deleted"
    with pytest.raises(PlatformUnprocessableError):
        client.http.request("POST", "/api/v1/vod/upload", json={"title": "no id"}, idempotent=False)
    with pytest.raises(PlatformValidationError, match="visibility"):
        client.upload_vod(cloudflare_video_id="cf-known", title="x", visibility="everyone")


@every_dialect
def test_vod_of_another_tenant_is_not_found(make_client, video):
    with pytest.raises(PlatformNotFoundError, match="not found"):
        make_client("token-bob").get_vod(video)
    with pytest.raises(PlatformNotFoundError):
        make_client("token-bob").create_chapter(
            video, {"title": "x", "start_time": 0, "end_time": 5}
        )
    with pytest.raises(PlatformForbiddenError, match="owner"):
        make_client("token-carol").create_chapter(
            video, {"title": "x", "start_time": 0, "end_time": 5}
        )
    with pytest.raises(PlatformAuthError, match="invalid token"):
        make_client("token-wrong").get_vod(video)


@every_dialect
def test_chapter_endpoints(make_client, video, emulator):
    client = make_client()
    intro = client.create_chapter(
        video, {"title": "Intro", "start_time": 0, "end_time": 120, "description": "Overview"}
    )
    setup = client.create_chapter(
        video, {"title": "Database setup", "start_time": 540, "end_time": 1080 - 500}
    )
    with pytest.raises(PlatformValidationError, match="overlaps existing chapter 'Intro'"):
        client.create_chapter(video, {"title": "Clash", "start_time": 60, "end_time": 200})
    with pytest.raises(PlatformValidationError, match="past the video duration"):
        client.create_chapter(video, {"title": "Late", "start_time": 590, "end_time": 700})
    with pytest.raises(PlatformValidationError, match="before end_time"):
        client.create_chapter(video, {"title": "Back", "start_time": 300, "end_time": 200})
    assert [c.title for c in client.list_chapters(video)] == ["Intro", "Database setup"]
    assert [c.id for c in client.list_chapters(video, search="overview")] == [intro.id]
    assert client.list_chapters(video, source="ai") == []
    assert client.get_chapter(video, setup.id).start_time == 540
    assert client.chapter_at(video, 60).id == intro.id
    with pytest.raises(PlatformNotFoundError, match="no chapter covers"):
        client.chapter_at(video, 300)
    assert client.next_chapter(video, intro.id).id == setup.id
    assert client.previous_chapter(video, setup.id).id == intro.id
    with pytest.raises(PlatformNotFoundError, match="no next"):
        client.next_chapter(video, setup.id)
    moved = client.update_chapter(video, intro.id, {"title": "Welcome", "end_time": 100})
    assert (moved.title, moved.end_time) == ("Welcome", 100)
    with pytest.raises(PlatformValidationError, match="overlaps"):
        client.update_chapter(video, intro.id, {"end_time": 560})
    client.delete_chapter(video, setup.id)
    with pytest.raises(PlatformNotFoundError):
        client.get_chapter(video, setup.id)
    with pytest.raises(PlatformValidationError, match="no transcript"):
        client.generate_chapters(video)
    emulator.set_video(
        video,
        transcript=[{"start": s, "end": s + 50, "text": f"part {s}"} for s in range(100, 500, 50)],
    )
    generated = client.generate_chapters(video, model="gpt-4o-mini", temperature=0.2)
    assert generated.count == len(generated.chapters) > 0 and generated.model_used == "gpt-4o-mini"
    assert all(c.source == "ai" for c in generated.chapters)
    again = client.generate_chapters(video)
    titles = [c.title for c in client.list_chapters(video)]
    assert titles.count(again.chapters[0].title) == 1 and "Welcome" in titles  # manual kept
    assert all(c.confidence_score >= 0.5 for c in client.list_chapters(video, min_confidence=0.5))


@every_dialect
def test_thumbnail_endpoints(make_client, video, emulator):
    client = make_client()
    task = client.generate_thumbnails(video, resolutions=["small", "medium"])
    assert task.thumbnails == [] and task.task_id
    thumbs = client.list_thumbnails(video)
    assert len(thumbs) == 10 and sum(t.is_default for t in thumbs) == 2
    default = next(t for t in thumbs if t.is_default)
    with pytest.raises(PlatformConflictError, match="default"):
        client.delete_thumbnail(video, default.thumbnail_id)
    other = next(t for t in thumbs if not t.is_default)
    client.set_default_thumbnail(video, other.url)
    client.delete_thumbnail(video, default.thumbnail_id)
    assert default.thumbnail_id not in {t.thumbnail_id for t in client.list_thumbnails(video)}
    with pytest.raises(PlatformValidationError, match="unknown resolutions"):
        client.generate_thumbnails(video, resolutions=["huge"])
    with pytest.raises(PlatformNotFoundError, match="project"):
        make_client(project="project-b").list_thumbnails(video)
    emulator.set_video(video, status="processing")
    with pytest.raises(PlatformValidationError, match="need"):
        client.generate_thumbnails(video)


@every_dialect
def test_transcode_endpoints_and_polling(make_client, video, emulator):
    client = make_client()
    emulator.set_video(video, fail_qualities=["720p"])
    job = client.start_transcode(video, qualities=["360p", "720p"], priority="high")
    assert job.status == "queued" and job.job_id.startswith(f"transcode_{video}_")
    waits: list[float] = []
    final = poll_transcode(client, video, job.job_id, sleep=waits.append)
    assert final.status == "failed" and final.failed_qualities == ["720p"]
    assert waits and all(5 <= w <= 10 for w in waits)  # every 5–10 s, backing off
    retried = client.retry_transcode_quality(video, "720p")
    assert retried.status == "processing"
    done = poll_transcode(client, video, job.job_id, sleep=lambda s: None)
    assert done.status == "completed" and done.master_playlist_url
    with pytest.raises(PlatformConflictError, match="cannot cancel a completed job"):
        client.cancel_transcode(video, job.job_id)
    second = client.start_transcode(video)
    client.cancel_transcode(video, second.job_id)
    assert client.transcode_status(video, second.job_id).status == "cancelled"
    with pytest.raises(PlatformValidationError, match="quality must be one of"):
        client.retry_transcode_quality(video, "4k")
    with pytest.raises(PlatformValidationError, match="only the hls"):
        client.start_transcode(video, output_format="dash")


def test_503_with_retry_after_is_waited_and_repeated(make_client, video, emulator, sleeps):
    emulator.fault(kind="status", status=503, retry_after="2", path="/chapters$", times=2)
    assert make_client().list_chapters(video) == []
    assert sleeps == [2.0, 2.0]


def test_429_on_a_create_is_retried_but_500_is_not(make_client, video, emulator, sleeps):
    client = make_client()
    emulator.fault(kind="status", status=429, retry_after="1", method="POST", path="/chapters$")
    client.create_chapter(video, {"title": "A", "start_time": 0, "end_time": 10})
    assert sleeps == [1.0]
    emulator.fault(kind="status", status=500, method="POST", path="/chapters$", after=True)
    with pytest.raises(PlatformServerError) as raised:
        client.create_chapter(video, {"title": "B", "start_time": 10, "end_time": 20})
    assert raised.value.ambiguous
    assert len(emulator.requests("POST", "/chapters")) == 3  # 429, ok, 500: never a 4th
    assert len(emulator.chapters(video)) == 2  # the server did create B: the caller must look


@pytest.mark.parametrize("kind", ["drop", "malformed", "delay"])
def test_idempotent_reads_survive_dropped_malformed_and_slow_answers(
    kind, make_client, video, emulator
):
    client = make_client(timeout=0.5)
    emulator.fault(kind=kind, delay=2.0, path="/chapters$")
    assert client.list_chapters(video) == []
    assert len(emulator.requests("GET", "/chapters")) == 2


def test_unretryable_and_exhausted_errors(make_client, video, emulator):
    emulator.fault(kind="status", status=502, path="/chapters$", times=10)
    with pytest.raises(PlatformServerError, match="502"):
        make_client(attempts=3).list_chapters(video)
    assert len(emulator.requests("GET", "/chapters")) == 3
    emulator.clear_faults()
    emulator.fault(kind="malformed", method="POST", path="/chapters$")
    with pytest.raises(MalformedResponseError):
        make_client().create_chapter(video, {"title": "A", "start_time": 0, "end_time": 10})
    emulator.fault(kind="status", status=429, retry_after="3600", path="/chapters$")
    with pytest.raises(PlatformRateLimitError):  # too long to wait: tell the user instead
        make_client().list_chapters(video)


def test_expired_token_is_an_auth_error_not_retried(make_client, video, emulator):
    emulator.http.post(
        "/_control/tokens", json={"token": "short", "user": "alice", "tenant": "tenant-a"}
    )
    client = make_client("short")
    client.get_vod(video)
    emulator.http.post("/_control/tokens/short/expire")
    with pytest.raises(PlatformAuthError, match="token expired") as raised:
        client.get_vod(video)
    assert "short" not in str(raised.value)
    assert len(emulator.requests("GET", f"/vod/{video}")) == 2


def test_unreachable_server_is_a_clear_error():
    config = PlatformConfig(api_url="http://127.0.0.1:9", api_token="t")
    client = PlatformClient(config, retry=RetryPolicy(attempts=2, base_delay=0), timeout=1)
    with pytest.raises(PlatformUnavailableError, match="cannot reach platform"):
        client.get_vod("x")


def test_tokens_never_reach_logs_or_reprs(make_client, video, emulator, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client("token-alice")
    client.get_vod(video)
    emulator.fault(kind="status", status=503, path="/vod/")
    client.get_vod(video)
    assert "Authorization" in caplog.text and "token-alice" not in caplog.text
    assert "token-alice" not in repr(client.config)
    assert isinstance(client.http.client.client._transport, httpx.AsyncHTTPTransport)

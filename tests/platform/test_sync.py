"""Sync over real HTTP against the emulator: push, pull, three-way merge, conflicts and their
resolution (core and CLI), and faults that must never lose a local edit nor duplicate a
chapter on the platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from core.platform.errors import PlatformAuthError
from core.store.models import OutboxEntry
from tests.counterparts.platform_emulator.dialects import PROFILES

# Every server the emulator can play: the sync must hold against each.
every_dialect = pytest.mark.parametrize("dialect", list(PROFILES), indirect=True)


def local_titles(context, vod) -> list[str]:
    return [c.title for c in context.chapters.list(vod).chapters]


def remote_titles(emulator, remote) -> list[str]:
    return [c["title"] for c in emulator.chapters(remote)]


def outbox_size(context, vod) -> int:
    with context.database.session() as s:
        return (
            s.query(OutboxEntry)
            .filter(OutboxEntry.vod_id == vod, OutboxEntry.entity == "chapter")
            .count()
        )


def remote_chapter(emulator, remote, title) -> dict:
    return next(c for c in emulator.chapters(remote) if c["title"] == title)


@pytest.fixture
def synced(context, uploaded_vod, emulator):
    """An uploaded VOD with three chapters on both sides."""
    local, remote = uploaded_vod
    for title, start, end in (("Intro", 0, 60), ("Setup", 60, 120), ("Coding", 120, 300)):
        context.chapters.add(local, title=title, start_time=start, end_time=end)
    [report] = context.sync.sync(local)
    assert report.ok and report.pushed["created"] == 3
    return local, remote


@every_dialect
def test_push_creates_updates_and_deletes_in_order(context, synced, emulator):
    local, remote = synced
    assert remote_titles(emulator, remote) == ["Intro", "Setup", "Coding"]
    intro = context.chapters.list(local).chapters[0]
    setup = context.chapters.list(local).chapters[1]
    context.chapters.delete(local, setup.id)
    # Intro grows into the place Setup left: pushing it before the delete would overlap.
    context.chapters.update(local, intro.id, end_time=120.0, title="Intro and setup")
    context.chapters.add(local, title="Outro", start_time=300, end_time=360)
    [report] = context.sync.sync(local)
    assert report.ok and report.pushed == {"created": 1, "updated": 1, "deleted": 1}
    assert remote_titles(emulator, remote) == ["Intro and setup", "Coding", "Outro"]
    assert outbox_size(context, local) == 0
    assert context.sync.state(local).state == "synced"
    [again] = context.sync.sync(local)
    assert again.pushed == again.pulled == {"created": 0, "updated": 0, "deleted": 0}
    assert again.requests == 2  # VOD status + chapter list


@every_dialect
def test_pull_applies_remote_edits_without_echoing_them_back(context, synced, emulator):
    local, remote = synced
    user = emulator.as_user()
    coding = remote_chapter(emulator, remote, "Coding")
    user.put(
        f"/api/v1/videos/{remote}/chapters/{coding['id']}",
        json={"title": "Live coding", "description": "from the web"},
    ).raise_for_status()
    user.delete(
        f"/api/v1/videos/{remote}/chapters/{remote_chapter(emulator, remote, 'Setup')['id']}"
    )
    user.post(
        f"/api/v1/videos/{remote}/chapters",
        json={"title": "Q&A", "start_time": 400, "end_time": 500},
    ).raise_for_status()
    [report] = context.sync.sync(local)
    assert report.ok and report.pulled == {"created": 1, "updated": 1, "deleted": 1}
    chapters = context.chapters.list(local).chapters
    assert [c.title for c in chapters] == ["Intro", "Live coding", "Q&A"]
    assert chapters[1].description == "from the web"
    assert outbox_size(context, local) == 0
    emulator.http.delete("/_control/requests")
    [again] = context.sync.sync(local)
    assert again.pushed == {"created": 0, "updated": 0, "deleted": 0}
    assert not emulator.requests("PUT") and not emulator.requests("POST")


@every_dialect
def test_changes_to_different_chapters_merge_without_conflict(context, synced, emulator):
    local, remote = synced
    intro = context.chapters.list(local).chapters[0]
    context.chapters.update(local, intro.id, title="Hello")
    coding = remote_chapter(emulator, remote, "Coding")
    emulator.as_user().put(
        f"/api/v1/videos/{remote}/chapters/{coding['id']}", json={"title": "Hacking"}
    ).raise_for_status()
    [report] = context.sync.sync(local)
    assert report.ok and not report.conflicts
    assert local_titles(context, local) == ["Hello", "Setup", "Hacking"]
    assert remote_titles(emulator, remote) == ["Hello", "Setup", "Hacking"]


@every_dialect
def test_same_chapter_changed_on_both_sides_is_a_conflict_resolved_in_the_cli(
    context, synced, emulator, run_cli, platform_env
):
    local, remote = synced
    intro, setup, coding = context.chapters.list(local).chapters
    user = emulator.as_user()
    context.chapters.update(local, intro.id, title="Local intro")
    user.put(
        f"/api/v1/videos/{remote}/chapters/{remote_chapter(emulator, remote, 'Intro')['id']}",
        json={"title": "Remote intro"},
    ).raise_for_status()
    context.chapters.update(local, setup.id, title="Local setup")
    user.put(
        f"/api/v1/videos/{remote}/chapters/{remote_chapter(emulator, remote, 'Setup')['id']}",
        json={"title": "Remote setup"},
    ).raise_for_status()
    context.chapters.delete(local, coding.id)
    user.put(
        f"/api/v1/videos/{remote}/chapters/{remote_chapter(emulator, remote, 'Coding')['id']}",
        json={"description": "edited remotely"},
    ).raise_for_status()

    result = run_cli("sync", "--json", env=platform_env)
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["conflicts"] == 3 and summary["vods"][0]["conflicts"] == sorted(
        [intro.id, setup.id, coding.id]
    )
    # Nothing was overwritten on either side.
    assert local_titles(context, local) == ["Local intro", "Local setup"]
    assert remote_titles(emulator, remote) == ["Remote intro", "Remote setup", "Coding"]
    assert context.sync.state(local).state == "conflict"

    listed = run_cli("platform", "conflicts", local, "--json", env=platform_env)
    reasons = {c["chapter_id"]: c["reason"] for c in json.loads(listed.stdout)}
    assert reasons[coding.id] == "deleted here, changed on the platform"

    context.sync.resolve(local, intro.id[:8], "remote")
    context.sync.resolve(local, setup.id, "local")
    resolved = run_cli(
        "platform", "resolve", local, coding.id[:8], "--keep", "local", env=platform_env
    )  # records the choice, then syncs all three
    assert resolved.code == 0, resolved.stderr
    assert "pushed 1 updated, 1 deleted; pulled 1 updated" in resolved.stdout
    assert local_titles(context, local) == ["Remote intro", "Local setup"]
    assert remote_titles(emulator, remote) == ["Remote intro", "Local setup"]
    assert context.sync.conflicts(local) == []
    assert context.sync.state(local).state == "synced"


@every_dialect
def test_remote_chapter_that_does_not_fit_locally_is_a_conflict(context, synced, emulator):
    local, remote = synced
    context.chapters.add(local, title="Local late", start_time=300, end_time=400)
    emulator.as_user().post(
        f"/api/v1/videos/{remote}/chapters",
        json={"title": "Remote late", "start_time": 350, "end_time": 450},
    )
    [report] = context.sync.sync(local)
    assert len(set(report.conflicts)) == 2  # the create is refused there, the pull here
    assert "Local late" in local_titles(context, local)
    assert "Remote late" in remote_titles(emulator, remote)
    conflicts = {c.reason.split(":")[0] for c in context.sync.conflicts(local)}
    assert conflicts == {"the platform refused it", "the platform's version does not fit here"}
    mine = next(c for c in context.sync.conflicts(local) if c.local)
    context.sync.resolve(local, mine.chapter_id, "remote")
    [report] = context.sync.sync(local)
    assert report.ok and not report.conflicts
    assert (
        local_titles(context, local)
        == remote_titles(emulator, remote)
        == ["Intro", "Setup", "Coding", "Remote late"]
    )


FAULTS = [
    ("POST", {"kind": "status", "status": 500, "after": True}),
    ("POST", {"kind": "drop", "after": True}),
    ("POST", {"kind": "delay", "delay": 2.5, "after": True}),
    ("POST", {"kind": "malformed", "after": True}),
    ("POST", {"kind": "status", "status": 503, "retry_after": "1"}),
    ("POST", {"kind": "status", "status": 429, "retry_after": "1"}),
    ("POST", {"kind": "status", "status": 502}),
    ("PUT", {"kind": "status", "status": 500, "after": True, "times": 9}),
    ("PUT", {"kind": "drop", "after": True}),
    ("DELETE", {"kind": "delay", "delay": 2.5, "after": True}),
    ("GET", {"kind": "status", "status": 503, "times": 9}),
    ("GET", {"kind": "malformed"}),
]


@pytest.mark.parametrize(
    "method,fault",
    FAULTS,
    ids=[
        f"{m}-{f['kind']}-{f.get('status', '')}{'-after' if f.get('after') else ''}"
        for m, f in FAULTS
    ],
)
def test_faults_lose_no_local_edit_and_duplicate_no_chapter(
    method, fault, context, synced, emulator, monkeypatch
):
    import httpx

    from core.platform import PlatformClient
    from core.platform.http import RetryPolicy

    local, remote = synced
    monkeypatch.setattr(
        type(context),
        "platform_client",
        lambda self: PlatformClient(
            self.platform_config(),
            timeout=httpx.Timeout(1.5, connect=2),
            retry=RetryPolicy(attempts=3, base_delay=0.01),
        ),
    )
    intro, setup, _coding = context.chapters.list(local).chapters
    context.chapters.update(local, intro.id, title="Intro v2")
    context.chapters.delete(local, setup.id)
    context.chapters.add(local, title="New A", start_time=300, end_time=330)
    context.chapters.add(local, title="New B", start_time=330, end_time=360)
    expected = ["Intro v2", "Coding", "New A", "New B"]
    emulator.fault(method=method, path="/chapters", **fault)
    first = context.sync.sync(local)[0]
    assert local_titles(context, local) == expected  # never lost, whatever happened
    if not first.ok:
        assert outbox_size(context, local) > 0  # still pending
        assert context.sync.state(local).state in ("local_changes", "error")
    emulator.clear_faults()
    [second] = context.sync.sync(local)
    assert second.ok and not second.conflicts
    assert local_titles(context, local) == expected
    assert remote_titles(emulator, remote) == expected  # each exactly once
    assert outbox_size(context, local) == 0


def test_expired_token_keeps_every_local_edit(
    context, synced, emulator, monkeypatch, run_cli, platform_env
):
    local, remote = synced
    emulator.http.post(
        "/_control/tokens", json={"token": "short-lived", "user": "alice", "tenant": "tenant-a"}
    )
    monkeypatch.setenv("VODSTUDIO_API_TOKEN", "short-lived")
    context.chapters.add(local, title="Late add", start_time=300, end_time=330)
    emulator.http.post("/_control/tokens/short-lived/expire")
    with pytest.raises(PlatformAuthError, match="token expired"):
        context.sync.sync(local)
    result = run_cli("sync", env={**platform_env, "VODSTUDIO_API_TOKEN": "short-lived"})
    assert result.code == 1 and "token expired" in result.stderr
    assert "short-lived" not in result.stderr
    assert outbox_size(context, local) == 1 and "Late add" in local_titles(context, local)
    monkeypatch.setenv("VODSTUDIO_API_TOKEN", "token-alice")
    assert context.sync.sync(local)[0].ok
    assert "Late add" in remote_titles(emulator, remote)


@every_dialect
def test_sync_killed_after_a_create_reached_the_platform_does_not_duplicate_it(
    data_dir, context, synced, emulator, platform_env
):
    local, remote = synced
    context.chapters.add(local, title="Outro", start_time=300, end_time=360)
    # The server stores the chapter, then holds the answer while the process is killed.
    emulator.fault(kind="delay", delay=30, method="POST", path="/chapters$", after=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "sync"],
        env={**os.environ, **platform_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while "Outro" not in remote_titles(emulator, remote):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=10)
    emulator.clear_faults()
    # Edited again before the next sync: the create's recorded intent still matches.
    outro = context.chapters.list(local).chapters[-1]
    context.chapters.update(local, outro.id, title="Goodbye")
    [report] = context.sync.sync(local)
    assert report.ok and report.pushed["created"] == 0 and report.pushed["updated"] == 1
    assert remote_titles(emulator, remote) == ["Intro", "Setup", "Coding", "Goodbye"]


@every_dialect
def test_deleting_the_vod_locally_is_pushed(context, synced, emulator):
    local, remote = synced
    context.vods.set_status(local, "deleted")
    [report] = context.sync.sync(local)
    assert report.remote_status == "deleted"
    assert emulator.vod(remote)["status"] == "deleted"


def test_sync_of_a_vod_not_uploaded_is_skipped(context, local_vod, platform_env, emulator):
    context.chapters.add(local_vod, title="Intro", start_time=0, end_time=10)
    [report] = context.sync.sync(local_vod)
    assert report.skipped and outbox_size(context, local_vod) == 1
    assert context.sync.state(local_vod).state == "not_uploaded"


@every_dialect
def test_requests_grow_with_changes_not_with_history(context, uploaded_vod, emulator, dialect):
    local, _remote = uploaded_vod
    ids = [
        context.chapters.add(local, title=f"C{i}", start_time=i * 10, end_time=i * 10 + 10)
        .added[0]
        .id
        for i in range(30)
    ]
    for chapter_id in ids[:10]:  # edited several times before one sync
        for n in range(3):
            context.chapters.update(local, chapter_id, title=f"edit {n} {chapter_id[:4]}")
    [report] = context.sync.sync(local)
    assert report.ok and report.pushed["created"] == 30
    # A server whose create answer names no chapter costs a listing to find each one.
    per_create = 2 if PROFILES[dialect].create_answer == "empty" else 1
    assert report.requests == 2 + 30 * per_create


@every_dialect
def test_ai_chapters_made_on_the_platform_arrive_as_ai_chapters(context, synced, emulator):
    local, remote = synced
    emulator.set_video(
        remote,
        transcript=[{"start": s, "end": s + 50, "text": f"topic {s}"} for s in range(300, 500, 50)],
    )
    emulator.as_user().post(
        f"/api/v1/videos/{remote}/chapters/generate", json={}
    ).raise_for_status()
    [report] = context.sync.sync(local)
    assert report.ok and report.pulled["created"] == 4
    pulled = [c for c in context.chapters.list(local).chapters if c.start_time >= 300]
    assert [c.source.value for c in pulled] == ["ai"] * 4
    assert all(c.confidence_score == 0.9 for c in pulled)
    [again] = context.sync.sync(local)
    assert again.pushed == {"created": 0, "updated": 0, "deleted": 0}

"""A chapter pulled from the platform with terminal controls in its title is stored clean,
and the difference is not taken for a new remote change on the next sync (issue 19, item 5)."""

from __future__ import annotations


def test_pulled_titles_lose_their_controls_once(context, uploaded_vod, emulator):
    local, remote = uploaded_vod
    user = emulator.as_user()
    user.post(
        f"/api/v1/videos/{remote}/chapters",
        json={
            "title": "\x1b[1;31mBoss\x1b[0m fight\x07 🐉 שלום",
            "description": "line one\nline\x1b[2K two",
            "start_time": 10,
            "end_time": 20,
        },
    ).raise_for_status()
    [report] = context.sync.sync(local)
    assert report.ok and report.pulled["created"] == 1
    [chapter] = context.chapters.list(local).chapters
    assert chapter.title == "Boss fight 🐉 שלום"
    assert chapter.description == "line one\nline two"
    [again] = context.sync.sync(local)
    assert again.pulled == {"created": 0, "updated": 0, "deleted": 0}

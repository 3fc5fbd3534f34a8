"""The Upload tab driven with real widgets (pytest-qt, offscreen) against the local tus
server and platform emulator."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.panel_host import RecordingPanelHost
from ui.panel_api import PanelHost
from ui.upload_panel import UploadPanel

MIB = 1024 * 1024
pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot, context, platform_env, local_vod):
    host = RecordingPanelHost(context, local_vod)
    assert isinstance(host, PanelHost)
    widget = UploadPanel(host)
    widget.chunk_size = 5 * MIB
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    host.tasks.cancel_all()
    host.tasks.wait(5000)


def test_upload_from_the_form_posts_with_the_chosen_fields(qtbot, panel, emulator, context):
    assert panel.title_edit.text() == "My coding session"
    qtbot.waitUntil(lambda: panel.state == "not_uploaded", timeout=10000)  # read on a worker
    assert panel.upload_button.isEnabled()
    panel.title_edit.clear()
    qtbot.keyClicks(panel.title_edit, "Friday stream")
    panel.visibility_box.setCurrentText("followers")
    qtbot.keyClick(panel.nsfw_check, Qt.Key.Key_Space)
    assert panel.nsfw_check.isChecked()
    qtbot.keyClicks(panel.warning_edit, "loud")
    progress_texts = []
    run_task = panel.host.tasks.run_task

    def recording(fn, on_done=None, on_error=None, on_progress=None, **options):
        def progressed(fraction, text):  # what the panel is told, as it is told it
            progress_texts.append(text)
            on_progress(fraction, text)

        return run_task(fn, on_done, on_error, progressed if on_progress else None, **options)

    panel.host.tasks.run_task = recording
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=30000)
    assert panel.progress_bar.value() == 100
    assert any("MB/s" in t and "ETA" in t for t in progress_texts)
    remote_id = context.vods.get(panel.host.vod_id).remote_id
    remote = emulator.as_user().get(f"/api/v1/vod/{remote_id}").json()
    assert remote["title"] == "Friday stream" and remote["post"]["visibility"] == "followers"
    stored = next(v for v in emulator.http.get("/_control/videos").json() if v["id"] == remote_id)
    assert stored["is_nsfw"] == 1 and stored["content_warning"] == "loud"
    assert not panel.upload_button.isEnabled() and panel.sync_button.isEnabled()


def test_pause_and_resume_buttons(qtbot, panel, tus):
    qtbot.waitUntil(panel.upload_button.isEnabled, timeout=10000)
    tus.fault(kind="delay", delay=2, method="PATCH", path="/stream/", skip=1)
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(r["fault"] == "delay" for r in tus.stats()["requests"]), timeout=20000
    )
    assert panel.pause_button.isEnabled()
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.upload_button.text() == "Resume" and panel.upload_button.isEnabled(),
        timeout=20000,
    )
    qtbot.waitUntil(lambda: panel.state == "uploading", timeout=10000)
    assert 0 < panel.progress_bar.value() < 100
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=30000)
    accepted = [p["offset"] for p in tus.stats()["patches"] if p["accepted"]]
    assert accepted == [0, 5 * MIB, 10 * MIB]
    assert sum(p["received"] for p in tus.stats()["patches"] if p["offset"] == 0) == 5 * MIB


def test_sync_shows_a_conflict_and_resolves_it(qtbot, panel, context, emulator):
    qtbot.waitUntil(panel.upload_button.isEnabled, timeout=10000)
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=30000)
    vod = context.vods.get(panel.host.vod_id)
    emulator.set_video(vod.remote_id, duration=600.0, status="ready")
    chapter = context.chapters.add(vod.id, title="Intro", start_time=0, end_time=30).added[0]
    panel.host.reload_chapters()  # an edit made elsewhere: the state is read off the GUI thread
    qtbot.waitUntil(lambda: panel.state == "local_changes", timeout=5000)
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=20000)
    remote_chapter = emulator.chapters(vod.remote_id)[0]
    emulator.as_user().put(
        f"/api/v1/videos/{vod.remote_id}/chapters/{remote_chapter['id']}",
        json={"title": "Their intro"},
    ).raise_for_status()
    context.chapters.update(vod.id, chapter.id, title="My intro")
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "conflict", timeout=20000)
    assert panel.conflict_list.count() == 1
    assert "My intro" in panel.conflict_list.item(0).text()
    assert "Their intro" in panel.conflict_list.item(0).text()
    qtbot.mouseClick(panel.keep_remote_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=20000)
    assert context.chapters.get(vod.id, chapter.id).title == "Their intro"
    assert panel.host.reloads >= 2 and panel.conflict_list.count() == 0


def test_sync_error_is_shown(qtbot, panel, context, emulator, monkeypatch):
    qtbot.waitUntil(panel.upload_button.isEnabled, timeout=10000)
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=30000)
    monkeypatch.setenv("VODSTUDIO_API_TOKEN", "token-wrong")
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "error", timeout=20000)
    assert "invalid token" in panel.state_label.text()
    assert panel.host.messages[-1][1] is True


def test_cancel_button_stops_the_upload(qtbot, panel, tus, emulator):
    qtbot.waitUntil(panel.upload_button.isEnabled, timeout=10000)
    tus.fault(kind="delay", delay=2, method="PATCH", path="/stream/", skip=1)
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(r["fault"] == "delay" for r in tus.stats()["requests"]), timeout=20000
    )
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.progress_label.text() == "Upload cancelled", timeout=20000)
    assert panel.state == "not_uploaded" and panel.upload_button.isEnabled()
    assert all(upload.expired for upload in tus.server.uploads.values())
    assert emulator.http.get("/_control/videos").json() == []


def test_sync_says_which_platform_record_it_could_not_read(qtbot, panel, context, emulator):
    qtbot.waitUntil(panel.upload_button.isEnabled, timeout=10000)
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=30000)
    vod = context.vods.get(panel.host.vod_id)
    emulator.set_video(vod.remote_id, duration=600.0, status="ready")
    chapter = context.chapters.add(vod.id, title="Intro", start_time=0, end_time=30).added[0]
    panel.host.reload_chapters()  # an edit made elsewhere: the state is read off the GUI thread
    qtbot.waitUntil(lambda: panel.state == "local_changes", timeout=5000)
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=20000)
    remote_chapter = emulator.chapters(vod.remote_id)[0]
    emulator.http.post(f"/_control/garble/{remote_chapter['id']}").raise_for_status()
    context.chapters.update(vod.id, chapter.id, title="My intro")
    panel.host.reload_chapters()
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any("could not be read" in text for text, _ in panel.host.messages), timeout=20000
    )
    text, is_error = next(m for m in panel.host.messages if "could not be read" in m[0])
    assert is_error and remote_chapter["id"] in text
    qtbot.waitUntil(lambda: panel.state == "local_changes", timeout=20000)  # the edit waits
    assert context.chapters.get(vod.id, chapter.id).title == "My intro"

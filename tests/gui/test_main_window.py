"""The main window: library cards, import (menu path and drag-and-drop), opening the editor,
settings, and the player backend fallback."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from ui.library.delegate import VOD_ROLE


@pytest.fixture
def window(qtbot, themed, context):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.tasks.cancel_all()
    main.tasks.wait(5000)
    stop_job_bridge(context)


def _titles(window) -> list[str]:
    model = window.library.model
    return [model.item(row).data(VOD_ROLE)["title"] for row in range(model.rowCount())]


def test_import_shows_a_card_and_opens_the_editor(qtbot, window, clip_factory):
    clip = clip_factory("library.mp4", seconds=2, size="160x90", rate=10)
    with qtbot.waitSignal(window.tasks.activity_changed, timeout=30000):
        window.import_file(str(clip))
    title = clip.stem
    qtbot.waitUntil(lambda: title in _titles(window), timeout=30000)
    row = _titles(window).index(title)
    data = window.library.model.item(row).data(VOD_ROLE)
    assert data["duration_text"] == "0:02" and data["badges"][0] == "ready"
    window.library.open_requested.emit(data["id"])  # read off the GUI thread, then shown
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.editor, timeout=30000)
    assert window.editor.vod_id == data["id"]
    assert next(a.text() for a in window.edit_menu.actions()).startswith("&Undo")
    window.editor.back_requested.emit()
    assert window.pages.currentWidget() is window.library and window.editor is None


def test_a_bad_file_is_refused_with_a_message(qtbot, window, tmp_path):
    bogus = tmp_path / "not-a-video.mp4"
    bogus.write_text("hello")
    window.import_file(str(bogus))
    qtbot.waitUntil(lambda: window.toast.isVisible(), timeout=30000)
    assert "not-a-video.mp4" in window.toast.label.text()
    assert window.toast.property("error") is True


def test_dropping_a_file_imports_it(qtbot, window, clip_factory):
    clip = clip_factory("dropped.mp4", seconds=2, size="160x90", rate=10)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPoint(50, 50).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: clip.stem in _titles(window), timeout=30000)


def test_settings_store_values_and_secrets_without_showing_them(
    qtbot, window, context, monkeypatch
):
    from ui.settings_dialog import SettingsDialog

    monkeypatch.setenv("VODSTUDIO_ALLOW_FILE_SECRETS", "1")
    dialog = SettingsDialog(context, window)
    qtbot.addWidget(dialog)
    dialog.fields["api_url"].setText("http://127.0.0.1:9/api")
    dialog.fields["hardware_encoder"].setCurrentIndex(1)
    dialog.secret_fields["api_token"].setText("s3cret-token")
    dialog.save()
    assert context.settings.get("api_url") == "http://127.0.0.1:9/api"
    assert context.settings.get("hardware_encoder") == "libx264"
    assert context.secrets.get("api_token") == "s3cret-token"
    again = SettingsDialog(context, window)
    qtbot.addWidget(again)
    field = again.secret_fields["api_token"]
    assert field.text() == "" and "stored" in field.placeholderText()
    context.secrets.delete("api_token")


def test_qt_multimedia_backend_is_used_offscreen_and_named(
    qtbot, themed, monkeypatch, context, vod
):
    from ui.editor import EditorView

    monkeypatch.delenv("VODSTUDIO_PLAYER")
    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    try:
        assert view.player.backend.name in ("qt", "none")
        assert view.player.backend_label.text() in ("Qt Multimedia", "no preview")
        view.seek(5.0)
        assert view.playhead() == pytest.approx(5.0, abs=0.05) or view.player.backend.name == "qt"
    finally:
        view.close_editor()


def test_window_shows_before_the_database_and_imports_drops_made_meanwhile(
    qtbot, themed, context, clip_factory
):
    from ui.main_window import MainWindow

    window = MainWindow()  # what the app shows first, before SQLAlchemy is even imported
    qtbot.addWidget(window)
    window.show()
    assert window.library is None and window.pages.currentWidget() is window.loading
    clip = clip_factory("early.mp4", seconds=2, size="160x90", rate=10)
    assert window.import_file(str(clip)) is None  # queued, not lost
    window.open_context(lambda: context)
    qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
    qtbot.waitUntil(lambda: clip.stem in _titles(window), timeout=30000)
    window.tasks.wait(5000)


def test_clicking_the_seek_bar_jumps_there(qtbot, themed, context, vod):
    from PySide6.QtTest import QTest

    from ui.editor import EditorView

    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    try:
        slider = view.player.seek_slider
        QTest.mouseClick(
            slider,
            Qt.MouseButton.LeftButton,
            pos=QPoint(slider.width() * 3 // 4, slider.height() // 2),
        )
        assert view.playhead() == pytest.approx(15.0, abs=0.5)
    finally:
        view.close_editor()


def test_cards_show_the_sync_state_of_uploaded_vods(qtbot, window, context, clip_factory):
    from core.store.models import Vod

    clip = clip_factory("synced.mp4", seconds=2, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Uploaded stream")
    window.library.refresh()
    qtbot.waitUntil(lambda: not window.tasks.active, timeout=30000)
    row = _titles(window).index("Uploaded stream")
    assert window.library.model.item(row).data(VOD_ROLE)["badges"] == ["ready"]  # never uploaded
    with context.database.session() as session:
        session.get(Vod, vod.id).remote_id = f"remote-{vod.id[:8]}"
    window.library.refresh()
    qtbot.waitUntil(lambda: not window.tasks.active, timeout=30000)
    row = _titles(window).index("Uploaded stream")
    # the import is still in the outbox, so the platform copy is behind: "changed"
    assert window.library.model.item(row).data(VOD_ROLE)["badges"] == ["ready", "changed"]


def test_results_for_a_closed_widget_are_dropped_and_errors_reported(qtbot, themed):
    import threading

    from PySide6.QtWidgets import QLabel

    from core.domain.errors import ValidationError
    from ui.tasks import TaskRunner

    runner = TaskRunner()
    label = QLabel()
    release = threading.Event()
    runner.run_task(lambda progress, cancel: release.wait(10) and "late", on_done=label.setText)
    label.deleteLater()
    qtbot.wait(50)  # the label is gone before the work finishes
    release.set()
    qtbot.waitUntil(lambda: not runner.active, timeout=10000)
    errors = []
    runner.error.connect(errors.append)
    runner.run_task(lambda progress, cancel: (_ for _ in ()).throw(ValidationError("bad range")))
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert errors == ["bad range"]
    seen = []
    handle = runner.run_task(
        lambda progress, cancel: (progress(0.5, "half"), cancel.wait(10), cancel.is_set())[-1],
        on_done=seen.append,
        on_progress=lambda f, t: seen.append((f, t)),
    )
    qtbot.waitUntil(lambda: (0.5, "half") in seen, timeout=10000)
    handle.cancel()
    qtbot.waitUntil(lambda: True in seen, timeout=10000)

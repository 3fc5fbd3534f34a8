"""The app at start with a damaged database: a dialog offers restore, another data folder or
quit, and nothing is lost (issue 19, item 2). Also: a start tidies what a killed run left."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.store.backups import list_backups, take_backup
from core.store.db import DATABASE_FILENAME


@pytest.fixture
def damaged_library(tmp_path, clip_factory):
    """A data folder with one VOD and a backup of it, whose database was then cut in half."""
    from app.context import AppContext

    folder = tmp_path / "library"
    context = AppContext(folder)
    context.vods.import_file(clip_factory("damaged.mp4", seconds=2, size="160x90", rate=10))
    context.close()
    database = folder / DATABASE_FILENAME
    assert take_backup(database, "manual") is not None
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 2])
    return folder


def start_window(qtbot, folder):
    from app.context import AppContext
    from ui.main_window import MainWindow

    def make_context(chosen=None):
        return AppContext(chosen or folder)

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_context(make_context, make_context)
    return window


def close(window) -> None:
    window.tasks.cancel_all()
    window.tasks.wait(5000)
    if window.context is not None:
        from ui.jobs_bridge import stop_job_bridge

        stop_job_bridge(window.context)
        window.context.close()


def test_restore_puts_the_backup_back_and_keeps_the_damaged_file(qtbot, themed, damaged_library):
    damaged_bytes = (damaged_library / DATABASE_FILENAME).read_bytes()
    window = start_window(qtbot, damaged_library)
    try:
        qtbot.waitUntil(lambda: window.repair is not None, timeout=30000)
        dialog = window.repair.dialog
        qtbot.waitUntil(dialog.isVisible)
        assert (
            "cut short" in dialog.informativeText()
            and "not been changed" in dialog.informativeText()
        )
        assert window.library is None
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        assert window.library.model.rowCount() == 1
        [aside] = damaged_library.glob(f"{DATABASE_FILENAME}.damaged-*[!lm]")
        assert aside.read_bytes() == damaged_bytes
    finally:
        close(window)


def test_another_folder_opens_there_and_leaves_the_damaged_one_alone(
    qtbot, themed, damaged_library, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from ui.preferences import stored_data_dir

    damaged_bytes = (damaged_library / DATABASE_FILENAME).read_bytes()
    other = tmp_path / "fresh"
    other.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(other))
    window = start_window(qtbot, damaged_library)
    try:
        qtbot.waitUntil(lambda: window.repair is not None, timeout=30000)
        window.repair.dialog.other_button.click()
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        assert Path(window.context.data_dir) == other.resolve()
        assert window.library.model.rowCount() == 0
        assert stored_data_dir() == str(other)
        assert (damaged_library / DATABASE_FILENAME).read_bytes() == damaged_bytes
        assert len(list_backups(damaged_library)) == 1
    finally:
        close(window)


def test_without_a_backup_an_empty_library_starts_and_the_damaged_file_is_kept(
    qtbot, themed, damaged_library
):
    import shutil

    shutil.rmtree(damaged_library / "backups")
    damaged_bytes = (damaged_library / DATABASE_FILENAME).read_bytes()
    window = start_window(qtbot, damaged_library)
    try:
        qtbot.waitUntil(lambda: window.repair is not None, timeout=30000)
        dialog = window.repair.dialog
        assert dialog.restore_button is None
        assert "no backup" in dialog.informativeText()
        assert dialog.defaultButton() is not dialog.empty_button
        dialog.empty_button.click()
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        assert window.library.model.rowCount() == 0
        [aside] = damaged_library.glob(f"{DATABASE_FILENAME}.damaged-*[!lm]")
        assert aside.read_bytes() == damaged_bytes
    finally:
        close(window)


def test_a_page_damaged_past_the_header_is_found_at_start_and_restored(
    qtbot, themed, tmp_path, clip_factory
):
    """Opening reads only the header and the schema version: the start checks every page,
    so the way out is offered before the library fails table by table."""
    from app.context import AppContext
    from tests.robustness.processes import damage_table_page

    folder = tmp_path / "library"
    context = AppContext(folder)
    context.vods.import_file(clip_factory("deep.mp4", seconds=2, size="160x90", rate=10))
    context.close()
    assert take_backup(folder / DATABASE_FILENAME, "manual") is not None
    damage_table_page(folder, "vods")
    damaged_bytes = (folder / DATABASE_FILENAME).read_bytes()
    window = start_window(qtbot, folder)
    try:
        qtbot.waitUntil(lambda: window.repair is not None, timeout=30000)
        assert window.library is None
        assert "integrity check found" in window.repair.dialog.informativeText()
        window.repair.dialog.restore_button.click()
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        assert window.library.model.rowCount() == 1
        [aside] = folder.glob(f"{DATABASE_FILENAME}.damaged-*[!lm]")
        assert aside.read_bytes() == damaged_bytes
    finally:
        close(window)


def test_damage_met_mid_session_is_one_sentence_and_the_backup_is_offered_at_once(
    qtbot, themed, tmp_path, clip_factory, monkeypatch
):
    import sys

    from app.context import AppContext
    from tests.robustness.processes import damage_table_page
    from ui.application import report_damage_in

    folder = tmp_path / "library"
    context = AppContext(folder)
    for name in ("first.mp4", "second.mp4"):
        context.vods.import_file(clip_factory(name, seconds=2, size="160x90", rate=10))
    context.close()
    assert take_backup(folder / DATABASE_FILENAME, "manual") is not None
    window = start_window(qtbot, folder)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    report_damage_in(window)  # as the app's start does
    try:
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        damage_table_page(folder, "vods")
        damaged_bytes = (folder / DATABASE_FILENAME).read_bytes()
        # The pool's open connections still hold the good page in their cache (SQLite keeps
        # it while no other connection writes): the damage shows to the ones opened after.
        window.context.database.engine.dispose()
        [library_action] = [a for a in window.menuBar().actions()[0].menu().actions()
                            if a.text() == "&Library"]  # fmt: skip
        library_action.trigger()  # reads the library on the GUI thread
        qtbot.waitUntil(lambda: "damaged" in window.toast.label.text(), timeout=30000)
        text = window.toast.label.text()
        assert "\n" not in text and "SELECT" not in text

        qtbot.waitUntil(lambda: window.repair is not None and window.repair.dialog.isVisible())
        window.repair.dialog.restore_button.click()
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        assert window.library.model.rowCount() == 2
        [aside] = folder.glob(f"{DATABASE_FILENAME}.damaged-*[!lm]")
        assert aside.read_bytes() == damaged_bytes
    finally:
        close(window)


def test_a_task_meeting_damage_offers_the_way_out_too(qtbot, themed, tmp_path, clip_factory):
    from app.context import AppContext
    from tests.robustness.processes import damage_table_page

    folder = tmp_path / "library"
    context = AppContext(folder)
    vod = context.vods.import_file(clip_factory("only.mp4", seconds=2, size="160x90", rate=10))
    context.chapters.add(vod.id, title="Intro", start_time=0, end_time=1)
    context.close()
    window = start_window(qtbot, folder)
    try:
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        damage_table_page(folder, "vods")
        window.context.database.engine.dispose()  # as above: new connections see the damage
        window.open_vod(vod.id)  # reads the VOD as the editor opens
        qtbot.waitUntil(lambda: window.repair is not None and window.repair.dialog.isVisible())
        assert window.editor is None and "damaged" in window.toast.label.text()
        window.repair.dialog.restore_button.click()  # the backup the start took
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        window.open_vod(vod.id)
        assert [c.title for c in window.editor.timeline_model.chapters] == ["Intro"]
    finally:
        close(window)


def test_quit_closes_the_window(qtbot, themed, damaged_library):
    window = start_window(qtbot, damaged_library)
    qtbot.waitUntil(lambda: window.repair is not None, timeout=30000)
    window.repair.dialog.quit_button.click()
    qtbot.waitUntil(lambda: not window.isVisible())
    close(window)


def test_a_start_removes_thumbnail_files_that_no_row_lists(qtbot, themed, tmp_path, clip_factory):
    from app.context import AppContext

    folder = tmp_path / "library"
    context = AppContext(folder)
    vod = context.vods.import_file(clip_factory("thumbs.mp4", seconds=2, size="160x90", rate=10))
    [kept, *_] = context.thumbnails.generate(vod.id, timestamps=[1.0], resolutions="small")
    context.close()
    orphan = folder / "thumbnails" / vod.id / "left-by-a-killed-run.jpg"
    orphan.write_bytes(b"\xff\xd8 not listed")
    window = start_window(qtbot, folder)
    try:
        qtbot.waitUntil(lambda: window.library is not None, timeout=30000)
        assert not orphan.exists()
        assert Path(kept.jpeg_path).exists() and Path(kept.webp_path).exists()
    finally:
        close(window)

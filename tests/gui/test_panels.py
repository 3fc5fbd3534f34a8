"""The side panels on real widgets: chapters list sync and form, thumbnails, transcodes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from core.domain.chapters import ChapterSource

from .helpers import LANE_Y, x_of


@pytest.fixture
def chapters_panel(editor):
    panel = editor.panels["Chapters"]
    editor.tabs.setCurrentWidget(panel)
    return panel


def _click_row(panel, row: int) -> None:
    table = panel.table
    rect = table.visualRect(panel.model.index(row, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_list_and_timeline_selection_are_synced(editor, context, vod, chapters_panel):
    first = context.chapters.add(vod.id, title="First", start_time=1, end_time=4).added[0]
    second = context.chapters.add(vod.id, title="Second", start_time=8, end_time=12).added[0]
    editor.reload_chapters()
    assert [c.title for c in chapters_panel.model.chapters] == ["First", "Second"]
    _click_row(chapters_panel, 1)  # list → timeline, and it seeks
    assert editor.timeline.selected_id == second.id
    assert editor.playhead() == pytest.approx(8.0)
    QTest.mouseClick(
        editor.timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(editor.timeline, 2.0), LANE_Y)
    )  # timeline → list
    assert chapters_panel.table.currentIndex().row() == 0
    assert chapters_panel.title_edit.text() == "First"
    assert editor.timeline.selected_id == first.id


def test_timeline_edits_show_in_the_list(editor, context, vod, chapters_panel):
    from .helpers import drag

    editor.timeline.snapping = False
    drag(editor.timeline, 3.0, 7.0)
    assert [c.title for c in chapters_panel.model.chapters] == ["Chapter 1"]
    assert chapters_panel.title_edit.text() == "Chapter 1"


def test_form_edits_are_validated_and_undoable(editor, context, vod, chapters_panel):
    chapter = context.chapters.add(vod.id, title="Editable", start_time=2, end_time=5).added[0]
    context.chapters.add(vod.id, title="Neighbour", start_time=6, end_time=9)
    editor.reload_chapters()
    editor.select_chapter(chapter.id)
    panel = chapters_panel
    panel.end_edit.setText("7")  # into the neighbour
    assert not panel.apply_form()
    assert "overlaps" in panel.error_label.text() and not panel.error_label.isHidden()
    assert context.chapters.get(vod.id, chapter.id).end_time == 5
    panel.end_edit.setText("soon")
    assert not panel.apply_form()
    assert "End" in panel.error_label.text()
    panel.end_edit.setText("0:05.5")
    panel.title_edit.setText("Renamed")
    QTest.keyClick(panel.title_edit, Qt.Key.Key_Return)
    saved = context.chapters.get(vod.id, chapter.id)
    assert (saved.title, saved.end_time) == ("Renamed", 5.5)
    assert panel.error_label.isHidden()
    editor.undo_stack.undo()  # the whole form edit is one step
    saved = context.chapters.get(vod.id, chapter.id)
    assert (saved.title, saved.end_time) == ("Editable", 5.0)


def test_a_refused_form_edit_marks_the_input_the_error_names(editor, context, vod, chapters_panel):
    chapter = context.chapters.add(vod.id, title="Marked", start_time=2, end_time=5).added[0]
    editor.reload_chapters()
    editor.select_chapter(chapter.id)
    panel = chapters_panel

    def marked():
        inputs = (panel.title_edit, panel.start_edit, panel.end_edit)
        return [w for w in inputs if w.property("invalid")]

    panel.end_edit.setText("1")  # before the start: the end is at fault
    assert not panel.apply_form()
    assert marked() == [panel.end_edit]
    panel.end_edit.setText("5")
    panel.title_edit.setText("x" * 400)
    assert not panel.apply_form()
    assert marked() == [panel.title_edit]
    panel.title_edit.setText("Marked")
    panel.end_edit.setText("0:05.5")
    assert panel.apply_form() and marked() == []
    assert context.chapters.get(vod.id, chapter.id).title == "Marked"


def test_filters(editor, context, vod, chapters_panel):
    context.chapters.add(vod.id, title="Manual talk", start_time=0, end_time=3)
    context.chapters.add(
        vod.id,
        title="AI sure",
        start_time=3,
        end_time=6,
        source=ChapterSource.AI,
        confidence_score=0.9,
    )
    context.chapters.add(
        vod.id,
        title="AI unsure",
        start_time=6,
        end_time=9,
        source=ChapterSource.AI,
        confidence_score=0.3,
    )
    editor.reload_chapters()
    panel = chapters_panel
    panel.source.setCurrentIndex(2)
    assert [c.title for c in panel.model.chapters] == ["AI sure", "AI unsure"]
    panel.min_confidence.setCurrentIndex(1)  # scored ≥ 50 %
    assert [c.title for c in panel.model.chapters] == ["AI sure"]
    panel.source.setCurrentIndex(0)  # all sources: the unscored manual chapters stay hidden
    assert [c.title for c in panel.model.chapters] == ["AI sure"]
    panel.min_confidence.setCurrentIndex(0)
    QTest.keyClicks(panel.search, "talk")
    panel.refresh()
    assert [c.title for c in panel.model.chapters] == ["Manual talk"]
    assert "2 hidden" in panel.count_label.text()


@pytest.mark.media
def test_thumbnail_default_selection(qtbot, editor, context, vod):
    panel = editor.panels["Thumbnails"]
    editor.tabs.setCurrentWidget(panel)
    panel.sizes.setCurrentIndex(2)  # small only: quick
    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.task is None and len(panel.infos) == 5, timeout=60000)
    assert [i.is_default for i in panel.infos].count(True) == 1
    current_default = next(i for i in panel.infos if i.is_default)
    other = next(i for i in panel.infos if not i.is_default)
    panel.select(other.thumbnail_id)
    assert panel.default_button.isEnabled()
    panel.default_button.click()
    defaults = [t for t in context.thumbnails.list(vod.id) if t.is_default]
    assert [t.thumbnail_id for t in defaults] == [other.thumbnail_id]
    panel.select(other.thumbnail_id)
    assert not panel.delete_button.isEnabled()  # the default cannot be deleted
    panel.select(current_default.thumbnail_id)
    panel.delete_button.click()
    panel.commit_delete()  # the Undo bar's time is up
    assert current_default.thumbnail_id not in {
        t.thumbnail_id for t in context.thumbnails.list(vod.id)
    }
    editor.seek(3.0)
    panel.playhead_button.click()
    qtbot.waitUntil(lambda: panel.task is None and len(panel.infos) == 5, timeout=60000)
    assert any(abs(i.requested_timestamp - 3.0) < 0.01 for i in panel.infos)


@pytest.fixture
def transcode_vod(context, clip_factory):
    clip = clip_factory("hls.mp4", seconds=3, size="640x360", rate=15)
    return context.vods.import_file(clip, title="HLS test")


@pytest.fixture
def transcode_editor(qtbot, themed, context, transcode_vod):
    from ui.editor import EditorView
    from ui.jobs_bridge import stop_job_bridge

    view = EditorView(context, transcode_vod.id)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    yield view
    view.close_editor()
    stop_job_bridge(context)
    view.tasks.wait(5000)


def test_rungs_above_the_source_start_unticked_and_say_why(transcode_editor):
    panel = transcode_editor.panels["Transcode"]  # the VOD is 640x360
    ticked = {q: box.isChecked() for q, box in panel.quality_boxes.items()}
    assert ticked == {"360p": True, "720p": False, "1080p": False}
    assert panel.quality_boxes["1080p"].text() == "1080p (above source)"
    assert "640x360" in panel.quality_boxes["720p"].toolTip()
    assert panel.selected_qualities() == ["360p"]


def test_a_source_below_every_rung_keeps_the_lowest_ticked(qtbot, themed, context, clip_factory):
    from ui.editor import EditorView

    tiny = context.vods.import_file(clip_factory("tiny.mp4", seconds=2, size="320x180"))
    view = EditorView(context, tiny.id)
    qtbot.addWidget(view)
    try:
        assert view.panels["Transcode"].selected_qualities() == ["360p"]
    finally:
        view.close_editor()
        view.tasks.wait(5000)


@pytest.mark.media
def test_a_real_transcode_reaches_100_percent_in_the_panel(qtbot, transcode_editor, transcode_vod):
    panel = transcode_editor.panels["Transcode"]
    for quality, box in panel.quality_boxes.items():
        box.setChecked(quality == "360p")
    seen = []
    panel.start_button.click()
    qtbot.waitUntil(lambda: panel.job is not None, timeout=30000)  # queued on a worker
    assert panel.job.status in ("queued", "processing")

    def finished() -> bool:  # sampled while the job runs (it is processing for seconds)
        seen.append((panel.job.status, panel.rows["360p"].bar.value()))
        return panel.job.status in ("completed", "failed")

    qtbot.waitUntil(finished, timeout=120000)
    assert panel.job.status == "completed", panel.job.error
    assert panel.rows["360p"].bar.value() == 100
    assert panel.overall.value() == 100
    assert "done" in panel.rows["360p"].state.text()
    (output,) = [o for o in panel.job.outputs if o.quality == "360p"]
    # The row says how the rendition was made: a remux of the source's own stream, or not.
    assert ("remuxed" in panel.rows["360p"].state.text()) == (output.method == "copy")
    assert panel.rows["720p"].state.text() == "not requested"
    assert panel.rows["720p"].bar.isHidden() and not panel.rows["360p"].bar.isHidden()
    assert panel.play_button.isEnabled()
    assert any(status == "processing" for status, _ in seen)
    master = panel.job.master_playlist
    assert master.endswith(".m3u8")
    panel.play_button.click()
    assert transcode_editor.messages[-1] == (f"Playing {master}", False)


def _shows_whole_text(label) -> bool:
    from PySide6.QtCore import QRect

    room = QRect(0, 0, label.contentsRect().width(), 10_000)
    wrap = Qt.TextFlag.TextWordWrap if label.wordWrap() else Qt.TextFlag(0)
    needed = label.fontMetrics().boundingRect(room, wrap, label.text())
    return needed.width() <= room.width() and needed.height() <= label.contentsRect().height()


@pytest.mark.media
def test_cancelling_a_running_transcode(qtbot, context, clip_factory, themed):
    from ui.editor import EditorView
    from ui.jobs_bridge import stop_job_bridge

    clip = clip_factory("long.mp4", seconds=40, size="640x360", rate=30)
    vod = context.vods.import_file(clip, title="Cancel me")
    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    try:
        panel = view.panels["Transcode"]
        for quality, box in panel.quality_boxes.items():
            box.setChecked(quality == "360p")
        panel.start_button.click()
        qtbot.waitUntil(
            lambda: panel.job is not None and panel.job.status == "processing", timeout=60000
        )
        qtbot.waitUntil(lambda: panel.job.progress > 0, timeout=60000)
        assert panel.cancel_button.isEnabled()
        panel.cancel_button.click()
        qtbot.waitUntil(lambda: panel.job.status == "cancelled", timeout=60000)
        assert panel.rows["360p"].state.text().startswith("cancelled")
        # its one quality's bar stays at the work kept (what Retry resumes from), not 0 %
        kept = panel.job.progress
        assert kept > 0 and panel.rows["360p"].bar.value() == kept
        assert panel.rows["360p"].state.text() == f"cancelled · {kept}% kept"
        view.tabs.setCurrentWidget(panel)
        view.resize(800, 700)  # the side panel at its narrowest: the whole state still shows
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: _shows_whole_text(panel.rows["360p"].state), timeout=5000)
        assert not panel.rows["360p"].retry_button.isHidden()  # a cancel offers Retry
        assert not panel.cancel_button.isEnabled()
        assert panel.start_button.isEnabled()
        assert context.transcodes.status(vod.id).status == "cancelled"
    finally:
        view.close_editor()
        stop_job_bridge(context)


@pytest.mark.media
def test_a_failed_quality_can_be_retried_from_the_panel(
    qtbot, themed, context, clip_factory, tmp_path
):
    import shutil

    from ui.editor import EditorView
    from ui.jobs_bridge import stop_job_bridge

    original = clip_factory("retry.mp4", seconds=2, size="640x360", rate=15)
    source = tmp_path / "retry-source.mp4"
    shutil.copy(original, source)
    vod = context.vods.import_file(source, title="Retry me")
    context.transcodes.start(vod.id, ["360p"])
    source.write_bytes(b"not a video any more")  # breaks before the runner gets to it
    view = EditorView(context, vod.id)  # the panel finds the queued job and runs it
    qtbot.addWidget(view)
    try:
        panel = view.panels["Transcode"]
        # the job is read off the GUI thread, then run
        qtbot.waitUntil(
            lambda: panel.job is not None and panel.job.status == "failed", timeout=60000
        )
        row = panel.rows["360p"]
        assert row.state.text() == "failed" and not row.retry_button.isHidden()
        assert panel.error_label.text()
        shutil.copy(original, source)  # the user put the file back
        row.retry_button.click()
        qtbot.waitUntil(lambda: panel.job.status == "completed", timeout=120000)
        assert row.bar.value() == 100 and row.retry_button.isHidden()
    finally:
        view.close_editor()
        stop_job_bridge(context)


@pytest.mark.media
def test_chapter_thumbnails_show_in_the_list(qtbot, editor, context, vod):
    context.chapters.add(vod.id, title="Opening", start_time=0, end_time=6)
    context.chapters.add(vod.id, title="Middle", start_time=8, end_time=14)
    editor.reload_chapters()
    panel = editor.panels["Thumbnails"]
    panel.chapters_button.click()
    qtbot.waitUntil(lambda: panel.task is None, timeout=60000)
    chapters = context.chapters.list(vod.id).chapters
    assert all(c.thumbnail_url and c.thumbnail_url.startswith("file:") for c in chapters)
    model = editor.panels["Chapters"].model
    icon = model.data(model.index(0, 1), Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()


def test_chapter_file_buttons_keep_their_short_labels_as_they_turn_on(
    editor, context, vod, chapters_panel
):
    def labels():
        return [(b.text(), b.isEnabled()) for b in chapters_panel.file_buttons]

    assert labels() == [("Import…", True), ("Export…", False), ("YouTube…", False)]
    editor.add_chapter(1.0, 4.0, "First")
    assert labels() == [("Import…", True), ("Export…", True), ("YouTube…", True)]

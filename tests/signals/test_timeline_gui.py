"""The signals on the real timeline, driven with the mouse and keyboard (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from core.domain.signals import SignalKind
from ui.timeline.painting import LANE_HEIGHT, LANE_TOP, WAVE_HEIGHT, WAVE_TOP

from .conftest import CUT, SILENCE, STATIC

pytestmark = [pytest.mark.gui, pytest.mark.media]

LANE_Y = int(LANE_TOP + LANE_HEIGHT / 2)
WAVE_MIDDLE = int(WAVE_TOP + WAVE_HEIGHT / 2)


@pytest.fixture
def editor(qtbot, qapp, monkeypatch, analysed):
    from ui.editor import EditorView
    from ui.theme import apply_theme

    monkeypatch.setenv("VODSTUDIO_PLAYER", "none")
    monkeypatch.setenv("VODSTUDIO_FILMSTRIP", "0")
    apply_theme(qapp)
    context, vod_id = analysed
    context.chapters.replace_all(vod_id, [])
    view = EditorView(context, vod_id)
    qtbot.addWidget(view)
    view.resize(1400, 820)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.signals.signals is not None, timeout=20000)
    yield view
    view.close_editor()
    view.tasks.cancel_all()
    view.tasks.wait(5000)


def x_of(timeline, seconds: float) -> int:
    return round(timeline.viewport.time_to_x(seconds))


def pixel(timeline, seconds: float, y: int) -> str:
    return QColor(timeline.grab().toImage().pixel(x_of(timeline, seconds), y)).name()


def near(timeline, seconds: float, y: int) -> set[str]:
    image = timeline.grab().toImage()
    x = x_of(timeline, seconds)
    return {QColor(image.pixel(x + dx, y)).name() for dx in (-1, 0, 1)}


def test_the_lane_draws_the_waveform_and_each_kind_of_mark(editor):
    timeline = editor.timeline
    assert pixel(timeline, 150, WAVE_MIDDLE) == "#7c89c9"  # the tone's waveform
    assert pixel(timeline, (SILENCE[0] + SILENCE[1]) / 2, int(WAVE_TOP) + 3) == "#1e2a44"
    assert pixel(timeline, 50, int(WAVE_TOP) + 1) == "#f59e0b"  # the static card's strip
    assert "#22d3ee" in near(timeline, CUT, int(WAVE_TOP) + 2)  # the scene cut
    editor.timeline_view.signal_buttons[SignalKind.SCENE].click()
    assert "#22d3ee" not in near(timeline, CUT, int(WAVE_TOP) + 2)
    editor.timeline_view.signal_buttons[SignalKind.SILENCE].click()
    assert pixel(timeline, (SILENCE[0] + SILENCE[1]) / 2, int(WAVE_TOP) + 3) != "#1e2a44"


def _drag_to(timeline, qtbot, start_x: int, end_x: int):
    """Press, move and look before releasing (the feedback shows during the drag)."""
    QTest.mousePress(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(start_x, LANE_Y)
    )
    for step in range(1, 7):
        QTest.mouseMove(timeline, QPoint(start_x + (end_x - start_x) * step // 6, LANE_Y))
    drag = timeline.drag
    shown = timeline.grab().toImage()
    QTest.mouseRelease(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(end_x, LANE_Y)
    )
    return drag, shown


def test_an_edge_snaps_to_a_scene_cut_with_visible_feedback(editor, qtbot, analysed):
    context, vod_id = analysed
    timeline = editor.timeline
    timeline.viewport.show_range(CUT - 10, CUT + 10)  # keyframes 0.6 s away stay out of reach
    timeline.update()
    cut = min(
        (e.start for e in editor.signals.signals.of_kind(SignalKind.SCENE)),
        key=lambda t: abs(t - CUT),
    )
    drag, shown = _drag_to(timeline, qtbot, x_of(timeline, CUT - 8), x_of(timeline, cut) + 5)
    assert drag.snapped_to == pytest.approx(cut) and drag.snapped_label == "scene cut"
    snap_x = x_of(timeline, cut)
    label = [QColor(shown.pixel(snap_x + dx, 30)).name() for dx in range(6, 30)]
    assert "#fde047" in label  # the "⟂ scene cut" box by the snap line
    (chapter,) = context.chapters.list(vod_id).chapters
    assert chapter.end_time == pytest.approx(cut, abs=1e-6)

    editor.undo_stack.undo()
    editor.timeline_view.signal_buttons[SignalKind.SCENE].setChecked(False)  # nothing to snap
    drag, _ = _drag_to(timeline, qtbot, x_of(timeline, CUT - 8), x_of(timeline, cut) + 5)
    assert drag.snapped_label != "scene cut"
    (chapter,) = context.chapters.list(vod_id).chapters
    assert chapter.end_time != pytest.approx(cut, abs=1e-3)


def test_a_click_in_the_lane_lands_on_the_mark_near_it(editor):
    timeline = editor.timeline
    timeline.viewport.show_range(STATIC[1] - 10, STATIC[1] + 10)
    QTest.mouseClick(
        timeline,
        Qt.MouseButton.LeftButton,
        pos=QPoint(x_of(timeline, STATIC[1]) + 4, WAVE_MIDDLE),
    )
    assert editor.playhead() == pytest.approx(STATIC[1], abs=0.06)


def test_keys_jump_between_signals(editor, qtbot):
    editor.timeline.setFocus()
    editor.seek(0)
    QTest.keyClick(editor.timeline, Qt.Key.Key_BracketRight)
    assert editor.playhead() == pytest.approx(STATIC[0], abs=0.06)
    QTest.keyClick(editor.timeline, Qt.Key.Key_BracketRight)
    assert editor.playhead() == pytest.approx(STATIC[1], abs=0.06)
    QTest.keyClick(editor.timeline, Qt.Key.Key_BracketLeft)
    assert editor.playhead() == pytest.approx(STATIC[0], abs=0.06)
    editor.timeline_view.signal_buttons[SignalKind.STATIC].setChecked(False)
    editor.seek(100.5)
    QTest.keyClick(editor.timeline, Qt.Key.Key_BracketRight)  # the black edge is hidden too
    assert editor.playhead() == pytest.approx(SILENCE[0], abs=0.06)


def test_suggestions_are_one_undo_step_and_leave_manual_chapters(editor, qtbot, analysed):
    from core.domain.chapters import ChapterSource

    context, vod_id = analysed
    manual = context.chapters.add(vod_id, title="My intro", start_time=150, end_time=160).added[0]
    old_ai = context.chapters.add(
        vod_id, title="Old AI", start_time=5, end_time=20, source=ChapterSource.AI
    ).added[0]
    editor.reload_chapters()
    before = context.chapters.list(vod_id).chapters
    steps = editor.undo_stack.count()
    button = editor.timeline_view.suggest_button
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: editor.undo_stack.count() == steps + 1, timeout=10000)
    after = context.chapters.list(vod_id).chapters
    kept = context.chapters.get(vod_id, manual.id)
    assert (kept.title, kept.start_time, kept.end_time, kept.source) == (
        manual.title,
        manual.start_time,
        manual.end_time,
        manual.source,
    )  # untouched (its position number may change with the chapters around it)
    assert old_ai.id not in {c.id for c in after}  # AI chapters are replaced, as AI generation does
    suggested = [c for c in after if c.source == ChapterSource.AI]
    assert len(suggested) >= 4
    assert all(c.confidence_score is not None for c in suggested)
    starts = {round(c.start_time) for c in suggested}
    assert {STATIC[0], STATIC[1], round(CUT)} <= starts
    assert len(editor.timeline.index) == len(after)  # the timeline shows them
    assert editor.undo_stack.undoText().startswith("Suggest ")
    editor.undo_stack.undo()
    assert context.chapters.list(vod_id).chapters == before
    editor.undo_stack.redo()
    assert context.chapters.list(vod_id).chapters == after


def test_the_waveform_grows_on_the_timeline_while_the_analysis_runs(
    qtbot, qapp, monkeypatch, context, fresh_vod
):
    from ui.editor import EditorView
    from ui.theme import apply_theme

    monkeypatch.setenv("VODSTUDIO_PLAYER", "none")
    monkeypatch.setenv("VODSTUDIO_FILMSTRIP", "0")
    monkeypatch.setenv("VODSTUDIO_AUTO_SIGNALS", "1")
    apply_theme(qapp)
    view = EditorView(context, fresh_vod)  # never analysed: it starts by itself
    qtbot.addWidget(view)
    view.resize(1400, 820)
    view.show()
    seen = []

    def look() -> None:
        if view.signals.task is not None:
            seen.append(view.timeline.signal_lane.seconds_drawn())

    view.tasks.activity_changed.connect(look)
    try:
        qtbot.waitUntil(lambda: view.signals.signals is not None, timeout=60000)
    finally:
        view.close_editor()
        view.tasks.wait(5000)
    partial = [s for s in seen if 0 < s < 190]
    assert partial, seen  # drawn from the part read so far, before the analysis ended
    assert partial == sorted(partial)
    assert view.timeline.signal_lane.seconds_drawn() == pytest.approx(200, abs=0.1)


def test_the_ai_tab_offers_the_signals_as_soon_as_the_analysis_ends(
    qtbot, qapp, monkeypatch, context, fresh_vod
):
    from ui.editor import EditorView

    monkeypatch.setenv("VODSTUDIO_PLAYER", "none")
    monkeypatch.setenv("VODSTUDIO_FILMSTRIP", "0")
    view = EditorView(context, fresh_vod)
    qtbot.addWidget(view)
    view.resize(1400, 820)
    view.show()
    try:
        ai_tab = view.panels["AI"]
        view.tabs.setCurrentWidget(ai_tab)
        qtbot.waitExposed(ai_tab)
        assert view.signals.signals is None, "the analysis ended before the tab showed"
        assert not ai_tab.signals_check.isVisible()
        qtbot.waitUntil(lambda: view.signals.signals is not None, timeout=60000)
        assert ai_tab.signals_check.isVisible()  # no need to leave the tab and come back
    finally:
        view.close_editor()
        view.tasks.cancel_all()
        view.tasks.wait(5000)

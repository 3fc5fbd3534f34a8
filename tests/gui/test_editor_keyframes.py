"""The editor's keyframes for snapping: read from the file once, then from the VOD's row."""

from __future__ import annotations

import pytest

from core.media import keyframes as keyframes_module


def _open(qtbot, context, vod_id):
    from ui.editor import EditorView

    view = EditorView(context, vod_id)
    qtbot.addWidget(view)
    return view


def _close(view) -> None:
    view.close_editor()
    view.tasks.cancel_all()
    view.tasks.wait(5000)


def test_keyframes_are_read_once_and_reused_on_the_next_open(
    qtbot, themed, context, clip_factory, monkeypatch
):
    clip = clip_factory("keyframes.mp4", seconds=6, size="160x90", rate=10, extra=["-g", "20"])
    vod = context.vods.import_file(clip, title="Keyframes")
    reads = []
    real = keyframes_module.keyframe_times
    monkeypatch.setattr(
        keyframes_module,
        "keyframe_times",
        lambda *args, **kwargs: reads.append(args) or real(*args, **kwargs),
    )

    first = _open(qtbot, context, vod.id)
    try:
        qtbot.waitUntil(lambda: bool(first.timeline.keyframes), timeout=20000)
        assert first.timeline.keyframes == pytest.approx([0.0, 2.0, 4.0], abs=0.06)
    finally:
        _close(first)
    assert len(reads) == 1
    assert context.vods.get(vod.id).keyframes == pytest.approx([0.0, 2.0, 4.0], abs=0.06)

    second = _open(qtbot, context, vod.id)
    try:
        qtbot.waitUntil(lambda: bool(second.timeline.keyframes), timeout=20000)
        assert second.timeline.keyframes == first.timeline.keyframes
    finally:
        _close(second)
    assert len(reads) == 1  # the second open read the row, not the file

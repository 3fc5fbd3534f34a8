"""Labels that give way on a narrow window cut where the reader loses least."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.elided_label import ElidedLabel

HINT = "Drag on empty space to draw a chapter · drag edges to resize · double-click to rename"
PATH = "/home/streamer/Videos/2026/december/a rather long folder name/friday-stream.mp4"


def test_a_sentence_is_cut_at_its_end_and_a_path_in_its_middle(qtbot):
    hint = ElidedLabel(HINT, elide=Qt.TextElideMode.ElideRight)
    path = ElidedLabel(PATH)
    for label in (hint, path):
        qtbot.addWidget(label)
        label.resize(220, 20)
        label.show()
    assert hint.elided_text().startswith("Drag on empty") and hint.elided_text().endswith("…")
    assert path.elided_text().startswith("/home") and path.elided_text().endswith(".mp4")
    assert "…" in path.elided_text()
    assert hint.toolTip() == HINT and path.toolTip() == PATH

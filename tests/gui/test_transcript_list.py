"""The AI tab's transcript list over a ten-hour, word-level transcript."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.ai.transcript import Segment
from ui.transcript_list import TranscriptList

LINES = 60_000  # ten hours of a recogniser giving a cue every 0.6 s


def test_a_word_level_ten_hour_transcript_is_listed_and_every_line_seeks(qtbot):
    segments = [Segment(i * 0.6, i * 0.6 + 0.5, f"word {i}") for i in range(LINES)]
    view = TranscriptList()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    seeks: list[float] = []
    view.line_activated.connect(seeks.append)
    view.show_segments(segments)
    assert view.count() == LINES
    assert view.line_text(0) == "[0:00] word 0"
    assert view.line_text(LINES - 1) == "[9:59:59.4] word 59999"
    # The view lays the lines out in batches between events: wait until the last is placed.
    qtbot.waitUntil(lambda: view.line_rect(LINES - 1).isValid())
    view.select_line(LINES - 1)
    view.scrollTo(view.currentIndex())
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert seeks == [segments[-1].start]
    rect = view.line_rect(LINES - 2)
    assert view.viewport().rect().contains(rect.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seeks[-1] == segments[-2].start
    view.show_segments([])
    assert view.count() == 0

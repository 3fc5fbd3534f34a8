"""Messages never cover the side panel's buttons."""

from __future__ import annotations

from PySide6.QtCore import QRect


def test_toast_sits_clear_of_the_side_panel(qtbot, themed, context, vod):
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1440, 880)
    window.show()
    qtbot.waitExposed(window)
    window.open_vod(vod.id)
    window.editor.tabs.setCurrentWidget(window.editor.panels["AI"])
    window.show_message("Transcode complete: 360p ready (720p, 1080p skipped: above the source)")
    assert window.toast.isVisible()
    tabs = window.editor.tabs
    panel_rect = QRect(tabs.mapTo(window, tabs.rect().topLeft()), tabs.size())
    assert not window.toast.geometry().intersects(panel_rect)
    assert window.toast.geometry().bottom() < window.statusBar().geometry().top()
    window.close()

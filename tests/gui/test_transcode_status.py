"""After a real transcode: the status bar says how it ended, and a skipped rung shows no bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.mark.media
def test_status_bar_reports_the_end_and_skipped_rungs_hide_their_bar(
    qtbot, themed, context, clip_factory
):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    clip = clip_factory("hls.mp4", seconds=3, size="640x360", rate=15)
    vod = context.vods.import_file(clip, title="Skip test")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        window.open_vod(vod.id)
        panel = window.editor.panels["Transcode"]
        window.editor.tabs.setCurrentWidget(panel)
        for quality, box in panel.quality_boxes.items():
            box.setChecked(quality in ("360p", "720p"))  # 720p is above this 360p source
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: window.message_label.text().startswith("Transcode queued"), timeout=30000
        )
        qtbot.waitUntil(lambda: panel.job.status in ("completed", "failed"), timeout=120000)
        assert panel.job.status == "completed", panel.job.error
        message = window.message_label.text()
        assert message.startswith("Transcode complete: 360p ready"), message
        assert "720p skipped" in message
        assert panel.rows["360p"].bar.isVisible() and panel.rows["360p"].bar.value() == 100
        assert not panel.rows["720p"].bar.isVisible()
        assert panel.rows["720p"].state.text().startswith("skipped")
    finally:
        window.close()
        stop_job_bridge(context)

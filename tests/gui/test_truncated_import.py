"""Importing a recording cut short says so in the window (issue 19, item 4)."""

from __future__ import annotations


def test_the_window_says_a_recording_is_cut_short(qtbot, themed, context, clip_factory, tmp_path):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    whole = clip_factory(
        "indexed.mp4", seconds=10, size="640x360", extra=["-movflags", "+faststart"]
    )
    cut = tmp_path / "cut-short.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        window.import_file(str(cut))
        qtbot.waitUntil(lambda: "cut short" in window.statusBar().currentMessage(), timeout=60000)
        assert "cut-short.mp4" in window.statusBar().currentMessage()
    finally:
        window.tasks.cancel_all()
        window.tasks.wait(5000)
        stop_job_bridge(context)

"""Importing a recording cut short says so in the window (issue 19, item 4)."""

from __future__ import annotations


def test_the_window_says_a_recording_is_cut_short(qtbot, themed, context, clip_factory, tmp_path):
    from ui.jobs_bridge import stop_job_bridge
    from ui.library.delegate import VOD_ROLE
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

        # Later, too: the library card wears it, and the editor says it when it opens.
        [row] = [
            r
            for r in range(window.library.model.rowCount())
            if "cut-short" in window.library.model.item(r).data(VOD_ROLE)["title"]
        ]
        card = window.library.model.item(row)
        assert "cut short" in card.data(VOD_ROLE)["badges"]
        assert "cut-short.mp4 is cut short" in card.toolTip()
        window.open_vod(card.data(VOD_ROLE)["id"])
        qtbot.waitUntil(
            lambda: any("cut short" in text for text, _ in window.editor.messages), timeout=5000
        )
        window.show_library()
    finally:
        window.tasks.cancel_all()
        window.tasks.wait(5000)
        stop_job_bridge(context)

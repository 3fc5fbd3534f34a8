"""Transcodes in the app survive quitting and cancelling: quitting with a job running asks
first, and the job resumes at the next start with its finished segments kept; a cancelled
job offers Retry, which resumes; one quality can be cancelled while the other goes on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.farm import hls_checks
from tests.media.resume_helpers import (
    VIDEO_RUNGS,
    identities,
    job_folder,
    kept_fraction,
    work_segments,
)

pytestmark = pytest.mark.media
TIMEOUT_MS = 300_000


@pytest.fixture
def source(clip_factory):
    return clip_factory("resume.mp4", seconds=30, size="1280x720", rate=10)


def _window(qtbot, context):
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def _transcode_panel(window, vod_id):
    window.open_vod(vod_id)
    panel = window.editor.panels["Transcode"]
    window.editor.tabs.setCurrentWidget(panel)
    return panel


def _start(qtbot, panel) -> None:
    for quality, box in panel.quality_boxes.items():
        box.setChecked(quality in VIDEO_RUNGS)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.job is not None, timeout=30_000)  # queued on a worker


def _segments_done(qtbot, context, count: int, qualities=VIDEO_RUNGS):
    def reached():
        folder = job_folder(context.data_dir)
        return bool(folder) and all(len(work_segments(folder, q)) >= count for q in qualities)

    qtbot.waitUntil(reached, timeout=TIMEOUT_MS)
    return job_folder(context.data_dir)


def _status(context, vod_id) -> dict:
    return context.transcodes.status(vod_id).to_json()


def _assert_complete_ladder(output, source) -> None:
    duration = float(
        hls_checks.ffprobe_json("-show_entries", "format=duration", str(source))["format"][
            "duration"
        ]
    )
    hls_checks.assert_master(output / "master.m3u8", list(VIDEO_RUNGS))
    for quality in VIDEO_RUNGS:
        hls_checks.assert_joined_rung(output / quality / "playlist.m3u8", source, 10.0, duration)


def test_quit_with_a_running_transcode_asks_and_it_resumes_at_the_next_start(
    qtbot, themed, context, source
):
    from ui.jobs_bridge import stop_job_bridge

    vod = context.vods.import_file(source, title="Quit test")
    window = _window(qtbot, context)
    second = None
    try:
        _start(qtbot, _transcode_panel(window, vod.id))
        output = _segments_done(qtbot, context, 2)

        window.quit_action.trigger()  # Ctrl+Q
        prompt = window.quit_prompt
        assert prompt is not None and prompt.isVisible() and window.isVisible()
        assert "transcode is running" in prompt.text()
        keep = next(b for b in prompt.buttons() if b.text() == "Keep running")
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
        assert window.isVisible() and _status(context, vod.id)["status"] == "processing"

        window.quit_action.trigger()
        before = {q: identities(work_segments(output, q)) for q in VIDEO_RUNGS}
        qtbot.mouseClick(window.quit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
        waiting = _status(context, vod.id)
        assert waiting["status"] == "queued"
        assert any("when the app closed" in note for note in waiting["notes"])

        second = _window(qtbot, context)  # the next start: the job resumes by itself
        qtbot.waitUntil(
            lambda: _status(context, vod.id)["status"] in ("completed", "failed"),
            timeout=TIMEOUT_MS,
        )
        final = _status(context, vod.id)
        assert final["status"] == "completed", final["error"]
        assert not any("closed" in note for note in final["notes"]), final["notes"]
        kept = kept_fraction(before, output)
        print(f"\nquit and reopen: {kept:.0%} of the video segments were kept")
        assert kept > 0
        _assert_complete_ladder(output, source)
    finally:
        stop_job_bridge(context)
        if second is not None:
            second.close()


def test_cancel_offers_retry_and_one_quality_can_be_cancelled_alone(qtbot, themed, context, source):
    from ui.jobs_bridge import stop_job_bridge

    vod = context.vods.import_file(source, title="Cancel test")
    window = _window(qtbot, context)
    try:
        panel = _transcode_panel(window, vod.id)
        _start(qtbot, panel)
        output = _segments_done(qtbot, context, 1)

        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.job.status == "cancelled", timeout=60_000)
        assert panel.resume_button.isVisible()
        assert all(panel.rows[q].retry_button.isVisible() for q in VIDEO_RUNGS)
        before = {q: identities(work_segments(output, q)) for q in VIDEO_RUNGS}

        qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
        _segments_done(qtbot, context, 2)
        qtbot.waitUntil(lambda: panel.rows["720p"].cancel_button.isVisible(), timeout=10_000)
        qtbot.mouseClick(panel.rows["720p"].cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.job.status in ("completed", "failed"), timeout=TIMEOUT_MS)
        assert panel.job.completed_qualities == ["360p"], panel.job.error
        assert panel.job.cancelled_qualities == ["720p"]
        assert panel.rows["720p"].retry_button.isVisible()
        assert panel.rows["720p"].state.text().startswith("cancelled")
        assert kept_fraction(before, output, ("360p",)) > 0
        before_720 = {"720p": identities(work_segments(output, "720p"))}

        qtbot.mouseClick(panel.rows["720p"].retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                panel.job.status in ("completed", "failed")
                and "720p" in panel.job.completed_qualities
            ),
            timeout=TIMEOUT_MS,
        )
        assert kept_fraction(before_720, output, ("720p",)) > 0
        _assert_complete_ladder(output, source)
    finally:
        window.close()
        stop_job_bridge(context)


def test_sigterm_to_the_app_stops_its_transcode_cleanly_to_resume_later(tmp_path, source):
    """A logout sends SIGTERM: the app closes as File ▸ Quit does, the running job is
    queued to resume, and no ffmpeg is left."""
    import os
    import signal
    import subprocess
    import sys

    from tests.media.resume_helpers import (
        REPO,
        assert_no_ffmpeg_left,
        cli,
        job_status,
        wait_for,
    )

    data = tmp_path / "data"
    vod = cli(data, "import", str(source)).stdout.strip().splitlines()[-1]
    queued = cli(data, "transcode", "start", vod, "--qualities", "360p,720p", "--preset", "medium")
    assert queued.returncode == 0, queued.stderr
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data)],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The app resumes queued transcodes by itself when it opens.
        wait_for(
            lambda: (f := job_folder(data)) and len(work_segments(f, "720p")) >= 1,
            what="the app to run the queued transcode",
        )
        app.send_signal(signal.SIGTERM)
        _, stderr = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0, stderr
    assert_no_ffmpeg_left(data)
    waiting = job_status(data, vod)
    assert waiting["status"] == "queued"
    assert any("when the app closed" in note for note in waiting["notes"])

"""The editor's side of a VOD's signals: load them, analyse when needed (the waveform grows
on the timeline while it runs), cancel, jump between signals, and suggest chapters.

All work runs on the editor's task runner: the analysis in ``core.jobs.signals`` (ffmpeg,
numpy, SQLite), loading a stored analysis too (a 12-hour VOD's peaks are ~20 MB). The GUI
thread only swaps in finished objects and repaints, at most a few times a second.
"""

from __future__ import annotations

import os
import threading
import time

from PySide6.QtCore import QObject, QTimer

from core.domain.errors import StateError
from core.domain.signals import AnalysisState, SignalKind
from core.media.errors import MediaCancelled
from core.timeline.signals import SignalMarks

REPAINT_INTERVAL = 0.2
PROGRESS_INTERVAL = 0.1
BUSY_ELSEWHERE_POLL_MS = 2000


class SignalsController(QObject):
    def __init__(self, editor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.view = editor.timeline_view
        self.lane = editor.timeline.signal_lane
        self.signals = None  # the loaded ``VodSignals``
        self.task = None
        self._user_cancel: threading.Event | None = None
        self._accumulator = None
        self._last_repaint = 0.0
        self._closed = False
        self._poll = QTimer(self, interval=BUSY_ELSEWHERE_POLL_MS, singleShot=True)
        self._poll.timeout.connect(self.start)
        self.view.analyze_requested.connect(lambda: self.analyze(force=True))
        self.view.cancel_analysis_requested.connect(self.cancel)
        self.view.suggest_requested.connect(self.suggest)

    @property
    def service(self):
        return self.editor.context.signals

    # --- loading -------------------------------------------------------------------------
    def start(self) -> None:
        """Show the stored signals, or start (or resume) the analysis they need."""
        vod_id, service = self.editor.vod_id, self.service

        def load(progress, cancel):
            status = service.status(vod_id)
            loaded = service.load(vod_id) if status.state == AnalysisState.COMPLETED else None
            return status, loaded, loaded is None and service.needs_analysis(vod_id)

        self.editor.tasks.run_task(load, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, found) -> None:
        status, loaded, needed = found
        if self._closed:
            return
        if loaded is not None:
            self._apply(loaded)
        elif status.state == AnalysisState.PROCESSING:
            self._show_state("Signals are being analysed by another VOD Studio window…")
            self._poll.start()
        elif needed and os.environ.get("VODSTUDIO_AUTO_SIGNALS", "1") != "0":
            self.analyze()
        else:
            reason = {
                AnalysisState.CANCELLED: "analysis cancelled",
                AnalysisState.FAILED: f"analysis failed: {status.error}",
            }.get(status.state, "not analysed")
            self._show_state(f"Signals {reason} · click the waveform button to analyse")

    # --- analysing -----------------------------------------------------------------------
    def analyze(self, force: bool = False) -> None:
        if self.task is not None and self.task.is_running():
            return
        vod_id, service = self.editor.vod_id, self.service
        user_cancel = self._user_cancel = threading.Event()
        self._accumulator = None

        def work(progress, stop):
            last = [0.0]

            def report(fraction, stage):
                now = time.monotonic()
                if now - last[0] >= PROGRESS_INTERVAL or fraction >= 1.0:
                    last[0] = now
                    progress(fraction, stage)

            return service.analyze(
                vod_id,
                force=force,
                progress=report,
                cancel=user_cancel,
                stop=stop,
                on_waveform=self._take_accumulator,
                background=True,  # the window stays smooth; ffmpeg takes what is left
            )

        self.view.set_analysis_state(True, "Signals 0%")
        self.lane.status_text = "Analysing signals… the waveform fills in as the file is read"
        self.editor.timeline.update_signal_lane()
        self.task = self.editor.tasks.run_task(
            work,
            on_done=self._analysed,
            on_error=self._failed,
            on_progress=self._progress,
            label="Analysing signals",
        )

    def _take_accumulator(self, live) -> None:  # on the worker thread
        self._accumulator = live

    def _progress(self, fraction, stage: str) -> None:
        if self._closed:
            return
        self.view.set_analysis_state(True, f"Signals {100 * (fraction or 0):.0f}%")
        self.view.analysis_label.setToolTip(stage)
        accumulator = self._accumulator
        if accumulator is not None:
            if self.lane.following is not accumulator:
                self.lane.follow_waveform(accumulator.snapshot, source=accumulator)
                self.lane.status_text = ""
            now = time.monotonic()
            if now - self._last_repaint >= REPAINT_INTERVAL:
                self._last_repaint = now
                self.editor.timeline.update_signal_lane()

    def _analysed(self, loaded) -> None:
        self.task = None
        if self._closed:
            return
        self.view.set_analysis_state(False)
        if loaded is not None:
            self._apply(loaded)
            counts = {kind: len(loaded.of_kind(kind)) for kind in SignalKind}
            self.editor.show_message(
                f"Signals ready: {counts[SignalKind.SCENE]} scene cuts, "
                f"{counts[SignalKind.SILENCE]} silences, "
                f"{counts[SignalKind.STATIC]} static screens, {counts[SignalKind.BLACK]} black"
            )

    def _failed(self, error: BaseException) -> None:
        self.task = None
        if self._closed:
            return
        self.view.set_analysis_state(False)
        if isinstance(error, MediaCancelled):
            self.lane.set_waveform(None)  # nothing of a cancelled run is kept
            self.start()  # an earlier analysis of the same file is still there, or none
            return
        if isinstance(error, StateError) and "already being analysed" in str(error):
            self._show_state("Signals are being analysed by another VOD Studio window…")
            self._poll.start()
            return
        self.lane.set_waveform(None)
        self._show_state(f"Signals analysis failed: {error}")
        self.editor.show_message(f"Signals analysis failed: {error}", error=True)

    def cancel(self) -> None:
        if self._user_cancel is not None:
            self._user_cancel.set()

    def close(self) -> None:
        """The editor closes: an analysis running stops and resumes next time."""
        self._closed = True
        self._poll.stop()
        if self.task is not None:
            self.task.cancel()

    # --- showing -------------------------------------------------------------------------
    def _apply(self, loaded) -> None:
        self.signals = loaded
        self.lane.set_marks(SignalMarks(loaded.events))
        self.lane.set_waveform(loaded.waveform)
        self.lane.status_text = "" if self.lane.has_content else "No audio and no signals found"
        self.view.set_analysis_state(False)
        self.view.suggest_button.setEnabled(True)
        self.editor.timeline.update()
        for panel in self.editor.panels.values():  # e.g. the AI tab's "Weigh the signals" box
            if hasattr(panel, "refresh_signals"):
                panel.refresh_signals(analysed=True)

    def _show_state(self, text: str) -> None:
        self.lane.status_text = text
        self.view.analysis_label.setText("")
        self.editor.timeline.update_signal_lane()

    # --- suggestions ---------------------------------------------------------------------
    def suggest(self) -> None:
        """Chapters from the signals, as AI chapters, in one undo step (the same road and
        rule as AI generation: ``replace_ai``; manual chapters are never touched)."""
        if self.signals is None:
            self.editor.show_message("The signals are not analysed yet", error=True)
            return
        vod_id, service, signals = self.editor.vod_id, self.service, self.signals
        self.view.suggest_button.setEnabled(False)
        self.editor.tasks.run_task(
            lambda progress, cancel: service.suggest_chapters(vod_id, signals),
            on_done=self._suggested,
            on_error=self._suggest_failed,
            label="Suggesting chapters from signals",
        )

    def _suggested(self, result) -> None:
        self.view.suggest_button.setEnabled(True)
        count = len(result.added)
        self.editor.push_change(f"Suggest {count} chapters from signals", result.changes)
        repairs = len(result.report.adjustments)
        self.editor.show_message(
            f"{count} chapters suggested from signals (AI chapters; manual ones kept"
            + (f"; {repairs} trimmed around them" if repairs else "")
            + "). Ctrl+Z takes them back."
        )

    def _suggest_failed(self, error: BaseException) -> None:
        self.view.suggest_button.setEnabled(True)
        self.editor.show_message(str(error), error=True)

    # --- navigation ----------------------------------------------------------------------
    def jump(self, forward: bool) -> float | None:
        """Seek to the next (or previous) edge of a shown signal; where it went, or None."""
        marks, shown = self.lane.marks, self.lane.shown
        at = self.editor.playhead()
        target = marks.next_after(at, shown) if forward else marks.previous_before(at, shown)
        if target is not None:
            self.editor.seek(target)
        return target

"""A VOD's signals analysis run as a job: one at a time per VOD, with progress, cancel and
resume, the way transcode jobs behave.

The analysis runs where it is asked for (the editor's worker thread, or ``vodstudio
signals analyze`` in a terminal), after claiming the VOD's analysis row: a second request
while a live worker runs it is refused, a dead worker's is taken over. While it runs, a
watcher saves progress and a heartbeat every half second and picks up a cancel requested
from anywhere (``signals cancel`` in another shell, the editor's button). An analysis
stopped because its app closed is left ``queued`` and starts over the next time the VOD
is opened; a cancelled or failed one leaves no result rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.domain.changes import ChangeSet
from core.domain.chapters import AiReplacement, Chapter, ChapterDraft
from core.domain.errors import DomainError, StateError
from core.domain.signal_chapters import suggest_chapters
from core.domain.signals import AnalysisState, BoundaryHint
from core.library.chapters import ChapterService
from core.library.signals import SignalStatus, SignalStore, VodSignals
from core.media.errors import MediaCancelled
from core.media.signals import analyze_signals
from core.store.db import Database

from .queue import new_worker_id, worker_alive

REPORT_INTERVAL = 0.5
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Suggestion:
    """What "suggest chapters from signals" did: the drafts, the repairs ``replace_ai`` made
    (``report``), the VOD's chapters after it (``current``) and the change set it stored
    (``changes``: one undo step in the GUI)."""

    drafts: list[ChapterDraft]
    current: list[Chapter]
    report: AiReplacement
    changes: ChangeSet

    @property
    def added(self) -> list[Chapter]:
        return self.report.added


class _Stop:
    """Cancel flag for the analysis: set by the user, by the app closing, or from the
    database (another process asked)."""

    def __init__(self, *events: threading.Event | None) -> None:
        self._events = [e for e in events if e is not None]
        self.requested_elsewhere = threading.Event()

    def is_set(self) -> bool:
        return self.requested_elsewhere.is_set() or any(e.is_set() for e in self._events)


class SignalService:
    def __init__(self, database: Database, *, analyzer=analyze_signals) -> None:
        self.store = SignalStore(database)
        self._chapters = ChapterService(database)
        self._analyzer = analyzer
        self.worker_id = new_worker_id()

    # --- reading -------------------------------------------------------------------------
    def status(self, vod_ref: str) -> SignalStatus:
        """Like the store's, with a running analysis whose worker died shown as
        ``INTERRUPTED`` (analysing again takes it over)."""
        status = self.store.status(vod_ref)
        if status.state == AnalysisState.PROCESSING and not worker_alive(
            status.worker_id, status.heartbeat_at
        ):
            return _replace_state(status, AnalysisState.INTERRUPTED)
        return status

    def load(self, vod_ref: str) -> VodSignals | None:
        return self.store.load(vod_ref)

    def boundary_hints(self, vod_ref: str) -> list[BoundaryHint]:
        return self.store.boundary_hints(vod_ref)

    def needs_analysis(self, vod_ref: str) -> bool:
        """Whether the editor should start (or resume) an analysis by itself: never
        analysed, the file changed, or an earlier run was interrupted or stopped with its
        app. Not after the user cancelled it or it failed."""
        return self.status(vod_ref).state in (
            AnalysisState.MISSING,
            AnalysisState.STALE,
            AnalysisState.INTERRUPTED,
            AnalysisState.QUEUED,
        )

    def suggest_chapters(self, vod_ref: str, signals: VodSignals | None = None) -> Suggestion:
        """Replace the VOD's AI chapters with chapters proposed from its signals (long
        static screens, long silences, strong scene cuts), the way AI generation does:
        manual chapters stay exactly as they are."""
        signals = signals or self.store.load(vod_ref)
        if signals is None:
            raise StateError("this VOD's signals are not analysed yet: run signals analyze first")
        drafts = suggest_chapters(signals.events, signals.duration)
        if not drafts:
            raise StateError(
                "no long static screen, long silence or strong scene cut to suggest chapters from"
            )
        replaced = self._chapters.replace_ai(signals.vod_id, drafts)
        return Suggestion(drafts, replaced.chapters, replaced.value, replaced.changes)

    # --- running -------------------------------------------------------------------------
    def request_cancel(self, vod_ref: str) -> SignalStatus:
        """Ask whoever runs the VOD's analysis to stop (any process)."""
        return self.store.request_cancel(vod_ref)

    def analyze(
        self,
        vod_ref: str,
        *,
        force: bool = False,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        stop: threading.Event | None = None,
        on_waveform: Callable[[Any], None] | None = None,
        background: bool = False,
    ) -> VodSignals | None:
        """Analyse the VOD's file (unless a current analysis exists and not ``force``) and
        return its signals. ``cancel`` is the user's cancel (the run ends ``cancelled``);
        ``stop`` is the app closing (the run ends ``queued``, to resume later). Raises
        ``MediaCancelled`` in both cases, ``DomainError`` when the file cannot be read.
        ``background``: ffmpeg runs at a lower priority (the editor's own analysis)."""
        if not force and self.store.status(vod_ref).state == AnalysisState.COMPLETED:
            return self.store.load(vod_ref)
        claim = self.store.claim(vod_ref, self.worker_id, worker_alive)
        flag = _Stop(cancel, stop)
        state = {"fraction": 0.0, "stage": "starting", "done": False}

        def report(fraction: float, stage: str) -> None:
            state["fraction"], state["stage"] = fraction, stage
            if progress is not None:
                progress(fraction, stage)

        watcher = threading.Thread(
            target=self._watch, args=(claim.vod_id, state, flag), name="signals-watch", daemon=True
        )
        watcher.start()
        try:
            result = self._analyzer(
                claim.file_path,
                progress=report,
                cancel=flag,
                on_waveform=on_waveform,
                background=background,
            )
        except BaseException as error:
            state["done"] = True
            watcher.join(timeout=5)
            self.store.finish(claim, self.worker_id, *self._ending(error, stop))
            raise
        state["done"] = True
        watcher.join(timeout=5)
        try:
            self.store.complete(
                claim,
                self.worker_id,
                events=result.events,
                waveform=result.waveform,
                loudness=result.loudness,
                loudness_rate=result.loudness_rate,
                duration=result.duration or claim.duration,
                stats=result.stats,
            )
        except BaseException as error:  # e.g. the file changed while it was read
            self.store.finish(claim, self.worker_id, *self._ending(error, stop))
            raise
        return self.store.load(claim.vod_id)

    def _watch(self, vod_id: str, state: dict, flag: _Stop) -> None:
        while not state["done"]:
            try:
                if self.store.report(vod_id, self.worker_id, state["fraction"], state["stage"]):
                    flag.requested_elsewhere.set()
            except Exception:  # a busy database must not stop the analysis
                pass
            for _ in range(5):
                if state["done"]:
                    return
                threading.Event().wait(REPORT_INTERVAL / 5)

    @staticmethod
    def _ending(error: BaseException, stop: threading.Event | None) -> tuple[AnalysisState, str]:
        if isinstance(error, MediaCancelled | KeyboardInterrupt):
            if stop is not None and stop.is_set():
                return AnalysisState.QUEUED, ""
            return AnalysisState.CANCELLED, ""
        if isinstance(error, DomainError):
            return AnalysisState.FAILED, str(error)
        return AnalysisState.FAILED, f"internal error: {type(error).__name__}: {error}"


def _replace_state(status: SignalStatus, state: AnalysisState) -> SignalStatus:
    from dataclasses import replace

    return replace(status, state=state)

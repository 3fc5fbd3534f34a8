"""The analysis as a job: kept until the file changes, cancelled cleanly, resumed, one at a
time per VOD."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.domain.errors import StateError
from core.domain.signals import AnalysisState
from core.jobs.signals import SignalService
from core.media.errors import MediaCancelled
from core.store.models import SignalAnalysisRow, SignalEventRow, SignalPeaksRow

pytestmark = pytest.mark.media


def _result_rows(context, vod_id) -> int:
    with context.database.session() as session:
        return sum(
            session.scalar(select(func.count()).select_from(table).where(table.vod_id == vod_id))
            for table in (SignalEventRow, SignalPeaksRow)
        )


def test_signals_are_kept_until_the_file_changes(context, fresh_vod):
    first = context.signals.analyze(fresh_vod)
    again = context.signals.analyze(fresh_vod)  # unchanged file: nothing is redone
    assert again.events == first.events
    path = context.vods.get(fresh_vod).file_path
    stat = os.stat(path)
    os.utime(path, (stat.st_atime, stat.st_mtime + 60))  # saved again by some editor
    assert context.signals.status(fresh_vod).state == AnalysisState.STALE
    assert context.signals.load(fresh_vod) is None
    assert _result_rows(context, fresh_vod) == 0
    assert context.signals.needs_analysis(fresh_vod)
    with open(path, "ab") as handle:  # a different size as well
        handle.write(b"\0" * 10)
    assert context.signals.status(fresh_vod).state == AnalysisState.STALE


def test_a_cancelled_analysis_leaves_no_partial_rows(context, fresh_vod):
    cancel = threading.Event()
    seen = []

    def progress(fraction, stage):
        seen.append(fraction)
        if fraction > 0.3:
            cancel.set()

    with pytest.raises(MediaCancelled):
        context.signals.analyze(fresh_vod, progress=progress, cancel=cancel)
    assert 0.3 < max(seen) < 1.0
    assert _result_rows(context, fresh_vod) == 0
    status = context.signals.status(fresh_vod)
    assert status.state == AnalysisState.CANCELLED
    assert not context.signals.needs_analysis(fresh_vod)  # the user said no: not restarted
    assert context.signals.analyze(fresh_vod) is not None  # until asked again


def test_a_cancelled_reanalysis_keeps_the_earlier_result(context, fresh_vod):
    before = context.signals.analyze(fresh_vod)
    cancel = threading.Event()
    with pytest.raises(MediaCancelled):
        context.signals.analyze(
            fresh_vod, force=True, progress=lambda f, s: f > 0.2 and cancel.set(), cancel=cancel
        )
    assert context.signals.status(fresh_vod).state == AnalysisState.COMPLETED
    assert context.signals.load(fresh_vod).events == before.events


def test_stopping_with_the_app_leaves_it_to_resume(context, fresh_vod):
    stop = threading.Event()
    with pytest.raises(MediaCancelled):
        context.signals.analyze(fresh_vod, progress=lambda f, s: f > 0.2 and stop.set(), stop=stop)
    assert context.signals.status(fresh_vod).state == AnalysisState.QUEUED
    assert context.signals.needs_analysis(fresh_vod)
    assert _result_rows(context, fresh_vod) == 0


def test_a_cancel_requested_elsewhere_stops_the_run(context, fresh_vod):
    other = SignalService(context.database)  # another process's view of the same data
    asked = threading.Event()

    def progress(fraction, stage):
        if fraction > 0.1 and not asked.is_set():
            asked.set()
            other.request_cancel(fresh_vod)

    with pytest.raises(MediaCancelled):
        context.signals.analyze(fresh_vod, progress=progress)
    assert context.signals.status(fresh_vod).state == AnalysisState.CANCELLED


def _pretend_running(context, vod_id, worker_id):
    with context.database.session() as session:
        session.merge(
            SignalAnalysisRow(
                vod_id=vod_id,
                status="processing",
                progress=42.0,
                worker_id=worker_id,
                heartbeat_at=datetime.now(UTC),
                stats={},
                cancel_requested=False,
                version=1,
            )
        )


def test_one_analysis_per_vod_and_a_dead_workers_is_taken_over(context, fresh_vod):
    live = f"{os.uname().nodename}:{os.getpid()}:other"
    _pretend_running(context, fresh_vod, live)
    with pytest.raises(StateError, match="already being analysed"):
        context.signals.analyze(fresh_vod)
    dead = f"{os.uname().nodename}:999999999:gone"
    _pretend_running(context, fresh_vod, dead)
    assert context.signals.status(fresh_vod).state == AnalysisState.INTERRUPTED
    assert context.signals.needs_analysis(fresh_vod)
    assert context.signals.analyze(fresh_vod) is not None
    assert context.signals.status(fresh_vod).state == AnalysisState.COMPLETED

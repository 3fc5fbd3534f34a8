"""A VOD's stored signals: reading them, knowing when they no longer describe the file, and
the rows an analysis job claims, reports progress on and completes.

Signals describe one state of the file: they are kept with its size and mtime, and the
first read that finds the file changed deletes them (``AnalysisState.STALE``). Results are
written in one transaction together with the "completed" status, so a reader sees either
a whole analysis or none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.domain.errors import StateError
from core.domain.signals import (
    AnalysisState,
    BoundaryHint,
    SignalEvent,
    SignalKind,
    boundary_hints,
)
from core.domain.waveform import WaveformPyramid, pyramid_from_levels
from core.store.db import Database
from core.store.models import SignalAnalysisRow, SignalEventRow, SignalPeaksRow

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

from .shapes import iso
from .vods import find_vod

#: bump when the analysis changes what it finds: older results are then analysed again
ANALYSIS_VERSION = 1
_MTIME_TOLERANCE = 1e-3  # file systems round mtimes differently


@dataclass(frozen=True, slots=True)
class FileStamp:
    size: int
    mtime: float

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> FileStamp | None:
        try:
            stat = Path(path).stat()
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime)

    def matches(self, size: int | None, mtime: float | None) -> bool:
        return (
            size == self.size and mtime is not None and abs(mtime - self.mtime) < _MTIME_TOLERANCE
        )


@dataclass(frozen=True, slots=True)
class SignalStatus:
    vod_id: str
    state: AnalysisState
    progress: float = 0.0
    stage: str | None = None
    error: str | None = None
    worker_id: str | None = None
    heartbeat_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "video_id": self.vod_id,
            "status": self.state.value,
            "progress": round(self.progress, 1),
            "stage": self.stage,
            "error": self.error,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "stats": dict(self.stats),
        }


@dataclass(frozen=True)
class VodSignals:
    """A completed analysis of the VOD's current file."""

    vod_id: str
    duration: float
    events: list[SignalEvent]
    waveform: WaveformPyramid | None
    loudness: np.ndarray | None  # int16 tenths of LUFS
    loudness_rate: float
    stats: dict[str, Any]

    def of_kind(self, kind: SignalKind) -> list[SignalEvent]:
        return [event for event in self.events if event.kind == kind]

    def loudness_lufs(self) -> np.ndarray:
        if self.loudness is None:
            return np.zeros(0)
        return self.loudness.astype(np.float64) / 10.0


@dataclass(frozen=True, slots=True)
class Claim:
    vod_id: str
    file_path: str
    duration: float
    stamp: FileStamp


class SignalStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    # --- reading -------------------------------------------------------------------------
    def status(self, vod_ref: str) -> SignalStatus:
        """Where the analysis stands; a completed analysis of a file that changed since is
        deleted here and reported ``STALE``."""
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            row = session.get(SignalAnalysisRow, vod.id)
            if row is None:
                return SignalStatus(vod.id, AnalysisState.MISSING)
            if row.status == AnalysisState.COMPLETED.value and not _current(row, vod.file_path):
                _invalidate(session, row)
            return _status(row)

    def load(self, vod_ref: str) -> VodSignals | None:
        """The VOD's signals, or ``None`` when there is no current, completed analysis."""
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            row = session.get(SignalAnalysisRow, vod.id)
            if row is None or row.status != AnalysisState.COMPLETED.value:
                return None
            if not _current(row, vod.file_path):
                _invalidate(session, row)
                return None
            events = [
                SignalEvent(SignalKind(r.kind), r.start, r.end, r.score)
                for r in session.scalars(
                    select(SignalEventRow)
                    .where(SignalEventRow.vod_id == vod.id)
                    .order_by(SignalEventRow.start, SignalEventRow.id)
                )
            ]
            levels = session.execute(
                select(SignalPeaksRow.frames_per_bucket, SignalPeaksRow.peaks).where(
                    SignalPeaksRow.vod_id == vod.id
                )
            ).all()
            waveform = None
            if levels and row.sample_rate and row.channels:
                waveform = pyramid_from_levels(
                    row.sample_rate, row.channels, [(frames, blob) for frames, blob in levels]
                )
            loudness = (
                np.frombuffer(row.loudness, dtype=np.int16) if row.loudness is not None else None
            )
            return VodSignals(
                vod_id=vod.id,
                duration=row.duration or vod.duration,
                events=events,
                waveform=waveform,
                loudness=loudness,
                loudness_rate=row.loudness_rate or 10.0,
                stats=dict(row.stats or {}),
            )

    def boundary_hints(self, vod_ref: str) -> list[BoundaryHint]:
        """Where the VOD's recording likely changes segment: ``(time, strength 0..1, kind)``
        from its stored silences, static and black stretches and scene cuts, sorted by
        time. Empty when the VOD has no current analysis (the offline segmenter then works
        from the transcript alone)."""
        signals = self.load(vod_ref)
        return boundary_hints(signals.events) if signals is not None else []

    # --- the job's rows ------------------------------------------------------------------
    def claim(self, vod_ref: str, worker_id: str, is_alive) -> Claim:
        """Take the VOD's analysis for ``worker_id``. Refused while another live worker
        (``is_alive(worker_id, heartbeat_at)``) runs it; a dead one's is taken over."""
        for _ in range(5):
            with self._database.session() as session:
                vod = find_vod(session, vod_ref)
                stamp = FileStamp.of(vod.file_path)
                if stamp is None:
                    raise StateError(
                        f"cannot analyse VOD {vod.id[:8]}: its file {vod.file_path} is missing"
                    )
                row = session.get(SignalAnalysisRow, vod.id)
                now = datetime.now(UTC)
                fields = {
                    "status": AnalysisState.PROCESSING.value,
                    "progress": 0.0,
                    "stage": "starting",
                    "error": None,
                    "cancel_requested": False,
                    "worker_id": worker_id,
                    "heartbeat_at": now,
                    "started_at": now,
                    "finished_at": None,
                }
                if row is None:
                    session.add(SignalAnalysisRow(vod_id=vod.id, stats={}, **fields))
                    try:
                        session.flush()
                    except IntegrityError:  # another process inserted it meanwhile
                        session.rollback()
                        continue
                    return Claim(vod.id, vod.file_path, vod.duration, stamp)
                if (
                    row.status == AnalysisState.PROCESSING.value
                    and row.worker_id != worker_id
                    and is_alive(row.worker_id, row.heartbeat_at)
                ):
                    raise StateError(
                        f"VOD {vod.id[:8]} is already being analysed (by {row.worker_id}, "
                        f"{row.progress:.0f}% done); wait for it or cancel it"
                    )
                taken = cast(
                    "CursorResult[Any]",  # an UPDATE's result, which counts the rows it matched
                    session.execute(
                        update(SignalAnalysisRow)
                        .where(
                            SignalAnalysisRow.vod_id == vod.id,
                            _same(SignalAnalysisRow.worker_id, row.worker_id),
                            SignalAnalysisRow.status == row.status,
                        )
                        .values(**fields)
                    ),
                ).rowcount
                if taken == 1:
                    return Claim(vod.id, vod.file_path, vod.duration, stamp)
        raise StateError("the signals analysis could not be started: the database is busy")

    def report(self, vod_id: str, worker_id: str, progress: float, stage: str) -> bool:
        """Save progress and a heartbeat; whether someone asked the analysis to stop."""
        with self._database.session() as session:
            row = session.get(SignalAnalysisRow, vod_id)
            if row is None or row.worker_id != worker_id:
                return True  # taken away (the VOD was deleted): stop
            row.progress = round(progress * 100, 1)
            row.stage = stage[:120]
            row.heartbeat_at = datetime.now(UTC)
            return bool(row.cancel_requested)

    def request_cancel(self, vod_ref: str) -> SignalStatus:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            row = session.get(SignalAnalysisRow, vod.id)
            if row is None or row.status not in (
                AnalysisState.PROCESSING.value,
                AnalysisState.QUEUED.value,
            ):
                raise StateError(f"VOD {vod.id[:8]} has no signals analysis running")
            row.cancel_requested = True
            return _status(row)

    def complete(
        self,
        claim: Claim,
        worker_id: str,
        *,
        events: list[SignalEvent],
        waveform: WaveformPyramid | None,
        loudness: np.ndarray | None,
        loudness_rate: float,
        duration: float,
        stats: dict[str, Any],
    ) -> None:
        """Replace the VOD's signals with these, and mark the analysis completed: one
        transaction. Refused when the file changed while it was being analysed."""
        now_stamp = FileStamp.of(claim.file_path)
        if now_stamp != claim.stamp:
            raise StateError(
                f"{claim.file_path} changed while it was being analysed; analyse it again"
            )
        with self._database.session() as session:
            row = session.get(SignalAnalysisRow, claim.vod_id)
            if row is None or row.worker_id != worker_id:
                raise StateError("the signals analysis was taken over by another process")
            _delete_results(session, claim.vod_id)
            session.add_all(
                SignalEventRow(
                    vod_id=claim.vod_id, kind=e.kind.value, start=e.start, end=e.end, score=e.score
                )
                for e in events
            )
            if waveform is not None:
                session.add_all(
                    SignalPeaksRow(
                        vod_id=claim.vod_id,
                        level=index,
                        frames_per_bucket=level.frames_per_bucket,
                        bucket_count=len(level),
                        peaks=level.to_blob(),
                    )
                    for index, level in enumerate(waveform.levels)
                )
            row.status = AnalysisState.COMPLETED.value
            row.progress, row.stage, row.error = 100.0, None, None
            row.worker_id, row.cancel_requested = None, False
            row.finished_at = datetime.now(UTC)
            row.version = ANALYSIS_VERSION
            row.file_size, row.file_mtime = claim.stamp.size, claim.stamp.mtime
            row.duration = duration
            row.sample_rate = waveform.sample_rate if waveform else None
            row.channels = waveform.channels if waveform else None
            row.loudness = loudness.astype("<i2").tobytes() if loudness is not None else None
            row.loudness_rate = loudness_rate
            row.stats = stats

    def finish(self, claim: Claim, worker_id: str, state: AnalysisState, error: str = "") -> None:
        """End an analysis that produced nothing: cancelled, failed, or stopped to be resumed
        (``QUEUED``). A cancelled or failed re-analysis of an unchanged file leaves the
        earlier results in place (and ``COMPLETED``); otherwise no result rows remain."""
        with self._database.session() as session:
            row = session.get(SignalAnalysisRow, claim.vod_id)
            if row is None or row.worker_id != worker_id:
                return
            earlier = row.file_size is not None and _current(row, claim.file_path)
            if state != AnalysisState.QUEUED and earlier:
                row.status, row.progress = AnalysisState.COMPLETED.value, 100.0
                row.worker_id, row.stage, row.cancel_requested = None, None, False
                return
            row.status = state.value
            row.error = error or None
            row.worker_id = None
            row.stage = None
            row.cancel_requested = False
            row.finished_at = datetime.now(UTC) if state != AnalysisState.QUEUED else None
            if state != AnalysisState.QUEUED:
                _delete_results(session, claim.vod_id)
                row.file_size = row.file_mtime = None


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _current(row: SignalAnalysisRow, path: str) -> bool:
    if row.version != ANALYSIS_VERSION:
        return False
    stamp = FileStamp.of(path)
    # A file that cannot be read now (an unmounted drive) is not known to have changed.
    return stamp is None or stamp.matches(row.file_size, row.file_mtime)


def _invalidate(session: Session, row: SignalAnalysisRow) -> None:
    _delete_results(session, row.vod_id)
    row.status = AnalysisState.STALE.value
    row.file_size = row.file_mtime = None
    row.loudness = None


def _delete_results(session: Session, vod_id: str) -> None:
    session.execute(delete(SignalEventRow).where(SignalEventRow.vod_id == vod_id))
    session.execute(delete(SignalPeaksRow).where(SignalPeaksRow.vod_id == vod_id))


def _status(row: SignalAnalysisRow) -> SignalStatus:
    return SignalStatus(
        vod_id=row.vod_id,
        state=AnalysisState(row.status),
        progress=row.progress or 0.0,
        stage=row.stage,
        error=row.error,
        worker_id=row.worker_id,
        heartbeat_at=row.heartbeat_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        stats=dict(row.stats or {}),
    )

"""Thumbnail files and their rows kept in step, whatever killed a run.

A run writes its images into a staging folder of its own (``.run-<token>/``, beside a lock
file it holds while it lives), then, holding the database's write lock, moves them into the
VOD's folder and inserts their rows in one transaction. A run killed at any point leaves
either a staging folder whose lock nobody holds, or moved files whose rows were never
committed; ``reconcile`` (at the next run of the VOD and when the app starts) removes both,
and drops rows whose files are gone. It works under the write lock too, so it never sees a
live run between its move and its commit.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.media.errors import MediaError
from core.store.models import ThumbnailRow, Vod
from core.store.outbox import record_change

RUN_PREFIX = ".run-"
# A half-written ``.name.partial`` image this old was left by a killed process.
PARTIAL_GRACE_SECONDS = 3600.0
CHAPTER_FOLDER = "chapters"


@dataclass
class StagedRun:
    """Where one run writes its images until they are moved in with their rows."""

    folder: Path  # the VOD's thumbnail folder
    staging: Path
    moved: list[Path] = field(default_factory=list)

    def move_in(self, files: Iterable[Path]) -> dict[Path, Path]:
        """Move staged files into the VOD's folder (call with the write lock held); returns
        ``{staged: final}``."""
        finals = {}
        for staged in files:
            final = self.folder / staged.name
            os.replace(staged, final)
            self.moved.append(final)
            finals[staged] = final
        return finals


@contextmanager
def staged_run(folder: Path) -> Iterator[StagedRun]:
    """A staging folder held by this process for the length of the block, removed after it
    (with whatever was not moved in)."""
    token = uuid.uuid4().hex
    lock_path = folder / f"{RUN_PREFIX}{token}.lock"
    staging = folder / f"{RUN_PREFIX}{token}"
    lock = FileLock(lock_path)
    try:
        lock.acquire()
        staging.mkdir()
    except OSError as error:  # a full or read-only disk: the user's to fix, said plainly
        if lock.is_locked:
            lock.release()
        with suppress(OSError):
            lock_path.unlink(missing_ok=True)
        raise MediaError(
            f"cannot write thumbnails in {folder}: {error.strerror or error}"
        ) from None
    try:
        yield StagedRun(folder, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        lock.release()
        with suppress(OSError):
            lock_path.unlink(missing_ok=True)


@dataclass
class Reconciled:
    files_removed: list[Path] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)


def reconcile(session: Session, root: Path, vod_id: str | None = None) -> Reconciled:
    """No file without a row, no row without a file, for one VOD or every VOD under ``root``.

    ``session`` must be a writer (it holds the write lock, so no live run is between moving
    its files in and committing their rows)."""
    report = Reconciled()
    if vod_id is not None:
        vod_ids = [vod_id]
    else:
        vod_ids = list(session.scalars(select(Vod.id)))
        known = set(vod_ids)
        with suppress(OSError):
            for folder in root.iterdir():  # folders of VODs that are no longer in the library
                if folder.is_dir() and folder.name not in known and not _live_runs(folder):
                    report.files_removed += [p for p in folder.rglob("*") if p.is_file()]
                    shutil.rmtree(folder, ignore_errors=True)
    for vid in vod_ids:
        _reconcile_vod(session, root / vid, vid, report)
    return report


def _reconcile_vod(session: Session, folder: Path, vod_id: str, report: Reconciled) -> None:
    rows = list(session.scalars(select(ThumbnailRow).where(ThumbnailRow.vod_id == vod_id)))
    listed = {Path(p) for row in rows for p in (row.jpeg_path, row.webp_path) if p}
    for row in rows:
        if any(p and not Path(p).is_file() for p in (row.jpeg_path, row.webp_path)):
            for leftover in (row.jpeg_path, row.webp_path):
                if leftover:
                    Path(leftover).unlink(missing_ok=True)
            session.delete(row)
            record_change(
                session, vod_id=vod_id, entity="thumbnail", entity_id=row.id, operation="delete"
            )
            report.rows_removed.append(row.id)
    if report.rows_removed:
        _keep_one_default(session, [r for r in rows if r.id not in report.rows_removed])
    if not folder.is_dir():
        return
    _remove_dead_runs(folder, report)
    for entry in folder.iterdir():
        if entry.is_file() and not entry.name.startswith(".") and entry not in listed:
            entry.unlink(missing_ok=True)
            report.files_removed.append(entry)
    _remove_stale_partials(folder, report)
    # Chapter thumbnails are only tidied of half-written files: a picture no chapter names
    # now may be named again by an undo in the open editor.
    _remove_stale_partials(folder / CHAPTER_FOLDER, report)


def _keep_one_default(session: Session, remaining: list[ThumbnailRow]) -> None:
    """A removed default hands over to the largest picture of the newest batch left."""
    if not remaining or any(r.is_default for r in remaining):
        return
    newest = max(r.created_at for r in remaining)
    batch = [r for r in remaining if r.created_at == newest] or remaining
    max(batch, key=lambda r: r.width).is_default = True


def _live_runs(folder: Path) -> bool:
    """Whether a living process holds one of the runs in ``folder`` (cleaning the dead)."""
    _remove_dead_runs(folder, Reconciled())
    return any(folder.glob(f"{RUN_PREFIX}*.lock"))


def _remove_dead_runs(folder: Path, report: Reconciled) -> None:
    """Staging folders whose lock nobody holds: their run was killed. A run creates its
    staging folder only once it holds the lock (filelock retries when the lock file it
    locked was unlinked meanwhile), so a lock taken here proves the run is gone."""
    for lock_path in folder.glob(f"{RUN_PREFIX}*.lock"):
        try:
            with FileLock(lock_path, timeout=0):
                _remove_staging(lock_path.with_suffix(""), report)
                lock_path.unlink(missing_ok=True)
        except Timeout:
            continue
    for staging in folder.glob(f"{RUN_PREFIX}*"):
        if staging.is_dir() and not staging.with_name(staging.name + ".lock").exists():
            _remove_staging(staging, report)  # its lock file went first


def _remove_staging(staging: Path, report: Reconciled) -> None:
    if staging.is_dir():
        report.files_removed += [p for p in staging.rglob("*") if p.is_file()]
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_partials(folder: Path, report: Reconciled) -> None:
    cutoff = time.time() - PARTIAL_GRACE_SECONDS
    for partial in folder.glob(".*.partial"):
        with suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
                report.files_removed.append(partial)

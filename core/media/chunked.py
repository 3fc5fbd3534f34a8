"""Chunked parallel transcoding of a long VOD to the HLS ladder.

The VOD is cut at boundaries that are multiples of the 2 s GOP and the 6 s segment
(``chunk_plan``); the chunks encode in parallel — ffmpeg processes on the local cores
(``LocalChunkExecutor``) or farm workers (``core.jobs.farm``) — and each rung's chunks are
joined into one HLS playlist without re-encoding (``chunk_join``). The result has the same
structure as the single-process ladder: continuous timestamps, every frame exactly once,
keyframes every GOP at the same times in every rung, 6 s segments, video-only variants,
one audio rendition (``<output>/audio``, the whole-VOD AAC encoded once) and a master
playlist that points every variant at it.

Shared storage for the farm: the source and the output folder must be reachable by every
worker under the SAME absolute path (an NFS/SMB mount at the same mount point on every
machine). Chunks are written to ``<output folder>/.chunks-*`` on that share and
joined there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from core.domain.media_specs import parse_qualities

from .audio_rendition import remove_stale_audio, reusable_audio, source_audio_language
from .chunk_encode import ChunkRequest, EncodeSettings, encode_audio, encode_chunk
from .chunk_ffmpeg import CancelCheck
from .chunk_join import join_audio, join_rung
from .chunk_plan import auto_chunk_seconds, plan_chunks, round_to_boundary
from .encoders import SOFTWARE_ENCODER
from .errors import MediaCancelled, MediaError
from .hls_master import RenditionInfo, measure_rendition, write_master
from .ladder_plan import RungPlan, plan_ladder
from .truncation import probe_decodable, truncation_note

#: ``progress(fraction 0..1, text)``
JobProgress = Callable[[float, str], None]
#: Chunks live in ``<output>/.chunks-<fingerprint>``, kept when the job is cancelled, fails or
#: its process dies (not a ``.partial-*`` folder, which the job queue clears): a resumed or
#: retried job finds its finished chunks again, and a run with another chunk length, preset
#: or source never reuses foreign chunks. The folder goes once the job has joined them.
WORK_FOLDER_PREFIX = ".chunks-"
#: Share of the progress bar given to joining (it only copies data).
JOIN_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class ChunkedPlan:
    source: str
    output_dir: str
    work_dir: str
    duration: float
    #: the audio still has to be encoded and joined in this run: the source has audio and
    #: the output folder does not already hold its finished audio rendition (``audio_ready``)
    has_audio: bool
    rungs: tuple[RungPlan, ...]
    skipped: tuple[tuple[str, str], ...]  # (quality, why) as in the single-process ladder
    notes: tuple[str, ...]
    chunks: tuple[ChunkRequest, ...]
    audio_ready: bool = False  # the source's audio rendition is already in the output folder

    @property
    def qualities(self) -> tuple[str, ...]:
        return tuple(r.quality for r in self.rungs)

    @property
    def skipped_qualities(self) -> tuple[str, ...]:
        return tuple(q for q, _ in self.skipped)

    @property
    def chunk_seconds(self) -> float:
        return self.chunks[1].start if len(self.chunks) > 1 else self.duration


@dataclass(slots=True)
class ChunkedResult:
    master_playlist: Path
    variants: dict[str, RenditionInfo]
    skipped_qualities: tuple[str, ...]
    chunk_count: int
    encode_seconds: float
    join_seconds: float
    workers: dict[str, int] = field(default_factory=dict)  # tasks (chunks, audio) per worker
    cancelled: tuple[str, ...] = ()  # qualities cancelled on their own, not joined


class ChunkExecutor(Protocol):
    """Runs the audio encode and every chunk of a plan; each may run more than once
    (a retry), which the chunk functions make harmless."""

    def run(
        self, plan: ChunkedPlan, progress: JobProgress, should_cancel: CancelCheck
    ) -> dict[str, int]:
        """Block until all chunks and the audio exist; return tasks (chunks and the
        audio) done per worker."""


def plan_chunked(
    source: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    *,
    qualities: list[str] | tuple[str, ...] | str | None = None,
    parallelism: int = 2,
    chunk_seconds: float | None = None,
    preset: str | None = None,
    threads_per_chunk: int = 0,
    encoder: str = SOFTWARE_ENCODER,
) -> ChunkedPlan:
    """Probe the source and cut it. The rungs (sizes, bitrates, skipped rungs that would
    upscale) come from the single-process ladder's ``plan_ladder``. Every rung is encoded:
    a stream copy cannot start a chunk on an exact frame."""
    info = probe_decodable(str(source))  # a cut-short file: chunks cover what is there
    if not info.has_video or not info.height:
        raise MediaError(f"{Path(source).name} has no video stream: HLS transcoding needs video")
    wanted = parse_qualities(list(qualities) if isinstance(qualities, tuple) else qualities)
    ladder = plan_ladder(info, wanted, allow_copy=False)
    seconds = (
        round_to_boundary(chunk_seconds)
        if chunk_seconds
        else auto_chunk_seconds(info.duration, parallelism)
    )
    settings = EncodeSettings(
        preset=preset,
        fps=info.fps or 30.0,
        threads=threads_per_chunk,
        encoder=encoder,
        variable_frame_rate=info.variable_frame_rate,
    )
    work_dir = Path(output_dir) / (
        WORK_FOLDER_PREFIX + _fingerprint(info, seconds, ladder.rungs, settings)
    )
    chunks = tuple(
        ChunkRequest(
            source=info.path,
            work_dir=str(work_dir),
            index=span.index,
            start=span.start,
            end=span.end,
            rungs=ladder.rungs,
            settings=settings,
        )
        for span in plan_chunks(info.duration, seconds)
    )
    audio_ready = info.has_audio and reusable_audio(output_dir, info.path) is not None
    return ChunkedPlan(
        info.path,
        str(output_dir),
        str(work_dir),
        info.duration,
        info.has_audio and not audio_ready,
        ladder.rungs,
        ladder.skipped,
        (
            *ladder.notes,
            *(
                [truncation_note(Path(info.path).name, info.duration, info.claimed_duration)]
                if info.claimed_duration
                else []
            ),
        ),
        chunks,
        audio_ready,
    )


def _fingerprint(info, chunk_seconds: float, rungs, settings: EncodeSettings) -> str:
    stat = os.stat(info.path)
    text = repr((info.path, stat.st_size, stat.st_mtime_ns, chunk_seconds, rungs, settings))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def remove_chunk_work(output_dir: str | os.PathLike[str]) -> None:
    """Drop every chunk folder of ``output_dir`` (a one-off run that failed: nothing will
    resume it, and on a full disk it holds the space the user needs back)."""
    for folder in Path(output_dir).glob(WORK_FOLDER_PREFIX + "*"):
        shutil.rmtree(folder, ignore_errors=True)


class ChunkProgress:
    """Sums the seconds done of every chunk (thread-safe) into one fraction."""

    def __init__(self, plan: ChunkedPlan, report: JobProgress, share: float) -> None:
        self._plan, self._report, self._share = plan, report, share
        self._done: dict[int, float] = {}
        self._lock = threading.Lock()

    def update(self, index: int, seconds: float) -> None:
        with self._lock:
            self._done[index] = seconds
            total = min(sum(self._done.values()), self._plan.duration)
            finished = sum(1 for c in self._plan.chunks if self._done.get(c.index, 0) > 0)
        fraction = self._share * total / self._plan.duration
        self._report(fraction, f"encoding chunks ({finished}/{len(self._plan.chunks)} started)")

    def finish(self, chunk: ChunkRequest) -> None:
        end = chunk.end if chunk.end is not None else self._plan.duration
        self.update(chunk.index, end - chunk.start)


class LocalChunkExecutor:
    """Chunks as parallel ffmpeg processes on this machine."""

    def __init__(self, processes: int = 2) -> None:
        self.processes = max(1, processes)

    def run(
        self, plan: ChunkedPlan, progress: JobProgress, should_cancel: CancelCheck
    ) -> dict[str, int]:
        tracker = ChunkProgress(plan, progress, 1.0)
        stop = threading.Event()

        def cancelled() -> bool:
            return stop.is_set() or should_cancel()

        with ThreadPoolExecutor(max_workers=self.processes, thread_name_prefix="chunk") as pool:
            futures: list[Future[Any]] = []
            if plan.has_audio:
                futures.append(
                    pool.submit(encode_audio, plan.source, plan.work_dir, None, cancelled)
                )
            for chunk in plan.chunks:
                futures.append(pool.submit(self._encode, chunk, tracker, cancelled))
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                stop.set()
                for future in pending:
                    future.cancel()
                wait(pending)
                raise cast(BaseException, failed[0].exception())
        return {"local": len(futures)}

    @staticmethod
    def _encode(chunk: ChunkRequest, tracker: ChunkProgress, cancelled: CancelCheck) -> None:
        if cancelled():
            return
        encode_chunk(chunk, lambda seconds: tracker.update(chunk.index, seconds), cancelled)
        tracker.finish(chunk)


def transcode_chunked(
    plan: ChunkedPlan,
    executor: ChunkExecutor,
    progress: JobProgress | None = None,
    should_cancel: CancelCheck | None = None,
    *,
    keep_chunks: bool = False,
    cancelled_qualities: Callable[[], set[str]] | None = None,
) -> ChunkedResult:
    """Encode the plan's chunks with ``executor``, join every rung and write the master.
    A quality in ``cancelled_qualities()`` when the chunks are done is not joined (every
    chunk holds every rung, so the encoding itself cannot leave one out)."""
    report = progress or (lambda fraction, text: None)
    cancel = should_cancel or (lambda: False)
    started = time.monotonic()
    workers = executor.run(
        plan, lambda fraction, text: report(fraction * (1 - JOIN_SHARE), text), cancel
    )
    encoded = time.monotonic()
    if cancel():
        raise MediaCancelled("the chunked transcode")
    dropped = cancelled_qualities() if cancelled_qualities else set()
    rungs = [r for r in plan.rungs if r.quality not in dropped]
    if not rungs:
        raise MediaCancelled("every quality of the chunked transcode")
    report(1 - JOIN_SHARE, "joining chunks")
    if not plan.has_audio and not plan.audio_ready:
        remove_stale_audio(plan.output_dir)
    with ThreadPoolExecutor(max_workers=len(rungs) + 1, thread_name_prefix="join") as pool:
        audio = (
            pool.submit(
                join_audio,
                plan.work_dir,
                plan.output_dir,
                source=plan.source,
                language=source_audio_language(plan.source),
                should_cancel=cancel,
            )
            if plan.has_audio
            else None
        )
        playlists = list(
            pool.map(
                lambda rung: join_rung(
                    plan.work_dir,
                    rung.quality,
                    len(plan.chunks),
                    plan.output_dir,
                    should_cancel=cancel,
                ),
                rungs,
            )
        )
        if audio is not None:
            audio.result()
    variants = {
        rung.quality: measure_rendition(path, rung)
        for rung, path in zip(rungs, playlists, strict=False)
    }
    master = write_master(list(variants.values()), Path(plan.output_dir))
    joined = time.monotonic()
    if not keep_chunks:
        shutil.rmtree(plan.work_dir, ignore_errors=True)
    report(1.0, "done")
    return ChunkedResult(
        master,
        variants,
        plan.skipped_qualities,
        len(plan.chunks),
        encoded - started,
        joined - encoded,
        workers,
        tuple(r.quality for r in plan.rungs if r.quality in dropped),
    )

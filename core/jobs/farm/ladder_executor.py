"""Chunked transcoding as a ``core.jobs.executor.Executor``, so the job queue runs it like
the single-process ladder: local ffmpeg processes, or the farm when a broker URL is set."""

from __future__ import annotations

import os
from collections.abc import Callable

from core.domain.cancel import CancelFlag
from core.jobs.executor import ExecutionOutcome, ExecutionProgress, TranscodeSpec
from core.media.chunked import (
    ChunkExecutor,
    LocalChunkExecutor,
    plan_chunked,
    transcode_chunked,
)
from core.media.encoders import SOFTWARE_ENCODER
from core.media.hls_ladder import cancelled_qualities


class ChunkedLadderExecutor:
    """Plans chunks for a ``TranscodeSpec``, runs them with the executor ``make_runner``
    returns for the job, joins the rungs and reports them like the ladder does."""

    def __init__(
        self,
        make_runner: Callable[[str], ChunkExecutor],
        *,
        parallelism: int,
        chunk_seconds: float | None = None,
        threads_per_chunk: int = 0,
        label: str = "local",
    ) -> None:
        self.make_runner = make_runner
        self.parallelism = max(1, parallelism)
        self.chunk_seconds = chunk_seconds
        self.threads_per_chunk = threads_per_chunk
        self.label = label

    def execute(
        self, spec: TranscodeSpec, progress: ExecutionProgress, cancel: CancelFlag
    ) -> ExecutionOutcome:
        # Chunks are always libx264: every chunk of a job must come from the same encoder,
        # and farm workers may not share the submitting machine's hardware encoder.
        plan = plan_chunked(
            spec.source,
            spec.output_dir,
            qualities=spec.qualities,
            parallelism=self.parallelism,
            chunk_seconds=self.chunk_seconds,
            preset=spec.preset,
            threads_per_chunk=self.threads_per_chunk,
            encoder=SOFTWARE_ENCODER,
        )
        result = transcode_chunked(
            plan,
            self.make_runner(spec.job_id),
            progress,
            cancel.is_set,
            cancelled_qualities=lambda: cancelled_qualities(cancel),
        )
        spread = ", ".join(f"{name}: {count}" for name, count in sorted(result.workers.items()))
        notes = [
            *plan.notes,
            f"chunked: {result.chunk_count} chunks of "
            f"{plan.chunk_seconds:g} s ({self.label}; {spread})",
        ]
        return ExecutionOutcome(
            renditions=list(result.variants.values()),
            skipped=dict(plan.skipped),
            cancelled=list(result.cancelled),
            notes=notes,
            encoder=SOFTWARE_ENCODER,
        )


def local_chunked_executor(
    processes: int | None = None, chunk_seconds: float | None = None
) -> ChunkedLadderExecutor:
    """Chunks as ``processes`` parallel ffmpeg processes here (default: one per 2 cores,
    each ffmpeg getting its share of the cores)."""
    cores = os.cpu_count() or 2
    count = processes or max(2, cores // 2)
    return ChunkedLadderExecutor(
        lambda job_id: LocalChunkExecutor(count),
        parallelism=count,
        chunk_seconds=chunk_seconds,
        threads_per_chunk=max(1, cores // count),
        label=f"{count} local processes",
    )


def farm_executor(
    broker_url: str, *, parallelism: int = 4, chunk_seconds: float | None = None
) -> ChunkedLadderExecutor:
    """Chunks on the Celery workers of the farm at ``broker_url``."""
    from .celery_app import create_app
    from .executor import FarmChunkExecutor

    app = create_app(broker_url)
    return ChunkedLadderExecutor(
        lambda job_id: FarmChunkExecutor(app, job_id),
        parallelism=parallelism,
        chunk_seconds=chunk_seconds,
        label="farm",
    )

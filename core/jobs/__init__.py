"""Persistent transcode queue: requests (``TranscodeService``), execution (``JobRunner``
with a pluggable ``Executor``), crash recovery."""

from .executor import ExecutionOutcome, Executor, LocalLadderExecutor, TranscodeSpec
from .runner import JobRunner
from .service import TranscodeService

__all__ = [
    "ExecutionOutcome",
    "Executor",
    "JobRunner",
    "LocalLadderExecutor",
    "TranscodeService",
    "TranscodeSpec",
]

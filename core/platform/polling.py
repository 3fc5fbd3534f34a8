"""Polling the platform's transcoding status every 5–10 s until it ends, backing off on errors."""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import PlatformError
from .models import TranscodeJob


def poll_transcode(
    client,
    video_id: str,
    job_id: str,
    *,
    on_update: Callable[[TranscodeJob], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    first_interval: float = 5.0,
    max_interval: float = 10.0,
    max_error_interval: float = 60.0,
    max_errors: int = 8,
) -> TranscodeJob:
    """The job's final state (completed, failed or cancelled), or its last state when
    ``should_stop()`` becomes true."""
    interval, errors = first_interval, 0
    while True:
        try:
            job = client.transcode_status(video_id, job_id)
        except PlatformError as error:
            errors += 1
            if not error.retryable or errors > max_errors:
                raise
            sleep(min(max_error_interval, interval * 2**errors))
            continue
        errors = 0
        if on_update:
            on_update(job)
        if job.finished or should_stop():
            return job
        sleep(interval)
        interval = min(max_interval, interval * 1.5)

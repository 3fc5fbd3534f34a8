"""What workers and the coordinator share through Redis besides Celery's own keys.

- ``vodstudio:farm:cancel:<job>``: set by the submitting machine when a job is cancelled;
  workers poll it while ffmpeg runs and stop it (revoke alone cannot stop a chunk that
  a worker started before it saw the revoke, nor one redelivered after it).
- ``vodstudio:farm:worker:<hostname>``: hash job id → tasks (chunks, audio) that worker
  finished, the
  source of "jobs per worker" in ``farm status`` and the GUI panel.
"""

from __future__ import annotations

import time
from typing import Any

import redis

KEY_PREFIX = "vodstudio:farm"
CANCEL_TTL_SECONDS = 7 * 24 * 3600
HISTORY_TTL_SECONDS = 7 * 24 * 3600
#: Progress is written to the result backend at most this often per task.
PROGRESS_INTERVAL_SECONDS = 1.0
CANCEL_POLL_SECONDS = 1.0

_clients: dict[str, redis.Redis] = {}


def redis_client(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
    return _clients[url]


def cancel_key(job_id: str) -> str:
    return f"{KEY_PREFIX}:cancel:{job_id}"


def worker_key(hostname: str) -> str:
    return f"{KEY_PREFIX}:worker:{hostname}"


def request_cancel(url: str, job_id: str) -> None:
    redis_client(url).set(cancel_key(job_id), "1", ex=CANCEL_TTL_SECONDS)


def clear_cancel(url: str, job_id: str) -> None:
    redis_client(url).delete(cancel_key(job_id))


def cancel_requested(url: str, job_id: str) -> bool:
    return bool(redis_client(url).exists(cancel_key(job_id)))


def record_chunk_done(url: str, hostname: str, job_id: str) -> None:
    client = redis_client(url)
    client.hincrby(worker_key(hostname), job_id, 1)
    client.expire(worker_key(hostname), HISTORY_TTL_SECONDS)


def jobs_by_worker(url: str) -> dict[str, dict[str, int]]:
    """``{worker hostname: {job id: chunks finished}}`` over the last week."""
    client = redis_client(url)
    result: dict[str, dict[str, int]] = {}
    for key in client.scan_iter(match=f"{KEY_PREFIX}:worker:*", count=200):
        name = key.decode() if isinstance(key, bytes) else key
        hostname = name.split(":worker:", 1)[1]
        raw = client.hgetall(key)
        result[hostname] = {
            (k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()
        }
    return result


class TaskRelay:
    """Inside a running task: progress to the result backend, cancel from Redis."""

    def __init__(self, task: Any, job_id: str, broker_url: str) -> None:
        self._task = task
        self.job_id = job_id
        self.broker_url = broker_url
        self.hostname = task.request.hostname or "unknown"
        self._last_progress = 0.0
        self._last_cancel_check = 0.0
        self._cancelled = False

    def progress(self, seconds: float) -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_progress = now
        self._task.update_state(
            state="PROGRESS",
            meta={"seconds": seconds, "worker": self.hostname, "beat": time.time()},
        )

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if not self._cancelled and now - self._last_cancel_check >= CANCEL_POLL_SECONDS:
            self._last_cancel_check = now
            self._cancelled = cancel_requested(self.broker_url, self.job_id)
        return self._cancelled

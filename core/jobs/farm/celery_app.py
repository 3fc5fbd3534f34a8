"""The transcode farm's Celery application: Redis as broker and result backend.

Reliability settings, and why:

- ``task_acks_late`` + ``task_reject_on_worker_lost``: a chunk's message is acknowledged only
  after the chunk is written, so a worker that dies mid-chunk (its pool process killed)
  hands the chunk back to the queue for another worker.
- ``visibility_timeout`` (``VODSTUDIO_FARM_VISIBILITY_TIMEOUT``, default 1 h): when a whole
  worker machine vanishes, Redis gives its unacknowledged chunk to another worker after this
  many seconds. It must be longer than the slowest chunk, or a healthy worker's chunk is
  handed out twice (harmless: chunks are idempotent, but wasted work). The coordinator also
  resubmits a chunk whose worker stopped reporting progress (``core.jobs.farm.executor``),
  which recovers much sooner than the visibility timeout.
- ``worker_prefetch_multiplier = 1``: a worker holds one chunk per process, so chunks spread
  over every worker instead of queueing behind a busy one.
"""

from __future__ import annotations

import os

from celery import Celery

#: The Celery queue every farm task goes to.
QUEUE = "vodstudio"
VISIBILITY_TIMEOUT_ENV = "VODSTUDIO_FARM_VISIBILITY_TIMEOUT"
DEFAULT_VISIBILITY_TIMEOUT = 3600
RESULT_EXPIRES_SECONDS = 7 * 24 * 3600
TASK_MODULES = ["core.jobs.farm.tasks"]

_apps: dict[str, Celery] = {}


def visibility_timeout() -> int:
    raw = os.environ.get(VISIBILITY_TIMEOUT_ENV, "")
    try:
        return max(5, int(raw)) if raw.strip() else DEFAULT_VISIBILITY_TIMEOUT
    except ValueError:
        return DEFAULT_VISIBILITY_TIMEOUT


def create_app(broker_url: str) -> Celery:
    """The Celery app for ``broker_url`` (one per URL per process)."""
    if broker_url in _apps:
        return _apps[broker_url]
    timeout = visibility_timeout()
    transport = {
        "visibility_timeout": timeout,
        # sweep for abandoned chunks often; the default (~100 s) is slow for short timeouts
        "unacked_restore_interval": max(1, min(10, timeout // 4)),
        "unacked_restore_throttle": 1,
    }
    app = Celery(
        "vodstudio",
        broker=broker_url,
        backend=broker_url,
        include=TASK_MODULES,
        set_as_current=False,
    )
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        broker_transport_options=transport,
        result_backend_transport_options={"visibility_timeout": timeout},
        result_expires=RESULT_EXPIRES_SECONDS,
        result_extended=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        task_send_sent_event=True,
    )
    _apps[broker_url] = app
    return app

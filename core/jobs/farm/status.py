"""What the farm looks like right now: workers seen, what each is doing, jobs per worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import redis

from core.domain.errors import DomainError, ValidationError

from .celery_app import create_app
from .relay import jobs_by_worker, redis_client


class BrokerUnreachable(DomainError):
    """The Redis broker of the farm cannot be reached."""


@dataclass(slots=True)
class WorkerStatus:
    name: str
    online: bool
    #: tasks running now: {"job_id", "task", "chunk"}
    active: list[dict[str, str]] = field(default_factory=list)
    #: job id → chunks this worker finished (last 7 days)
    jobs: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class FarmStatus:
    broker: str  # the URL without its password
    workers: list[WorkerStatus]

    @property
    def online_count(self) -> int:
        return sum(1 for w in self.workers if w.online)


def redact(url: str) -> str:
    """``url`` without its password, safe for logs and the GUI."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def check_broker_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError(
            "no farm broker URL set: pass --broker redis://HOST:6379/0 or "
            "set VODSTUDIO_BROKER_URL (or the GUI's farm settings)"
        )
    if urlsplit(url).scheme not in ("redis", "rediss"):
        raise ValidationError(f"farm broker URL {redact(url)!r} is not a redis:// URL")
    return url


def ping_broker(url: str) -> None:
    try:
        redis_client(check_broker_url(url)).ping()
    except redis.RedisError as error:
        raise BrokerUnreachable(f"cannot reach the farm broker at {redact(url)}: {error}") from None


def farm_status(url: str, *, timeout: float = 1.5) -> FarmStatus:
    """Workers answering a ping now, plus those that finished chunks this week."""
    ping_broker(url)
    app = create_app(url)
    inspector = app.control.inspect(timeout=timeout)
    replies = inspector.ping() or {}
    active = inspector.active() or {} if replies else {}
    history = jobs_by_worker(url)
    names = sorted(set(replies) | set(history))
    workers = []
    for name in names:
        running = []
        for task in active.get(name, []):
            args = task.get("args") or []
            job_id = str(args[0]) if args else ""
            chunk = ""
            if len(args) > 1 and isinstance(args[1], dict):
                chunk = str(args[1].get("index", ""))
            running.append({"job_id": job_id, "task": str(task.get("name", "")), "chunk": chunk})
        workers.append(WorkerStatus(name, name in replies, running, history.get(name, {})))
    return FarmStatus(redact(url), workers)

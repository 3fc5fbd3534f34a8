"""One HTTP request with timeouts, typed errors and a retry policy that never repeats blindly.

Retried, with exponential backoff and full jitter (or the server's ``Retry-After``):
- idempotent requests (GET, PUT, DELETE, tus HEAD/PATCH) on timeouts, dropped connections,
  429, 5xx and malformed bodies;
- non-idempotent requests only when the server cannot have acted: the connection was never
  made, or it answered 429/503 (it says "not now"). A timeout or a 500/502 after a POST is
  ambiguous and is raised to the caller, who must check before trying again.

One runner may be shared by several threads (the sync sends chapter changes side by side):
with ``http2`` it speaks HTTP/2 where the server offers it (one connection, many streams,
made on one event-loop thread: ``h2_loop``), and otherwise keeps up to ``max_connections``
HTTP/1.1 connections. (Uploads stay on HTTP/1.1: big bodies go faster there than through a
pure-Python HTTP/2 stack.) A 429 or a 503 with ``Retry-After`` pauses every thread, not just
the one that got it, and halves how many requests may be in flight; successes win the room
back one request at a time.
"""

from __future__ import annotations

import collections
import email.utils
import functools
import importlib.util
import logging
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from .errors import (
    MalformedResponseError,
    PlatformError,
    PlatformUnavailableError,
    error_for_status,
)
from .h2_loop import LoopClient

log = logging.getLogger("vodstudio.platform")
SUCCESS = range(200, 300)
DEFAULT_CONNECTIONS = 16
HTTP2_AVAILABLE = importlib.util.find_spec("h2") is not None
SENSITIVE_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-auth-key"}


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: ("***" if k.lower() in SENSITIVE_HEADERS else v) for k, v in items}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_retry_after: float = 120.0


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def server_message(response: httpx.Response) -> str:
    """The server's own explanation: FastAPI ``detail``, Cloudflare ``errors``, or text."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300]
    if isinstance(body, dict):
        detail = body.get("detail", body.get("message", body.get("error")))
        if isinstance(detail, list):  # FastAPI validation errors
            parts = []
            for item in detail:
                if isinstance(item, dict):
                    where = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                    parts.append(f"{where}: {item.get('msg', '')}".strip(": "))
                else:
                    parts.append(str(item))
            return "; ".join(parts)
        if detail:
            return str(detail)
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
            )
    return " ".join(response.text.split())[:300]


def shared_ssl_context(http2: bool = False) -> ssl.SSLContext:
    """One verifying context for every client of a kind: loading the CA bundle costs
    ~0.1–0.3 s, too much to repeat per upload. Certificate and hostname checks stay on. A CA
    named by ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` (a company's own, or a test's) is trusted
    as well, as other tools do. HTTP/2 clients get their own context: httpcore sets the
    protocols offered (ALPN) on the context it is given, and an HTTP/1.1-only client (the
    uploads) must never be offered ``h2`` by a context shared with one that speaks it."""
    return _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"), http2)


@functools.cache
def _ssl_context(extra_file: str | None, extra_dir: str | None, http2: bool) -> ssl.SSLContext:
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    if extra_file or extra_dir:
        context.load_verify_locations(cafile=extra_file or None, capath=extra_dir or None)
    return context


class AdaptiveLimit:
    """How many requests may be in flight: halved on "slow down" (429), grown back by one
    after as many successes as the current limit (additive increase, multiplicative
    decrease), and never above the ceiling it started with."""

    def __init__(self, ceiling: int) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = self.ceiling
        self.lowest = self.ceiling  # the least it came down to (for a report or a test)
        self._in_flight = 0
        self._successes = 0
        self._changed = threading.Condition()

    def __enter__(self) -> AdaptiveLimit:
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight < self.limit)
            self._in_flight += 1
        return self

    def __exit__(self, *exc) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify()

    def slow_down(self) -> None:
        with self._changed:
            self.limit = max(1, self.limit // 2)
            self.lowest = min(self.lowest, self.limit)
            self._successes = 0

    def succeeded(self) -> None:
        with self._changed:
            if self.limit >= self.ceiling:
                return
            self._successes += 1
            if self._successes >= self.limit:
                self.limit, self._successes = self.limit + 1, 0
                self._changed.notify()


def _without_query(url: str) -> str:
    """Upload URLs may carry a signature in the query: never log it."""
    return str(url).split("?", 1)[0]


class HttpRunner:
    """Sends requests through one ``httpx.Client`` (TLS verification always on)."""

    def __init__(
        self,
        *,
        service: str,
        base_url: str = "",
        auth_header: Callable[[], str | None],
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_connections: int = DEFAULT_CONNECTIONS,
        http2: bool = False,
    ) -> None:
        self.service = service
        self.retry = retry or RetryPolicy()
        self._auth_header = auth_header
        self._sleep = sleep
        self.max_connections = max(1, max_connections)
        self.in_flight = AdaptiveLimit(self.max_connections)
        self.versions: collections.Counter[str] = collections.Counter()
        self._count_lock = threading.Lock()
        self._requests = 0
        # (monotonic time, thread) : nobody sends before that time but the thread that was
        # told to wait, which waits in its own retry instead.
        self._paused: tuple[float, int] = (0.0, 0)
        timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        http2 = http2 and HTTP2_AVAILABLE
        options: dict[str, Any] = {
            "base_url": base_url,
            "timeout": timeout,
            "follow_redirects": False,
            "verify": shared_ssl_context(http2),
            "http2": http2,
            "limits": httpx.Limits(
                max_connections=self.max_connections,
                max_keepalive_connections=self.max_connections,
            ),
        }
        # HTTP/2 from many threads only through one event loop (h2_loop); a transport given
        # (tests) is a synchronous one.
        self.client: httpx.Client | LoopClient = (
            LoopClient(**options)
            if http2 and transport is None
            else httpx.Client(transport=transport, **options)
        )

    @property
    def request_count(self) -> int:
        return self._requests

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        expected: Iterable[int] = (200,),
        headers: dict[str, str] | None = None,
        attempts: int | None = None,
        parse: Callable[[httpx.Response], Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The response, or ``parse(response)`` when given: parsing happens inside the retry
        loop so that a malformed answer to an idempotent request is asked again."""
        accepted = set(expected)

        def once() -> Any:
            response = self._send_once(method, url, accepted, headers, **kwargs)
            return parse(response) if parse else response

        retrying = Retrying(
            stop=stop_after_attempt(attempts or self.retry.attempts),
            retry=retry_if_exception(lambda error: self._should_retry(error, idempotent)),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: log.warning(
                "%s %s failed (%s); retry %d",
                method,
                _without_query(url),
                state.outcome.exception() if state.outcome else None,
                state.attempt_number,
            ),
        )
        return retrying(once)

    def json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise MalformedResponseError(
                f"{self.service} answered {response.status_code} with a body that is not JSON",
                status=response.status_code,
                ambiguous=True,
            ) from None

    # --- internals -----------------------------------------------------------------------
    def _send_once(
        self,
        method: str,
        url: str,
        accepted: set[int],
        headers: dict[str, str] | None,
        **kwargs: Any,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        token = self._auth_header()
        if token:
            all_headers["Authorization"] = token
        self._wait_for_pause()
        with self._count_lock:
            self._requests += 1
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s headers=%s", method, _without_query(url), redact_headers(all_headers))
        try:
            with self.in_flight:
                response = self.client.request(method, url, headers=all_headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise PlatformUnavailableError(
                f"cannot reach {self.service} ({type(error).__name__}): check the URL and the "
                "network",
                ambiguous=False,
            ) from None
        except httpx.TimeoutException as error:
            raise PlatformUnavailableError(
                f"{self.service} did not answer in time ({type(error).__name__})", ambiguous=True
            ) from None
        except httpx.TransportError as error:
            raise PlatformUnavailableError(
                f"the connection to {self.service} broke ({type(error).__name__})", ambiguous=True
            ) from None
        log.debug("%s %s -> %d", method, _without_query(url), response.status_code)
        with self._count_lock:  # requests answer on many threads; += is not atomic
            self.versions[response.http_version] += 1
        if response.status_code in accepted:
            self.in_flight.succeeded()
            return response
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if response.status_code == 429:
            self.in_flight.slow_down()
        if response.status_code in (429, 503):
            self._pause_all(retry_after)
        raise error_for_status(
            response.status_code,
            server_message(response),
            retry_after=retry_after,
            service=self.service,
        )

    def _pause_all(self, retry_after: float | None) -> None:
        if retry_after is None or retry_after > self.retry.max_retry_after:
            return
        until = time.monotonic() + retry_after
        with self._count_lock:
            if until > self._paused[0]:
                self._paused = (until, threading.get_ident())

    def _wait_for_pause(self) -> None:
        until, owner = self._paused
        if owner == threading.get_ident():
            return
        remaining = until - time.monotonic()
        if remaining > 0:
            self._sleep(remaining)

    def _should_retry(self, error: BaseException, idempotent: bool) -> bool:
        if not isinstance(error, PlatformError) or not error.retryable:
            return False
        if error.retry_after is not None and error.retry_after > self.retry.max_retry_after:
            return False
        if idempotent:
            return True
        return not error.ambiguous

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return retry_after
        ceiling = min(self.retry.max_delay, self.retry.base_delay * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)

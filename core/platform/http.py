"""One HTTP request with timeouts, typed errors and a retry policy that never repeats blindly.

Retried, with exponential backoff and full jitter (or the server's ``Retry-After``):
- idempotent requests (GET, PUT, DELETE, tus HEAD/PATCH) on timeouts, dropped connections,
  429, 5xx and malformed bodies;
- non-idempotent requests only when the server cannot have acted: the connection was never
  made, or it answered 429/503 (it says "not now"). A timeout or a 500/502 after a POST is
  ambiguous and is raised to the caller, who must check before trying again.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import random
import ssl
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

log = logging.getLogger("vodstudio.platform")
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


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verifying context for every client: loading the CA bundle costs ~0.1–0.3 s, too
    much to repeat per upload. Certificate and hostname checks stay on."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


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
    ) -> None:
        self.service = service
        self.retry = retry or RetryPolicy()
        self._auth_header = auth_header
        self._sleep = sleep
        self.request_count = 0
        timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.client = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=shared_ssl_context(),
        )

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
        self.request_count += 1
        log.debug("%s %s headers=%s", method, _without_query(url), redact_headers(all_headers))
        try:
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
        if response.status_code in accepted:
            return response
        raise error_for_status(
            response.status_code,
            server_message(response),
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            service=self.service,
        )

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

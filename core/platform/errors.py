"""Typed errors for the platform API and Cloudflare Stream, mapped from HTTP status codes.

Every error carries the server's own message (never a header or token), says whether trying
again later can help (``retryable``) and whether the server may have acted on a request whose
answer never arrived (``ambiguous``), which the sync uses to avoid duplicating a chapter.
"""

from __future__ import annotations

from core.domain.errors import DomainError, NotFoundError, StateError, ValidationError


class PlatformError(DomainError):
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        ambiguous: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.ambiguous = ambiguous
        self.retry_after = retry_after


class PlatformNotConfiguredError(PlatformError):
    """A setting or token the platform needs is missing."""


class PlatformValidationError(PlatformError, ValidationError):
    """400: the platform refused the request's content (overlap, bad range, bad state)."""


class PlatformUnprocessableError(PlatformValidationError):
    """422: the request body did not match the endpoint's schema."""


class PlatformAuthError(PlatformError):
    """401: the token is missing, wrong or expired."""


class PlatformForbiddenError(PlatformError):
    """403: the token is valid but may not do this (not the video's owner)."""


class PlatformNotFoundError(PlatformError, NotFoundError):
    """404: not found within this tenant."""


class PlatformConflictError(PlatformError, StateError):
    """409: not possible in the current state (e.g. cancel a completed job)."""


class PlatformRateLimitError(PlatformError):
    retryable = True


class PlatformServerError(PlatformError):
    retryable = True


class PlatformUnavailableError(PlatformError):
    """No usable answer: connection refused or dropped, or a timeout."""

    retryable = True


class MalformedResponseError(PlatformError):
    """The server answered 2xx with a body that is not the documented shape."""

    retryable = True


def error_for_status(
    status: int, message: str, *, retry_after: float | None = None, service: str = "platform"
) -> PlatformError:
    text = f"{service} answered {status}: {message}" if message else f"{service} answered {status}"
    if status == 400:
        return PlatformValidationError(text, status=status)
    if status == 401:
        which = "api" if service == "platform" else "stream"
        return PlatformAuthError(
            f"{text} (the token is missing, wrong or expired: set a new one with "
            f"'vodstudio platform set-token {which}')",
            status=status,
        )
    if status == 403:
        return PlatformForbiddenError(text, status=status)
    if status in (404, 410):
        return PlatformNotFoundError(text, status=status)
    if status == 409:
        return PlatformConflictError(text, status=status)
    if status == 422:
        return PlatformUnprocessableError(text, status=status)
    if status == 429:
        return PlatformRateLimitError(text, status=status, retry_after=retry_after)
    if status >= 500 or status == 408:
        # 500/502/504 may come after the server did the work; 503 means it did not start.
        return PlatformServerError(
            text, status=status, retry_after=retry_after, ambiguous=status != 503
        )
    return PlatformError(text, status=status)

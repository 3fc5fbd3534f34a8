"""Errors of the AI features, each a ``DomainError`` so the CLI and GUI show one clear line.

Messages never contain the API key or the transcript: they say what failed and what to do.
"""

from __future__ import annotations

from core.domain.errors import DomainError, ValidationError


class TranscriptError(ValidationError):
    """A file that is not a usable transcript, or times outside the VOD (400)."""


class AiServiceError(DomainError):
    """The model server could not give an answer (network, status codes, refusals)."""

    http_status = 502


class AiAuthError(AiServiceError):
    http_status = 401


class AiRateLimitError(AiServiceError):
    http_status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AiTimeoutError(AiServiceError):
    http_status = 504


class AiRefusalError(AiServiceError):
    """The model declined to answer (a refusal or a content filter)."""


class UnusableAnswerError(AiServiceError):
    """An answer that cannot be read or repaired into chapters; nothing was saved."""


class CancelledError(DomainError):
    """The user cancelled a long-running AI task; nothing was saved."""

    http_status = 499

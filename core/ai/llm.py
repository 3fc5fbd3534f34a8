"""Calls to an OpenAI-compatible chat-completions server, with every failure made clear.

The SDK's own retries are off: rate limits are retried here so that ``Retry-After`` is
honoured visibly and a cancel during the wait stops at once. Errors never carry the key.
"""

from __future__ import annotations

import contextlib
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

# Imported before the SDK is used: openai peeks at ``sys.modules["httpx"]`` on every request,
# and a half-imported httpx (the editor's warm-up imports it on another thread) fails there.
import httpx  # noqa: F401
import openai

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.chat.completion_create_params import ResponseFormat

from .errors import (
    AiAuthError,
    AiRateLimitError,
    AiRefusalError,
    AiServiceError,
    AiTimeoutError,
    CancelledError,
    UnusableAnswerError,
)
from .prompt import FALLBACK_RESPONSE_FORMAT, RESPONSE_FORMAT

DUMMY_KEY = "not-needed-for-local-servers"
MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER_SECONDS = 60.0


DEFAULT_MODEL = "gpt-4o"  # when neither the user nor the settings name one


@dataclass(frozen=True, slots=True)
class ModelConfig:
    model: str = DEFAULT_MODEL
    temperature: float = 0.3
    max_tokens: int = 2000
    timeout: float = 120.0


@dataclass(frozen=True, slots=True)
class Completion:
    content: str | None
    finish_reason: str | None
    prompt_tokens: int | None


def make_client(*, api_key: str | None, base_url: str | None, timeout: float) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=api_key or DUMMY_KEY, base_url=base_url or None, timeout=timeout, max_retries=0
    )


def complete(
    client: openai.OpenAI,
    messages: list[dict],
    config: ModelConfig,
    *,
    cancel=None,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[float], None] | None = None,
) -> Completion:
    response_format: dict = RESPONSE_FORMAT
    attempt = 0
    while True:
        check_cancelled(cancel)
        try:
            response = client.chat.completions.create(
                model=config.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                temperature=config.temperature,
                max_tokens=config.max_tokens,
                response_format=cast("ResponseFormat", response_format),
                timeout=config.timeout,
            )
        except openai.RateLimitError as error:
            attempt += 1
            wait = retry_after_seconds(error.response.headers)
            if attempt > MAX_RATE_LIMIT_RETRIES or (wait or 0) > MAX_RETRY_AFTER_SECONDS:
                raise translate_error(
                    error, config.model, config.timeout, client.base_url
                ) from None
            wait = wait if wait is not None else min(8.0, 2.0**attempt)
            if on_wait:
                on_wait(wait)
            _sleep_cancellable(wait, cancel, sleep)
            continue
        except openai.BadRequestError as error:
            if response_format is RESPONSE_FORMAT and _about_response_format(error):
                response_format = FALLBACK_RESPONSE_FORMAT
                continue
            raise translate_error(error, config.model, config.timeout, client.base_url) from None
        except openai.OpenAIError as error:
            raise translate_error(error, config.model, config.timeout, client.base_url) from None
        return _completion(response)


@contextlib.contextmanager
def map_api_errors(model: str, timeout: float | None = None, base_url: object = "the server"):
    """Turn the SDK's exceptions inside the block into this package's clear errors."""
    try:
        yield
    except openai.OpenAIError as error:
        raise translate_error(error, model, timeout, base_url) from None


def translate_error(
    error: openai.OpenAIError, model: str, timeout: float | None, base_url: object
) -> Exception:
    if isinstance(error, openai.RateLimitError):
        wait = retry_after_seconds(error.response.headers)
        hint = f"; try again in {wait:.0f} s" if wait else "; try again later"
        return AiRateLimitError(
            f"the model server is rate limiting requests (429){hint}", retry_after=wait
        )
    if isinstance(error, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return AiAuthError(
            f"the model server rejected the API key ({error.status_code}): set OPENAI_API_KEY "
            "or the key in Settings, or use offline mode"
        )
    if isinstance(error, openai.NotFoundError):
        return AiServiceError(
            f"the model server does not know model {model!r} (404): pick another model"
        )
    if isinstance(error, openai.BadRequestError):
        return AiServiceError(f"the model server refused the request (400): {_message(error)}")
    if isinstance(error, openai.APITimeoutError):
        limit = f"within {timeout:g} s" if timeout else "in time"
        return AiTimeoutError(
            f"the model server did not answer {limit}; try again, a smaller model, or offline mode"
        )
    if isinstance(error, openai.APIConnectionError):
        return AiServiceError(
            f"could not reach the model server at {base_url}; check the URL "
            "and the network, or use offline mode"
        )
    if isinstance(error, openai.APIStatusError):
        return AiServiceError(f"the model server failed ({error.status_code}): {_message(error)}")
    return AiServiceError(f"the model request failed: {type(error).__name__}")


def _completion(response) -> Completion:
    if not getattr(response, "choices", None):
        raise UnusableAnswerError(
            "the model server answered without any choices; nothing was saved"
        )
    choice = response.choices[0]
    message = choice.message
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise AiRefusalError(f"the model refused to make chapters: {str(refusal)[:200]}")
    if choice.finish_reason == "content_filter":
        raise AiRefusalError("the model's content filter blocked the answer; try offline mode")
    usage = getattr(response, "usage", None)
    # A cut-off answer (finish_reason "length") is returned too: the caller reports it if
    # its JSON cannot be read.
    return Completion(
        message.content,
        choice.finish_reason,
        getattr(usage, "prompt_tokens", None) if usage else None,
    )


def retry_after_seconds(headers) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _sleep_cancellable(seconds: float, cancel, sleep: Callable[[float], None]) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        check_cancelled(cancel)
        sleep(min(0.1, left))
    check_cancelled(cancel)


def check_cancelled(cancel) -> None:
    if cancel is not None and cancel.is_set():
        raise CancelledError("cancelled; nothing was changed")


def _about_response_format(error: openai.BadRequestError) -> bool:
    text = _message(error).lower()
    return "response_format" in text or "json_schema" in text


def _message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:200]
        if isinstance(inner, str):
            return inner[:200]
    return str(error.message)[:200]

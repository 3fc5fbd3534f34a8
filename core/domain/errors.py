"""Typed errors with the meaning of the platform's status codes.

The CLI maps every ``DomainError`` to exit code 1 and prints ``str(error)`` as one line;
the GUI shows the same text. Messages say what was wrong and, where it helps, what to do.
An error about one input names it in ``field`` (``"title"``, ``"start_time"``, ``"end_time"``
…), so a form marks that input without reading the message.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse (the platform would answer 4xx)."""

    http_status = 400

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field


class ValidationError(DomainError):
    """Input that is malformed or out of range (400)."""


class NotFoundError(DomainError):
    """An id, or a chapter at a time, that does not exist (404)."""

    http_status = 404


class OverlapError(ValidationError):
    """A chapter time range that collides with another chapter of the same VOD (400)."""

    def __init__(
        self, message: str, *, conflicting_id: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.conflicting_id = conflicting_id


class InvalidTransitionError(ValidationError):
    """A VOD status change the status machine does not allow (400)."""


class StateError(DomainError):
    """An action that is not possible in the current state, e.g. thumbnails of a VOD
    that is not ready, cancelling a completed job, deleting the default thumbnail (400/409)."""

    http_status = 409


class DuplicateError(StateError):
    """Something the library already has, e.g. a recording imported before; ``existing_id``
    names what is there (409), ``existing_title`` how the user knows it."""

    def __init__(self, message: str, *, existing_id: str, existing_title: str = "") -> None:
        super().__init__(message)
        self.existing_id = existing_id
        self.existing_title = existing_title

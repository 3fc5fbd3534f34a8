"""The VOD status machine of the platform: processing → ready | failed, ready → deleted."""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidTransitionError, StateError, ValidationError


class VodStatus(StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    DELETED = "deleted"


ALLOWED_TRANSITIONS: dict[VodStatus, frozenset[VodStatus]] = {
    VodStatus.PROCESSING: frozenset({VodStatus.READY, VodStatus.FAILED}),
    VodStatus.READY: frozenset({VodStatus.DELETED}),
    VodStatus.FAILED: frozenset(),
    VodStatus.DELETED: frozenset(),
}


def parse_status(value: str) -> VodStatus:
    try:
        return VodStatus(str(value).strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in VodStatus)
        raise ValidationError(f"unknown status {value!r}: use one of {names}") from None


def check_transition(current: VodStatus | str, target: VodStatus | str) -> VodStatus:
    """The target status when ``current → target`` is allowed, else ``InvalidTransitionError``."""
    current = parse_status(current)
    target = parse_status(target)
    allowed = ALLOWED_TRANSITIONS[current]
    if target not in allowed:
        if allowed:
            options = " or ".join(sorted(s.value for s in allowed))
            hint = f"from {current.value} a VOD can only become {options}"
        else:
            hint = f"{current.value} is final: no transition leaves it"
        raise InvalidTransitionError(
            f"cannot change status from {current.value} to {target.value}: {hint}"
        )
    return target


def check_editable(status: VodStatus | str, what: str = "its chapters") -> None:
    """``StateError`` when a VOD in ``status`` cannot be edited any more: ``deleted`` is final."""
    current = parse_status(status)
    if current == VodStatus.DELETED:
        raise StateError(
            f"cannot change {what}: the VOD's status is {current.value}, which is final"
        )

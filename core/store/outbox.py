"""Recording local changes for the platform sync, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import OutboxEntry


def record_change(
    session: Session,
    *,
    vod_id: str,
    entity: str,
    entity_id: str,
    operation: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """Queue ``operation`` (create | update | delete) of ``entity`` for the next sync.

    Called in the same session as the change itself, so the change and its outbox entry
    are committed together or not at all.
    """
    session.add(
        OutboxEntry(
            vod_id=vod_id,
            entity=entity,
            entity_id=entity_id,
            operation=operation,
            payload=payload or {},
        )
    )

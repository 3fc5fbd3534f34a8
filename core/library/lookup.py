"""Finding a VOD by its id or a unique prefix of it: the one lookup every service shares
(its own module so that modules ``vods`` builds on, like ``removal``, can use it too)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.errors import NotFoundError, ValidationError
from core.store.models import Vod


def find_vod(session: Session, vod_ref: str) -> Vod:
    """The VOD whose id is ``vod_ref`` or starts with it (at least 4 characters, unique)."""
    ref = (vod_ref or "").strip()
    if not ref:
        raise ValidationError("no VOD id given")
    vod = session.get(Vod, ref)
    if vod is not None:
        return vod
    if len(ref) >= 4:
        matches = session.scalars(select(Vod).where(Vod.id.startswith(ref)).limit(2)).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(f"VOD id prefix {ref!r} is ambiguous: give more characters")
    raise NotFoundError(f"VOD {ref} not found")

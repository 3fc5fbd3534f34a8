"""Finding a VOD by its id, a unique prefix of it or its exact title: the one lookup every
service shares
(its own module so that modules ``vods`` builds on, like ``removal``, can use it too)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.errors import NotFoundError, ValidationError
from core.store.models import Vod


def find_vod(session: Session, vod_ref: str) -> Vod:
    """The VOD whose id is ``vod_ref`` or starts with it (at least 4 characters, unique), else
    the one titled ``vod_ref`` (any case): ``vodstudio list`` shows titles, so people type them."""
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
    # Compared in Python: SQLite's lower() knows only ASCII ("Überstream", "ÉTÉ").
    wanted = ref.casefold()
    titled = [
        vod_id for vod_id, title in session.execute(select(Vod.id, Vod.title))
        if (title or "").strip().casefold() == wanted
    ]  # fmt: skip
    if len(titled) == 1:
        return session.get_one(Vod, titled[0])
    if titled:
        raise ValidationError(f"more than one VOD is titled {ref!r}: give its id (vodstudio list)")
    raise NotFoundError(f"VOD {ref} not found: give its id or title as `vodstudio list` shows them")

"""What an independent server written from the same API page could answer, behind switches.

The page shows some answers and leaves others open. A ``Dialect`` picks one plausible
choice for each open point; the emulator's endpoints build the page's canonical JSON and
``Dialect.reply`` reshapes it. ``PROFILES`` are the combinations the tests run against
(set with ``POST /_control/dialect {"profile": NAME}`` or field by field).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from fastapi.responses import JSONResponse, Response

ID_KEYS = ("id", "video_id", "thumbnail_id", "post_id")
TIME_KEYS = ("start_time", "end_time", "timestamp", "confidence_score")
MOMENT_KEYS = ("created_at",)


@dataclass(frozen=True)
class Dialect:
    vod: str = "flat"  # flat | wrapped ({"vod": {...}, "post": {...}}) | data ({"data": ...})
    record: str = "flat"  # chapters, jobs, thumbnail tasks: flat | named | data
    lists: str = "bare"  # bare | named ({"chapters": [...], "count": n}) | data
    ids: str = "str"  # str | int (sequential numbers)
    times: str = "number"  # number | string ("540.0"; created_at as Unix seconds)
    nulls: str = "null"  # null | omit (an empty optional field is left out)
    extras: bool = False  # unknown fields in every object
    created: int = 201  # the status of a create: 201 | 200
    no_content: int = 204  # deletes and setting the default thumbnail: 204 | 200 with a body
    status_answer: str = "vod"  # PATCH status: vod | status ({"status": ...}) | empty (204)
    create_answer: str = "record"  # record | id | location (Location, no body) | empty (204)
    update_answer: str = "record"  # record | empty (204)
    upload_post: str = "object"  # the upload's post: object | id (a flat VOD with "post_id")

    @classmethod
    def named(cls, name: str) -> Dialect:
        return PROFILES[name]

    def changed(self, **spec: Any) -> Dialect:
        known = {f.name for f in fields(self)}
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"unknown dialect switches: {sorted(unknown)}")
        return replace(self, **spec)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    # --- answers -----------------------------------------------------------------------
    def reply(
        self, kind: str, payload: Any = None, status: int = 200, *, location: str | None = None
    ) -> Response:
        """``kind`` names the answer: vod, upload, vod_status, chapter, created, updated,
        chapters, generated, done (delete / default thumbnail), task, thumbnails, job."""
        if kind == "done":
            if self.no_content == 204:
                return Response(status_code=204)
            return self._json({"ok": True, **(payload or {})}, 200)
        if kind == "vod_status":
            if self.status_answer == "empty":
                return Response(status_code=204)
            if self.status_answer == "status":
                return self._json({"id": payload["id"], "status": payload["status"]}, status)
            return self._json(self._vod(payload), status)
        if kind == "created":
            status = self.created
            headers = {"Location": location} if location else None
            if self.create_answer == "location":
                return Response(status_code=201, headers=headers)
            if self.create_answer == "empty":  # made, but says nothing about it
                return Response(status_code=204)
            if self.create_answer == "id":
                return self._json({"id": payload["id"]}, status, headers)
            return self._json(self._record("chapter", payload), status, headers)
        if kind == "updated":
            if self.update_answer == "empty":
                return Response(status_code=204)
            return self._json(self._record("chapter", payload), status)
        if kind == "upload":
            return self._json(self._upload(payload), self.created)
        if kind == "vod":
            return self._json(self._vod(payload), status)
        if kind in ("chapters", "thumbnails"):
            return self._json(self._list(kind, payload), status)
        if kind == "generated":
            if self.lists == "data":
                return self._json({"data": payload}, status)
            return self._json(payload, status)
        if kind in ("chapter", "job", "task"):
            return self._json(self._record(kind, payload), status)
        raise ValueError(f"unknown answer kind {kind}")

    def _vod(self, vod: dict) -> dict:
        post = vod.get("post")
        if self.vod == "wrapped":
            bare = {k: v for k, v in vod.items() if k != "post"}
            return {"vod": bare, "post": post}
        if self.vod == "data":
            return {"data": vod}
        return vod

    def _upload(self, result: dict) -> dict:
        if self.upload_post == "id":
            return {**result["vod"], "post_id": result["post"]["id"]}
        # The page shows {"vod", "post"}; a server that answers flat VODs elsewhere may
        # answer the upload flat too, with the post inside.
        if self.vod == "flat" and self.record != "flat":
            return {**result["vod"], "post": result["post"]}
        if self.vod == "data":
            return {"data": result}
        return result

    def _record(self, kind: str, record: dict) -> dict:
        if self.record == "named":
            return {kind: record}
        if self.record == "data":
            return {"data": record}
        return record

    def _list(self, kind: str, items: list) -> Any:
        if self.lists == "named":
            return {kind: items, "count": len(items)}
        if self.lists == "data":
            return {"data": items, "total": len(items), "page": 1}
        return items

    def _json(self, body: Any, status: int, headers: dict | None = None) -> JSONResponse:
        return JSONResponse(self.values(body), status_code=status, headers=headers)

    def values(self, value: Any, key: str | None = None) -> Any:
        """Ids, times, nulls and extra fields in this dialect's style, all the way down."""
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if v is None and self.nulls == "omit":
                    continue
                out[k] = self.values(v, k)
            if self.extras and "id" in value:
                out.update(
                    {"updated_at": "2026-04-25T11:00:00Z", "_links": {"self": "/x"}, "rev": 3}
                )
            return out
        if isinstance(value, list):
            return [self.values(v, key) for v in value]
        if key in ID_KEYS and self.ids == "int" and isinstance(value, str) and value.isdigit():
            return int(value)
        if key in TIME_KEYS and self.times == "string" and isinstance(value, int | float):
            return f"{float(value)}"
        if key in MOMENT_KEYS and self.times == "string" and isinstance(value, str):
            return 1777114800  # a Unix time instead of ISO text
        return value


PROFILES: dict[str, Dialect] = {
    "page": Dialect(),
    # Every record under its name, as the page's upload answer is.
    "wrapped": Dialect(vod="wrapped", record="named", lists="named"),
    # A generic {"data": ...} envelope everywhere, plus fields the app does not know.
    "enveloped": Dialect(vod="data", record="data", lists="data", extras=True),
    # Numbers for ids, strings for times, empty fields left out, 200 instead of 201/204.
    "numeric": Dialect(ids="int", times="string", nulls="omit", created=200, no_content=200),
    # As little as possible: no body where the page shows none, a create that only says
    # where the chapter is.
    "terse": Dialect(
        vod="wrapped",
        nulls="omit",
        status_answer="empty",
        create_answer="location",
        update_answer="empty",
    ),
    # Bodies with only the id or the status in them.
    "minimal": Dialect(
        record="named", ids="int", status_answer="status", create_answer="id", update_answer="empty"
    ),
    # Creates acknowledged with an empty 204: the new chapter is found by listing again.
    "acknowledging": Dialect(
        record="data",
        lists="named",
        nulls="omit",
        create_answer="empty",
        status_answer="status",
        no_content=200,
        upload_post="id",
    ),
}


class IdMaker:
    """uuid4 strings, or sequential numbers (as text) for a server with integer ids."""

    def __init__(self) -> None:
        self.numeric = False
        self._counter = itertools.count(1000)

    def __call__(self) -> str:
        if self.numeric:
            return str(next(self._counter))
        import uuid

        return str(uuid.uuid4())

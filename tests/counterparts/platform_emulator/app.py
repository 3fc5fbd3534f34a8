"""A local emulator of the platform API page: every endpoint, its validation and status codes.

Tenancy: each token belongs to a user in a tenant; VODs of another tenant answer 404, and
owner-only chapter endpoints answer 403 to another user of the same tenant. Control endpoints
under ``/_control`` let tests add tokens, expire them, set a video's duration, transcript and
status, inject faults and read the request log.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import Body, FastAPI, Header, HTTPException
from pydantic import BaseModel

from .dialects import PROFILES, Dialect, IdMaker
from .faults import FaultBoard, FaultMiddleware
from .media import register_media_routes
from .store import EmulatorStore, chapter_json, dumps, now_iso, post_json, vod_json

VISIBILITIES = ("public", "followers", "private")
TRANSITIONS = {"processing": {"ready", "failed"}, "ready": {"deleted"}}


class Caller(BaseModel):
    user_id: str
    tenant_id: str


class UploadBody(BaseModel):
    cloudflare_video_id: str
    title: str
    description: str | None = None
    visibility: str | None = None
    group_id: str | None = None
    content_warning: str | None = None
    is_nsfw: bool | None = None


class ChapterBody(BaseModel):
    title: str | None = None
    description: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    order: int | None = None
    thumbnail_url: str | None = None


class GenerateBody(BaseModel):
    model: str = "gpt-4o"
    temperature: float = 0.3
    max_tokens: int = 2000


def create_app(
    store: EmulatorStore | None = None, cloudflare_lookup: Callable[[str], bool] | None = None
) -> FastAPI:
    store = store or EmulatorStore()
    board = FaultBoard()
    app = FastAPI(title="platform emulator")
    app.state.store, app.state.faults = store, board
    app.state.dialect = Dialect()
    new_id = app.state.new_id = IdMaker()
    # Records answered in a shape no reader can use (a test's "broken server record").
    garbled: set[str] = set()

    def reply(kind: str, payload=None, status: int = 200, **extra):
        return app.state.dialect.reply(kind, payload, status, **extra)

    def caller(authorization: str | None) -> Caller:
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401, "authentication required")
        row = store.one("SELECT * FROM tokens WHERE token = ?", authorization[7:])
        if row is None:
            raise HTTPException(401, "invalid token")
        import time

        if row["expires_at"] is not None and row["expires_at"] < time.time():
            raise HTTPException(401, "token expired")
        return Caller(user_id=row["user_id"], tenant_id=row["tenant_id"])

    def tenant_vod(vod_id: str, who: Caller):
        row = store.one("SELECT * FROM vods WHERE id = ? AND tenant_id = ?", vod_id, who.tenant_id)
        if row is None:
            raise HTTPException(404, f"VOD {vod_id} not found")
        return row

    def any_video(video_id: str):
        row = store.one("SELECT * FROM vods WHERE id = ?", video_id)
        if row is None:
            raise HTTPException(404, f"video {video_id} not found")
        return row

    def owned_video(video_id: str, who: Caller):
        row = tenant_vod(video_id, who)
        if row["owner_id"] != who.user_id:
            raise HTTPException(403, "only the video's owner may change its chapters")
        return row

    app.state.caller, app.state.tenant_vod = caller, tenant_vod

    # --- VODs ----------------------------------------------------------------------------
    @app.post("/api/v1/vod/upload")
    async def upload(
        body: UploadBody,
        authorization: str | None = Header(None),
        idempotency_key: str | None = Header(None),
    ):
        who = caller(authorization)
        if idempotency_key:
            seen = store.one(
                "SELECT response FROM idempotency WHERE key = ? AND tenant_id = ?",
                idempotency_key,
                who.tenant_id,
            )
            if seen:
                return reply("upload", json.loads(seen["response"]))
        if not body.cloudflare_video_id.strip():
            raise HTTPException(400, "cloudflare_video_id is required")
        if not body.title.strip():
            raise HTTPException(400, "title is required")
        if body.visibility is not None and body.visibility not in VISIBILITIES:
            raise HTTPException(400, "visibility must be public, followers or private")
        if body.group_id is not None:
            import uuid

            try:
                uuid.UUID(body.group_id)
            except ValueError:
                raise HTTPException(400, "group_id must be a UUID") from None
        if cloudflare_lookup and not cloudflare_lookup(body.cloudflare_video_id):
            raise HTTPException(400, f"Cloudflare video {body.cloudflare_video_id} does not exist")
        vod_id, post_id, created = new_id(), new_id(), now_iso()
        visibility = body.visibility or "public"
        store.run(
            "INSERT INTO vods (id, tenant_id, owner_id, cloudflare_video_id, title, "
            "description, visibility, group_id, content_warning, is_nsfw, status, "
            "playback_url, created_at, post_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            vod_id,
            who.tenant_id,
            who.user_id,
            body.cloudflare_video_id,
            body.title,
            body.description or "",
            visibility,
            body.group_id,
            body.content_warning,
            int(bool(body.is_nsfw)),
            "processing",
            f"https://videodelivery.example/{body.cloudflare_video_id}/manifest/video.m3u8",
            created,
            post_id,
        )
        store.run(
            "INSERT INTO posts VALUES (?,?,?,?,?,?)",
            post_id,
            vod_id,
            "VIDEO",
            body.title,
            visibility,
            created,
        )
        result = {
            "vod": vod_json(tenant_vod(vod_id, who)),
            "post": post_json(store.one("SELECT * FROM posts WHERE id = ?", post_id)),
        }
        if idempotency_key:
            store.run(
                "INSERT INTO idempotency VALUES (?,?,?)",
                idempotency_key,
                who.tenant_id,
                dumps(result),
            )
        return reply("upload", result)

    @app.get("/api/v1/vod/{vod_id}")
    async def get_vod(vod_id: str, authorization: str | None = Header(None)):
        row = tenant_vod(vod_id, caller(authorization))
        post = store.one("SELECT * FROM posts WHERE id = ?", row["post_id"])
        vod = {**vod_json(row), "post": post_json(post) if post else None}
        if vod_id in garbled:
            vod["status"] = None
        return reply("vod", vod)

    @app.patch("/api/v1/vod/{vod_id}/status")
    async def set_status(vod_id: str, status: str, authorization: str | None = Header(None)):
        row = tenant_vod(vod_id, caller(authorization))
        if status not in {"processing", "ready", "failed", "deleted"}:
            raise HTTPException(400, f"unknown status {status}")
        if status not in TRANSITIONS.get(row["status"], set()):
            raise HTTPException(400, f"cannot change status from {row['status']} to {status}")
        store.run("UPDATE vods SET status = ? WHERE id = ?", status, vod_id)
        return reply("vod_status", vod_json(store.one("SELECT * FROM vods WHERE id = ?", vod_id)))

    # --- chapters ------------------------------------------------------------------------
    def ordered(video_id: str):
        return store.all("SELECT * FROM chapters WHERE video_id = ? ORDER BY start_time", video_id)

    def renumber(video_id: str) -> None:
        # In SQL: the per-request cost must stay small when a bench sends 1,000 changes.
        store.run(
            "UPDATE chapters SET ord = numbered.position FROM (SELECT id, ROW_NUMBER() OVER "
            "(ORDER BY start_time) - 1 AS position FROM chapters WHERE video_id = ?) AS numbered "
            "WHERE chapters.id = numbered.id AND chapters.ord IS NOT numbered.position",
            video_id,
        )

    def check_range(video, start, end, exclude: str | None = None) -> None:
        if start is None or end is None:
            raise HTTPException(400, "start_time and end_time are required")
        if start < 0:
            raise HTTPException(400, "start_time cannot be negative")
        if start >= end:
            raise HTTPException(400, "start_time must be before end_time")
        if video["duration"] is not None and end > video["duration"] + 1e-9:
            raise HTTPException(
                400, f"end_time {end} is past the video duration {video['duration']}"
            )
        other = store.one(
            "SELECT title FROM chapters WHERE video_id = ? AND id IS NOT ? AND start_time < ? "
            "AND end_time > ? ORDER BY start_time LIMIT 1",
            video["id"],
            exclude,
            end,
            start,
        )
        if other is not None:
            raise HTTPException(400, f"chapter overlaps existing chapter '{other['title']}'")

    def check_title(title) -> str:
        text = " ".join(str(title or "").split())
        if not text:
            raise HTTPException(400, "title is required")
        if len(text) > 200:
            raise HTTPException(400, "title is longer than 200 characters")
        return text

    def chapter_row(video_id: str, chapter_id: str):
        row = store.one(
            "SELECT * FROM chapters WHERE id = ? AND video_id = ?", chapter_id, video_id
        )
        if row is None:
            raise HTTPException(404, f"chapter {chapter_id} not found")
        return row

    @app.get("/api/v1/videos/{video_id}/chapters")
    async def list_chapters(
        video_id: str,
        source: str | None = None,
        search: str | None = None,
        min_confidence: float | None = None,
    ):
        any_video(video_id)
        if source is not None and source not in ("manual", "ai"):
            raise HTTPException(400, "source must be manual or ai")
        if min_confidence is not None and not 0 <= min_confidence <= 1:
            raise HTTPException(400, "min_confidence must be between 0.0 and 1.0")
        rows = [chapter_json(r) for r in ordered(video_id)]
        if source:
            rows = [r for r in rows if r["source"] == source]
        if search:
            needle = search.lower()
            rows = [
                r
                for r in rows
                if needle in r["title"].lower() or needle in (r["description"] or "").lower()
            ]
        if min_confidence is not None:
            # A chapter without a score (a manual one) has not reached any minimum.
            rows = [
                r
                for r in rows
                if r["confidence_score"] is not None and r["confidence_score"] >= min_confidence
            ]
        rows = [{**r, "start_time": "whenever"} if r["id"] in garbled else r for r in rows]
        return reply("chapters", rows)

    @app.get("/api/v1/videos/{video_id}/chapters/at-time")
    async def chapter_at(video_id: str, timestamp: int):
        any_video(video_id)
        for row in ordered(video_id):
            if row["start_time"] <= timestamp < row["end_time"]:
                return reply("chapter", chapter_json(row))
        raise HTTPException(404, f"no chapter covers {timestamp} s")

    @app.get("/api/v1/videos/{video_id}/chapters/{chapter_id}")
    async def get_chapter(video_id: str, chapter_id: str):
        any_video(video_id)
        return reply("chapter", chapter_json(chapter_row(video_id, chapter_id)))

    @app.get("/api/v1/videos/{video_id}/chapters/{chapter_id}/{direction}")
    async def neighbour(video_id: str, chapter_id: str, direction: str):
        if direction not in ("next", "previous"):
            raise HTTPException(404, "not found")
        any_video(video_id)
        chapter_row(video_id, chapter_id)
        ids = [r["id"] for r in ordered(video_id)]
        index = ids.index(chapter_id) + (1 if direction == "next" else -1)
        if not 0 <= index < len(ids):
            raise HTTPException(404, f"there is no {direction} chapter")
        return reply("chapter", chapter_json(chapter_row(video_id, ids[index])))

    @app.post("/api/v1/videos/{video_id}/chapters", status_code=201)
    async def create_chapter(
        video_id: str, body: ChapterBody, authorization: str | None = Header(None)
    ):
        video = owned_video(video_id, caller(authorization))
        title = check_title(body.title)
        check_range(video, body.start_time, body.end_time)
        chapter_id = new_id()
        store.run(
            "INSERT INTO chapters VALUES (?,?,?,?,?,?,?,?,?,?)",
            chapter_id,
            video_id,
            title,
            body.description or "",
            body.start_time,
            body.end_time,
            body.order or 0,
            "manual",
            None,
            body.thumbnail_url,
        )
        renumber(video_id)
        return reply(
            "created",
            chapter_json(chapter_row(video_id, chapter_id)),
            location=f"/api/v1/videos/{video_id}/chapters/{chapter_id}",
        )

    @app.put("/api/v1/videos/{video_id}/chapters/{chapter_id}")
    async def update_chapter(
        video_id: str, chapter_id: str, body: ChapterBody, authorization: str | None = Header(None)
    ):
        video = owned_video(video_id, caller(authorization))
        row = chapter_row(video_id, chapter_id)
        changes = body.model_dump(exclude_unset=True)
        title = check_title(changes["title"]) if "title" in changes else row["title"]
        start = changes.get("start_time", row["start_time"])
        end = changes.get("end_time", row["end_time"])
        check_range(video, start, end, exclude=chapter_id)
        store.run(
            "UPDATE chapters SET title=?, description=?, start_time=?, end_time=?, "
            "thumbnail_url=? WHERE id=?",
            title,
            changes.get("description", row["description"]) or "",
            start,
            end,
            changes.get("thumbnail_url", row["thumbnail_url"]),
            chapter_id,
        )
        renumber(video_id)
        return reply("updated", chapter_json(chapter_row(video_id, chapter_id)))

    @app.delete("/api/v1/videos/{video_id}/chapters/{chapter_id}", status_code=204)
    async def delete_chapter(
        video_id: str, chapter_id: str, authorization: str | None = Header(None)
    ):
        owned_video(video_id, caller(authorization))
        chapter_row(video_id, chapter_id)
        store.run("DELETE FROM chapters WHERE id = ?", chapter_id)
        renumber(video_id)
        return reply("done", {"id": chapter_id, "deleted": True})

    @app.post("/api/v1/videos/{video_id}/chapters/generate")
    async def generate(
        video_id: str, body: GenerateBody | None = None, authorization: str | None = Header(None)
    ):
        video = owned_video(video_id, caller(authorization))
        body = body or GenerateBody()
        transcript = json.loads(video["transcript"] or "null")
        if not transcript:
            raise HTTPException(400, "the video has no transcript")
        store.run("DELETE FROM chapters WHERE video_id = ? AND source = 'ai'", video_id)
        step = max(1, len(transcript) // 4)
        made = []
        for index in range(0, len(transcript), step):
            group = transcript[index : index + step]
            start, end = float(group[0]["start"]), float(group[-1]["end"])
            if any(start < o["end_time"] and o["start_time"] < end for o in ordered(video_id)):
                continue
            chapter_id = new_id()
            title = " ".join(str(group[0]["text"]).split()[:5]) or f"Part {len(made) + 1}"
            store.run(
                "INSERT INTO chapters VALUES (?,?,?,?,?,?,?,?,?,?)",
                chapter_id,
                video_id,
                title,
                " ".join(str(g["text"]) for g in group)[:300],
                start,
                end,
                0,
                "ai",
                0.9,
                None,
            )
            made.append(chapter_id)
        renumber(video_id)
        chapters = [chapter_json(chapter_row(video_id, c)) for c in made]
        return reply(
            "generated",
            {
                "chapters": chapters,
                "count": len(chapters),
                "model_used": body.model,
                "processing_time_seconds": 0.01,
            },
        )

    register_media_routes(app, store, caller, reply, new_id)

    # --- control (tests only) ------------------------------------------------------------
    @app.post("/_control/faults")
    async def add_fault(rule: dict = Body(...)):
        board.add(**rule)
        return {"ok": True}

    @app.delete("/_control/faults")
    async def clear_faults():
        board.clear()
        return {"ok": True}

    @app.post("/_control/reset")
    async def reset():
        store.reset()
        board.clear()
        board.requests.clear()
        app.state.dialect = Dialect()
        new_id.numeric = False
        garbled.clear()
        return {"ok": True}

    @app.post("/_control/garble/{record_id}")
    async def garble(record_id: str):
        """Answer this chapter (in lists) or VOD with a field no reader can use."""
        garbled.add(record_id)
        return {"ok": True}

    @app.delete("/_control/garble/{record_id}")
    async def ungarble(record_id: str):
        garbled.discard(record_id)
        return {"ok": True}

    @app.post("/_control/dialect")
    async def set_dialect(spec: dict = Body(...)):
        """``{"profile": NAME}`` and/or single switches (see ``dialects.Dialect``)."""
        spec = dict(spec)
        try:
            base = PROFILES[spec.pop("profile")] if "profile" in spec else app.state.dialect
            app.state.dialect = base.changed(**spec)
        except (KeyError, ValueError) as error:
            raise HTTPException(400, f"bad dialect: {error}") from None
        new_id.numeric = app.state.dialect.ids == "int"
        return app.state.dialect.to_json()

    @app.get("/_control/requests")
    async def requests_log():
        return board.requests

    @app.delete("/_control/requests")
    async def reset_requests():
        board.requests.clear()
        return {"ok": True}

    @app.post("/_control/tokens")
    async def add_token(spec: dict = Body(...)):
        store.add_token(
            spec["token"], spec["user"], spec["tenant"], spec.get("project"), spec.get("ttl")
        )
        return {"ok": True}

    @app.post("/_control/tokens/{token}/expire")
    async def expire(token: str):
        store.expire_token(token)
        return {"ok": True}

    @app.post("/_control/videos/{video_id}")
    async def set_video(video_id: str, spec: dict = Body(...)):
        any_video(video_id)
        for key in ("duration", "status"):
            if key in spec:
                store.run(f"UPDATE vods SET {key} = ? WHERE id = ?", spec[key], video_id)
        if "transcript" in spec:
            store.run(
                "UPDATE vods SET transcript = ? WHERE id = ?", dumps(spec["transcript"]), video_id
            )
        if "fail_qualities" in spec:
            store.run(
                "UPDATE vods SET fail_qualities = ? WHERE id = ?",
                dumps(spec["fail_qualities"]),
                video_id,
            )
        return {"ok": True}

    @app.get("/_control/videos")
    async def all_videos():
        return [dict(r) for r in store.all("SELECT * FROM vods")]

    @app.get("/_control/videos/{video_id}/chapters")
    async def canonical_chapters(video_id: str):
        return [chapter_json(r) for r in ordered(video_id)]

    return _wrap(app, board)


def _wrap(app: FastAPI, board: FaultBoard):
    """The ASGI app to serve: faults outside FastAPI, so they can cut the raw connection."""
    wrapped = FaultMiddleware(app, board)
    wrapped.state = app.state  # tests reach the store and the fault board through here
    return wrapped

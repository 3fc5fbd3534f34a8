"""Thumbnail and transcode endpoints of the emulator, "processed by Celery": generated
thumbnails appear on the next list, and a transcode job advances on every status poll."""

from __future__ import annotations

import json
import time

from fastapi import Body, FastAPI, Header, HTTPException
from pydantic import BaseModel

from .store import EmulatorStore, dumps

SIZES = {"small": "320x180", "medium": "640x360", "large": "1280x720", "xlarge": "1920x1080"}
LADDER = {
    "360p": ("640x360", "800k"),
    "720p": ("1280x720", "2500k"),
    "1080p": ("1920x1080", "5000k"),
}


class ThumbnailBody(BaseModel):
    timestamps: list[float] | None = None
    resolutions: list[str] = ["small", "medium", "large"]
    set_default: int = 2


class TranscodeBody(BaseModel):
    qualities: list[str] = ["360p", "720p", "1080p"]
    format: str = "hls"
    priority: str = "normal"


def register_media_routes(app: FastAPI, store: EmulatorStore, caller, reply, new_id) -> None:
    base = "/api/v1/projects/{project_id}/database/videos/{video_id}"

    def video_in_project(project_id: str, video_id: str, authorization: str | None):
        who = caller(authorization)
        if store.project_of(who.tenant_id) != project_id:
            raise HTTPException(404, f"project {project_id} not found")
        return app.state.tenant_vod(video_id, who)

    def thumb_json(row) -> dict:
        return {
            "thumbnail_id": row["id"],
            "url": row["url"],
            "webp_url": row["webp_url"],
            "timestamp": row["timestamp"],
            "resolution": row["resolution"],
            "size_bytes": row["size_bytes"],
            "is_default": bool(row["is_default"]),
        }

    @app.post(base + "/thumbnails")
    async def generate(
        project_id: str,
        video_id: str,
        body: ThumbnailBody | None = None,
        authorization: str | None = Header(None),
    ):
        video = video_in_project(project_id, video_id, authorization)
        body = body or ThumbnailBody()
        if video["status"] != "ready":
            raise HTTPException(400, f"video status is {video['status']}; thumbnails need ready")
        unknown = [r for r in body.resolutions if r not in SIZES]
        if unknown or not body.resolutions:
            raise HTTPException(400, f"unknown resolutions {unknown}: use {', '.join(SIZES)}")
        duration = video["duration"] or 100.0
        stamps = body.timestamps or [duration * p for p in (0.2, 0.4, 0.6, 0.8, 1.0)]
        if any(t < 0 or t > duration for t in stamps):
            raise HTTPException(400, "timestamps must be within the video duration")
        if not 0 <= body.set_default < len(stamps):
            raise HTTPException(400, f"set_default must be an index below {len(stamps)}")
        store.run("DELETE FROM thumbnails WHERE video_id = ?", video_id)
        for index, stamp in enumerate(stamps):
            for resolution in body.resolutions:
                thumb_id = new_id()
                url = f"https://cdn.example/thumbs/{thumb_id}.jpg"
                store.run(
                    "INSERT INTO thumbnails VALUES (?,?,?,?,?,?,?,?,?,?)",
                    thumb_id,
                    video_id,
                    url,
                    url.replace(".jpg", ".webp"),
                    stamp,
                    SIZES[resolution],
                    1000 + index,
                    int(index == body.set_default),
                    0,
                    time.time(),
                )
        return reply(
            "task",
            {
                "video_id": video_id,
                "thumbnails": [],
                "task_id": new_id(),
                "default_thumbnail_url": None,
                "processing_time_ms": None,
            },
            202,
        )

    @app.get(base + "/thumbnails")
    async def list_thumbnails(
        project_id: str, video_id: str, authorization: str | None = Header(None)
    ):
        video_in_project(project_id, video_id, authorization)
        store.run("UPDATE thumbnails SET ready = 1 WHERE video_id = ?", video_id)
        rows = store.all(
            "SELECT * FROM thumbnails WHERE video_id = ? ORDER BY timestamp, resolution", video_id
        )
        return reply("thumbnails", [thumb_json(r) for r in rows])

    @app.get("/_control/videos/{video_id}/thumbnails")
    async def canonical_thumbnails(video_id: str):
        rows = store.all(
            "SELECT * FROM thumbnails WHERE video_id = ? ORDER BY timestamp, resolution", video_id
        )
        return [thumb_json(r) for r in rows]

    @app.put(base + "/default-thumbnail")
    async def set_default(
        project_id: str,
        video_id: str,
        body: dict = Body(...),
        authorization: str | None = Header(None),
    ):
        video_in_project(project_id, video_id, authorization)
        url = body.get("thumbnail_url")
        if not url:
            raise HTTPException(400, "thumbnail_url is required")
        if (
            store.one("SELECT id FROM thumbnails WHERE video_id = ? AND url = ?", video_id, url)
            is None
        ):
            raise HTTPException(404, "no thumbnail of this video has that URL")
        store.run("UPDATE thumbnails SET is_default = (url = ?) WHERE video_id = ?", url, video_id)
        return reply("done", {"video_id": video_id, "default_thumbnail_url": url})

    @app.delete(base + "/thumbnails/{thumbnail_id}")
    async def delete_thumbnail(
        project_id: str, video_id: str, thumbnail_id: str, authorization: str | None = Header(None)
    ):
        video_in_project(project_id, video_id, authorization)
        row = store.one(
            "SELECT * FROM thumbnails WHERE id = ? AND video_id = ?", thumbnail_id, video_id
        )
        if row is None:
            raise HTTPException(404, f"thumbnail {thumbnail_id} not found")
        if row["is_default"]:
            raise HTTPException(409, "cannot delete the default thumbnail: set another first")
        store.run("DELETE FROM thumbnails WHERE id = ?", thumbnail_id)
        return reply("done")

    def job_json(job, video) -> dict:
        qualities = json.loads(job["qualities"])
        completed, failed = json.loads(job["completed"]), json.loads(job["failed"])
        pending = [q for q in qualities if q not in completed and q not in failed]
        outputs = [
            {
                "quality": q,
                "url": f"https://cdn.example/hls/{video['id']}/{q}/playlist.m3u8",
                "bitrate": LADDER[q][1],
                "resolution": LADDER[q][0],
                "segment_count": 10,
                "size_bytes": 1_000_000,
                "status": "completed",
            }
            for q in completed
        ]
        done = len(completed) + len(failed)
        return {
            "job_id": job["id"],
            "video_id": video["id"],
            "status": job["status"],
            "progress": round(100 * done / len(qualities)),
            "current_quality": pending[0] if job["status"] == "processing" and pending else None,
            "completed_qualities": completed,
            "failed_qualities": failed,
            "estimated_time_remaining": f"{len(pending) * 10}s",
            "outputs": outputs,
            "qualities_requested": qualities,
            "estimated_time": f"{len(pending) * 10}s",
            "master_playlist_url": (
                f"https://cdn.example/hls/{video['id']}/master.m3u8"
                if job["status"] == "completed"
                else None
            ),
            "error": f"{', '.join(failed)} failed" if failed else None,
        }

    @app.post(base + "/transcode")
    async def start(
        project_id: str,
        video_id: str,
        body: TranscodeBody | None = None,
        authorization: str | None = Header(None),
    ):
        video = video_in_project(project_id, video_id, authorization)
        body = body or TranscodeBody()
        if video["status"] != "ready":
            raise HTTPException(400, f"video status is {video['status']}; transcoding needs ready")
        if not body.qualities or any(q not in LADDER for q in body.qualities):
            raise HTTPException(400, "qualities must be among 360p, 720p, 1080p")
        if body.format != "hls":
            raise HTTPException(400, "only the hls format is supported")
        if body.priority not in ("normal", "high"):
            raise HTTPException(400, "priority must be normal or high")
        unix = int(time.time())
        job_id = f"transcode_{video_id}_{unix}"
        while store.one("SELECT id FROM jobs WHERE id = ?", job_id):
            unix += 1
            job_id = f"transcode_{video_id}_{unix}"
        store.run(
            "INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?)",
            job_id,
            video_id,
            "queued",
            dumps(body.qualities),
            "[]",
            "[]",
            body.priority,
            0,
            time.time(),
        )
        job = store.one("SELECT * FROM jobs WHERE id = ?", job_id)
        return reply("job", job_json(job, video), 202)

    def advance(job, video) -> None:
        """One poll = one quality processed (or failed, if the test asked for that)."""
        if job["status"] not in ("queued", "processing"):
            return
        qualities = json.loads(job["qualities"])
        completed, failed = json.loads(job["completed"]), json.loads(job["failed"])
        pending = [q for q in qualities if q not in completed and q not in failed]
        if job["polls"] > 0 and pending:
            (failed if pending[0] in json.loads(video["fail_qualities"]) else completed).append(
                pending[0]
            )
            pending = pending[1:]
        status = "processing" if pending else ("failed" if failed else "completed")
        store.run(
            "UPDATE jobs SET status=?, completed=?, failed=?, polls=polls+1 WHERE id=?",
            status,
            dumps(completed),
            dumps(failed),
            job["id"],
        )

    def find_job(video_id: str, job_id: str | None):
        if job_id:
            job = store.one("SELECT * FROM jobs WHERE id = ? AND video_id = ?", job_id, video_id)
        else:
            job = store.one(
                "SELECT * FROM jobs WHERE video_id = ? ORDER BY created DESC, id DESC LIMIT 1",
                video_id,
            )
        if job is None:
            raise HTTPException(404, "no transcoding job found")
        return job

    @app.get(base + "/transcode/status")
    async def status(
        project_id: str,
        video_id: str,
        job_id: str | None = None,
        authorization: str | None = Header(None),
    ):
        video = video_in_project(project_id, video_id, authorization)
        job = find_job(video_id, job_id)
        advance(job, video)
        return reply("job", job_json(find_job(video_id, job["id"]), video))

    @app.delete(base + "/transcode/{job_id}")
    async def cancel(
        project_id: str, video_id: str, job_id: str, authorization: str | None = Header(None)
    ):
        video = video_in_project(project_id, video_id, authorization)
        job = find_job(video_id, job_id)
        if job["status"] in ("completed", "failed", "cancelled"):
            raise HTTPException(409, f"cannot cancel a {job['status']} job")
        store.run("UPDATE jobs SET status = 'cancelled' WHERE id = ?", job_id)
        return reply("job", job_json(find_job(video_id, job_id), video))

    @app.post(base + "/transcode/retry/{quality}")
    async def retry(
        project_id: str, video_id: str, quality: str, authorization: str | None = Header(None)
    ):
        video = video_in_project(project_id, video_id, authorization)
        if quality not in LADDER:
            raise HTTPException(400, "quality must be one of: 360p, 720p, 1080p")
        job = find_job(video_id, None)
        failed = json.loads(job["failed"])
        if quality not in failed:
            raise HTTPException(409, f"{quality} has not failed in the latest job")
        failed.remove(quality)
        store.run(
            "UPDATE jobs SET status='processing', failed=? WHERE id=?", dumps(failed), job["id"]
        )
        fails = [q for q in json.loads(video["fail_qualities"]) if q != quality]
        store.run("UPDATE vods SET fail_qualities = ? WHERE id = ?", dumps(fails), video_id)
        return reply("job", job_json(find_job(video_id, job["id"]), video), 202)

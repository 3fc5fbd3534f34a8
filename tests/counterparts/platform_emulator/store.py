"""The emulator's own SQLite database: tenants, tokens, VODs, posts, chapters, thumbnails,
transcode jobs. One connection used from the event loop only."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

SCHEMA = """
CREATE TABLE tenants (id TEXT PRIMARY KEY, project_id TEXT UNIQUE);
CREATE TABLE tokens (token TEXT PRIMARY KEY, user_id TEXT, tenant_id TEXT, expires_at REAL);
CREATE TABLE vods (id TEXT PRIMARY KEY, tenant_id TEXT, owner_id TEXT, cloudflare_video_id TEXT,
  title TEXT, description TEXT, visibility TEXT, group_id TEXT, content_warning TEXT,
  is_nsfw INTEGER, status TEXT, playback_url TEXT, created_at TEXT, duration REAL,
  transcript TEXT, post_id TEXT, fail_qualities TEXT DEFAULT '[]');
CREATE TABLE posts (id TEXT PRIMARY KEY, vod_id TEXT, type TEXT, content TEXT, visibility TEXT,
  created_at TEXT);
CREATE TABLE idempotency (key TEXT, tenant_id TEXT, response TEXT, PRIMARY KEY (key, tenant_id));
CREATE TABLE chapters (id TEXT PRIMARY KEY, video_id TEXT, title TEXT, description TEXT,
  start_time REAL, end_time REAL, ord INTEGER, source TEXT, confidence_score REAL,
  thumbnail_url TEXT);
CREATE INDEX chapters_by_start ON chapters (video_id, start_time);
CREATE TABLE thumbnails (id TEXT PRIMARY KEY, video_id TEXT, url TEXT, webp_url TEXT,
  timestamp REAL, resolution TEXT, size_bytes INTEGER, is_default INTEGER, ready INTEGER,
  created REAL);
CREATE TABLE jobs (id TEXT PRIMARY KEY, video_id TEXT, status TEXT, qualities TEXT,
  completed TEXT, failed TEXT, priority TEXT, polls INTEGER, created REAL);
"""

DEFAULT_TOKENS = (
    # token, user, tenant, project
    ("token-alice", "alice", "tenant-a", "project-a"),
    ("token-carol", "carol", "tenant-a", "project-a"),  # same tenant, not the owner
    ("token-bob", "bob", "tenant-b", "project-b"),  # another tenant
)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_id() -> str:
    return str(uuid.uuid4())


class EmulatorStore:
    def __init__(self, path: str = ":memory:") -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        for token, user, tenant, project in DEFAULT_TOKENS:
            self.add_token(token, user, tenant, project)

    def reset(self) -> None:
        """Back to the seeded state (tests share one server and reset it between tests)."""
        for table in (
            "tenants",
            "tokens",
            "vods",
            "posts",
            "idempotency",
            "chapters",
            "thumbnails",
            "jobs",
        ):
            self.db.execute(f"DELETE FROM {table}")
        for token, user, tenant, project in DEFAULT_TOKENS:
            self.add_token(token, user, tenant, project)

    def add_token(
        self,
        token: str,
        user: str,
        tenant: str,
        project: str | None = None,
        ttl: float | None = None,
    ) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO tenants VALUES (?, ?)", (tenant, project or f"project-{tenant}")
        )
        self.db.execute(
            "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)",
            (token, user, tenant, time.time() + ttl if ttl else None),
        )

    def expire_token(self, token: str) -> None:
        self.db.execute(
            "UPDATE tokens SET expires_at = ? WHERE token = ?", (time.time() - 1, token)
        )

    def one(self, sql: str, *args) -> sqlite3.Row | None:
        return self.db.execute(sql, args).fetchone()

    def all(self, sql: str, *args) -> list[sqlite3.Row]:
        return self.db.execute(sql, args).fetchall()

    def run(self, sql: str, *args) -> None:
        self.db.execute(sql, args)

    def project_of(self, tenant_id: str) -> str:
        return self.one("SELECT project_id FROM tenants WHERE id = ?", tenant_id)["project_id"]


def chapter_json(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "video_id": row["video_id"],
        "title": row["title"],
        "description": row["description"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "order": row["ord"],
        "source": row["source"],
        "confidence_score": row["confidence_score"],
        "thumbnail_url": row["thumbnail_url"],
    }


def vod_json(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "status": row["status"],
        "title": row["title"],
        "description": row["description"],
        "cloudflare_video_id": row["cloudflare_video_id"],
        "playback_url": row["playback_url"],
        "created_at": row["created_at"],
        "visibility": row["visibility"],
    }


def post_json(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "type": row["type"],
        "content": row["content"],
        "visibility": row["visibility"],
        "created_at": row["created_at"],
    }


def dumps(value) -> str:
    return json.dumps(value)

"""The platform API of the seed page, one method per endpoint, answers as pydantic models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticError

from .config import PlatformConfig
from .errors import MalformedResponseError
from .http import HttpRunner, RetryPolicy
from .models import (
    GeneratedChapters,
    RemoteChapter,
    RemoteThumbnail,
    RemoteVod,
    ThumbnailTask,
    TranscodeJob,
    VodUploadResult,
)

M = TypeVar("M")
CHAPTER_FIELDS = ("title", "description", "start_time", "end_time", "order", "thumbnail_url")


def _seg(value: str) -> str:
    return quote(str(value), safe="")


class PlatformClient:
    def __init__(
        self,
        config: PlatformConfig,
        *,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        config.require_api()
        self.config = config
        extra = {"sleep": sleep} if sleep else {}
        self.http = HttpRunner(
            service="platform",
            base_url=config.api_url,
            auth_header=lambda: f"Bearer {config.api_token}",
            timeout=timeout,
            retry=retry,
            transport=transport,
            **extra,
        )

    def close(self) -> None:
        self.http.close()

    @property
    def request_count(self) -> int:
        return self.http.request_count

    # --- VODs ----------------------------------------------------------------------------
    def upload_vod(
        self,
        *,
        cloudflare_video_id: str,
        title: str,
        description: str | None = None,
        visibility: str | None = None,
        group_id: str | None = None,
        content_warning: str | None = None,
        is_nsfw: bool | None = None,
        idempotency_key: str | None = None,
    ) -> VodUploadResult:
        body = {
            k: v
            for k, v in {
                "cloudflare_video_id": cloudflare_video_id,
                "title": title,
                "description": description,
                "visibility": visibility,
                "group_id": group_id,
                "content_warning": content_warning,
                "is_nsfw": is_nsfw,
            }.items()
            if v is not None
        }
        # Never repeated automatically after an ambiguous failure (the page documents no
        # idempotency). The key lets a server that honours it answer a deliberate repeat (the
        # user running upload again) with the first result instead of a second post.
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.http.request(
            "POST",
            "/api/v1/vod/upload",
            json=body,
            headers=headers,
            idempotent=False,
            expected=(200, 201),
            parse=lambda r: self._parse(r, VodUploadResult),
        )

    def get_vod(self, vod_id: str) -> RemoteVod:
        return self._get(f"/api/v1/vod/{_seg(vod_id)}", RemoteVod)

    def set_vod_status(self, vod_id: str, status: str) -> RemoteVod:
        return self.http.request(
            "PATCH",
            f"/api/v1/vod/{_seg(vod_id)}/status",
            params={"status": status},
            idempotent=False,
            parse=lambda r: self._parse(r, RemoteVod),
        )

    # --- chapters ------------------------------------------------------------------------
    def list_chapters(
        self,
        video_id: str,
        *,
        source: str | None = None,
        search: str | None = None,
        min_confidence: float | None = None,
    ) -> list[RemoteChapter]:
        params = {
            k: v
            for k, v in {
                "source": source,
                "search": search,
                "min_confidence": min_confidence,
            }.items()
            if v is not None
        }
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters", list[RemoteChapter], params=params
        )

    def get_chapter(self, video_id: str, chapter_id: str) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}", RemoteChapter
        )

    def create_chapter(self, video_id: str, fields: dict[str, Any]) -> RemoteChapter:
        """Not idempotent: after an ambiguous failure, list the chapters before retrying."""
        body = {k: fields[k] for k in CHAPTER_FIELDS if k in fields}
        return self.http.request(
            "POST",
            f"/api/v1/videos/{_seg(video_id)}/chapters",
            json=body,
            idempotent=False,
            expected=(200, 201),
            parse=lambda r: self._parse(r, RemoteChapter),
        )

    def update_chapter(
        self, video_id: str, chapter_id: str, fields: dict[str, Any]
    ) -> RemoteChapter:
        body = {k: fields[k] for k in CHAPTER_FIELDS if k in fields}
        return self.http.request(
            "PUT",
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}",
            json=body,
            idempotent=True,
            parse=lambda r: self._parse(r, RemoteChapter),
        )

    def delete_chapter(self, video_id: str, chapter_id: str) -> None:
        self.http.request(
            "DELETE",
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}",
            idempotent=True,
            expected=(200, 204),
        )

    def chapter_at(self, video_id: str, timestamp: int) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/at-time",
            RemoteChapter,
            params={"timestamp": int(timestamp)},
        )

    def next_chapter(self, video_id: str, chapter_id: str) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}/next", RemoteChapter
        )

    def previous_chapter(self, video_id: str, chapter_id: str) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}/previous", RemoteChapter
        )

    def generate_chapters(
        self,
        video_id: str,
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> GeneratedChapters:
        body = {
            k: v
            for k, v in {
                "model": model,
                "temperature": temperature,
                "max_tokens": max_tokens,
            }.items()
            if v is not None
        }
        # Replacing the AI chapters again gives the same end state: safe to repeat.
        return self.http.request(
            "POST",
            f"/api/v1/videos/{_seg(video_id)}/chapters/generate",
            json=body,
            idempotent=True,
            expected=(200, 201),
            parse=lambda r: self._parse(r, GeneratedChapters),
        )

    # --- thumbnails ----------------------------------------------------------------------
    def _project_video(self, video_id: str) -> str:
        self.config.require_project()
        return f"/api/v1/projects/{_seg(self.config.project_id)}/database/videos/{_seg(video_id)}"

    def generate_thumbnails(
        self,
        video_id: str,
        *,
        timestamps: list[float] | None = None,
        resolutions: list[str] | None = None,
        set_default: int | None = None,
    ) -> ThumbnailTask:
        body = {
            k: v
            for k, v in {
                "timestamps": timestamps,
                "resolutions": resolutions,
                "set_default": set_default,
            }.items()
            if v is not None
        }
        return self.http.request(
            "POST",
            f"{self._project_video(video_id)}/thumbnails",
            json=body,
            idempotent=False,
            expected=(200, 201, 202),
            parse=lambda r: self._parse(r, ThumbnailTask),
        )

    def list_thumbnails(self, video_id: str) -> list[RemoteThumbnail]:
        return self._get(f"{self._project_video(video_id)}/thumbnails", list[RemoteThumbnail])

    def set_default_thumbnail(self, video_id: str, thumbnail_url: str) -> None:
        self.http.request(
            "PUT",
            f"{self._project_video(video_id)}/default-thumbnail",
            json={"thumbnail_url": thumbnail_url},
            idempotent=True,
            expected=(200, 204),
        )

    def delete_thumbnail(self, video_id: str, thumbnail_id: str) -> None:
        self.http.request(
            "DELETE",
            f"{self._project_video(video_id)}/thumbnails/{_seg(thumbnail_id)}",
            idempotent=True,
            expected=(200, 204),
        )

    # --- transcoding ---------------------------------------------------------------------
    def start_transcode(
        self,
        video_id: str,
        *,
        qualities: list[str] | None = None,
        priority: str | None = None,
        output_format: str = "hls",
    ) -> TranscodeJob:
        body = {
            k: v
            for k, v in {
                "qualities": qualities,
                "format": output_format,
                "priority": priority,
            }.items()
            if v is not None
        }
        return self.http.request(
            "POST",
            f"{self._project_video(video_id)}/transcode",
            json=body,
            idempotent=False,
            expected=(200, 202),
            parse=lambda r: self._parse(r, TranscodeJob),
        )

    def transcode_status(self, video_id: str, job_id: str | None = None) -> TranscodeJob:
        params = {"job_id": job_id} if job_id else None
        return self._get(
            f"{self._project_video(video_id)}/transcode/status", TranscodeJob, params=params
        )

    def cancel_transcode(self, video_id: str, job_id: str) -> None:
        self.http.request(
            "DELETE",
            f"{self._project_video(video_id)}/transcode/{_seg(job_id)}",
            idempotent=True,
            expected=(200, 202, 204),
        )

    def retry_transcode_quality(self, video_id: str, quality: str) -> TranscodeJob:
        return self.http.request(
            "POST",
            f"{self._project_video(video_id)}/transcode/retry/{_seg(quality)}",
            idempotent=False,
            expected=(200, 202),
            parse=lambda r: self._parse(r, TranscodeJob),
        )

    # --- internals -----------------------------------------------------------------------
    def _get(self, path: str, shape: type[M] | Any, params: dict | None = None) -> M:
        return self.http.request(
            "GET", path, params=params, idempotent=True, parse=lambda r: self._parse(r, shape)
        )

    def _parse(self, response: httpx.Response, shape: type[M] | Any) -> M:
        data = self.http.json(response)
        try:
            if isinstance(shape, type) and issubclass(shape, BaseModel):
                return cast(M, shape.model_validate(data))
            return TypeAdapter(shape).validate_python(data)
        except PydanticError as error:
            raise MalformedResponseError(
                f"platform answered {response.request.method} {response.request.url.path} with "
                f"an unexpected shape ({error.error_count()} problems, first: "
                f"{error.errors()[0]['msg']})",
                status=response.status_code,
                ambiguous=True,
            ) from None

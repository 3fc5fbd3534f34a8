"""The platform API of the seed page, one method per endpoint, answers as pydantic models.

Any 2xx is success (the page names few status codes, and servers written from it answer
200, 201, 202 or 204 for the same call); ``answers`` reads whichever body came back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from . import answers
from .config import PlatformConfig
from .http import SUCCESS, HttpRunner, RetryPolicy
from .models import (
    GeneratedChapters,
    RemoteChapter,
    RemoteThumbnail,
    RemoteVod,
    ThumbnailTask,
    TranscodeJob,
    VodUploadResult,
)
from .wire import Listing

CHAPTER_FIELDS = ("title", "description", "start_time", "end_time", "order", "thumbnail_url")


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _chapter_body(fields: dict[str, Any]) -> dict[str, Any]:
    """The chapter fields the page lists. A thumbnail URL that is not http(s) names a file
    on this machine: it is never sent (no local path leaves the machine)."""
    body = {k: fields[k] for k in CHAPTER_FIELDS if k in fields}
    url = body.get("thumbnail_url")
    if url is not None and not str(url).lower().startswith(("http://", "https://")):
        del body["thumbnail_url"]
    return body


class PlatformClient:
    def __init__(
        self,
        config: PlatformConfig,
        *,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        max_connections: int | None = None,
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
            max_connections=max_connections or config.max_connections,
            http2=True,  # many small requests: one connection, many streams, where offered
            **extra,
        )

    def close(self) -> None:
        self.http.close()

    @property
    def request_count(self) -> int:
        return self.http.request_count

    @property
    def max_connections(self) -> int:
        return self.http.max_connections

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
        body = _given(
            cloudflare_video_id=cloudflare_video_id,
            title=title,
            description=description,
            visibility=visibility,
            group_id=group_id,
            content_warning=content_warning,
            is_nsfw=is_nsfw,
        )
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
            expected=SUCCESS,
            parse=answers.upload_result,
        )

    def get_vod(self, vod_id: str) -> RemoteVod:
        return self._get(f"/api/v1/vod/{_seg(vod_id)}", lambda r: answers.vod(r, vod_id))

    def set_vod_status(self, vod_id: str, status: str) -> RemoteVod:
        """The VOD's status afterwards; a server may answer with the VOD, with only the
        status, or with no body at all."""
        return self.http.request(
            "PATCH",
            f"/api/v1/vod/{_seg(vod_id)}/status",
            params={"status": status},
            idempotent=False,
            expected=SUCCESS,
            parse=lambda r: answers.vod_status(r, vod_id, status),
        )

    # --- chapters ------------------------------------------------------------------------
    def list_chapters(
        self,
        video_id: str,
        *,
        source: str | None = None,
        search: str | None = None,
        min_confidence: float | None = None,
    ) -> Listing[RemoteChapter]:
        """The chapters that could be read; ``.problems`` names those that could not."""
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters",
            lambda r: answers.chapters(r, video_id),
            params=_given(source=source, search=search, min_confidence=min_confidence),
        )

    def get_chapter(self, video_id: str, chapter_id: str) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}",
            lambda r: answers.chapter(r, video_id),
        )

    def create_chapter(self, video_id: str, fields: dict[str, Any]) -> RemoteChapter:
        """Not idempotent: after an ambiguous failure, list the chapters before retrying."""
        body = _chapter_body(fields)
        try:
            return self.http.request(
                "POST",
                f"/api/v1/videos/{_seg(video_id)}/chapters",
                json=body,
                idempotent=False,
                expected=SUCCESS,
                parse=lambda r: answers.chapter(r, video_id, sent=body),
            )
        except answers.UnidentifiedChapterError as error:
            # Made, but the answer does not say which it is: the one with these times (the
            # platform allows no overlap, so there is at most one) and this title.
            found = self._find_created(video_id, body)
            if found is None:
                raise error from None
            return found

    def update_chapter(
        self, video_id: str, chapter_id: str, fields: dict[str, Any]
    ) -> RemoteChapter:
        body = _chapter_body(fields)
        updated = self.http.request(
            "PUT",
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}",
            json=body,
            idempotent=True,
            expected=SUCCESS,
            parse=lambda r: answers.chapter(r, video_id, sent=body, chapter_id=chapter_id),
        )
        # A bodiless answer to a partial update: the rest of the chapter is only over there.
        return updated if updated is not None else self.get_chapter(video_id, chapter_id)

    def delete_chapter(self, video_id: str, chapter_id: str) -> None:
        self.http.request(
            "DELETE",
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}",
            idempotent=True,
            expected=SUCCESS,
        )

    def chapter_at(self, video_id: str, timestamp: int) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/at-time",
            lambda r: answers.chapter(r, video_id),
            params={"timestamp": int(timestamp)},
        )

    def next_chapter(self, video_id: str, chapter_id: str) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}/next",
            lambda r: answers.chapter(r, video_id),
        )

    def previous_chapter(self, video_id: str, chapter_id: str) -> RemoteChapter:
        return self._get(
            f"/api/v1/videos/{_seg(video_id)}/chapters/{_seg(chapter_id)}/previous",
            lambda r: answers.chapter(r, video_id),
        )

    def generate_chapters(
        self,
        video_id: str,
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> GeneratedChapters:
        # Replacing the AI chapters again gives the same end state: safe to repeat.
        return self.http.request(
            "POST",
            f"/api/v1/videos/{_seg(video_id)}/chapters/generate",
            json=_given(model=model, temperature=temperature, max_tokens=max_tokens),
            idempotent=True,
            expected=SUCCESS,
            parse=lambda r: answers.generated(r, video_id, model),
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
        return self.http.request(
            "POST",
            f"{self._project_video(video_id)}/thumbnails",
            json=_given(timestamps=timestamps, resolutions=resolutions, set_default=set_default),
            idempotent=False,
            expected=SUCCESS,
            parse=lambda r: answers.thumbnail_task(r, video_id),
        )

    def list_thumbnails(self, video_id: str) -> Listing[RemoteThumbnail]:
        return self._get(f"{self._project_video(video_id)}/thumbnails", answers.thumbnails)

    def set_default_thumbnail(self, video_id: str, thumbnail_url: str) -> None:
        self.http.request(
            "PUT",
            f"{self._project_video(video_id)}/default-thumbnail",
            json={"thumbnail_url": thumbnail_url},
            idempotent=True,
            expected=SUCCESS,
        )

    def delete_thumbnail(self, video_id: str, thumbnail_id: str) -> None:
        self.http.request(
            "DELETE",
            f"{self._project_video(video_id)}/thumbnails/{_seg(thumbnail_id)}",
            idempotent=True,
            expected=SUCCESS,
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
        return self.http.request(
            "POST",
            f"{self._project_video(video_id)}/transcode",
            json=_given(qualities=qualities, format=output_format, priority=priority),
            idempotent=False,
            expected=SUCCESS,
            parse=lambda r: answers.job(r, video_id),
        )

    def transcode_status(self, video_id: str, job_id: str | None = None) -> TranscodeJob:
        return self._get(
            f"{self._project_video(video_id)}/transcode/status",
            lambda r: answers.job(r, video_id, job_id),
            params={"job_id": job_id} if job_id else None,
        )

    def cancel_transcode(self, video_id: str, job_id: str) -> None:
        self.http.request(
            "DELETE",
            f"{self._project_video(video_id)}/transcode/{_seg(job_id)}",
            idempotent=True,
            expected=SUCCESS,
        )

    def retry_transcode_quality(self, video_id: str, quality: str) -> TranscodeJob:
        return self.http.request(
            "POST",
            f"{self._project_video(video_id)}/transcode/retry/{_seg(quality)}",
            idempotent=False,
            expected=SUCCESS,
            parse=lambda r: answers.job(r, video_id),
        )

    # --- internals -----------------------------------------------------------------------
    def _find_created(self, video_id: str, sent: dict[str, Any]) -> RemoteChapter | None:
        title = " ".join(str(sent.get("title", "")).split()).casefold()
        for candidate in self.list_chapters(video_id):
            if (
                abs(candidate.start_time - float(sent["start_time"])) < 1e-3
                and abs(candidate.end_time - float(sent["end_time"])) < 1e-3
                and " ".join(candidate.title.split()).casefold() == title
            ):
                return candidate
        return None

    def _get(self, path: str, parse: Callable[[httpx.Response], Any], params=None) -> Any:
        return self.http.request(
            "GET", path, params=params, idempotent=True, expected=SUCCESS, parse=parse
        )

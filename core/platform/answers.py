"""Each endpoint's answer read into the client's models, whatever shape the server chose.

What the request itself tells (the video id in the path, the fields just sent, the status
asked for) fills what an answer leaves out: a ``204 No Content`` to a chapter update means
the chapter is now what was sent. An answer that still lacks what the app needs is a
``MalformedResponseError`` (ambiguous: the server may have acted), never a guess.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from .errors import MalformedResponseError
from .models import (
    GeneratedChapters,
    RemoteChapter,
    RemotePost,
    RemoteThumbnail,
    RemoteVod,
    ThumbnailTask,
    TranscodeJob,
    VodUploadResult,
)
from .wire import Listing, explain, present, read_records, unwrap_list, unwrap_record

M = TypeVar("M", bound=BaseModel)
VOD_NAMES = ("vod", "video")
CHAPTER_NAMES = ("chapter",)
THUMBNAIL_NAMES = ("thumbnail",)
JOB_NAMES = ("job", "transcode", "transcoding")


class UnidentifiedChapterError(MalformedResponseError):
    """A create succeeded (2xx) but its answer names no chapter: no body, no id, no
    ``Location``. The chapter exists; which one it is must be looked up."""


def malformed(
    response: httpx.Response,
    detail: str,
    kind: type[MalformedResponseError] = MalformedResponseError,
) -> MalformedResponseError:
    return kind(
        f"platform answered {response.request.method} {response.request.url.path} with an "
        f"unexpected shape ({detail})",
        status=response.status_code,
        ambiguous=True,
    )


def body(response: httpx.Response) -> Any:
    """The JSON body, or None when there is none (204, or an empty 200)."""
    if response.status_code == 204 or not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        raise malformed(response, "the body is not JSON") from None


def record(
    response: httpx.Response,
    model: type[M],
    names: tuple[str, ...],
    *,
    data: Any = ...,
    fill: dict[str, Any] | None = None,
    key: str = "id",
) -> M:
    raw = unwrap_record(body(response) if data is ... else data, names, key=key)
    if not isinstance(raw, dict):
        raise malformed(response, "expected an object")
    try:
        return model.model_validate({**(fill or {}), **present(raw)})
    except PydanticError as error:
        raise malformed(response, explain(error)) from None


def listing(
    response: httpx.Response,
    model: type[M],
    *,
    kind: str,
    names: tuple[str, ...],
    id_keys: tuple[str, ...] = ("id",),
    fill: dict[str, Any] | None = None,
    data: Any = ...,
) -> Listing[M]:
    items = unwrap_list(body(response) if data is ... else data, (f"{kind}s", *names))
    if items is None:
        raise malformed(response, f"expected a list of {kind}s")
    return read_records(items, model, kind=kind, names=names, id_keys=id_keys, fill=fill)


# --- per endpoint ----------------------------------------------------------------------------
def vod(response: httpx.Response, vod_id: str) -> RemoteVod:
    return record(response, RemoteVod, VOD_NAMES, fill={"id": vod_id})


def vod_status(response: httpx.Response, vod_id: str, requested: str) -> RemoteVod:
    """Any success means the status is now the one asked for, unless the answer says which."""
    data = body(response)
    if isinstance(data, dict):
        try:
            return record(response, RemoteVod, VOD_NAMES, data=data, fill={"id": vod_id})
        except MalformedResponseError:
            pass
        found = unwrap_record(data, VOD_NAMES)
        status = found.get("status") if isinstance(found, dict) else None
        if isinstance(status, str) and status:
            return RemoteVod(id=vod_id, status=status)
    return RemoteVod(id=vod_id, status=requested)


def upload_result(response: httpx.Response) -> VodUploadResult:
    data = body(response)
    if data is None:
        raise malformed(response, "no body: the VOD's id is unknown")
    linked = record(response, RemoteVod, VOD_NAMES, data=data)
    post = None
    raw_post = data.get("post") if isinstance(data, dict) else None
    if isinstance(raw_post, dict):
        try:
            post = RemotePost.model_validate(present(raw_post))
        except PydanticError:
            post = None  # the post is the platform's business; the VOD is what the app needs
    return VodUploadResult(vod=linked, post=post or linked.post)


def chapter(
    response: httpx.Response,
    video_id: str,
    *,
    sent: dict[str, Any] | None = None,
    chapter_id: str | None = None,
) -> RemoteChapter | None:
    """A chapter answer; what it leaves out is what was sent (``sent``), and a created
    chapter's id may come from the ``Location`` header alone. None for an update answered
    without a body when what was sent is not the whole chapter (the caller reads it)."""
    data = body(response)
    fill = {"video_id": video_id, **(sent or {})}
    chapter_id = chapter_id or _id_from_location(response)
    if chapter_id:
        fill["id"] = chapter_id
    if data is None:
        if not chapter_id or sent is None:
            raise malformed(
                response, "no body: the chapter's id is unknown", UnidentifiedChapterError
            )
        if not {"title", "start_time", "end_time"} <= set(sent):
            return None
        data = {}
    return record(response, RemoteChapter, CHAPTER_NAMES, data=data, fill=fill)


def chapters(response: httpx.Response, video_id: str) -> Listing[RemoteChapter]:
    return listing(
        response, RemoteChapter, kind="chapter", names=CHAPTER_NAMES, fill={"video_id": video_id}
    )


def generated(response: httpx.Response, video_id: str, model: str | None) -> GeneratedChapters:
    data = body(response)
    found = listing(
        response,
        RemoteChapter,
        kind="chapter",
        names=CHAPTER_NAMES,
        fill={"video_id": video_id, "source": "ai"},
        data=data,
    )
    summary = unwrap_record(data, ("result",), key="chapters") if isinstance(data, dict) else {}
    summary = {k: v for k, v in present(summary).items() if k != "chapters"}
    summary.setdefault("count", len(found))
    summary.setdefault("model_used", model)
    try:
        result = GeneratedChapters.model_validate(summary)
    except PydanticError as error:
        raise malformed(response, explain(error)) from None
    result.chapters = list(found)
    result.problems = [str(p) for p in found.problems]
    return result


def thumbnail_task(response: httpx.Response, video_id: str) -> ThumbnailTask:
    data = body(response)
    raw = unwrap_record(data, ("task",), key="task_id") if data is not None else {}
    if not isinstance(raw, dict):
        raise malformed(response, "expected an object")
    made = read_records(
        raw.get("thumbnails") or [],
        RemoteThumbnail,
        kind="thumbnail",
        names=THUMBNAIL_NAMES,
        id_keys=("thumbnail_id", "id"),
    )
    rest = {k: v for k, v in raw.items() if k != "thumbnails"}
    task = record(response, ThumbnailTask, (), data=rest, fill={"video_id": video_id}, key="")
    task.thumbnails = list(made)
    return task


def thumbnails(response: httpx.Response) -> Listing[RemoteThumbnail]:
    return listing(
        response,
        RemoteThumbnail,
        kind="thumbnail",
        names=THUMBNAIL_NAMES,
        id_keys=("thumbnail_id", "id"),
    )


def job(response: httpx.Response, video_id: str, job_id: str | None = None) -> TranscodeJob:
    fill: dict[str, Any] = {"video_id": video_id}
    if job_id:
        fill["job_id"] = job_id
    return record(response, TranscodeJob, JOB_NAMES, fill=fill, key="job_id")


def _id_from_location(response: httpx.Response) -> str | None:
    location = response.headers.get("Location")
    if not location:
        return None
    last = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return last or None

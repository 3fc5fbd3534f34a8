"""The platform's media contract: the HLS ladder, thumbnail sizes and defaults, job states."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import ValidationError


@dataclass(frozen=True, slots=True)
class Rung:
    """One quality of the HLS ladder."""

    name: str
    width: int
    height: int
    video_kbps: int

    @property
    def bitrate_label(self) -> str:
        return f"{self.video_kbps}k"

    @property
    def resolution_label(self) -> str:
        return f"{self.width}x{self.height}"


LADDER: dict[str, Rung] = {
    "360p": Rung("360p", 640, 360, 800),
    "720p": Rung("720p", 1280, 720, 2500),
    "1080p": Rung("1080p", 1920, 1080, 5000),
}
DEFAULT_QUALITIES: tuple[str, ...] = ("360p", "720p", "1080p")
AUDIO_KBPS = 128
GOP_SECONDS = 2.0
SEGMENT_SECONDS = 6.0


def parse_qualities(values: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Requested qualities in ladder order, each one of 360p, 720p, 1080p."""
    if values is None:
        return list(DEFAULT_QUALITIES)
    items = values.split(",") if isinstance(values, str) else list(values)
    names = [str(v).strip().lower() for v in items if str(v).strip()]
    if not names:
        raise ValidationError("no qualities given: use any of 360p, 720p, 1080p")
    unknown = [n for n in names if n not in LADDER]
    if unknown:
        raise ValidationError(f"unknown quality {unknown[0]!r}: use 360p, 720p or 1080p")
    return [q for q in DEFAULT_QUALITIES if q in names]


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


def parse_priority(value: str | None) -> Priority:
    try:
        return Priority((value or "normal").strip().lower())
    except ValueError:
        raise ValidationError(f"unknown priority {value!r}: use normal or high") from None


class JobStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def is_active(self) -> bool:
        """Queued or running: it can still be cancelled, and a runner will take it."""
        return not self.is_final


def transcode_job_id(video_id: str, unix_time: int) -> str:
    """The platform's job id shape: ``transcode_<video_id>_<unix time>``."""
    return f"transcode_{video_id}_{int(unix_time)}"


@dataclass(frozen=True, slots=True)
class ThumbnailSize:
    name: str
    width: int
    height: int

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"


THUMBNAIL_SIZES: dict[str, ThumbnailSize] = {
    "small": ThumbnailSize("small", 320, 180),
    "medium": ThumbnailSize("medium", 640, 360),
    "large": ThumbnailSize("large", 1280, 720),
    "xlarge": ThumbnailSize("xlarge", 1920, 1080),
}
DEFAULT_THUMBNAIL_RESOLUTIONS: tuple[str, ...] = ("small", "medium", "large")
DEFAULT_THUMBNAIL_FRACTIONS: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
DEFAULT_THUMBNAIL_INDEX = 2


def parse_resolutions(values: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if values is None:
        return list(DEFAULT_THUMBNAIL_RESOLUTIONS)
    items = values.split(",") if isinstance(values, str) else list(values)
    names = [str(v).strip().lower() for v in items if str(v).strip()]
    if not names:
        raise ValidationError("no resolutions given: use small, medium, large or xlarge")
    unknown = [n for n in names if n not in THUMBNAIL_SIZES]
    if unknown:
        raise ValidationError(
            f"unknown resolution {unknown[0]!r}: use small (320x180), medium (640x360), "
            "large (1280x720) or xlarge (1920x1080)"
        )
    return [n for n in THUMBNAIL_SIZES if n in names]


def default_thumbnail_timestamps(duration: float) -> list[float]:
    """20 %, 40 %, 60 %, 80 % and 100 % of the duration (100 % is resolved by the media
    layer to the last decodable frame)."""
    if duration <= 0:
        raise ValidationError("the video has no duration, so no default thumbnail times exist")
    return [round(duration * fraction, 3) for fraction in DEFAULT_THUMBNAIL_FRACTIONS]

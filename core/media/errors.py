"""Errors of the media layer; all are ``DomainError`` so the CLI and GUI show them plainly."""

from core.domain.errors import DomainError


class MediaError(DomainError):
    """A file that ffmpeg cannot use, or an ffmpeg run that failed."""


class FFmpegMissingError(MediaError):
    """ffmpeg or ffprobe is not installed or not on PATH."""

    def __init__(self, program: str = "ffmpeg") -> None:
        super().__init__(
            f"{program} was not found on PATH: install FFmpeg "
            "(on Debian/Ubuntu: bash packaging/install-system-deps.sh)"
        )


class MediaCancelled(MediaError):
    """The user cancelled a media operation; whatever it had half-written was removed."""

    def __init__(self, what: str = "the operation") -> None:
        super().__init__(f"{what} was cancelled")

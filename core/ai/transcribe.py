"""Transcribing a VOD's audio with the OpenAI audio API.

The audio is extracted with ffmpeg as small mono MP3 pieces, each under the API's upload
limit (25 MB; 24 MB is used for headroom), sent one by one, and the returned segments are
shifted by each piece's offset into one transcript.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

# Imported before the SDK is used: openai peeks at ``sys.modules["httpx"]`` on every request,
# and a half-imported httpx (the editor's warm-up imports it on another thread) fails there.
import httpx  # noqa: F401
import openai

from core.media.errors import FFmpegMissingError, MediaError
from core.media.processes import run

from .errors import AiServiceError, UnusableAnswerError
from .llm import check_cancelled, map_api_errors
from .segment import Segment

UPLOAD_LIMIT_BYTES = 24 * 1024 * 1024
AUDIO_BITRATE_KBPS = 32
DEFAULT_TRANSCRIBE_MODEL = "whisper-1"
#: One piece (about 100 minutes of audio) read from a slow disk: generous on purpose.
EXTRACT_TIMEOUT_SECONDS = 3600

Progress = Callable[[float, str], None]


def piece_seconds(limit_bytes: int, bitrate_kbps: int = AUDIO_BITRATE_KBPS) -> float:
    """Seconds of audio per piece so that a piece stays under ``limit_bytes`` (10 % headroom
    for the container and bitrate overshoot)."""
    return max(1.0, math.floor(limit_bytes * 0.9 * 8 / (bitrate_kbps * 1000)))


def extract_audio_pieces(
    media: Path,
    duration: float,
    folder: Path,
    *,
    limit_bytes: int,
    progress: Progress | None = None,
    cancel=None,
) -> list[tuple[float, Path]]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise FFmpegMissingError("ffmpeg is not installed: it is needed to extract the audio")
    length = piece_seconds(limit_bytes)
    count = max(1, math.ceil(duration / length))
    pieces = []
    for index in range(count):
        check_cancelled(cancel)
        offset = index * length
        target = folder / f"audio_{index:04d}.mp3"
        command = [
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{offset:.3f}",
            "-t",
            f"{length:.3f}",
            "-i",
            str(media),
            "-vn",
            "-ac",
            "1",
            "-ar",
            "16000",
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{AUDIO_BITRATE_KBPS}k",
            str(target),
        ]
        done = run(command, timeout=EXTRACT_TIMEOUT_SECONDS, text=True)
        if done.returncode != 0 or not target.exists():
            message = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise MediaError(f"could not extract the audio of {media.name}: {message[0]}")
        if target.stat().st_size > limit_bytes:
            raise MediaError(f"audio piece {index + 1} is larger than the upload limit")
        pieces.append((offset, target))
        if progress:
            progress(0.3 * (index + 1) / count, f"extracted audio {index + 1}/{count}")
    return pieces


def transcribe_media(
    client: openai.OpenAI,
    media: Path,
    duration: float,
    *,
    model: str = DEFAULT_TRANSCRIBE_MODEL,
    limit_bytes: int = UPLOAD_LIMIT_BYTES,
    progress: Progress | None = None,
    cancel=None,
) -> list[Segment]:
    if not media.is_file():
        raise AiServiceError(f"the VOD's file is missing: {media}")
    with tempfile.TemporaryDirectory(prefix="vodstudio-audio-") as temp:
        pieces = extract_audio_pieces(
            media, duration, Path(temp), limit_bytes=limit_bytes, progress=progress, cancel=cancel
        )
        segments: list[Segment] = []
        for number, (offset, path) in enumerate(pieces, 1):
            check_cancelled(cancel)
            if progress:
                progress(
                    0.3 + 0.7 * (number - 1) / len(pieces),
                    f"transcribing part {number}/{len(pieces)}",
                )
            with map_api_errors(model), path.open("rb") as audio:
                answer = client.audio.transcriptions.create(
                    file=audio,
                    model=model,
                    response_format="verbose_json",
                    timestamp_granularities=["segment"],
                )
            segments.extend(_shifted(answer, offset, number))
        if progress:
            progress(1.0, "transcribed")
    if not segments:
        raise UnusableAnswerError(
            "the transcription came back empty: is there speech in the audio?"
        )
    return segments


def _shifted(answer, offset: float, number: int) -> list[Segment]:
    items = getattr(answer, "segments", None)
    if items is None:
        text = str(getattr(answer, "text", "") or "").strip()
        if not text:
            return []
        duration = float(getattr(answer, "duration", 0) or 0)
        return [Segment(offset, offset + max(duration, 1.0), text, f"part {number}")]
    return [
        Segment(
            offset + float(s.start), offset + float(s.end), str(s.text).strip(), f"part {number}"
        )
        for s in items
        if str(s.text).strip()
    ]

"""``AiService``: transcripts and AI chapter generation for one data directory.

Generation reads the stored transcript, asks the model window by window (or runs the offline
detector), validates and repairs every answer, and only then replaces the VOD's AI chapters
in one transaction through ``ChapterService.replace_ai``. Any failure before that leaves the
chapters exactly as they were.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.changes import ChangeSet
from core.domain.chapters import Chapter, ChapterSource
from core.domain.errors import ValidationError
from core.library.chapters import ChapterService
from core.library.shapes import chapter_json
from core.library.signals import SignalStore
from core.library.vods import find_vod
from core.store.db import Database

from .answer import merge_windows, parse_answer
from .errors import UnusableAnswerError
from .hints import BoundaryHint
from .llm import DEFAULT_MODEL, ModelConfig, check_cancelled, complete, make_client
from .offline import detect_chapters
from .prompt import build_messages, new_canary
from .transcribe import DEFAULT_TRANSCRIBE_MODEL, UPLOAD_LIMIT_BYTES, transcribe_media
from .transcripts import TranscriptInfo, TranscriptStore
from .windows import DEFAULT_WINDOW_TOKENS, estimate_tokens, make_windows, transcript_tokens
from .youtube import make_youtube_ready, youtube_problems

OFFLINE_MODEL_NAME = "offline-texttiling"  # the name scripts know; the method has grown
OFFLINE_FALLBACK_NOTICE = (
    "Chapters were made offline (no API key or server URL is configured). To use a model, "
    "set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server, or add "
    "them in Settings, then generate again."
)
Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    model: str = DEFAULT_MODEL
    temperature: float = 0.3
    max_tokens: int = 2000
    offline: bool = False
    youtube: bool = False
    timeout: float = 120.0
    window_tokens: int = DEFAULT_WINDOW_TOKENS

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ValidationError("model name cannot be blank")
        if not 0.0 <= self.temperature <= 2.0:
            raise ValidationError(f"temperature must be between 0 and 2, got {self.temperature:g}")
        if not 1 <= self.max_tokens <= 128_000:
            raise ValidationError(f"max tokens must be between 1 and 128000, got {self.max_tokens}")
        if self.timeout <= 0:
            raise ValidationError("timeout must be a positive number of seconds")
        if self.window_tokens < 200:
            raise ValidationError("window size must be at least 200 tokens")


@dataclass(slots=True)
class GenerationResult:
    vod_id: str
    chapters: list[Chapter]
    model_used: str
    processing_time_seconds: float
    mode: str
    repairs: list[str] = field(default_factory=list)
    removed: list[Chapter] = field(default_factory=list)
    current_chapters: list[Chapter] = field(default_factory=list)
    #: what the generation stored: one undo step in the GUI
    changes: ChangeSet | None = None
    windows: int = 0
    tokens_sent: int = 0
    transcript_tokens: int = 0
    notice: str | None = None  # said to the user apart from the chapters (offline fallback)
    #: how many boundary hints (the VOD's analysed signals, or given) the generation weighed
    hints_used: int = 0

    @property
    def count(self) -> int:
        return len(self.chapters)

    def to_json(self) -> dict:
        """The platform's response shape, plus what this client adds (repairs, usage)."""
        return {
            "chapters": [chapter_json(c, self.vod_id) for c in self.chapters],
            "count": self.count,
            "model_used": self.model_used,
            "processing_time_seconds": round(self.processing_time_seconds, 3),
            "mode": self.mode,
            "repairs": list(self.repairs),
            "removed_count": len(self.removed),
            "windows": self.windows,
            "tokens_sent": self.tokens_sent,
            "transcript_tokens": self.transcript_tokens,
            "notice": self.notice,
            "hints_used": self.hints_used,
        }


#: a signal kind's name where the segmenter's hint kinds name it differently
_HINT_KINDS = {"scene": "scene_cut"}


class AiService:
    def __init__(
        self,
        database: Database,
        chapters: ChapterService,
        settings,
        secrets,
        *,
        client_factory=make_client,
    ) -> None:
        self._database = database
        self._chapters = chapters
        self._settings = settings
        self._secrets = secrets
        self._client_factory = client_factory
        self.transcripts = TranscriptStore(database)

    # --- configuration -------------------------------------------------------------------
    def connection(self) -> tuple[str | None, str | None]:
        """``(api_key, base_url)``; both ``None`` means nothing is configured (offline)."""
        base_url = (self._settings.get("openai_base_url") or "").strip() or None
        api_key = self._secrets.get("openai_api_key") if self._secrets is not None else None
        return api_key or None, base_url

    def online_available(self) -> bool:
        api_key, base_url = self.connection()
        return bool(api_key or base_url)

    def default_model(self) -> str:
        return str(self._settings.get("openai_model") or DEFAULT_MODEL)

    # --- transcripts ---------------------------------------------------------------------
    def import_transcript(self, vod_ref: str, path: str | Path) -> TranscriptInfo:
        return self.transcripts.import_file(vod_ref, path)

    def transcript(self, vod_ref: str) -> TranscriptInfo:
        return self.transcripts.get(vod_ref)

    def transcribe(
        self,
        vod_ref: str,
        *,
        model: str = DEFAULT_TRANSCRIBE_MODEL,
        limit_bytes: int = UPLOAD_LIMIT_BYTES,
        timeout: float = 600.0,
        progress: Progress | None = None,
        cancel=None,
    ) -> TranscriptInfo:
        if not self.online_available():
            raise ValidationError(
                "transcribing needs an OpenAI API key or an OpenAI-compatible "
                "server URL (OPENAI_API_KEY / OPENAI_BASE_URL or Settings)"
            )
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            vod_id, media, duration = vod.id, Path(vod.file_path), vod.duration
        api_key, base_url = self.connection()
        with self._client_factory(api_key=api_key, base_url=base_url, timeout=timeout) as client:
            segments = transcribe_media(
                client,
                media,
                duration,
                model=model,
                limit_bytes=limit_bytes,
                progress=progress,
                cancel=cancel,
            )
        check_cancelled(cancel)
        return self.transcripts.save(vod_id, segments, f"transcribed:{model}", name="transcription")

    # --- chapters ------------------------------------------------------------------------
    def generate(
        self,
        vod_ref: str,
        options: GenerationOptions | None = None,
        *,
        progress: Progress | None = None,
        cancel=None,
        hints: Sequence[BoundaryHint] | None = None,
    ) -> GenerationResult:
        """``hints``: the VOD's own evidence of segment changes (the offline segmenter prices
        boundaries by them; a model sees the strongest of each window). ``None``: the VOD's
        analysed signals (silences, static and black screens, scene cuts), if any; ``()``:
        none."""
        options = options or GenerationOptions(model=self.default_model())
        started = time.perf_counter()
        info = self.transcripts.get(vod_ref)
        if hints is None:
            hints = self.signal_hints(info.vod_id)
        report = progress or (lambda fraction, message: None)
        drafts, result = self.propose_chapters(
            info, options, progress=report, cancel=cancel, hints=hints
        )
        check_cancelled(cancel)
        report(0.95, "saving chapters")
        replaced = self._chapters.replace_ai(info.vod_id, drafts)
        replacement, current = replaced.value, replaced.chapters
        result.repairs.extend(replacement.adjustments)
        added_ids = {c.id for c in replacement.added}
        result.chapters = [c for c in current if c.id in added_ids]
        result.removed = replacement.removed
        result.current_chapters = current
        result.changes = replaced.changes
        result.hints_used = len(hints)
        if options.youtube:
            result.repairs.extend(youtube_problems([(c.start_time, c.end_time) for c in current]))
        result.processing_time_seconds = time.perf_counter() - started
        report(1.0, f"{result.count} chapters")
        return result

    def signal_hints(self, vod_ref: str) -> list[BoundaryHint]:
        """The VOD's stored signals as the segmenter's hints (none when never analysed)."""
        return [
            BoundaryHint(
                hint.time, hint.strength, _HINT_KINDS.get(hint.kind.value, hint.kind.value)
            )
            for hint in SignalStore(self._database).boundary_hints(vod_ref)
        ]

    def propose_chapters(
        self,
        info: TranscriptInfo,
        options: GenerationOptions,
        *,
        progress: Progress | None = None,
        cancel=None,
        hints: Sequence[BoundaryHint] = (),
    ) -> tuple[list, GenerationResult]:
        """Validated chapter drafts for a transcript, without saving anything."""
        if not info.segments:
            raise ValidationError(
                f"VOD {info.vod_id[:8]} has no transcript: import one first "
                "(vodstudio transcript import VOD FILE) or transcribe the audio"
            )
        report = progress or (lambda fraction, message: None)
        result = GenerationResult(
            info.vod_id,
            [],
            options.model,
            0.0,
            "llm",
            transcript_tokens=transcript_tokens(info.segments),
        )
        if options.offline or not self.online_available():
            if not options.offline:
                result.notice = OFFLINE_FALLBACK_NOTICE
                result.repairs.append(OFFLINE_FALLBACK_NOTICE)
            report(0.1, "finding topic changes (offline)")
            drafts = detect_chapters(info.segments, info.duration, hints=hints)
            result.mode, result.model_used = "offline", OFFLINE_MODEL_NAME
        else:
            drafts = self._ask_model(info, options, result, report, cancel, hints)
        if options.youtube:
            manual_count = sum(
                1
                for c in self._chapters.list(info.vod_id).chapters
                if c.source == ChapterSource.MANUAL
            )
            drafts = make_youtube_ready(drafts, info.duration, result.repairs, manual_count)
        if not drafts:
            raise UnusableAnswerError(
                "the model found no chapters in the transcript; nothing was changed"
            )
        return drafts, result

    def _ask_model(
        self,
        info: TranscriptInfo,
        options: GenerationOptions,
        result: GenerationResult,
        report: Progress,
        cancel,
        hints: Sequence[BoundaryHint] = (),
    ) -> list:
        windows = make_windows(info.segments, info.duration, window_tokens=options.window_tokens)
        result.windows = len(windows)
        api_key, base_url = self.connection()
        with self._client_factory(
            api_key=api_key, base_url=base_url, timeout=options.timeout
        ) as client:
            return self._ask_windows(client, windows, info, options, result, report, cancel, hints)

    def _ask_windows(
        self,
        client,
        windows,
        info: TranscriptInfo,
        options: GenerationOptions,
        result: GenerationResult,
        report: Progress,
        cancel,
        hints: Sequence[BoundaryHint] = (),
    ) -> list:
        config = ModelConfig(
            options.model, options.temperature, options.max_tokens, options.timeout
        )
        canary = new_canary()
        parts = []
        for window in windows:
            check_cancelled(cancel)
            report(
                0.05 + 0.85 * window.index / len(windows),
                f"asking {options.model} (part {window.index + 1}/{len(windows)})",
            )
            messages = build_messages(
                window,
                duration=info.duration,
                window_count=len(windows),
                canary=canary,
                hints=hints,
            )
            result.tokens_sent += sum(estimate_tokens(m["content"]) for m in messages)
            completion = complete(
                client,
                messages,
                config,
                cancel=cancel,
                on_wait=functools.partial(_report_rate_limit, report, window.index / len(windows)),
            )
            try:
                parsed = parse_answer(
                    completion.content, window, duration=info.duration, canary=canary
                )
            except UnusableAnswerError as error:
                if completion.finish_reason == "length":
                    raise UnusableAnswerError(
                        f"the answer was cut off at {options.max_tokens} tokens and could not be "
                        "read; raise max tokens; nothing was saved"
                    ) from None
                raise error
            prefix = f"part {window.index + 1}: " if len(windows) > 1 else ""
            result.repairs.extend(prefix + r for r in parsed.repairs)
            parts.append((window, parsed.drafts))
        return merge_windows(parts, info.duration, result.repairs)


def _report_rate_limit(report, done: float, seconds: float) -> None:
    report(0.05 + 0.85 * done, f"rate limited: waiting {seconds:.0f} s")

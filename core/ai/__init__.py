"""Transcripts and AI chapters: OpenAI or any OpenAI-compatible server, or fully offline."""

from .service import AiService, GenerationOptions, GenerationResult
from .transcripts import TranscriptInfo

__all__ = ["AiService", "GenerationOptions", "GenerationResult", "TranscriptInfo"]

"""A VOD's transcript in the local cache (``Vod.transcript`` as a JSON list of segments)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.library.vods import find_vod
from core.store.db import Database

from .transcript import Segment, read_transcript_file, segments_from_json, validate_segments


@dataclass(frozen=True, slots=True)
class TranscriptInfo:
    vod_id: str
    duration: float
    segments: list[Segment]
    source: str | None

    @property
    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.segments)

    def to_json(self) -> dict:
        return {
            "video_id": self.vod_id,
            "source": self.source,
            "segment_count": len(self.segments),
            "word_count": self.word_count,
            "segments": [s.to_json() for s in self.segments],
        }


class TranscriptStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    def get(self, vod_ref: str) -> TranscriptInfo:
        with self._database.read_session() as session:
            vod = find_vod(session, vod_ref)
            return TranscriptInfo(
                vod.id, vod.duration, segments_from_json(vod.transcript), vod.transcript_source
            )

    def import_file(self, vod_ref: str, path: str | Path) -> TranscriptInfo:
        """Parse and validate ``path`` against the VOD before anything is stored."""
        segments, kind = read_transcript_file(path)
        return self.save(vod_ref, segments, f"{kind}:{Path(path).name}", name=Path(path).name)

    def save(
        self, vod_ref: str, segments: list[Segment], source: str, *, name: str = "transcript"
    ) -> TranscriptInfo:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            checked = validate_segments(segments, vod.duration, name=name)
            vod.transcript = [s.to_json() for s in checked]
            vod.transcript_source = source
            return TranscriptInfo(vod.id, vod.duration, checked, source)

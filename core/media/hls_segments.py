"""Sizes and durations of a finished media playlist's segments, the facts every measured
rendition (video variants and the audio group) starts from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import m3u8

from .errors import MediaError

# Segments shorter than this (the tail) are left out of the peak: a 0.3 s tail with a
# keyframe would otherwise inflate BANDWIDTH far past what a player ever sees.
PEAK_MIN_SEGMENT_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class MeasuredSegments:
    sizes: list[int]
    durations: list[float]
    first_segment: Path

    @property
    def duration(self) -> float:
        return sum(self.durations) or 1e-9

    @property
    def average_bandwidth(self) -> int:
        return round(sum(self.sizes) * 8 / self.duration)

    @property
    def peak_bandwidth(self) -> int:
        rates = [
            s * 8 / d
            for s, d in zip(self.sizes, self.durations, strict=False)
            if d >= PEAK_MIN_SEGMENT_SECONDS
        ]
        return max(round(max(rates)) if rates else 0, self.average_bandwidth)


def measure_segments(playlist_path: Path, label: str) -> MeasuredSegments:
    """Sizes and durations of a finished media playlist's segments; ``MediaError`` when the
    playlist is missing or incomplete or a segment is missing."""
    if not playlist_path.is_file():
        raise MediaError(f"{label}: ffmpeg wrote no playlist")
    playlist = m3u8.load(str(playlist_path))
    if not playlist.is_endlist or not playlist.segments:
        raise MediaError(f"{label}: the playlist is incomplete (no segments or no end)")
    folder = playlist_path.parent
    sizes, durations = [], []
    for segment in playlist.segments:
        file = folder / segment.uri
        if not file.is_file():
            raise MediaError(f"{label}: segment {segment.uri} is missing")
        sizes.append(file.stat().st_size)
        durations.append(float(segment.duration))
    return MeasuredSegments(sizes, durations, folder / playlist.segments[0].uri)

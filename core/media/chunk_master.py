"""The multivariant (master) playlist of a chunked ladder.

Bandwidths are measured from the joined segments (peak and average, HLS authoring 9.13 and
9.14) and codecs are read from the first segment with ffprobe, so the master describes
what was really written.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import m3u8

from core.domain.media_specs import LADDER

from .errors import MediaError

MASTER_NAME = "master.m3u8"


@dataclass(frozen=True, slots=True)
class VariantStats:
    quality: str
    playlist: Path
    segment_count: int
    size_bytes: int
    peak_bps: int
    average_bps: int
    width: int
    height: int
    frame_rate: float | None
    codecs: str


def variant_stats(quality: str, playlist: Path) -> VariantStats:
    parsed = m3u8.load(str(playlist))
    sizes, peak, total_seconds = 0, 0, 0.0
    for segment in parsed.segments:
        size = (playlist.parent / segment.uri).stat().st_size
        sizes += size
        total_seconds += segment.duration or 0.0
        if segment.duration:
            peak = max(peak, round(size * 8 / segment.duration))
    first = playlist.parent / parsed.segments[0].uri
    width, height, frame_rate, codecs = _stream_facts(first, quality)
    average = round(sizes * 8 / total_seconds) if total_seconds else peak
    return VariantStats(quality, playlist, len(parsed.segments), sizes, peak, average,
                        width, height, frame_rate, codecs)


def _stream_facts(segment: Path, quality: str) -> tuple[int, int, float | None, str]:
    result = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(segment)],
                            capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise MediaError(f"{quality}: cannot read the first segment {segment.name}")
    streams = json.loads(result.stdout or b"{}").get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    codecs = []
    rung = LADDER[quality]
    width, height, rate = rung.width, rung.height, None
    if video:
        width, height = int(video.get("width") or width), int(video.get("height") or height)
        codecs.append(_avc_codec(video))
        num, _, den = str(video.get("avg_frame_rate") or "0/1").partition("/")
        rate = float(num) / float(den) if den and float(den) else None
    if audio:
        codecs.append("mp4a.40.2")
    return width, height, rate, ",".join(codecs)


def _avc_codec(stream: dict) -> str:
    profiles = {"Baseline": 0x42, "Constrained Baseline": 0x42, "Main": 0x4D, "High": 0x64}
    profile = profiles.get(str(stream.get("profile")), 0x64)
    constraints = 0x40 if profile in (0x42, 0x4D) else 0x00
    level = int(stream.get("level") or 40)
    return f"avc1.{profile:02x}{constraints:02x}{level:02x}"


def write_master(output_dir: str | Path, variants: list[VariantStats]) -> Path:
    """``master.m3u8`` listing the variants lowest bandwidth first, with relative URIs."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for variant in sorted(variants, key=lambda v: v.average_bps):
        attributes = [f"BANDWIDTH={variant.peak_bps}",
                      f"AVERAGE-BANDWIDTH={variant.average_bps}",
                      f'CODECS="{variant.codecs}"',
                      f"RESOLUTION={variant.width}x{variant.height}"]
        if variant.frame_rate:
            attributes.append(f"FRAME-RATE={variant.frame_rate:.3f}")
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attributes))
        lines.append(f"{variant.quality}/{variant.playlist.name}")
    target = Path(output_dir) / MASTER_NAME
    partial = target.with_name(MASTER_NAME + ".part")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(target)
    return target

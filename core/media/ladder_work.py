"""The ladder's work folder: every finished segment is kept across stops, crashes and
cancels, so that a transcode resumes from the last complete segment of each rendition.

``<output>/.ladder/<name>/`` holds one rendition (a video quality, or ``audio``) while it is
being made::

    settings.json   what its segments are made with (source, size, bitrate, encoder, preset…);
                    a run with other settings starts the rendition again
    kept.m3u8       the segments kept from earlier runs, with ffmpeg's own durations
    run.m3u8        the running ffmpeg's EVENT playlist: rewritten (atomically, ``temp_file``)
                    after each finished segment, so after a ``kill -9`` it lists exactly the
                    complete ones
    seg_%05d.ts     the segments; numbers go on across runs (``-start_number``)

When the rendition is complete its folder becomes ``<output>/<name>/`` with one VOD playlist
(``playlist.m3u8``) listing kept and new segments alike, as one uninterrupted run writes it.
The folder is not a ``.partial-*`` one: the job queue clears those, and these are meant to stay.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORK_FOLDER = ".ladder"
RUN_PLAYLIST = "run.m3u8"
KEPT_PLAYLIST = "kept.m3u8"
SETTINGS_NAME = "settings.json"
FINAL_PLAYLIST = "playlist.m3u8"
_SEGMENT_NUMBER = re.compile(r"seg_(\d+)\.ts(\.tmp)?$")
_BOOKKEEPING = (RUN_PLAYLIST, KEPT_PLAYLIST, SETTINGS_NAME)


@dataclass(frozen=True, slots=True)
class Segment:
    uri: str
    duration_text: str  # as ffmpeg wrote it ("6.000000"), so the final playlist is the same

    @property
    def duration(self) -> float:
        return float(self.duration_text)


@dataclass(frozen=True, slots=True)
class MediaPlaylist:
    header: tuple[str, ...]  # the lines before the first segment
    segments: tuple[Segment, ...]
    first_number: int
    ended: bool

    @classmethod
    def read(cls, path: Path) -> MediaPlaylist | None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        header: list[str] = []
        segments: list[Segment] = []
        duration: str | None = None
        first, ended = 0, False
        for line in (raw.strip() for raw in lines):
            if line.startswith("#EXTINF:"):
                duration = line[len("#EXTINF:") :].split(",")[0]
            elif line == "#EXT-X-ENDLIST":
                ended = True
            elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
                first = int(line.split(":", 1)[1] or 0)
                header.append(line)
            elif line and not line.startswith("#"):
                if duration is not None:
                    segments.append(Segment(line, duration))
                duration = None
            elif line and not segments and duration is None:
                header.append(line)
        return cls(tuple(header), tuple(segments), first, ended)


def vod_playlist_text(header: tuple[str, ...], segments: list[Segment]) -> str:
    """The VOD playlist ffmpeg writes for ``segments`` (``-hls_playlist_type vod``), built
    from the header of one of its EVENT playlists."""
    target = 0
    for segment in segments:  # ffmpeg's own rule (hlsenc.c): the rounded longest segment
        if target <= segment.duration:
            target = round(segment.duration)
    lines = []
    for line in header:
        if line.startswith("#EXT-X-TARGETDURATION:"):
            line = f"#EXT-X-TARGETDURATION:{target}"
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            line = "#EXT-X-MEDIA-SEQUENCE:0"
        elif line.startswith("#EXT-X-PLAYLIST-TYPE:"):
            line = "#EXT-X-PLAYLIST-TYPE:VOD"
        lines.append(line)
    for segment in segments:
        lines += [f"#EXTINF:{segment.duration_text},", segment.uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


class RenditionWork:
    """One rendition's folder under ``<output>/.ladder``."""

    def __init__(self, root: Path, name: str) -> None:
        self.name = name
        self.folder = root / name

    @classmethod
    def open(cls, root: Path, name: str, settings: dict[str, Any]) -> RenditionWork:
        """The rendition's folder with what earlier runs finished folded into ``kept.m3u8``;
        emptied first when those runs used other ``settings``."""
        work = cls(root, name)
        wanted = json.dumps(settings, sort_keys=True)
        try:
            recorded = (work.folder / SETTINGS_NAME).read_text(encoding="utf-8")
        except OSError:
            recorded = None
        if recorded != wanted:
            shutil.rmtree(work.folder, ignore_errors=True)
            work.folder.mkdir(parents=True)
            (work.folder / SETTINGS_NAME).write_text(wanted, encoding="utf-8")
        work.fold()
        return work

    @property
    def kept(self) -> list[Segment]:
        playlist = MediaPlaylist.read(self.folder / KEPT_PLAYLIST)
        return list(playlist.segments) if playlist else []

    @property
    def kept_seconds(self) -> float:
        return sum(s.duration for s in self.kept)

    def fold(self) -> None:
        """Move the last run's finished segments into ``kept.m3u8`` and delete the rest
        (half-written ``.tmp`` files, segments no playlist vouches for)."""
        kept = self.kept
        run = MediaPlaylist.read(self.folder / RUN_PLAYLIST)
        if run is not None and run.first_number == len(kept):
            finished = list(run.segments)
            if run.ended and finished:
                # ffmpeg was stopped and closed its files: its last segment is a short one.
                finished.pop()
            kept += finished
        self._write_kept(kept, run.header if run else None)
        (self.folder / RUN_PLAYLIST).unlink(missing_ok=True)
        self.truncate(len(kept))

    def truncate(self, count: int) -> None:
        """Keep the first ``count`` segments only."""
        kept = self.kept
        valid = 0
        for segment in kept[:count]:
            file = self.folder / segment.uri
            if not file.is_file() or file.stat().st_size == 0:
                break
            valid += 1
        if valid != len(kept):
            self._write_kept(kept[:valid], None)
        for file in self.folder.iterdir():
            match = _SEGMENT_NUMBER.match(file.name)
            if match and (match.group(2) or int(match.group(1)) >= valid):
                file.unlink(missing_ok=True)

    def finish(self) -> Path:
        """Write ``playlist.m3u8`` (kept segments, then the finished run's) in the folder,
        and drop the bookkeeping files. The folder is then ready to move into place."""
        kept = self.kept
        run = MediaPlaylist.read(self.folder / RUN_PLAYLIST)
        header = run.header if run else self._kept_header()
        segments = kept + (list(run.segments) if run else [])
        target = self.folder / FINAL_PLAYLIST
        target.write_text(vod_playlist_text(header, segments), encoding="utf-8")
        for name in _BOOKKEEPING:
            (self.folder / name).unlink(missing_ok=True)
        return target

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _kept_header(self) -> tuple[str, ...]:
        playlist = MediaPlaylist.read(self.folder / KEPT_PLAYLIST)
        return playlist.header if playlist else ("#EXTM3U",)

    def _write_kept(self, segments: list[Segment], header: tuple[str, ...] | None) -> None:
        header = header or self._kept_header()
        text = vod_playlist_text(header, segments)
        partial = self.folder / f".{KEPT_PLAYLIST}.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, self.folder / KEPT_PLAYLIST)


def remove_work_root(output_dir: Path) -> None:
    """Drop ``<output>/.ladder`` once no rendition is left in it."""
    root = output_dir / WORK_FOLDER
    with contextlib.suppress(OSError):  # not empty: a cancelled quality waits there
        root.rmdir()

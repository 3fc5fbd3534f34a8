"""Chapter files: YouTube description text, WebVTT, FFmpeg metadata, CSV, JSON, stream markers
(Twitch JSON, LosslessCut/OBS CSV), and the chapters inside a video file (import only).

Parsing and writing are pure functions (``registry``, one module per format); the YouTube
rules and their fix live in ``youtube``; ``ChapterFormats`` applies them to a VOD in the
library.
"""

from .entries import FormatError, ImportedChapter, ParsedEntry, resolve_entries
from .importing import plan_import
from .registry import (
    EXPORT_FORMATS,
    FILE_EXTENSIONS,
    IMPORT_FORMATS,
    detect_format,
    export_chapters,
    parse_chapters,
)
from .service import (
    ChapterFormats,
    ExportResult,
    ImportResult,
    YoutubeCheck,
    YoutubeRulesError,
    export_listing,
    read_text_file,
    youtube_check,
)
from .youtube import (
    YoutubeFix,
    YoutubeProblem,
    YoutubeStamp,
    check_youtube,
    fix_for_youtube,
    youtube_stamps,
)

__all__ = [
    "EXPORT_FORMATS",
    "FILE_EXTENSIONS",
    "IMPORT_FORMATS",
    "ChapterFormats",
    "ExportResult",
    "FormatError",
    "ImportResult",
    "ImportedChapter",
    "ParsedEntry",
    "YoutubeCheck",
    "YoutubeFix",
    "YoutubeProblem",
    "YoutubeRulesError",
    "YoutubeStamp",
    "check_youtube",
    "detect_format",
    "export_chapters",
    "export_listing",
    "fix_for_youtube",
    "parse_chapters",
    "plan_import",
    "read_text_file",
    "resolve_entries",
    "youtube_check",
    "youtube_stamps",
]

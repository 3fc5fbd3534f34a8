"""``import``, ``list``, ``show``, ``status`` and ``remove``."""

from __future__ import annotations

import sys

from core.domain.errors import DuplicateError
from core.domain.plurals import plural
from core.domain.timefmt import format_time
from core.library.shapes import chapter_json, vod_json

from .output import human_size, print_json, print_table, warn_overlaps


def register(cli) -> None:
    parser = cli.command(
        "import", import_vod, "add a VOD (the file is probed with ffprobe); prints its id"
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--title", help="title (default: the file name)")
    parser.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="add the file even when the library already has it (default: refuse, exit 1)",
    )

    parser = cli.command("list", list_vods, "list the VODs in the local library")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--all", action="store_true", help="include deleted VODs")

    parser = cli.command("show", show_vod, "show one VOD with its chapters")
    parser.add_argument("vod", metavar="VOD", help="VOD id (or a unique prefix of it)")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = cli.command(
        "status", set_status, "change a VOD's status (processing → ready|failed, ready → deleted)"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("status", metavar="STATUS", help="ready, failed or deleted")

    parser = cli.command(
        "remove",
        remove_vod,
        "remove a VOD from the local library (not from the platform); its thumbnails and "
        "transcodes are kept in <data dir>/removed/ unless --delete-files",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "--delete-files",
        action="store_true",
        help="delete its thumbnails and transcodes instead of keeping them",
    )
    parser.add_argument(
        "--delete-recording",
        action="store_true",
        help="also delete the original recording file (kept when another VOD uses it)",
    )


def import_vod(args, context) -> int:
    try:
        vod = context.vods.import_file(
            args.file, title=args.title, allow_duplicate=args.allow_duplicate
        )
    except DuplicateError as error:
        raise DuplicateError(
            f"{error}; nothing imported (use that id, or --allow-duplicate to add it again)",
            existing_id=error.existing_id,
        ) from None
    print(vod.id)
    warning = context.vods.truncation_warning(vod)
    if warning:
        print(f"vodstudio: warning: {warning}", file=sys.stderr)
    return 0


def remove_vod(args, context) -> int:
    removal = context.vods.remove(
        args.vod, delete_generated=args.delete_files, delete_recording=args.delete_recording
    )
    print(f'Removed "{removal.title}" ({removal.vod_id}) from the library.')
    if removal.deleted_folders:
        print(f"Deleted its files: {plural(len(removal.deleted_folders), 'folder')}.")
    if removal.kept_in is not None:
        print(f"Kept its thumbnails and transcodes in {removal.kept_in}")
    if removal.recording_deleted:
        print("Deleted the original recording.")
    for note in filter(None, [removal.recording_kept, *removal.problems]):
        print(note, file=sys.stderr)
    return 1 if removal.problems else 0


def list_vods(args, context) -> int:
    vods = context.vods.list(include_deleted=args.all)
    if args.json:
        print_json([vod_json(v) for v in vods])
        return 0
    if not vods:
        print("No VODs yet. Add one with: vodstudio import FILE")
        return 0
    counts = context.vods.chapter_counts()
    print_table(
        ["ID", "TITLE", "DURATION", "STATUS", "CHAPTERS", "SIZE"],
        [
            [
                v.id[:8],
                _clip(v.title, 40),
                format_time(v.duration, decimals=0),
                v.status,
                str(counts.get(v.id, 0)),
                human_size(v.size_bytes),
            ]
            for v in vods
        ],
    )
    return 0


def show_vod(args, context) -> int:
    vod = context.vods.get(args.vod)
    listing = context.chapters.list(vod.id)
    chapters = listing.chapters
    warn_overlaps(listing.overlaps)
    if args.json:
        data = vod_json(vod)
        data["chapters"] = [chapter_json(c, vod.id) for c in chapters]
        print_json(data)
        return 0
    size = f"{vod.width}x{vod.height}" if vod.width else "audio only"
    fields = [
        ("id", vod.id),
        ("title", vod.title),
        ("status", vod.status),
        ("file", vod.file_path),
        ("duration", format_time(vod.duration)),
        *(
            [("claimed", f"{format_time(vod.claimed_duration)} (the file is cut short)")]
            if vod.claimed_duration
            else []
        ),
        (
            "video",
            f"{size} {vod.video_codec or ''} {vod.fps or ''}{' fps' if vod.fps else ''}".strip(),
        ),
        ("audio", vod.audio_codec or "none"),
        ("size", human_size(vod.size_bytes)),
        ("visibility", vod.visibility),
        ("transcript", "yes" if vod.has_transcript else "no"),
    ]
    if vod.remote_id:
        fields.append(("platform id", vod.remote_id))
    for name, value in fields:
        print(f"{name:>12}: {value}")
    print(f"{'chapters':>12}: {len(chapters)}")
    for chapter in chapters:
        print(
            f"  {format_time(chapter.start_time):>9} – {format_time(chapter.end_time):<9} "
            f"{chapter.title}{'  [ai]' if chapter.source == 'ai' else ''}"
        )
    return 0


def set_status(args, context) -> int:
    vod = context.vods.set_status(args.vod, args.status)
    print(f"{vod.id} is now {vod.status}")
    return 0


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

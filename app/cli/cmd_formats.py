"""``chapters export|import|check-youtube|embed``: chapter files and chapters inside videos."""

from __future__ import annotations

import sys
from pathlib import Path

from core.domain.errors import ValidationError
from core.domain.timefmt import format_time
from core.formats import EXPORT_FORMATS, IMPORT_FORMATS
from core.library.shapes import chapter_json

from .output import print_json, warn_overlaps

GROUP = "chapters"


def register(cli) -> None:
    parser = cli.subcommand(
        GROUP,
        "export",
        export_chapters,
        "write a VOD's chapters as YouTube text, WebVTT, FFMETADATA, CSV or JSON",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    parser.add_argument(
        "--fix-youtube",
        action="store_true",
        help="youtube: add an intro at 0:00 and merge chapters under 10 s "
        "(in the exported text only; stored chapters are unchanged)",
    )
    parser.add_argument(
        "--ignore-rules",
        action="store_true",
        help="youtube: export even when YouTube's rules are broken (warns)",
    )

    parser = cli.subcommand(
        GROUP, "import", import_chapters, "read chapters or stream markers from a file into a VOD"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "file", metavar="FILE", help="a chapter file, a video with chapters inside, or - for stdin"
    )
    parser.add_argument("--format", default="auto", choices=("auto", *IMPORT_FORMATS))
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace the VOD's chapters (default: add to them; overlaps refused)",
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        GROUP,
        "check-youtube",
        check_youtube,
        "check the chapters against YouTube's rules (exit 1 when broken)",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "--fix",
        action="store_true",
        help="store the fix: add an intro at 0:00, merge chapters under 10 s",
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        GROUP,
        "embed",
        embed_chapters,
        "write a copy of the video (MP4/MKV) with the chapters inside",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "output", metavar="OUTPUT", help="the copy: a .mp4, .m4v, .mov or .mkv file"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")


def export_chapters(args, context) -> int:
    if args.output:
        path = Path(args.output).expanduser()
        if path.exists() and not args.overwrite:  # refuse before any warning is printed
            raise ValidationError(f"{path} already exists (add --overwrite to replace it)")
        result = context.formats.export_to_file(
            args.vod,
            args.format,
            path,
            overwrite=args.overwrite,
            fix_youtube=args.fix_youtube,
            ignore_youtube_rules=args.ignore_rules,
        )
    else:
        result = context.formats.export(
            args.vod,
            args.format,
            fix_youtube=args.fix_youtube,
            ignore_youtube_rules=args.ignore_rules,
        )
    warn_overlaps(context.chapters.list(args.vod).overlaps)
    for change in result.changes:
        print(f"vodstudio: fixed for YouTube: {change}", file=sys.stderr)
    for problem in result.problems:
        print(
            f"vodstudio: warning: YouTube will ignore these chapters: {problem.message}",
            file=sys.stderr,
        )
    if args.output:
        print(f"wrote {len(result.chapters)} chapters as {result.format} to {path}")
    else:
        sys.stdout.write(result.text)
    return 0


def import_chapters(args, context) -> int:
    if args.file == "-":
        result = context.formats.import_text(
            args.vod, sys.stdin.read(), args.format, replace=args.replace
        )
    else:
        result = context.formats.import_file(args.vod, args.file, args.format, replace=args.replace)
    if args.json:
        vod_id = context.vods.get(args.vod).id
        print_json(
            {
                "format": result.format,
                "added": [chapter_json(c, vod_id) for c in result.added],
                "count": len(result.chapters),
            }
        )
        return 0
    removed = len(result.changes.deleted)
    replaced = f", replacing {removed}" if args.replace and removed else ""
    print(
        f"imported {len(result.added)} chapters ({result.format}){replaced}; "
        f"the VOD now has {len(result.chapters)}"
    )
    for chapter in result.added:
        span = f"{format_time(chapter.start_time)}–{format_time(chapter.end_time)}"
        print(f"  {span}  {chapter.title}")
    return 0


def check_youtube(args, context) -> int:
    if args.fix:
        fix = context.formats.apply_youtube_fix(args.vod).value
        problems, changes = fix.remaining, fix.changes
    else:
        check = context.formats.check_youtube(args.vod)
        problems, changes = check.problems, check.fix.changes if check.problems else []
    if args.json:
        changes_key = "fixed" if args.fix else "fix"  # done, or what --fix would do
        print_json(
            {
                "ok": not problems,
                "problems": [{"rule": p.rule, "message": p.message} for p in problems],
                changes_key: changes,
            }
        )
        return 1 if problems else 0
    if args.fix:
        for change in changes:
            print(f"fixed: {change}")
        if not changes:
            print("nothing to fix")
    for problem in problems:
        print(f"broken: {problem.message}")
    if not problems:
        print("OK: YouTube will show these chapters")
        return 0
    if not args.fix and changes:
        print("the fix (chapters check-youtube VOD --fix, or export --fix-youtube) would:")
        for change in changes:
            print(f"  {change}")
    return 1


def embed_chapters(args, context) -> int:
    result = context.formats.embed(args.vod, args.output, overwrite=args.overwrite)
    for note in result.notes:
        print(f"vodstudio: note: {note}", file=sys.stderr)
    print(
        f"wrote {result.output} with {len(result.chapters)} chapters (streams copied, "
        "chapters verified with ffprobe)"
    )
    return 0

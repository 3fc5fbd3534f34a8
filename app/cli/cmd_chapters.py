"""``chapters list|add|update|delete|at|next|previous``."""

from __future__ import annotations

from core.domain.chapters import Chapter, ChapterFilter, parse_source
from core.domain.errors import ValidationError
from core.domain.timefmt import format_time, parse_time
from core.library.shapes import chapter_json

from .output import print_json, print_table, warn_overlaps

GROUP = "chapters"
CHAPTER_HELP = "its number in `chapters list` (from 1) or its id (4 or more characters)"


def register(cli) -> None:
    parser = cli.subcommand(GROUP, "list", list_chapters, "list a VOD's chapters in order")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--source", help="manual or ai")
    parser.add_argument("--search", help="case-insensitive text in title or description")
    parser.add_argument(
        "--min-confidence",
        help="only chapters with an AI score of at least this (0–1); unscored (manual) "
        "chapters are left out, as on the platform",
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(GROUP, "add", add_chapter, "add a manual chapter")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--title", required=True)
    parser.add_argument("--start", required=True, help="seconds, M:SS or H:MM:SS(.f)")
    parser.add_argument("--end", required=True, help="seconds, M:SS or H:MM:SS(.f)")
    parser.add_argument("--description", default="")
    parser.add_argument("--thumbnail-url")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(GROUP, "update", update_chapter, "change a chapter's fields")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("chapter", metavar="CHAPTER", help=CHAPTER_HELP)
    parser.add_argument("--title")
    parser.add_argument("--start")
    parser.add_argument("--end")
    parser.add_argument("--description")
    parser.add_argument("--thumbnail-url")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(GROUP, "delete", delete_chapter, "delete a chapter")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("chapter", metavar="CHAPTER", help=CHAPTER_HELP)

    parser = cli.subcommand(GROUP, "at", chapter_at, "the chapter that contains a time")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("seconds", metavar="SECONDS", help="seconds or H:MM:SS")
    parser.add_argument("--json", action="store_true")

    for name, handler in (("next", next_chapter), ("previous", previous_chapter)):
        parser = cli.subcommand(GROUP, name, handler, f"the {name} chapter in order")
        parser.add_argument("vod", metavar="VOD")
        parser.add_argument("chapter", metavar="CHAPTER", help=CHAPTER_HELP)
        parser.add_argument("--json", action="store_true")


def list_chapters(args, context) -> int:
    min_confidence = None
    if args.min_confidence is not None:
        try:
            min_confidence = float(args.min_confidence)
        except ValueError:
            raise ValidationError(
                f"--min-confidence must be a number in [0, 1], got {args.min_confidence!r}"
            ) from None
        if not 0.0 <= min_confidence <= 1.0:
            raise ValidationError(f"--min-confidence must be in [0, 1], got {args.min_confidence}")
    chapter_filter = ChapterFilter(
        source=parse_source(args.source) if args.source else None,
        search=args.search,
        min_confidence=min_confidence,
    )
    result = context.chapters.list(args.vod, chapter_filter)
    warn_overlaps(result.overlaps)
    if args.json:
        print_json([chapter_json(c, result.vod_id) for c in result.chapters])
        return 0
    if not result.chapters:
        print("No chapters.")
        return 0
    print_table(
        ["#", "ID", "START", "END", "SOURCE", "CONF", "TITLE"],
        [
            [
                str(c.order + 1),
                c.id[:8],
                format_time(c.start_time),
                format_time(c.end_time),
                c.source.value,
                "" if c.confidence_score is None else f"{c.confidence_score:.2f}",
                c.title,
            ]
            for c in result.chapters
        ],
    )
    return 0


def add_chapter(args, context) -> int:
    added = context.chapters.add(
        args.vod,
        title=args.title,
        start_time=parse_time(args.start),
        end_time=parse_time(args.end),
        description=args.description,
        thumbnail_url=args.thumbnail_url,
    ).added
    return _print_chapter(args, context, added[0])


def update_chapter(args, context) -> int:
    changes: dict[str, object] = {}
    if args.title is not None:
        changes["title"] = args.title
    if args.description is not None:
        changes["description"] = args.description
    if args.thumbnail_url is not None:
        changes["thumbnail_url"] = args.thumbnail_url
    if args.start is not None:
        changes["start_time"] = parse_time(args.start)
    if args.end is not None:
        changes["end_time"] = parse_time(args.end)
    updated = context.chapters.update(args.vod, args.chapter, **changes).updated
    # Nothing changed (the fields already had these values): show the chapter as it is.
    chapter = updated[0].after if updated else context.chapters.get(args.vod, args.chapter)
    return _print_chapter(args, context, chapter)


def delete_chapter(args, context) -> int:
    chapter = context.chapters.delete(args.vod, args.chapter).deleted[0]
    print(f"deleted chapter {chapter.id} {chapter.describe()}")
    return 0


def chapter_at(args, context) -> int:
    return _print_chapter(
        args, context, context.chapters.at_time(args.vod, parse_time(args.seconds))
    )


def next_chapter(args, context) -> int:
    return _print_chapter(args, context, context.chapters.next(args.vod, args.chapter))


def previous_chapter(args, context) -> int:
    return _print_chapter(args, context, context.chapters.previous(args.vod, args.chapter))


def _print_chapter(args, context, chapter: Chapter) -> int:
    if getattr(args, "json", False):
        vod = context.vods.get(args.vod)
        print_json(chapter_json(chapter, vod.id))
    else:
        print(
            f"{chapter.id}  {format_time(chapter.start_time)}–{format_time(chapter.end_time)}  {chapter.title}"
        )
    return 0

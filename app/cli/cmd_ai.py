"""``transcript import|show|transcribe`` and ``chapters generate``."""

from __future__ import annotations

import sys
import threading

from core.domain.errors import ValidationError
from core.domain.timefmt import format_time

from .output import print_json, print_table


def register(cli) -> None:
    parser = cli.subcommand(
        "transcript",
        "import",
        import_transcript,
        "store a transcript (WebVTT, SRT, SBV, a recogniser's JSON or timestamped text)",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand("transcript", "show", show_transcript, "print a VOD's transcript")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "transcript",
        "transcribe",
        transcribe,
        "transcribe the VOD's audio with the OpenAI audio API",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--model", default="whisper-1")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "chapters",
        "generate",
        generate_chapters,
        "replace the AI chapters with chapters made from the transcript",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--model", help="model name (default: the setting, gpt-4o)")
    parser.add_argument("--temperature", type=float, default=0.3)
    parser.add_argument("--max-tokens", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="no network: find topic changes and titles on this computer",
    )
    parser.add_argument(
        "--youtube",
        action="store_true",
        help="YouTube-ready: first chapter at 0:00, at least 3, each ≥ 10 s",
    )
    parser.add_argument(
        "--no-signals",
        action="store_true",
        help="leave out the VOD's analysed signals (silences, static screens, scene cuts), "
        "which are otherwise weighed as likely boundaries",
    )
    parser.add_argument("--json", action="store_true")


def import_transcript(args, context) -> int:
    info = context.ai.import_transcript(args.vod, args.file)
    if args.json:
        print_json({k: v for k, v in info.to_json().items() if k != "segments"})
    else:
        print(
            f"Transcript stored: {len(info.segments)} segments, {info.word_count} words "
            f"({info.source})."
        )
    return 0


def show_transcript(args, context) -> int:
    info = context.ai.transcript(args.vod)
    if args.json:
        print_json(info.to_json())
        return 0
    if not info.segments:
        print("No transcript.")
        return 0
    for segment in info.segments:
        print(f"[{format_time(segment.start)}] {segment.text}")
    return 0


def transcribe(args, context) -> int:
    def progress(fraction: float, message: str) -> None:
        print(f"{fraction:4.0%} {message}", file=sys.stderr)

    info = context.ai.transcribe(args.vod, model=args.model, progress=progress)
    if args.json:
        print_json({k: v for k, v in info.to_json().items() if k != "segments"})
    else:
        print(f"Transcript stored: {len(info.segments)} segments, {info.word_count} words.")
    return 0


def generate_chapters(args, context) -> int:
    from core.ai import GenerationOptions  # the openai SDK loads only when it is needed

    if args.max_tokens is not None and args.max_tokens < 1:
        raise ValidationError("--max-tokens must be at least 1")
    options = GenerationOptions(
        model=args.model or context.ai.default_model(),
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        offline=args.offline,
        youtube=args.youtube,
        timeout=args.timeout,
    )

    def progress(fraction: float, message: str) -> None:
        if not args.json:
            print(f"{fraction:4.0%} {message}", file=sys.stderr)

    hints = [] if args.no_signals else context.ai.signal_hints(args.vod)
    if hints and not args.json:
        print(f"weighing {len(hints)} boundary hints from the VOD's signals", file=sys.stderr)
    cancel = threading.Event()
    try:
        result = context.ai.generate(
            args.vod, options, progress=progress, cancel=cancel, hints=hints
        )
    except KeyboardInterrupt:
        cancel.set()
        raise
    if result.notice:
        print(f"{result.notice} (--offline chooses offline mode on purpose.)", file=sys.stderr)
    if args.json:
        print_json(result.to_json())
        return 0
    made = "made offline" if result.mode == "offline" else f"from {result.model_used}"
    print(
        f"{result.count} AI chapters {made} in "
        f"{result.processing_time_seconds:.1f} s (replaced {len(result.removed)})."
    )
    print_table(
        ["START", "END", "CONF", "TITLE"],
        [
            [
                format_time(c.start_time),
                format_time(c.end_time),
                f"{c.confidence_score:.2f}" if c.confidence_score is not None else "-",
                c.title,
            ]
            for c in result.chapters
        ],
    )
    repairs = [r for r in result.repairs if r != result.notice]
    if repairs:
        print("Repairs:")
        for repair in repairs:
            print(f"  - {repair}")
    return 0

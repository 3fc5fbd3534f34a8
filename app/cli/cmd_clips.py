"""``clips export|list|cancel|run``: chapters or in/out ranges out as clip files.

``clips export`` queues one clip per chapter named (or ``--all``) and one for ``--start``/
``--end``, as one batch in the clip queue, then exports the batch here with a progress bar
(``--queue`` leaves it to the app or to ``clips run``). Ctrl-C cancels the batch; SIGTERM
(a logout) queues the running clip again and leaves the rest queued, for the app or ``clips
run``. No half-written clip is left either way.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

from core.domain.clips import (
    DEFAULT_TEMPLATE,
    ClipMode,
    ClipOptions,
    VerticalFill,
    VerticalOptions,
)
from core.domain.errors import DomainError
from core.domain.timefmt import format_time, parse_time

from .interrupts import Terminated, sigterm_sets
from .output import ProgressBar, print_json, print_table


def register(cli) -> None:
    parser = cli.subcommand(
        "clips",
        "export",
        export_clips,
        "export chapters or an in/out range as clips (lossless, smart cut or encode)",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "chapters",
        metavar="CHAPTER",
        nargs="*",
        help="chapter ids (or prefixes of 4+ characters) or numbers (1 = the first chapter)",
    )
    parser.add_argument("--all", action="store_true", help="one clip per chapter of the VOD")
    parser.add_argument("--start", metavar="S", help="start of a range (seconds or H:MM:SS)")
    parser.add_argument("--end", metavar="E", help="end of the range")
    parser.add_argument("--title", help="title of the --start/--end clip (default: clip)")
    parser.add_argument(
        "--mode",
        required=True,
        choices=[m.value for m in ClipMode],
        help="lossless: copy from the keyframe at or before the start (its real start is "
        "reported); smart: frame-exact, re-encoding only up to the next keyframe; "
        "encode: re-encode everything",
    )
    parser.add_argument(
        "--vertical", action="store_true", help="9:16 at 1080x1920 for Shorts (with --mode encode)"
    )
    parser.add_argument(
        "--fill",
        choices=[f.value for f in VerticalFill],
        default="crop",
        help="vertical: crop a 9:16 window, or fit the picture over a blurred copy",
    )
    parser.add_argument(
        "--position",
        type=float,
        default=0.5,
        metavar="X",
        help="vertical crop: 0 = left edge, 0.5 = centre, 1 = right edge",
    )
    parser.add_argument(
        "--audio",
        metavar="N,N",
        type=_audio_tracks,
        help="audio tracks to keep, numbered from 1 (default: all)",
    )
    parser.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        help="file name template with {vod} {n} {title} {start} {end} {mode} "
        f"(default: '{DEFAULT_TEMPLATE}')",
    )
    parser.add_argument("--no-chapters", action="store_true", help="no chapters inside the clips")
    parser.add_argument("--out", metavar="DIR", help="folder (default: Clips beside the VOD file)")
    parser.add_argument(
        "--queue", action="store_true", help="only queue: the app (or `clips run`) exports them"
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand("clips", "list", list_clips, "the clip queue (all, or one VOD's)")
    parser.add_argument("vod", metavar="VOD", nargs="?")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "clips", "cancel", cancel_clips, "cancel a queued or running clip or batch"
    )
    parser.add_argument("ref", metavar="ID", help="a clip id or a batch id (4+ characters)")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand("clips", "run", run_clips, "export every queued clip here, then exit")
    parser.add_argument("--json", action="store_true")


def _usage_error(message: str) -> int:
    print(f"vodstudio clips export: error: {message}", file=sys.stderr)
    return 2


def export_clips(args, context) -> int:
    if (args.start is None) != (args.end is None):
        return _usage_error("--start and --end go together")
    if args.vertical and args.mode != ClipMode.ENCODE.value:
        return _usage_error("--vertical needs --mode encode (a 9:16 picture is always re-encoded)")
    if not args.chapters and not args.all and args.start is None:
        return _usage_error("name one or more chapters, --all, or --start and --end")
    ranges = []
    if args.start is not None:
        ranges.append((parse_time(args.start), parse_time(args.end), args.title))
    options = ClipOptions(
        mode=ClipMode(args.mode),
        vertical=VerticalOptions(VerticalFill(args.fill), args.position) if args.vertical else None,
        audio_tracks=args.audio,
        template=args.template,
        with_chapters=not args.no_chapters,
    )
    service = context.clips
    queued = service.queue(
        args.vod,
        chapter_refs=args.chapters,
        all_chapters=args.all,
        ranges=ranges,
        options=options,
        folder=args.out,
    )
    batch = queued[0]["batch_id"]
    if args.queue:
        return _report(queued, args.json, queued_only=True)
    bar = None if args.json else ProgressBar()
    position = {job["id"]: index for index, job in enumerate(queued)}

    def observe(job) -> None:
        if bar is not None and job["status"] == "processing":
            index = position.get(job["id"], 0)
            label = f"clip {index + 1}/{len(queued)}" if len(queued) > 1 else "clip"
            fraction = (index + job["progress"] / 100) / len(queued)
            bar.update(fraction, f"{label} {job['step'] or ''}".strip())

    stop = threading.Event()
    try:
        with sigterm_sets(stop):
            service.run(batch, observer=observe, stop=stop)
    except KeyboardInterrupt:
        with contextlib.suppress(DomainError):
            service.cancel(batch)
        raise
    finally:
        if bar is not None:
            bar.close()
    _stopped_by_sigterm(stop)
    return _report(service.jobs(batch), args.json)


def _stopped_by_sigterm(stop: threading.Event) -> None:
    if stop.is_set():
        print(
            "stopping (SIGTERM): the clips not finished stay queued for the app or `clips run`",
            file=sys.stderr,
        )
        raise Terminated


def _report(jobs, as_json: bool, *, queued_only: bool = False) -> int:
    if as_json:
        print_json(jobs)
    elif queued_only:
        print(f"queued {len(jobs)} clip(s), batch {jobs[0]['batch_id']}")
    else:
        for job in jobs:
            if job["status"] == "completed":
                span = f"{format_time(job['actual_start'], decimals=3)}–{format_time(job['actual_end'], decimals=3)}"
                print(f"{job['output']}  ({job['result_mode']}, {span})")
                for note in job["notes"]:
                    print(f"  note: {note}")
    failed = [j for j in jobs if j["status"] in ("failed", "cancelled")]
    if failed and not queued_only:
        first = failed[0]
        reason = first["error"] or first["status"]
        print(
            f'vodstudio: error: clip {first["number"]} "{first["title"]}" {first["status"]}: {reason}',
            file=sys.stderr,
        )
        return 1
    return 0


def list_clips(args, context) -> int:
    jobs = context.clips.jobs(vod_ref=args.vod)
    if args.json:
        print_json(jobs)
        return 0
    print_table(
        ["clip", "batch", "status", "mode", "range", "file"],
        [
            [
                j["id"][:8],
                j["batch_id"][:8],
                f"{j['status']} {j['progress']:.0f}%"
                if j["status"] == "processing"
                else j["status"],
                j["result_mode"] or j["mode"],
                f"{format_time(j['start'])}–{format_time(j['end'])}",
                j["output"] or j["error"] or j["name"],
            ]
            for j in jobs
        ],
    )
    return 0


def cancel_clips(args, context) -> int:
    jobs = context.clips.cancel(args.ref)
    if args.json:
        print_json(jobs)
    else:
        print(
            f"cancelled {sum(1 for j in jobs if j['status'] in ('cancelled', 'processing'))} clip(s)"
        )
    return 0


def run_clips(args, context) -> int:
    stop = threading.Event()
    with sigterm_sets(stop):
        jobs = context.clips.run(stop=stop)
    _stopped_by_sigterm(stop)
    if not jobs and not args.json:
        print("no clips queued")
        return 0
    return _report(jobs, args.json)


def _audio_tracks(text: str) -> tuple[int, ...]:
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"track numbers like 1,2, not {text!r}") from None
    if not numbers or any(n < 1 for n in numbers):
        raise argparse.ArgumentTypeError("audio track numbers start at 1")
    return tuple(n - 1 for n in numbers)

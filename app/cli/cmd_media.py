"""``thumbnails generate|list|default|delete|chapters`` and
``transcode start|status|cancel|retry|run``.

``transcode start`` only queues the job; it runs while VOD Studio is open, or in this
terminal with ``--wait`` (progress bar and ETA on stderr), or with ``transcode run``.
``transcode cancel`` from another terminal stops a job that a ``--wait`` is running (or,
with ``--quality``, one quality of it while the others go on).

Ctrl-C cancels the job(s) running in this terminal; SIGTERM (logout, shutdown) stops them
and queues them again. Either way the finished segments are kept: ``transcode retry``, the
next ``transcode run`` or the app resumes from them.
"""

from __future__ import annotations

import sys
import time
import uuid

from core.domain.errors import DomainError
from core.domain.media_specs import DEFAULT_THUMBNAIL_INDEX, JobStatus
from core.domain.timefmt import format_time, parse_time
from core.jobs.shapes import TranscodeJob

from .interrupts import Terminated
from .output import ProgressBar, human_size, print_json, print_table


def register(cli) -> None:
    parser = cli.subcommand(
        "thumbnails",
        "generate",
        generate_thumbnails,
        "make thumbnails (default: at 20/40/60/80/100 %%, small+medium+large)",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "--at",
        action="append",
        metavar="S",
        help="a timestamp (seconds or H:MM:SS); repeat for several",
    )
    parser.add_argument("--resolutions", help="comma list of small, medium, large, xlarge")
    parser.add_argument(
        "--default",
        type=int,
        default=DEFAULT_THUMBNAIL_INDEX,
        metavar="N",
        help="index of the timestamp whose thumbnail becomes the default (0-based)",
    )
    parser.add_argument(
        "--no-smart",
        action="store_true",
        help="keep the exact frame even when it is black, flat or blurry",
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand("thumbnails", "list", list_thumbnails, "list a VOD's thumbnails")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "thumbnails", "default", default_thumbnail, "make a thumbnail the default"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("thumb", metavar="THUMB")

    parser = cli.subcommand(
        "thumbnails", "delete", delete_thumbnail, "delete a thumbnail (not the default one)"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("thumb", metavar="THUMB")

    parser = cli.subcommand(
        "thumbnails",
        "chapters",
        chapter_thumbnails,
        "make one thumbnail per chapter, saved as its thumbnail_url",
    )
    parser.add_argument("vod", metavar="VOD")

    parser = cli.subcommand(
        "transcode",
        "start",
        start_transcode,
        "queue an HLS transcode (it runs in the app, with --wait, or with `transcode run`)",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--qualities", help="comma list of 360p, 720p, 1080p (default: all)")
    parser.add_argument("--priority", default="normal", help="normal or high")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="run the queue here until this job ends, with a progress bar",
    )
    parser.add_argument("--preset", help="x264 speed/quality preset (default veryfast)")
    parser.add_argument(
        "--no-remux",
        action="store_true",
        help="re-encode every rung even when the source already fits one",
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "transcode",
        "status",
        transcode_status,
        "status of a VOD's latest (or a given) transcode job",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--job", metavar="J")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "transcode", "cancel", cancel_transcode, "cancel a queued or running job"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("job", metavar="JOB")
    parser.add_argument("--quality", metavar="Q", help="cancel only this quality; the others go on")

    parser = cli.subcommand(
        "transcode",
        "retry",
        retry_transcode,
        "retry a failed or cancelled quality; it resumes from its finished segments",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("quality", metavar="QUALITY", help="360p, 720p, 1080p, a list, or all")
    parser.add_argument("--preset", help="x264 preset for this attempt (starts the quality again)")
    parser.add_argument("--wait", action="store_true", help="run it here with a progress bar")

    cli.subcommand("transcode", "run", run_queue, "run every queued transcode job, then exit")


# --- thumbnails -------------------------------------------------------------------------------
def generate_thumbnails(args, context) -> int:
    timestamps = [parse_time(value) for value in args.at] if args.at else None
    bar = ProgressBar("thumbnails")
    started = time.perf_counter()
    thumbnails = context.thumbnails.generate(
        args.vod,
        timestamps=timestamps,
        resolutions=args.resolutions,
        set_default=args.default,
        smart=not args.no_smart,
        progress=lambda fraction, message: bar.update(fraction, message),
    )
    bar.close()
    if args.json:
        # The platform's answer to the same request; made here, so already done: the list
        # is full, and task_id names this run.
        default = next((t for t in thumbnails if t.is_default), None)
        print_json(
            {
                "video_id": thumbnails[0].vod_id if thumbnails else None,
                "thumbnails": [t.to_json() for t in thumbnails],
                "task_id": str(uuid.uuid4()),
                "default_thumbnail_url": default.to_json()["url"] if default else None,
                "processing_time_ms": round((time.perf_counter() - started) * 1000),
            }
        )
        return 0
    _thumbnail_table(thumbnails)
    return 0


def list_thumbnails(args, context) -> int:
    thumbnails = context.thumbnails.list(args.vod)
    if args.json:
        print_json([t.to_json() for t in thumbnails])
        return 0
    if not thumbnails:
        print("No thumbnails.")
        return 0
    _thumbnail_table(thumbnails)
    return 0


def _thumbnail_table(thumbnails) -> None:
    rows = []
    for thumb in thumbnails:
        moved = (
            ""
            if abs(thumb.timestamp - thumb.requested_timestamp) < 0.01
            else f" (asked {format_time(thumb.requested_timestamp)})"
        )
        rows.append(
            [
                thumb.thumbnail_id[:8],
                format_time(thumb.timestamp) + moved,
                f"{thumb.resolution} {thumb.width}x{thumb.height}",
                human_size(thumb.size_bytes),
                "yes" if thumb.is_default else "",
                thumb.jpeg_path,
            ]
        )
    print_table(["ID", "TIME", "RESOLUTION", "SIZE", "DEFAULT", "FILE"], rows)


def default_thumbnail(args, context) -> int:
    thumb = context.thumbnails.set_default(args.vod, args.thumb)
    print(
        f"default thumbnail: {thumb.thumbnail_id} ({thumb.width}x{thumb.height} at "
        f"{format_time(thumb.timestamp)})"
    )
    return 0


def delete_thumbnail(args, context) -> int:
    thumb = context.thumbnails.delete(args.vod, args.thumb)
    print(f"deleted thumbnail {thumb.thumbnail_id}")
    return 0


def chapter_thumbnails(args, context) -> int:
    bar = ProgressBar("chapter thumbnails")
    chapters = context.thumbnails.generate_for_chapters(
        args.vod, progress=lambda fraction, message: bar.update(fraction, message)
    ).value
    bar.close()
    print_table(
        ["#", "CHAPTER", "START", "THUMBNAIL"],
        [
            [str(c.order), c.title, format_time(c.start_time), c.thumbnail_url or ""]
            for c in chapters
        ],
    )
    return 0


# --- transcoding ------------------------------------------------------------------------------
def start_transcode(args, context) -> int:
    started = context.transcodes.start(
        args.vod,
        qualities=args.qualities,
        priority=args.priority,
        preset=args.preset,
        allow_copy=not args.no_remux,
    )
    if args.json and not args.wait:
        print_json(started.to_json())
        return 0
    print(
        f"job {started.job_id} queued: {', '.join(started.qualities_requested)} "
        f"(estimated {started.estimated_time})",
        file=sys.stderr if args.json else sys.stdout,
    )
    if not args.wait:
        print(
            "it runs while VOD Studio is open, or now with: vodstudio transcode run",
            file=sys.stderr,
        )
        return 0
    final = _run_with_progress(context, started.video_id, started.job_id)
    if args.json:
        print_json(final.to_json())
    else:
        _print_status(final)
    return _exit_for(final)


def retry_transcode(args, context) -> int:
    status = context.transcodes.retry(args.vod, args.quality, preset=args.preset)
    print(f"job {status.job_id}: {', '.join(_queued(status)) or args.quality} queued again")
    if not args.wait:
        return 0
    final = _run_with_progress(context, status.video_id, status.job_id)
    _print_status(final)
    return _exit_for(final)


def run_queue(args, context) -> int:
    runner = _runner(context)
    bars: dict[str, ProgressBar] = {}

    def show(status: TranscodeJob) -> None:
        bar = bars.setdefault(status.job_id, ProgressBar(status.job_id))
        bar.update(
            status.progress / 100,
            status.progress_label or status.current_quality or status.status,
            status.estimated_time_remaining,
        )

    runner.subscribe(show)
    try:
        runner.run_until_idle()
    finally:
        for bar in bars.values():
            bar.close()
    jobs = context.transcodes.list_jobs()
    print(f"queue empty; {len(bars)} job(s) run in this session" if bars else "no queued jobs")
    return 0 if all(j.status != JobStatus.FAILED for j in jobs if j.job_id in bars) else 1


def _queued(status: TranscodeJob) -> list[str]:
    """The qualities a retry queued (the queued ones are not listed among the outputs)."""
    listed = {o.quality for o in status.outputs}
    return [q for q in status.qualities_requested if q not in listed]


class _TerminalRunner:
    """A job runner for this terminal (the transcode farm when one is configured, else the
    local ladder) that stops its jobs cleanly on Ctrl-C (cancelled) or SIGTERM (queued
    again), never leaving one ``processing`` or an ffmpeg running."""

    def __init__(self, context) -> None:
        from core.jobs.runner import JobRunner

        self.runner = JobRunner(
            context.database,
            context.database.data_dir,
            context.settings,
            executor=context.farm_executor,
        )

    def subscribe(self, callback) -> None:
        self.runner.subscribe(callback)

    def run_until_idle(self, until_job: str | None = None) -> None:
        try:
            self.runner.run_until_idle(until_job=until_job)
        except KeyboardInterrupt:
            print("\ncancelling… (the finished segments are kept)", file=sys.stderr)
            self.runner.stop(requeue=False)
            raise
        except Terminated:
            print("\nstopping (SIGTERM); the job resumes next time", file=sys.stderr)
            self.runner.stop(reason="the terminal was asked to stop (SIGTERM)")
            raise


def _runner(context) -> _TerminalRunner:
    return _TerminalRunner(context)


def _run_with_progress(context, vod_id: str, job_id: str) -> TranscodeJob:
    runner = _runner(context)
    bar = ProgressBar(job_id)

    def show(status: TranscodeJob) -> None:
        if status.job_id == job_id and status.status == JobStatus.PROCESSING:
            bar.update(
                status.progress / 100,
                status.progress_label or status.current_quality or "",
                status.estimated_time_remaining,
            )

    runner.subscribe(show)
    try:
        runner.run_until_idle(until_job=job_id)
    finally:
        bar.close()
    return context.transcodes.status(vod_id, job_id)


def _exit_for(status: TranscodeJob) -> int:
    if status.status == JobStatus.COMPLETED:
        return 0
    if status.status == JobStatus.CANCELLED:
        raise DomainError(f"job {status.job_id} was cancelled")
    raise DomainError(f"job {status.job_id} failed: {status.error or 'unknown error'}")


def transcode_status(args, context) -> int:
    status = context.transcodes.status(args.vod, args.job)
    if args.json:
        print_json(status.to_json())
    else:
        _print_status(status)
    return 0


def cancel_transcode(args, context) -> int:
    status = context.transcodes.cancel(args.vod, args.job, args.quality)
    if args.quality:
        name = args.quality.strip().lower()
        if name in status.cancelling_qualities:
            print(f"job {status.job_id}: {name} cancel requested; the other qualities go on")
        else:
            print(f"job {status.job_id}: {name} cancelled")
        return 0
    if status.status == JobStatus.CANCELLED:
        print(f"job {status.job_id} cancelled")
    else:
        print(f"job {status.job_id}: cancel requested; ffmpeg stops within a second")
    return 0


def _print_status(status: TranscodeJob) -> None:
    print(f"job       {status.job_id}")
    line = f"status    {status.status} {status.progress}%"
    if status.current_quality:
        line += f"  ({status.current_quality})"
    if status.estimated_time_remaining:
        line += f"  ETA {status.estimated_time_remaining}"
    print(line)
    if status.encoder:
        print(f"encoder   {status.encoder}")
    if status.outputs:
        print_table(
            ["QUALITY", "STATUS", "RESOLUTION", "BITRATE", "SEGMENTS", "SIZE", "PLAYLIST"],
            [
                [
                    o.quality,
                    o.status + (f" ({o.method})" if o.method == "copy" else ""),
                    o.resolution or "-",
                    o.bitrate,
                    str(o.segment_count),
                    human_size(o.size_bytes),
                    o.path or (o.error or ""),
                ]
                for o in status.outputs
            ],
        )
    if status.master_playlist:
        print(f"master    {status.master_playlist}")
    for note in status.notes or []:
        print(f"note      {note}")
    if status.error:
        print(f"error     {status.error}")

"""``worker`` (run a transcode-farm worker), ``farm status`` and ``farm transcode``."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

from core.domain.errors import DomainError, ValidationError

from .output import print_json, print_table


def register(cli) -> None:
    parser = cli.command(
        "worker",
        run_worker,
        "run a transcode-farm worker (Celery) that encodes chunks for the "
        "machines submitting to the same Redis broker",
    )
    parser.add_argument(
        "--broker",
        metavar="URL",
        help="Redis URL (default: $VODSTUDIO_BROKER_URL or the saved setting)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        metavar="N",
        help="chunks encoded at once (default 1: ffmpeg already uses every core)",
    )
    parser.add_argument(
        "--name",
        metavar="NAME",
        help="worker name shown in farm status (default: vodstudio-<pid>@host)",
    )
    parser.add_argument("--loglevel", default="info", choices=["debug", "info", "warning", "error"])

    parser = cli.subcommand(
        "farm", "status", farm_status_command, "list the farm's workers and the jobs each worked on"
    )
    parser.add_argument("--broker", metavar="URL")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = cli.subcommand(
        "farm",
        "transcode",
        farm_transcode_command,
        "transcode a file or VOD to the HLS ladder in parallel chunks, on the "
        "farm (when a broker is set) or on local processes",
    )
    parser.add_argument("source", metavar="FILE_OR_VOD")
    parser.add_argument(
        "--output",
        metavar="DIR",
        help="output folder (default: <data dir>/hls/<vod id or file name>)",
    )
    parser.add_argument("--qualities", default=None, help="e.g. 360p,720p (default: all three)")
    parser.add_argument(
        "--local",
        type=int,
        metavar="N",
        default=None,
        help="encode on N local ffmpeg processes instead of the farm",
    )
    parser.add_argument("--broker", metavar="URL")
    parser.add_argument(
        "--chunk-seconds",
        type=float,
        default=None,
        metavar="S",
        help="chunk length, rounded up to a multiple of 6 s (default: automatic)",
    )
    parser.add_argument("--preset", default=None, help="x264 preset (default: the ladder's)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _broker(args, context) -> str:
    from core.jobs.farm.settings import resolve_broker_url
    from core.jobs.farm.status import check_broker_url

    return check_broker_url(args.broker or resolve_broker_url(context.settings, context.secrets))


def run_worker(args, context) -> int:
    from core.jobs.farm.celery_app import QUEUE, create_app
    from core.jobs.farm.status import ping_broker, redact

    url = _broker(args, context)
    ping_broker(url)
    if args.concurrency < 1:
        raise ValidationError("--concurrency must be 1 or more")
    name = args.name or f"vodstudio-{os.getpid()}@{socket.gethostname()}"
    print(f"vodstudio worker {name}: broker {redact(url)}, queue {QUEUE}", file=sys.stderr)
    create_app(url).worker_main(
        [
            "worker",
            "--queues",
            QUEUE,
            "--concurrency",
            str(args.concurrency),
            "--hostname",
            name,
            "--loglevel",
            args.loglevel.upper(),
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
        ]
    )
    return 0


def farm_status_command(args, context) -> int:
    from core.jobs.farm.status import farm_status

    status = farm_status(_broker(args, context))
    if args.json:
        print_json(
            {
                "broker": status.broker,
                "workers": [
                    {"name": w.name, "online": w.online, "active": w.active, "jobs": w.jobs}
                    for w in status.workers
                ],
            }
        )
        return 0
    print(f"broker {status.broker}: {status.online_count} worker(s) online")
    if not status.workers:
        print("No workers seen. Start one with: vodstudio worker --broker URL")
        return 0
    print_table(
        ["WORKER", "STATE", "RUNNING", "JOBS (chunks done)"],
        [
            [
                w.name,
                "online" if w.online else "offline",
                ", ".join(
                    f"{a['job_id']}#{a['chunk']}" if a["chunk"] else a["job_id"] for a in w.active
                )
                or "-",
                ", ".join(f"{job} ({count})" for job, count in sorted(w.jobs.items())) or "-",
            ]
            for w in status.workers
        ],
    )
    return 0


def farm_transcode_command(args, context) -> int:
    from core.jobs.executor import TranscodeSpec
    from core.jobs.farm.ladder_executor import farm_executor, local_chunked_executor

    source, default_name = _source(args.source, context)
    output = Path(args.output) if args.output else Path(context.data_dir) / "hls" / default_name
    if args.local is not None:
        if args.local < 1:
            raise ValidationError("--local must be 1 or more processes")
        executor = local_chunked_executor(args.local, args.chunk_seconds)
    else:
        executor = farm_executor(_broker(args, context), chunk_seconds=args.chunk_seconds)
    from core.domain.media_specs import parse_qualities

    job_id = f"farm_{default_name}_{os.getpid()}"
    spec = TranscodeSpec(
        job_id,
        str(source),
        str(output.resolve()),
        tuple(parse_qualities(args.qualities)),
        preset=args.preset,
    )
    cancel = threading.Event()

    def progress(fraction: float, text: str) -> None:
        if not args.json:
            print(f"\r{fraction * 100:5.1f}% {text:<40}", end="", file=sys.stderr, flush=True)

    try:
        outcome = _run_cancellable(lambda: executor.execute(spec, progress, cancel), cancel)
    except DomainError:
        # A one-off run, not a job that a retry resumes: no chunk folder left behind (on a
        # full disk it holds the space the user needs back).
        from core.jobs.queue import clear_partial_output
        from core.media.chunked import remove_chunk_work

        clear_partial_output(spec.output_dir)
        remove_chunk_work(spec.output_dir)
        raise
    if not args.json:
        print(file=sys.stderr)
    master = output.resolve() / "master.m3u8"
    if args.json:
        print_json(
            {
                "master_playlist": str(master),
                "notes": outcome.notes,
                "skipped": outcome.skipped,
                "outputs": [
                    {
                        "quality": r.quality,
                        "resolution": r.resolution,
                        "segment_count": r.segment_count,
                        "size_bytes": r.size_bytes,
                    }
                    for r in outcome.renditions
                ],
            }
        )
        return 0
    for note in outcome.notes:
        print(note)
    print(master)
    return 0


def _run_cancellable(work, cancel: threading.Event):
    """Run ``work`` on a thread so that Ctrl-C sets ``cancel`` (which stops ffmpeg locally
    and revokes the farm's chunks) and waits for the work to wind down."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # handed to the main thread
            box["error"] = error

    thread = threading.Thread(target=target, name="farm-transcode", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        thread.join(30)
        raise
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _source(value: str, context) -> tuple[Path, str]:
    path = Path(value).expanduser()
    if path.is_file():
        return path.resolve(), path.stem
    vod = context.vods.get(value)
    return Path(vod.file_path), vod.id

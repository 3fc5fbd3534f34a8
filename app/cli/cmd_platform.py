"""``upload``, ``sync`` and ``platform …``: the streaming platform from the command line."""

from __future__ import annotations

import argparse
import getpass
import sys

from core.domain.errors import ValidationError
from core.domain.visibility import Visibility

from .output import ProgressBar, human_size, print_json, print_table

MIB = 1024 * 1024


def register(cli) -> None:
    parser = cli.command(
        "upload",
        upload,
        "upload a VOD to Cloudflare Stream (resumable) and post it on the platform",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--title")
    parser.add_argument("--description")
    parser.add_argument("--visibility", choices=[v.value for v in Visibility])
    parser.add_argument("--group", help="group UUID to post to")
    parser.add_argument("--nsfw", action="store_true", default=None)
    parser.add_argument("--content-warning")
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=50,
        metavar="MIB",
        help="tus chunk in MiB (5–200, default 50)",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="start a new upload instead of resuming the unfinished one",
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.command("sync", sync, "push local changes, pull the platform's, merge")
    parser.add_argument("vod", metavar="VOD", nargs="?", help="only this VOD (default: all)")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand("platform", "status", status, "a VOD's sync and upload state")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand("platform", "conflicts", conflicts, "chapters changed on both sides")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "platform", "resolve", resolve, "settle a conflict by keeping one side, then sync"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("chapter", metavar="CHAPTER")
    parser.add_argument("--keep", required=True, choices=("local", "remote"))
    parser.add_argument("--no-sync", action="store_true", help="only record the decision")

    parser = cli.subcommand(
        "platform",
        "set-token",
        set_token,
        "store the platform (api) or Cloudflare (stream) token in the keyring; read from stdin",
    )
    parser.add_argument("which", choices=("api", "stream"))

    parser = cli.subcommand("platform", "config", config, "show or set the platform settings")
    for option in ("api-url", "project-id", "stream-api-url", "stream-account-id"):
        parser.add_argument(f"--{option}")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "platform", "transcode", transcode, "drive the platform's transcoding of an uploaded VOD"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("action", choices=("start", "status", "cancel", "retry"))
    parser.add_argument("arg", nargs="?", help="job id (cancel/status) or quality (retry)")
    parser.add_argument("--qualities", help="e.g. 360p,720p (start)")
    parser.add_argument("--priority", choices=("normal", "high"))
    parser.add_argument("--wait", action="store_true", help="poll until completed or failed")
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        "platform", "thumbnails", thumbnails, "the platform's thumbnails of an uploaded VOD"
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("action", choices=("generate", "list", "default", "delete"))
    parser.add_argument("arg", nargs="?", help="thumbnail URL (default) or id (delete)")
    parser.add_argument("--json", action="store_true")


# --- upload ------------------------------------------------------------------------------
def _upload_progress(bar: ProgressBar):
    """Transfer reports (bytes, speed, phase) drawn on the shared terminal progress bar; a
    pause, cancel or finish always gets its line."""

    def report(p) -> None:
        from core.domain.timefmt import format_duration_words

        bar.update(
            p.fraction,
            f"{human_size(p.sent)}/{human_size(p.total)} {human_size(int(p.speed))}/s {p.phase}",
            eta=None if p.eta is None else format_duration_words(p.eta),
            force=p.phase in ("done", "paused", "cancelled", "linking"),
        )

    return report


def upload(args, context) -> int:
    from core.platform import UploadOptions

    options = UploadOptions(
        title=args.title,
        description=args.description,
        visibility=args.visibility,
        group_id=args.group,
        content_warning=args.content_warning,
        is_nsfw=args.nsfw,
        chunk_size=args.chunk_size * MIB,
    )
    bar = ProgressBar()
    try:
        result = context.uploads.upload(
            args.vod, options, progress=_upload_progress(bar), restart=args.restart
        )
    except KeyboardInterrupt:
        bar.close()
        print(
            "vodstudio: upload interrupted; run the same command again to resume", file=sys.stderr
        )
        return 130
    bar.close()
    if args.json:
        print_json(result.__dict__)
        return 0
    if result.resumed_from:
        print(f"Resumed at {human_size(result.resumed_from)}.")
    for note in result.notes:
        print(note)
    if result.status == "completed":
        print(
            f"Uploaded {result.vod_id}: Stream video {result.media_id}, platform VOD "
            f"{result.remote_vod_id}, post {result.post_id}"
        )
        if result.playback_url:
            print(f"Playback: {result.playback_url}")
    else:
        print(f"Upload {result.status}; run 'vodstudio upload {args.vod}' to continue.")
    return 0


# --- sync --------------------------------------------------------------------------------
def sync(args, context) -> int:
    reports = context.sync.sync(args.vod)
    if args.json:
        print_json(
            {
                "vods": [r.to_json() for r in reports],
                "requests": sum(r.requests for r in reports),
                "conflicts": sum(len(set(r.conflicts)) for r in reports),
                "errors": sum(len(r.errors) for r in reports),
                "unreadable": sum(len(r.unreadable) for r in reports),
            }
        )
    else:
        for r in reports:
            if r.skipped:
                print(f"{r.vod_id[:8]}  skipped: {r.skipped}")
                continue
            print(
                f"{r.vod_id[:8]}  pushed {_counts(r.pushed)}; pulled {_counts(r.pulled)}; "
                f"{len(set(r.conflicts))} conflicts; {r.requests} requests"
            )
            if r.thumbnail == "set":
                print("  default thumbnail set on the platform")
            for note in r.notes:
                print(f"  note: {note}")
            for problem in r.unreadable:
                print(f"  skipped: {problem}; its local changes wait for the next sync")
            for chapter_id in sorted(set(r.conflicts)):
                print(
                    f"  conflict: chapter {chapter_id} "
                    f"(vodstudio platform resolve {r.vod_id[:8]} {chapter_id[:8]} --keep local|remote)"
                )
    failed = [e for r in reports for e in r.errors]
    if failed:
        # Imported here: the platform package pulls in httpx and pydantic, which every other
        # command would otherwise pay for at start-up.
        from core.platform.errors import PlatformError

        raise PlatformError(
            f"sync incomplete, local changes are kept for the next sync: {failed[0]}"
        )
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items() if v) or "nothing"


def status(args, context) -> int:
    state = context.sync.state(args.vod)
    if args.json:
        print_json(state.to_json())
        return 0
    print(f"state: {state.state}")
    print(f"pending changes: {state.pending_changes}, conflicts: {state.conflicts}")
    print(f"platform VOD: {state.remote_id or '-'} ({state.remote_status or '-'})")
    if state.upload_status:
        print(
            f"upload: {state.upload_status} {human_size(state.upload_offset)}/"
            f"{human_size(state.upload_size)}"
        )
    if state.last_error:
        print(f"last error: {state.last_error}")
    return 0


def conflicts(args, context) -> int:
    found = context.sync.conflicts(args.vod)
    if args.json:
        print_json([c.to_json() for c in found])
        return 0
    if not found:
        print("No conflicts.")
        return 0
    for c in found:
        print(f"chapter {c.chapter_id}: {c.reason}")
        print(f"  local:    {_describe(c.local)}")
        print(f"  platform: {_describe(c.remote)}")
    return 0


def _describe(snapshot) -> str:
    if not snapshot:
        return "(deleted)"
    return f"{snapshot['title']!r} {snapshot['start_time']:g}–{snapshot['end_time']:g}" + (
        f" — {snapshot['description']}" if snapshot.get("description") else ""
    )


def resolve(args, context) -> int:
    resolved = context.sync.resolve(args.vod, args.chapter, args.keep)
    print(f"Keeping the {args.keep} version of chapter {resolved.chapter_id}.")
    if not args.no_sync:
        return sync(argparse.Namespace(vod=args.vod, json=False), context)
    return 0


# --- settings and tokens -----------------------------------------------------------------
def set_token(args, context) -> int:
    name = "api_token" if args.which == "api" else "stream_api_token"
    value = getpass.getpass(f"{args.which} token: ") if sys.stdin.isatty() else sys.stdin.readline()
    value = value.strip()
    if not value:
        raise ValidationError("no token given on stdin")
    where = context.secrets.set(name, value)
    print(f"Stored the {args.which} token in the {where}.")
    return 0


def config(args, context) -> int:
    for key in ("api_url", "project_id", "stream_api_url", "stream_account_id"):
        value = getattr(args, key)
        if value is not None:
            context.settings.set(key, value.strip())
    settings = {
        k: context.settings.get(k)
        for k in ("api_url", "project_id", "stream_api_url", "stream_account_id")
    }
    tokens = {
        name: ("set" if context.secrets.get(name) else "not set")
        for name in ("api_token", "stream_api_token")
    }
    if args.json:
        print_json({**settings, **tokens})
        return 0
    print_table(
        ["SETTING", "VALUE"], [[k, str(v or "-")] for k, v in {**settings, **tokens}.items()]
    )
    return 0


# --- remote thumbnails and transcoding ---------------------------------------------------
def _remote_id(context, vod_ref: str) -> str:
    vod = context.vods.get(vod_ref)
    if not vod.remote_id:
        raise ValidationError(
            f"VOD {vod.id[:8]} is not on the platform yet: run 'vodstudio upload'"
        )
    return vod.remote_id


def transcode(args, context) -> int:
    from core.platform.polling import poll_transcode

    remote = _remote_id(context, args.vod)
    client = context.platform_client()
    try:
        if args.action == "start":
            qualities = [q.strip() for q in args.qualities.split(",")] if args.qualities else None
            job = client.start_transcode(remote, qualities=qualities, priority=args.priority)
        elif args.action == "status":
            job = client.transcode_status(remote, args.arg)
        elif args.action == "cancel":
            if not args.arg:
                raise ValidationError("give the job id to cancel")
            client.cancel_transcode(remote, args.arg)
            job = client.transcode_status(remote, args.arg)
        else:
            if not args.arg:
                raise ValidationError("give the quality to retry (360p, 720p or 1080p)")
            job = client.retry_transcode_quality(remote, args.arg)
        if args.wait and not job.finished:
            job = poll_transcode(
                client,
                remote,
                job.job_id,
                on_update=lambda j: print(
                    f"{j.status} {j.progress:.0f}% {j.current_quality or ''}", file=sys.stderr
                ),
            )
    finally:
        client.close()
    if args.json:
        print_json(job.model_dump())
    else:
        print(
            f"{job.job_id}: {job.status} {job.progress:.0f}% done "
            f"{','.join(job.completed_qualities) or '-'} failed "
            f"{','.join(job.failed_qualities) or '-'}"
        )
        if job.master_playlist_url:
            print(f"master playlist: {job.master_playlist_url}")
    return 0


def thumbnails(args, context) -> int:
    remote = _remote_id(context, args.vod)
    client = context.platform_client()
    try:
        if args.action == "generate":
            task = client.generate_thumbnails(remote)
            print_json(task.model_dump()) if args.json else print(f"queued: task {task.task_id}")
            return 0
        if args.action == "default":
            if not args.arg:
                raise ValidationError("give the thumbnail URL to make the default")
            client.set_default_thumbnail(remote, args.arg)
        elif args.action == "delete":
            if not args.arg:
                raise ValidationError("give the thumbnail id to delete")
            client.delete_thumbnail(remote, args.arg)
        found = client.list_thumbnails(remote)
    finally:
        client.close()
    if args.json:
        print_json([t.model_dump() for t in found])
    else:
        print_table(
            ["ID", "RES", "AT", "DEFAULT", "URL"],
            [
                [
                    t.thumbnail_id[:8],
                    t.resolution,
                    f"{t.timestamp:g}",
                    "yes" if t.is_default else "",
                    t.url,
                ]
                for t in found
            ],
        )
    return 0

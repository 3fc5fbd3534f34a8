"""``signals analyze|show|cancel``: a VOD's waveform, silences, black and static stretches,
scene cuts and loudness.

``analyze`` runs in this terminal with a progress bar; Ctrl-C stops ffmpeg and records the
analysis as cancelled (nothing half-made is stored). ``cancel`` stops one running in the
app or in another terminal.
"""

from __future__ import annotations

import sys
import time

from core.domain.signals import AnalysisState, SignalKind
from core.domain.timefmt import format_time

from .output import ProgressBar, human_size, print_json, print_table


def register(cli) -> None:
    parser = cli.subcommand(
        "signals",
        "analyze",
        analyze,
        "find the waveform, silences, black/static stretches, scene cuts and loudness",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "--force", action="store_true", help="analyse again even if the file has not changed"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")

    parser = cli.subcommand("signals", "show", show, "show a VOD's stored signals")
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument(
        "--kind",
        choices=[kind.value for kind in SignalKind],
        action="append",
        help="only this kind (repeat for several)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = cli.subcommand(
        "signals",
        "suggest",
        suggest,
        "replace the AI chapters with chapters from long static screens, long silences and "
        "strong scene cuts (manual chapters are kept)",
    )
    parser.add_argument("vod", metavar="VOD")
    parser.add_argument("--json", action="store_true", help="print the new chapters as JSON")

    parser = cli.subcommand(
        "signals", "cancel", cancel, "stop a VOD's running analysis (in the app or a terminal)"
    )
    parser.add_argument("vod", metavar="VOD")


def analyze(args, context) -> int:
    service = context.signals
    vod = context.vods.get(args.vod)
    if not args.force and service.status(vod.id).state == AnalysisState.COMPLETED:
        print("already analysed and the file has not changed (use --force to analyse again)")
        if args.json:
            print_json(_json(service.status(vod.id), service.load(vod.id)))
        else:
            _print_summary(service.load(vod.id))
        return 0
    bar = ProgressBar("signals")
    began = time.monotonic()
    try:
        signals = service.analyze(
            vod.id, force=args.force, progress=lambda fraction, stage: bar.update(fraction, stage)
        )
    except KeyboardInterrupt:
        bar.close()
        print("signals analysis cancelled; nothing was stored", file=sys.stderr)
        return 130
    bar.close()
    status = service.status(vod.id)
    if args.json:
        print_json(_json(status, signals))
        return 0
    elapsed = time.monotonic() - began
    print(f"analysed {vod.title} ({format_time(vod.duration, decimals=0)}) in {elapsed:.1f} s")
    _print_summary(signals)
    return 0


def show(args, context) -> int:
    service = context.signals
    status = service.status(args.vod)
    signals = service.load(args.vod) if status.state == AnalysisState.COMPLETED else None
    kinds = {SignalKind(k) for k in args.kind} if args.kind else None
    if args.json:
        print_json(_json(status, signals, kinds))
        return 0
    print(f"status: {_describe(status)}")
    if signals is None:
        return 0
    _print_summary(signals)
    events = [e for e in signals.events if kinds is None or e.kind in kinds]
    print_table(
        ["KIND", "START", "END", "DURATION", "SCORE"],
        [
            [
                event.kind.label,
                format_time(event.start),
                "" if event.kind == SignalKind.SCENE else format_time(event.end),
                "" if event.kind == SignalKind.SCENE else f"{event.duration:.1f} s",
                f"{event.score:.2f}" if event.score is not None else "",
            ]
            for event in events
        ],
    )
    return 0


def suggest(args, context) -> int:
    from core.library.shapes import chapter_json

    result = context.signals.suggest_chapters(args.vod)
    vod_id = context.vods.get(args.vod).id
    if args.json:
        print_json([chapter_json(c, vod_id) for c in result.report.added])
        return 0
    print(
        f"{len(result.report.added)} AI chapters from signals "
        f"(replaced {len(result.report.removed)} AI chapters; manual chapters kept)"
    )
    for line in result.report.adjustments:
        print(f"  {line}")
    print_table(
        ["START", "END", "CONFIDENCE", "TITLE"],
        [
            [
                format_time(c.start_time),
                format_time(c.end_time),
                f"{c.confidence_score:.0%}" if c.confidence_score is not None else "",
                c.title,
            ]
            for c in result.report.added
        ],
    )
    return 0


def cancel(args, context) -> int:
    status = context.signals.request_cancel(args.vod)
    print(f"cancel requested for the analysis of VOD {status.vod_id[:8]}")
    return 0


def _describe(status) -> str:
    state = status.state
    if state == AnalysisState.MISSING:
        return "not analysed yet (run: vodstudio signals analyze VOD)"
    if state == AnalysisState.STALE:
        return "out of date: the file changed since it was analysed (run signals analyze again)"
    if state == AnalysisState.PROCESSING:
        return f"analysing, {status.progress:.0f}% ({status.stage or 'running'})"
    if state == AnalysisState.INTERRUPTED:
        return "interrupted (its process stopped); run signals analyze to start it again"
    if state == AnalysisState.FAILED:
        return f"failed: {status.error}"
    if state == AnalysisState.QUEUED:
        return "stopped when the app closed; it resumes when the VOD is opened"
    return state.value


def _print_summary(signals) -> None:
    counts = {kind: len(signals.of_kind(kind)) for kind in SignalKind}
    print(
        "found: "
        + ", ".join(
            f"{counts[kind]} {kind.label}{'s' if counts[kind] != 1 else ''}" for kind in SignalKind
        )
    )
    waveform = signals.waveform
    if waveform is not None:
        size = sum(2 * len(level) for level in waveform.levels)
        print(
            f"waveform: {waveform.sample_rate} Hz, {waveform.channels} channel(s), "
            f"{len(waveform.levels)} zoom levels, {human_size(size)}"
        )
    loudness = signals.loudness_lufs()
    if len(loudness):
        audible = loudness[loudness > -70]
        if len(audible):
            print(
                f"loudness: median {float(sorted(audible)[len(audible) // 2]):.1f} LUFS momentary"
            )


def _json(status, signals, kinds=None) -> dict:
    data = status.to_json()
    if signals is None:
        data["events"] = []
        data["waveform"] = None
        data["loudness"] = None
        return data
    data["duration"] = signals.duration
    data["events"] = [e.to_json() for e in signals.events if kinds is None or e.kind in kinds]
    waveform = signals.waveform
    data["waveform"] = (
        None
        if waveform is None
        else {
            "sample_rate": waveform.sample_rate,
            "channels": waveform.channels,
            "levels": [
                {
                    "frames_per_bucket": level.frames_per_bucket,
                    "buckets": len(level),
                    "peak": round(
                        max(abs(int(level.mins.min(initial=0))), int(level.maxs.max(initial=0)))
                        / 128,
                        3,
                    ),
                }
                for level in waveform.levels
            ],
        }
    )
    loudness = signals.loudness_lufs()
    data["loudness"] = {
        "rate": signals.loudness_rate,
        "values": len(loudness),
        "momentary_lufs": [round(float(v), 1) for v in loudness[:: int(signals.loudness_rate)]],
    }
    return data

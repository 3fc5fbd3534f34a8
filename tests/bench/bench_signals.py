"""Benchmark: the signals analysis against one full-rate decode of the same recording.

    .venv/bin/python tests/bench/bench_signals.py [--minutes 6] [--rounds 3] [--keep DIR]

Target (issue 13): a 4-hour 1080p60 recording analysed in at most a tenth of the time of one
full-rate decode of it. The source here is a shorter 1080p60 recording encoded the way OBS
does by default (x264 veryfast, 6 Mb/s, keyframes every 2 s, B-frames) with known structure:
moving patterns that cut into each other mid-GOP, static bars and black stretches with the
sound muted. Both sides run as separate processes, interleaved round by round:

- decode: ``ffmpeg -i SOURCE -f null -`` (every video frame and the audio, at full rate);
- analysis: ``SignalService.analyze`` on an imported VOD (the keyframe pass, the refinement
  windows and the database write), in a fresh Python process.

Both costs grow linearly with the duration (the pass reads everything once; refinement is
capped at 8 % of the video's time, decoded at about a third of the full cost), so the ratio
measured on minutes holds for hours.
Printed: wall and CPU seconds (process + children), medians, the ratio, peak memory of the
analysis (its Python process and its largest ffmpeg child), and how many planted cuts and
stretches were found on their frame.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (lavfi source, seconds, muted): a "game", a "be right back" card with the sound off,
# another game, a third, a fade through black: a transition every ~50 s, several times as
# often as a real stream switches scenes. Lengths are no multiple of the 2 s GOP, so every
# cut falls between two keyframes.
PATTERN = [
    ("testsrc2=size=1920x1080:rate=60", 61.3, False),
    ("smptehdbars=size=1920x1080:rate=60", 27.9, True),
    ("gradients=size=1920x1080:rate=60:speed=0.03", 83.7, False),
    ("cellauto=size=1920x1080:rate=60:rule=110", 71.1, False),
    ("color=c=black:size=1920x1080:rate=60", 5.3, True),
]
PATTERN_VERSION = 2

ANALYSE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from app.context import AppContext
context = AppContext({data!r})
vod = context.vods.import_file({source!r}, title="bench")
_ = context.signals  # imports (numpy, SQLAlchemy…) are a fixed start-up cost, not per hour
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
began, began_cpu = time.perf_counter(), cpu()
signals = context.signals.analyze(vod.id, force=True)
wall, used = time.perf_counter() - began, cpu() - began_cpu
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
events = [[e.kind.value, e.start, e.end] for e in signals.events]
print(json.dumps({{"wall": wall, "cpu": used, "rss_kb": own, "child_rss_kb": child,
                  "events": events, "stats": signals.stats}}))
"""


def plan(minutes: float) -> list[tuple[str, float, bool, float]]:
    """The segments (source, seconds, muted, start) filling ``minutes``."""
    segments, start, index = [], 0.0, 0
    while start < minutes * 60 - 1:
        source, seconds, muted = PATTERN[index % len(PATTERN)]
        seconds = min(seconds, minutes * 60 - start)
        segments.append((source, seconds, muted, start))
        start += seconds
        index += 1
    return segments


def make_source(folder: Path, minutes: float) -> Path:
    target = folder / f"signals_v{PATTERN_VERSION}_1080p60_{minutes:g}min.mp4"
    if target.exists():
        return target
    segments = plan(minutes)
    total = sum(s[1] for s in segments)
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    for source, seconds, _, _ in segments:
        command += ["-f", "lavfi", "-t", f"{seconds}", "-i", source]
    command += ["-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={total}"]
    muted = "+".join(
        f"between(t,{start:.3f},{start + seconds:.3f})"
        for _, seconds, mute, start in segments
        if mute
    )
    graph = (
        "".join(f"[{i}:v]format=yuv420p,setsar=1[s{i}];" for i in range(len(segments)))
        + "".join(f"[s{i}]" for i in range(len(segments)))
        + f"concat=n={len(segments)}:v=1:a=0[v];"
        + f"[{len(segments)}:a]volume=0:enable='{muted or 0}',aformat=channel_layouts=stereo[a]"
    )
    print(f"making a {minutes:g}-minute 1080p60 source (x264 veryfast; once, then cached)…")
    began = time.monotonic()
    subprocess.run(
        [
            *command,
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-b:v",
            "6M",
            "-maxrate",
            "6M",
            "-bufsize",
            "12M",
            "-g",
            "120",
            "-keyint_min",
            "120",
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "160k",
            str(target.with_suffix(".part.mp4")),
        ],
        check=True,
    )
    target.with_suffix(".part.mp4").rename(target)
    print(f"  made in {time.monotonic() - began:.0f} s")
    return target


def measure(command: list[str]) -> tuple[float, float, str]:
    before = os.times()
    began = time.perf_counter()
    completed = subprocess.run(command, capture_output=True)
    wall = time.perf_counter() - began
    after = os.times()
    if completed.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {completed.stderr.decode()[-400:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu, completed.stdout.decode()


def check_found(events, segments) -> str:
    cuts = [s[3] for s in segments[1:]]
    found_cuts = [e[1] for e in events if e[0] == "scene"]
    on_frame = sum(1 for c in cuts if any(abs(f - c) <= 1 / 60 + 1e-3 for f in found_cuts))
    within = sum(1 for c in cuts if any(abs(f - c) <= 1.0 for f in found_cuts))
    extra = sum(1 for f in found_cuts if all(abs(f - c) > 1.0 for c in cuts))
    statics = [(s[3], s[3] + s[1]) for s in segments if s[2] and s[1] >= 5]
    found_static = [(e[1], e[2]) for e in events if e[0] == "static"]
    stat_ok = sum(
        1
        for a, b in statics
        if any(abs(x - a) <= 1.0 and abs(y - b) <= 1.0 for x, y in found_static)
    )
    silences = [(e[1], e[2]) for e in events if e[0] == "silence"]
    return (
        f"planted cuts found on their frame {on_frame}/{len(cuts)}, within 1 s {within}/"
        f"{len(cuts)}, false cuts {extra}; static stretches {stat_ok}/{len(statics)}; "
        f"silences found {len(silences)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--keep",
        type=Path,
        default=Path(tempfile.gettempdir()) / "vodstudio-bench-signals",
        help="folder for the generated source (reused by later runs)",
    )
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    source = make_source(args.keep, args.minutes)
    segments = plan(args.minutes)
    decode = ["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", str(source)]
    decode += ["-f", "null", "-"]
    decodes, analyses, last = [], [], None
    for round_number in range(1, args.rounds + 1):
        decodes.append(measure(decode)[:2])
        with tempfile.TemporaryDirectory(prefix="bench-signals-") as data:
            code = ANALYSE.format(root=str(ROOT), data=data, source=str(source))
            out = measure([sys.executable, "-c", code])[2]
        last = json.loads(out.strip().splitlines()[-1])
        analyses.append((last["wall"], last["cpu"]))
        print(
            f"round {round_number}: decode {decodes[-1][0]:6.1f} s wall {decodes[-1][1]:6.1f} s "
            f"CPU | analysis {last['wall']:5.1f} s wall {last['cpu']:5.1f} s CPU"
        )
    decode_wall = statistics.median(d[0] for d in decodes)
    decode_cpu = statistics.median(d[1] for d in decodes)
    analysis_wall = statistics.median(a[0] for a in analyses)
    analysis_cpu = statistics.median(a[1] for a in analyses)
    wall_ratio, cpu_ratio = analysis_wall / decode_wall, analysis_cpu / decode_cpu
    verdict = "OK" if max(wall_ratio, cpu_ratio) <= 0.10 else "OVER"
    print(
        f"\n{args.minutes:g} min 1080p60: full-rate decode median {decode_wall:.1f} s wall, "
        f"{decode_cpu:.1f} s CPU; analysis median {analysis_wall:.1f} s wall, "
        f"{analysis_cpu:.1f} s CPU"
    )
    print(
        f"ratio analysis/decode: {wall_ratio:.3f} wall, {cpu_ratio:.3f} CPU "
        f"(target <= 0.10: {verdict})"
    )
    hours = 4 * 60 / args.minutes
    print(
        f"scaled to 4 h (x{hours:.0f}, both linear in duration): decode ~{decode_wall * hours / 60:.0f}"
        f" min, analysis ~{analysis_wall * hours / 60:.1f} min"
    )
    print(
        f"peak memory: analysis process {last['rss_kb'] / 1024:.0f} MB, "
        f"largest ffmpeg child {last['child_rss_kb'] / 1024:.0f} MB"
    )
    print(f"work: {last['stats']}")
    print(check_found(last["events"], segments))


if __name__ == "__main__":
    main()

"""Benchmark: VOD Studio's one-process HLS ladder against two baselines, in the same run.

    .venv/bin/python tests/bench/bench_transcode.py [--seconds 60] [--rounds 3] [--keep DIR]

On a generated 1080p30 clip (testsrc2 + sine, H.264 at --source-bitrate, 12 Mb/s by default so
no rung can be remuxed):
  (a) three separate ffmpeg runs, one per rung (360p, 720p, 1080p);
  (b) a hand-written single ffmpeg command (split + var_stream_map), same encoder settings;
  (c) VOD Studio's ladder (LocalLadderExecutor: probe, plan, one ffmpeg, measure, master).
Prints wall times, c/a and c/b, and SSIM of every rung of (a) and (c) against the source
scaled to the rung (loss = a - c). Targets: c/a <= 0.70, c/b <= 1.02, SSIM loss <= 0.005.
With --floor, also (f): decode once and encode the three rungs to -f null, the least any
single-process ladder with these settings can cost. Then (d): a 1080p source at 4.5 Mb/s with
2 s GOP, whose 1080p rung is remuxed, against (a)'s 1080p encode.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.domain.media_specs import AUDIO_KBPS, LADDER  # noqa: E402
from core.jobs.executor import LocalLadderExecutor, TranscodeSpec  # noqa: E402
from core.media.hls_master import write_master  # noqa: E402

FPS = 30
GOP = FPS * 2
RUNGS = [LADDER[q] for q in ("360p", "720p", "1080p")]


def make_source(path: Path, seconds: int, bitrate: str, preset: str = "ultrafast") -> Path:
    if path.exists():
        return path
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=1920x1080:rate={FPS}:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-b:v",
            bitrate,
            "-g",
            str(GOP),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            str(path),
        ],
        check=True,
    )
    return path


def video_options(rung, index: str = "") -> list[str]:
    suffix = f":{index}" if index != "" else ""
    kbps = rung.video_kbps
    return [
        f"-c:v{suffix}",
        "libx264",
        f"-b:v{suffix}",
        f"{kbps}k",
        f"-maxrate:v{suffix}",
        f"{round(kbps * 1.07)}k",
        f"-bufsize:v{suffix}",
        f"{round(kbps * 1.5)}k",
    ]


COMMON = [
    "-preset",
    "veryfast",
    "-profile:v",
    "high",
    "-g",
    str(GOP),
    "-keyint_min",
    str(GOP),
    "-sc_threshold",
    "0",
    "-force_key_frames",
    "expr:gte(t,n_forced*2)",
]
HLS = [
    "-f",
    "hls",
    "-hls_time",
    "6",
    "-hls_playlist_type",
    "vod",
    "-hls_flags",
    "independent_segments",
]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def run_separate(source: Path, out: Path) -> float:
    total = 0.0
    for rung in RUNGS:
        folder = out / rung.name
        folder.mkdir(parents=True)
        total += timed(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(source),
                "-vf",
                f"scale={rung.width}:{rung.height}",
                *video_options(rung),
                *COMMON,
                "-c:a",
                "aac",
                "-b:a",
                f"{AUDIO_KBPS}k",
                "-ac",
                "2",
                *HLS,
                "-hls_segment_filename",
                str(folder / "seg_%05d.ts"),
                str(folder / "playlist.m3u8"),
            ]
        )
    return total


def run_single(source: Path, out: Path) -> float:
    split = "[0:v]split=3[a][b][c];" + ";".join(
        f"[{label}]scale={r.width}:{r.height}[v{i}]"
        for i, (label, r) in enumerate(zip("abc", RUNGS, strict=False))
    )
    command = [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        "-filter_complex",
        split,
    ]
    for i in range(3):
        command += ["-map", f"[v{i}]"]
    for _rung in range(3):
        command += ["-map", "0:a:0"]
    for i, rung in enumerate(RUNGS):
        command += video_options(rung, str(i))
    command += [
        *COMMON,
        "-c:a",
        "aac",
        "-b:a",
        f"{AUDIO_KBPS}k",
        "-ac",
        "2",
        *HLS,
        "-hls_segment_filename",
        str(out / "%v" / "seg_%05d.ts"),
        "-var_stream_map",
        " ".join(f"v:{i},a:{i},name:{r.name}" for i, r in enumerate(RUNGS)),
        str(out / "%v" / "playlist.m3u8"),
    ]
    return timed(command)


def run_floor(source: Path) -> float:
    """What no single-process ladder with (a)'s x264 settings can avoid: decode once, scale in
    a cascade (720p from the source, 360p from 720p), encode the three rungs into -f null
    (no audio, no muxing, no files). (c) cannot be cheaper than this."""
    graph = (
        "[0:v]split=2[big][s];[s]scale=1280:720:flags=bicubic,split=2[v1][m];"
        "[m]scale=640:360:flags=bicubic[v0]"
    )
    command = [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        "-filter_complex",
        graph,
    ]
    for label, rung in zip(("[v0]", "[v1]", "[big]"), RUNGS, strict=False):
        command += ["-map", label, *video_options(rung), *COMMON, "-f", "null", "-"]
    return timed(command)


def run_ours(
    source: Path, out: Path, qualities=("360p", "720p", "1080p"), allow_copy: bool = True
) -> tuple[float, list]:
    started = time.perf_counter()
    outcome = LocalLadderExecutor().execute(
        TranscodeSpec(
            job_id="bench",
            source=str(source),
            output_dir=str(out),
            qualities=tuple(qualities),
            encoder_preference="auto",
            allow_copy=allow_copy,
        ),
        progress=lambda fraction, label: None,
        cancel=_Never(),
    )
    write_master(outcome.renditions, out)
    return time.perf_counter() - started, outcome.renditions


class _Never:
    def is_set(self) -> bool:
        return False


def ssim(rendition: Path, source: Path, rung) -> float:
    result = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(rendition),
            "-i",
            str(source),
            "-lavfi",
            f"[1:v]scale={rung.width}:{rung.height}[ref];[0:v][ref]ssim",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"All:([0-9.]+)", result.stderr)
    return float(match.group(1)) if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", help="folder to keep sources and outputs in")
    parser.add_argument(
        "--source-preset",
        default="veryfast",
        help="x264 preset of the generated source (default veryfast: what OBS "
        "records with by default, CABAC and B-frames; ultrafast makes a source "
        "that is unusually cheap to decode)",
    )
    parser.add_argument(
        "--source-bitrate",
        default="12M",
        help="video bitrate of the generated source (default 12M: every rung "
        "must be encoded, none can be remuxed). Decoding is what the ladder "
        "does once instead of three times, and it costs more the higher the "
        "bitrate: try 6M (a stream-quality recording) or 30M (a high-quality "
        "local recording) to see how much",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of (a), (b), (c), interleaved and in a rotating order so "
        "that a noisy moment on a shared machine hits all three alike; ratios "
        "are the medians of each round's own ratios",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time (f), the floor: decode once and encode the three rungs "
        "to -f null, nothing else; f/a is the best c/a any single-process "
        "ladder with these encoder settings can reach on this machine",
    )
    parser.add_argument("--skip-remux", action="store_true", help="skip measurement (d)")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-transcode-"))
    work.mkdir(parents=True, exist_ok=True)
    source = make_source(
        work / f"src_{args.seconds}s_{args.source_bitrate}_{args.source_preset}.mp4",
        args.seconds,
        args.source_bitrate,
        args.source_preset,
    )

    def run_a() -> float:
        return run_separate(source, work / "a")

    def run_b() -> float:
        (work / "b").mkdir()
        return run_single(source, work / "b")

    renditions: list = []

    def run_c() -> float:
        seconds, made = run_ours(source, work / "c")
        renditions[:] = made
        return seconds

    runners = {"a": run_a, "b": run_b, "c": run_c}
    if args.floor:
        runners["f"] = lambda: run_floor(source)
    names = "".join(runners)
    rounds: list[dict[str, tuple[float, float]]] = []
    for number in range(max(1, args.rounds)):
        shift = number % len(names)
        order = names[shift:] + names[:shift]
        measured: dict[str, tuple[float, float]] = {}
        for name in order:
            shutil.rmtree(work / name, ignore_errors=True)
            cpu = cpu_seconds()
            wall = runners[name]()
            measured[name] = (wall, cpu_seconds() - cpu)
        rounds.append(measured)
        print(
            f"round {number + 1} ({order}): "
            + "  ".join(f"({n}) {measured[n][0]:.2f} s / {measured[n][1]:.1f} cpu-s" for n in names)
            + f"  c/a {measured['c'][0] / measured['a'][0]:.3f}"
            f"  c/b {measured['c'][0] / measured['b'][0]:.3f}",
            flush=True,
        )

    def median_of(name: str, which: int) -> float:
        return statistics.median(r[name][which] for r in rounds)

    def ratio(top: str, bottom: str, which: int) -> float:
        return statistics.median(r[top][which] / r[bottom][which] for r in rounds)

    print(
        f"source: {args.seconds} s 1920x1080 {FPS} fps (x264 {args.source_preset}, "
        f"{args.source_bitrate}b/s), "
        f"ladder 360p+720p+1080p, libx264 veryfast; medians of {len(rounds)} round(s)"
    )
    print(f"(a) three separate runs : {median_of('a', 0):7.2f} s")
    print(f"(b) hand-written single : {median_of('b', 0):7.2f} s")
    print(
        f"(c) VOD Studio ladder   : {median_of('c', 0):7.2f} s  (methods: "
        f"{', '.join(r.quality + '=' + r.method for r in renditions)})"
    )
    print(f"c/a = {ratio('c', 'a', 0):.3f}  (target <= 0.70)   CPU: {ratio('c', 'a', 1):.3f}")
    print(f"c/b = {ratio('c', 'b', 0):.3f}  (target <= 1.02)   CPU: {ratio('c', 'b', 1):.3f}")
    print(
        f"b/a = {ratio('b', 'a', 0):.3f}  (what one process decoding once gains by itself)"
        f"   CPU: {ratio('b', 'a', 1):.3f}"
    )
    if args.floor:
        print(
            f"f/a = {ratio('f', 'a', 0):.3f}  (the floor: decode once, encode to -f null)"
            f"   CPU: {ratio('f', 'a', 1):.3f};  c/f = {ratio('c', 'f', 0):.3f}"
        )
    print(
        f"CPU seconds: (a) {median_of('a', 1):.1f}  (b) {median_of('b', 1):.1f}  "
        f"(c) {median_of('c', 1):.1f}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    for rung in RUNGS:
        ours = next(r for r in renditions if r.quality == rung.name)
        sa = ssim(work / "a" / rung.name / "playlist.m3u8", source, rung)
        sc = ssim(Path(ours.playlist), source, rung)
        print(
            f"SSIM {rung.name:>5}: (a) {sa:.5f}  (c) {sc:.5f}  loss {sa - sc:+.5f}  "
            f"(target <= 0.005)  avg {ours.average_bandwidth / 1000:.0f} kb/s, "
            f"peak {ours.peak_bandwidth / 1000:.0f} kb/s"
        )

    if args.skip_remux:
        return
    fitting = make_source(work / f"src_{args.seconds}s_4500k.mp4", args.seconds, "4500k")
    d, remuxed = run_ours(fitting, work / "d", qualities=("1080p",))
    single_a = timed(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(fitting),
            "-vf",
            "scale=1920:1080",
            *video_options(RUNGS[2]),
            *COMMON,
            "-c:a",
            "aac",
            "-b:a",
            f"{AUDIO_KBPS}k",
            *HLS,
            "-hls_segment_filename",
            str(work / "d_enc_%05d.ts"),
            str(work / "d_enc.m3u8"),
        ]
    )
    print(
        f"(d) 1080p rung of a fitting 4.5 Mb/s source: ours {d:.2f} s "
        f"({remuxed[0].method}) vs encoding it {single_a:.2f} s -> {d / single_a:.3f}"
    )
    print(f"outputs in {work}")


if __name__ == "__main__":
    main()

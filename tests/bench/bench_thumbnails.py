"""Benchmark: the default thumbnail set on a 1-hour 1080p file.

    .venv/bin/python tests/bench/bench_thumbnails.py [--keep DIR] [--runs 7]
        [--baseline-runs 3] [--stages]

The 1-hour file is made by stream-copy looping a 10 s 1080p30 clip (2 s GOP). Measured:
VOD Studio's ``ThumbnailService.generate`` with the default 5 timestamps (20..100 %) at
small+medium+large+xlarge, JPEG + WebP, smart pick on (target <= 1.0 s), against a baseline
in the same run: one plain ``ffmpeg -ss T -i FILE -frames:v 1 -s WxH out.jpg`` per
timestamp and size (JPEG only, no WebP, no letterboxing, no smart pick).

Every run prints its wall and CPU time (this process and its ffmpeg children): the machine
is shared, so the CPU seconds and the minimum are steadier than one wall time. ``--stages``
adds a breakdown of the last run: each stage's thread CPU and when it ran (the critical
path), and each ffmpeg process's own CPU time.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.domain.media_specs import THUMBNAIL_SIZES, default_thumbnail_timestamps  # noqa: E402
from core.library import VodLibrary  # noqa: E402
from core.library.thumbnails import ThumbnailService  # noqa: E402
from core.store.db import Database  # noqa: E402

HOUR = 3600


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: less sensitive than wall time
    to other work on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def make_hour_file(folder: Path) -> Path:
    short, long = folder / "loop_10s_1080p.mp4", folder / "hour_1080p.mp4"
    if long.exists():
        return long
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
            "testsrc2=size=1920x1080:rate=30:duration=10",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=10",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            "1500k",
            "-g",
            "60",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            str(short),
        ],
        check=True,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-stream_loop",
            str(HOUR // 10 - 1),
            "-i",
            str(short),
            "-c",
            "copy",
            str(long),
        ],
        check=True,
    )
    return long


def baseline(path: Path, duration: float, out: Path) -> float:
    started = time.perf_counter()
    for index, seconds in enumerate(default_thumbnail_timestamps(duration)):
        at = min(seconds, duration - 0.5)
        for size in THUMBNAIL_SIZES.values():
            subprocess.run(
                [
                    "ffmpeg",
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-ss",
                    f"{at:.3f}",
                    "-i",
                    str(path),
                    "-frames:v",
                    "1",
                    "-s",
                    f"{size.width}x{size.height}",
                    str(out / f"base_{index}_{size.name}.jpg"),
                ],
                check=True,
            )
    return time.perf_counter() - started


class Stages:
    """Wraps the stages of ``generate`` to record, per call, the thread it ran on, when it
    started and ended, and its thread CPU; ffmpeg runs also record their own CPU time."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, float, float, float]] = []
        self.started = time.perf_counter()

    def reset(self) -> None:
        self.events.clear()
        self.started = time.perf_counter()

    def wrap(self, module, name: str) -> None:
        function = getattr(module, name)

        @functools.wraps(function)
        def measured(*args, **kwargs):
            begin, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.events.append(
                    (
                        name,
                        threading.current_thread().name,
                        begin - self.started,
                        time.perf_counter() - self.started,
                        time.thread_time() - cpu,
                    )
                )

        setattr(module, name, measured)

    def wrap_processes(self, module, streaming) -> None:
        """``run_capture`` with the child's own rusage (os.wait4), labelled by its job."""

        def run_capture(args, *, timeout=120, input_bytes=None):
            from core.media.tools import ffmpeg_path

            begin = time.perf_counter()
            process = subprocess.Popen(
                [ffmpeg_path(args[0]), *args[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            outputs: dict[str, bytes] = {}
            readers = [
                threading.Thread(target=lambda n=n, f=f: outputs.__setitem__(n, f.read()))
                for n, f in (("out", process.stdout), ("err", process.stderr))
            ]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join(timeout)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            self.events.append(
                (
                    f"  ffmpeg:{_job(args)}",
                    "process",
                    begin - self.started,
                    time.perf_counter() - self.started,
                    usage.ru_utime + usage.ru_stime,
                )
            )
            return subprocess.CompletedProcess(
                args, process.returncode, outputs["out"], outputs["err"]
            )

        module.run_capture = run_capture
        stream, stages = streaming.stream_keyframes, self

        @functools.wraps(stream)
        def stream_keyframes(*args, **kwargs):
            begin, children = time.perf_counter(), _children_cpu()
            for slot, when, image in stream(*args, **kwargs):
                arrived = time.perf_counter() - stages.started
                stages.events.append((f"  frame {slot} arrives", "process", arrived, arrived, 0.0))
                yield slot, when, image
            # Any other child that ends meanwhile counts too: with the default moments on
            # this source (no smart-pick grabs) the batch process is the only one.
            stages.events.append(
                (
                    "  ffmpeg:batch",
                    "process",
                    begin - stages.started,
                    time.perf_counter() - stages.started,
                    _children_cpu() - children,
                )
            )

        streaming.stream_keyframes = stream_keyframes

    def report(self) -> None:
        print("stages of the last run (ms from the start of generate; CPU = thread or process):")
        totals: dict[str, list[float]] = {}
        for name, thread, begin, end, cpu in sorted(self.events, key=lambda e: e[2]):
            print(
                f"  {name:22s} {thread[-12:]:>12s} {begin * 1000:6.0f} -> {end * 1000:6.0f}"
                f"  cpu {cpu * 1000:6.1f}"
            )
            total = totals.setdefault(name.strip(), [0, 0.0])
            total[0] += 1
            total[1] += cpu
        print(
            "  totals: "
            + ", ".join(
                f"{name} {count}x {cpu * 1000:.0f} ms" for name, (count, cpu) in totals.items()
            )
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _job(args) -> str:
    text = " ".join(args)
    if args[0].endswith("ffprobe"):
        return "probe"
    if "showinfo@tail,reverse" in text:
        return "last frame"
    return "grab"


def instrument() -> Stages:
    from core.media import frame_stream, frames, stills
    from core.media import thumbnail_grabs as thumbnails

    stages = Stages()
    for module, name in (
        (thumbnails, "grab_last_frame"),
        (thumbnails, "pick_frame"),
        (stills, "judge"),
        (thumbnails, "letterboxed"),
        (thumbnails, "write_stills"),
        (frames, "_split_ppm"),
    ):
        stages.wrap(module, name)
    stages.wrap_processes(frames, frame_stream)
    thumbnails.stream_keyframes = frame_stream.stream_keyframes
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="folder to keep the 1-hour file in (it is reused)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--baseline-runs",
        type=int,
        default=3,
        help="the baseline takes ~6 s a run; it is measured between ours",
    )
    parser.add_argument(
        "--stages", action="store_true", help="print a per-stage breakdown of the last run"
    )
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-thumbs-"))
    work.mkdir(parents=True, exist_ok=True)
    source = make_hour_file(work)

    data = Path(tempfile.mkdtemp(prefix="bench-thumbs-data-"))
    database = Database.open(data)
    vod = VodLibrary(database).import_file(source)
    service = ThumbnailService(database, data)
    sizes = list(THUMBNAIL_SIZES)

    stages = instrument() if args.stages else None
    load_before = os.getloadavg()[0]
    ours, base, ours_cpu, base_cpu = [], [], [], []
    for run in range(max(args.runs, args.baseline_runs)):
        if run < args.runs:
            if stages is not None:
                stages.reset()
            started, cpu = time.perf_counter(), cpu_seconds()
            made = service.generate(vod.id, resolutions=sizes)
            ours.append(time.perf_counter() - started)
            ours_cpu.append(cpu_seconds() - cpu)
        if run < args.baseline_runs:
            cpu = cpu_seconds()
            base.append(baseline(source, vod.duration, work))
            base_cpu.append(cpu_seconds() - cpu)
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    print(f"source: {vod.duration:.0f} s 1920x1080, {source.stat().st_size / 1e6:.0f} MB")
    print(f"ours: {len(made)} thumbnails (5 moments x 4 sizes, JPEG+WebP each)")
    print(f"ours     median {ours_median:.3f} s  min {min(ours):.3f} s  (target <= 1.0 s)")
    print(f"  runs   {', '.join(f'{t:.3f}' for t in ours)}")
    print(
        f"  CPU    {', '.join(f'{t:.3f}' for t in ours_cpu)}  "
        f"(median {statistics.median(ours_cpu):.3f} s on {os.cpu_count()} CPUs)"
    )
    print(
        f"baseline median {base_median:.3f} s  runs {', '.join(f'{t:.3f}' for t in base)}"
        "  (20 plain ffmpeg -ss runs, JPEG only)"
    )
    print(
        f"ours/baseline = {ours_median / base_median:.3f} (wall), "
        f"{statistics.median(ours_cpu) / statistics.median(base_cpu):.3f} (CPU: ours "
        f"{statistics.median(ours_cpu):.3f} s, baseline {statistics.median(base_cpu):.3f} s)"
    )
    print(
        f"load average (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} CPUs"
    )
    used = [f"{t.timestamp:.2f}" for t in made if t.resolution == "small"]
    print("moments used: " + ", ".join(used))
    if stages is not None:
        stages.report()
    database.close()
    shutil.rmtree(data, ignore_errors=True)  # 20 thumbnails a run; nothing to keep


if __name__ == "__main__":
    main()

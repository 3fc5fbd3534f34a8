"""Benchmark: the default thumbnail set on a 1-hour 1080p file.

    .venv/bin/python tests/bench/bench_thumbnails.py [--keep DIR] [--runs 3]

The 1-hour file is made by stream-copy looping a 10 s 1080p30 clip (2 s GOP). Measured:
VOD Studio's ``ThumbnailService.generate`` with the default 5 timestamps (20..100 %) at
small+medium+large+xlarge, JPEG + WebP, smart pick on (target <= 1.0 s), against a baseline
in the same run: one plain ``ffmpeg -ss T -i FILE -frames:v 1 -s WxH out.jpg`` per
timestamp and size (JPEG only, no WebP, no letterboxing, no smart pick).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.domain.media_specs import THUMBNAIL_SIZES, default_thumbnail_timestamps  # noqa: E402
from core.library import VodLibrary  # noqa: E402
from core.media.thumbnails import ThumbnailService  # noqa: E402
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
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=10",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10",
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1500k", "-g", "60",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", str(short)], check=True)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop",
                    str(HOUR // 10 - 1), "-i", str(short), "-c", "copy", str(long)], check=True)
    return long


def baseline(path: Path, duration: float, out: Path) -> float:
    started = time.perf_counter()
    for index, seconds in enumerate(default_thumbnail_timestamps(duration)):
        at = min(seconds, duration - 0.5)
        for size in THUMBNAIL_SIZES.values():
            subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                            "-ss", f"{at:.3f}", "-i", str(path), "-frames:v", "1",
                            "-s", f"{size.width}x{size.height}",
                            str(out / f"base_{index}_{size.name}.jpg")], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="folder to keep the 1-hour file in (it is reused)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-thumbs-"))
    work.mkdir(parents=True, exist_ok=True)
    source = make_hour_file(work)

    data = Path(tempfile.mkdtemp(prefix="bench-thumbs-data-"))
    database = Database.open(data)
    vod = VodLibrary(database).import_file(source)
    service = ThumbnailService(database, data)
    sizes = list(THUMBNAIL_SIZES)

    ours, base, ours_cpu, base_cpu = [], [], [], []
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), cpu_seconds()
        made = service.generate(vod.id, resolutions=sizes)
        ours.append(time.perf_counter() - started)
        ours_cpu.append(cpu_seconds() - cpu)
        cpu = cpu_seconds()
        base.append(baseline(source, vod.duration, work))
        base_cpu.append(cpu_seconds() - cpu)
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    print(f"source: {vod.duration:.0f} s 1920x1080, {source.stat().st_size / 1e6:.0f} MB")
    print(f"ours: {len(made)} thumbnails (5 moments x 4 sizes, JPEG+WebP each)")
    print(f"ours     median {ours_median:.3f} s  runs {', '.join(f'{t:.3f}' for t in ours)}"
          f"  (target <= 1.0 s)")
    print(f"baseline median {base_median:.3f} s  runs {', '.join(f'{t:.3f}' for t in base)}"
          "  (20 plain ffmpeg -ss runs, JPEG only)")
    print(f"ours/baseline = {ours_median / base_median:.3f} (wall), "
          f"{statistics.median(ours_cpu) / statistics.median(base_cpu):.3f} (CPU: ours "
          f"{statistics.median(ours_cpu):.3f} s, baseline {statistics.median(base_cpu):.3f} s)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    used = [f"{t.timestamp:.2f}" for t in made if t.resolution == "small"]
    print("moments used: " + ", ".join(used))
    database.close()


if __name__ == "__main__":
    main()

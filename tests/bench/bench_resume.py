"""What stopping and resuming a transcode costs: an uninterrupted ladder (a) against one
stopped at a given point and resumed (r: both runs together), on a generated clip.

    .venv/bin/python tests/bench/bench_resume.py [--seconds 120] [--stop-at 0.5] [--rounds 3]

Prints each round and the medians of a, r, r/a and the share of the work kept. Rounds are
interleaved (a, r, a, r…) so that a busy machine weighs on both alike.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import contextlib

from core.media.errors import MediaCancelled
from core.media.hls_ladder import LadderSpec, run_ladder
from core.media.ladder_plan import plan_ladder
from core.media.probe import probe


def make_source(folder: Path, seconds: int) -> Path:
    target = folder / "source.mp4"
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", str(target),
        ],
        check=True,
    )  # fmt: skip
    return target


def spec_for(source: Path, output: Path) -> LadderSpec:
    info = probe(source)
    plan = plan_ladder(info, ["360p", "720p"], allow_copy=False)
    return LadderSpec(
        source=info.path,
        output_dir=str(output),
        rungs=plan.rungs,
        duration=info.duration,
        fps=info.fps or 30.0,
        has_audio=info.has_audio,
    )


def uninterrupted(source: Path, output: Path) -> float:
    shutil.rmtree(output, ignore_errors=True)
    started = time.monotonic()
    run_ladder(spec_for(source, output))
    return time.monotonic() - started


def stopped_and_resumed(source: Path, output: Path, stop_at: float) -> tuple[float, float]:
    shutil.rmtree(output, ignore_errors=True)
    stop = threading.Event()

    def progress(fraction: float, label: str) -> None:
        if fraction >= stop_at:
            stop.set()

    started = time.monotonic()
    with contextlib.suppress(MediaCancelled):
        run_ladder(spec_for(source, output), progress=progress, cancel=stop)
    result = run_ladder(spec_for(source, output))
    return time.monotonic() - started, result.resumed_at / spec_for(source, output).duration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--stop-at", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-resume-") as scratch:
        folder = Path(scratch)
        source = make_source(folder, args.seconds)
        plain, resumed, kept = [], [], []
        for round_number in range(1, args.rounds + 1):
            plain.append(uninterrupted(source, folder / "a"))
            total, share = stopped_and_resumed(source, folder / "r", args.stop_at)
            resumed.append(total)
            kept.append(share)
            print(
                f"round {round_number}: a {plain[-1]:.1f} s, r {total:.1f} s "
                f"(r/a {total / plain[-1]:.2f}), kept {share:.0%}"
            )
        a, r = statistics.median(plain), statistics.median(resumed)
        print(
            f"median: a {a:.1f} s, r {r:.1f} s, r/a {r / a:.2f}, "
            f"kept {statistics.median(kept):.0%} (stopped at {args.stop_at:.0%})"
        )


if __name__ == "__main__":
    main()

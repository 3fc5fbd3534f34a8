"""Chapter lookups stay O(log n): ``at_time`` and overlap validation on 1k vs 100k chapters.

Run by hand:  .venv/bin/python tests/bench/bench_chapters.py
Prints the time per lookup at each size and the 100k/1k ratio. Target: ≤ 0.1 ms per lookup at
100k, and a ratio near log(100k)/log(1k) ≈ 1.7 (a linear scan would give ~100).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import contextlib

from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import NotFoundError, OverlapError

LOOKUPS = 50_000


def build(count: int) -> ChapterTimeline:
    chapters = [
        Chapter(id=f"c{i}", title=f"Chapter {i}", start_time=i * 10.0, end_time=i * 10.0 + 9.0)
        for i in range(count)
    ]
    return ChapterTimeline(count * 10.0, chapters)


def per_lookup(timeline: ChapterTimeline, probes: list[float], action) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for t in probes:
            action(timeline, t)
        best = min(best, (time.perf_counter() - started) / len(probes))
    return best


def at_time(timeline: ChapterTimeline, t: float) -> None:
    with contextlib.suppress(NotFoundError):  # probes that land in the 1 s gaps between chapters
        timeline.at_time(t)


def overlap_check(timeline: ChapterTimeline, t: float) -> None:
    with contextlib.suppress(OverlapError):
        timeline.check_range(t, t + 0.5)


def main() -> None:
    random.seed(7)
    results = {}
    for count in (1_000, 100_000):
        timeline = build(count)
        probes = [random.uniform(0, count * 10.0 - 1) for _ in range(LOOKUPS)]
        results[count] = (
            per_lookup(timeline, probes, at_time),
            per_lookup(timeline, probes, overlap_check),
        )
        print(
            f"{count:>7} chapters: at_time {results[count][0] * 1e6:7.2f} µs/lookup, "
            f"overlap check {results[count][1] * 1e6:7.2f} µs/check"
        )
    for index, name in enumerate(("at_time", "overlap check")):
        ratio = results[100_000][index] / results[1_000][index]
        verdict = "OK" if results[100_000][index] <= 1e-4 else "OVER TARGET"
        print(
            f"{name}: 100k/1k ratio {ratio:.2f} (linear would be ~100); "
            f"{results[100_000][index] * 1e3:.4f} ms at 100k (target ≤ 0.1 ms) {verdict}"
        )


if __name__ == "__main__":
    main()

"""The timeline's visible-chapter query against a scan of every chapter (1080 chapters, 12 h).

Run by hand:  .venv/bin/python tests/bench/bench_timeline_index.py [--rounds 7]
Prints, per round, the time of 2000 ``ChapterIndex.visible`` queries and of the same queries
as a list scan, and the median scan/visible ratio (the unit test checks the bisects count;
the speed lives here). Expect a ratio far above 5.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.domain.chapters import Chapter, ChapterTimeline
from core.timeline import ChapterIndex

QUERIES = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    chapters = [
        Chapter(id=str(i), title=str(i), start_time=i * 40.0, end_time=i * 40.0 + 30)
        for i in range(1080)
    ]
    index = ChapterIndex(ChapterTimeline(12 * 3600, chapters))
    ratios = []
    for round_number in range(args.rounds):  # interleaved: the machine's load hits both
        began = time.perf_counter()
        for _ in range(QUERIES):
            index.visible(20000, 20100)
        indexed = time.perf_counter() - began
        began = time.perf_counter()
        for _ in range(QUERIES):
            [c for c in index.chapters if c.end_time > 20000 and c.start_time < 20100]
        scanned = time.perf_counter() - began
        ratios.append(scanned / indexed)
        print(
            f"round {round_number + 1}: visible {indexed * 1e3:.1f} ms, scan {scanned * 1e3:.1f} ms"
        )
    print(f"median scan/visible: {statistics.median(ratios):.0f}x")


if __name__ == "__main__":
    main()

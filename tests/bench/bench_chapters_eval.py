"""Chapter boundary quality and request size on labelled synthetic transcripts.

Run: ``.venv/bin/python tests/bench/bench_chapters_eval.py [--count 20]``

Prints boundary precision / recall / F1 at 3 s and 5 s tolerance for
- the offline mode (TextTiling + key phrases),
- an even-split baseline with the same number of chapters (measured in the same run),
- the LLM path when ``OPENAI_BASE_URL`` and/or ``OPENAI_API_KEY`` of a real server are set,
and the tokens sent per transcript token of the windowed LLM path (against a real server if
configured, else against the local stub, whose answers are meaningless but whose requests are
real).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.ai import GenerationOptions
from core.ai.offline import detect_chapters
from core.ai.transcripts import TranscriptInfo
from tests.ai.synthetic import make_transcript


def match_boundaries(predicted: list[float], truth: list[float], tolerance: float) -> int:
    """Greedy one-to-one matches of predicted to true boundaries within ``tolerance``."""
    used: set[int] = set()
    matched = 0
    for time_ in sorted(predicted):
        best = min(
            (i for i in range(len(truth)) if i not in used and abs(truth[i] - time_) <= tolerance),
            key=lambda i: abs(truth[i] - time_),
            default=None,
        )
        if best is not None:
            used.add(best)
            matched += 1
    return matched


def scores(
    runs: list[tuple[list[float], list[float]]], tolerance: float
) -> tuple[float, float, float]:
    hits = sum(match_boundaries(p, t, tolerance) for p, t in runs)
    predicted = sum(len(p) for p, _ in runs)
    true = sum(len(t) for _, t in runs)
    precision = hits / predicted if predicted else 0.0
    recall = hits / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def even_split(duration: float, chapters: int) -> list[float]:
    return [duration * i / chapters for i in range(1, chapters)]


def report(name: str, runs) -> None:
    for tolerance in (3.0, 5.0):
        p, r, f = scores(runs, tolerance)
        print(f"  {name:<28} @{tolerance:.0f}s  P={p:.3f}  R={r:.3f}  F1={f:.3f}")


def corpus(count: int, topic_ratio: float = 0.45, *, long_stream: bool = True):
    """``topic_ratio``: share of words drawn from the topic's vocabulary (the rest is filler)."""
    items = []
    for seed in range(count):
        topics = 4 + seed % 5
        items.append(make_transcript(1000 + seed, topics=topics, topic_ratio=topic_ratio))
    if long_stream:
        # One long stream (about 10 hours of talk) for the windowing numbers.
        items.append(make_transcript(99, topics=8, min_topic_seconds=3600, max_topic_seconds=5000))
    return items


def run_llm(transcripts, base_url: str | None, model: str, label: str, score: bool):
    from app.context import AppContext

    with tempfile.TemporaryDirectory() as folder:
        if base_url:
            os.environ["OPENAI_BASE_URL"] = base_url
        context = AppContext(folder)
        runs, ratios, elapsed = [], [], 0.0
        for number, labelled in enumerate(transcripts):
            info = TranscriptInfo(
                f"bench-{number}", labelled.duration, labelled.segments, "synthetic"
            )
            started = time.perf_counter()
            drafts, result = context.ai.propose_chapters(
                info, GenerationOptions(model=model, timeout=300)
            )
            elapsed += time.perf_counter() - started
            ratios.append(result.tokens_sent / result.transcript_tokens)
            runs.append(([d.start_time for d in drafts if d.start_time > 0], labelled.boundaries))
            if number == len(transcripts) - 1:
                print(
                    f"  {label}: longest transcript {result.transcript_tokens} tokens in "
                    f"{result.windows} windows, {result.tokens_sent} tokens sent "
                    f"({result.tokens_sent / result.transcript_tokens:.3f} per transcript token)"
                )
        context.close()
    print(
        f"  {label}: tokens sent per transcript token: mean {statistics.fmean(ratios):.3f}, "
        f"max {max(ratios):.3f}; {elapsed:.1f} s total"
    )
    if score:
        report(label, runs)


def evaluate_offline(title: str, transcripts) -> None:
    started = time.perf_counter()
    offline_runs, baseline_runs = [], []
    for labelled in transcripts:
        drafts = detect_chapters(labelled.segments, labelled.duration)
        predicted = [d.start_time for d in drafts[1:]]
        offline_runs.append((predicted, labelled.boundaries))
        baseline_runs.append((even_split(labelled.duration, len(drafts)), labelled.boundaries))
    seconds = time.perf_counter() - started
    found = sum(len(p) for p, _ in offline_runs)
    print(f"{title}: {found} boundaries proposed, {seconds:.2f} s for all; tokens sent: 0")
    report("offline", offline_runs)
    report("baseline: even split, same n", baseline_runs)
    for tolerance in (3.0, 5.0):
        f_offline = scores(offline_runs, tolerance)[2]
        f_base = scores(baseline_runs, tolerance)[2]
        ratio = f"{f_offline / f_base:.1f}x" if f_base else "n/a (baseline F1 is 0)"
        print(f"  F1 ratio offline / baseline @{tolerance:.0f}s: {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument(
        "--no-long",
        action="store_true",
        help="skip the 10-hour transcript (costly against a paid API)",
    )
    parser.add_argument("--model", default=os.environ.get("VODSTUDIO_BENCH_MODEL", "gpt-4o-mini"))
    args = parser.parse_args()
    transcripts = corpus(args.count, long_stream=not args.no_long)
    true_total = sum(len(t.boundaries) for t in transcripts)
    hours = sum(t.duration for t in transcripts) / 3600
    print(
        f"{len(transcripts)} labelled transcripts, {hours:.1f} h of talk, {true_total} true boundaries"
    )

    evaluate_offline("offline (TextTiling), 45 % topic words", transcripts)
    for share in (0.25, 0.15):
        evaluate_offline(
            f"offline (TextTiling), harder: {share:.0%} topic words",
            corpus(args.count, share, long_stream=not args.no_long),
        )

    real = os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY")
    if real:
        print(f"LLM path ({args.model} at {os.environ.get('OPENAI_BASE_URL') or 'api.openai.com'})")
        run_llm(transcripts, None, args.model, "llm", score=True)
    else:
        from tests.counterparts.openai_stub import OpenAiStub

        stub = OpenAiStub("good").start()
        try:
            print(
                "LLM path: no real server configured (set OPENAI_BASE_URL / OPENAI_API_KEY); "
                "request sizes measured against the local stub"
            )
            run_llm(transcripts, stub.url, "stub-good", "windowed requests", score=False)
        finally:
            stub.stop()


if __name__ == "__main__":
    main()

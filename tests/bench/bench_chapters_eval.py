"""Chapter boundary quality, titles, speed and request size on labelled transcripts.

Run: ``.venv/bin/python tests/bench/bench_chapters_eval.py [--count 20] [--only-offline]
[--split dev]`` (tune on the dev split; the test split is for a change's final report)

Prints boundary precision / recall / F1 at 3 s and 5 s tolerance, per set and split, for
- the offline mode, on the "python talk" set (``talk_corpus.py``: long single-subject and
  mixed talks from Python's own docs, a dev and a test split), on the "vim talk" set made the
  same way from the Vim user manual (``vim_talks.py``: a second kind of text, to see whether
  a change tuned on the Python talks holds elsewhere) and on the old synthetic set (topics
  with separate vocabularies, 45 / 25 / 15 % topic words),
- two baselines measured in the same run: an even split with the same number of chapters,
  and a textbook TextTiling,
- the title checks (``chapter_metrics.TITLE_CHECKS``) and a sample of titles,
- the time to chapter a 10-hour transcript offline (target < 5 s),
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
from core.ai.transcript import Segment
from core.ai.transcripts import TranscriptInfo
from tests.ai.synthetic import make_transcript
from tests.bench.chapter_metrics import (
    TITLE_CHECKS,
    even_split,
    scores,
    texttiling,
    title_checks,
)
from tests.bench.talk_corpus import checked_talks
from tests.bench.vim_talks import vim_talks


def report(name: str, runs) -> None:
    for tolerance in (3.0, 5.0):
        p, r, f = scores(runs, tolerance)
        print(f"  {name:<34} @{tolerance:.0f}s  P={p:.3f}  R={r:.3f}  F1={f:.3f}")


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


def evaluate_offline(title: str, transcripts, *, baselines: bool = True) -> None:
    """Offline chapters of each transcript against its labels, with the title checks;
    ``baselines``: the same run's even split (same count) and a textbook TextTiling."""
    started = time.perf_counter()
    offline_runs, even_runs, tiling_runs = [], [], []
    checks: dict[str, list[bool]] = {name: [] for name in TITLE_CHECKS}
    samples = []
    for labelled in transcripts:
        drafts = detect_chapters(labelled.segments, labelled.duration)
        offline_runs.append(([d.start_time for d in drafts[1:]], labelled.boundaries))
        previous = None
        for draft in drafts:
            text = " ".join(
                s.text for s in labelled.segments if draft.start_time <= s.start < draft.end_time
            )
            for name, passed in title_checks(draft.title, text, previous).items():
                checks[name].append(passed)
            previous = draft.title
        samples.append(" | ".join(d.title for d in drafts))
    seconds = time.perf_counter() - started
    for labelled, (predicted, _) in zip(transcripts, offline_runs, strict=True):
        if baselines:
            even_runs.append(
                (even_split(labelled.duration, len(predicted) + 1), labelled.boundaries)
            )
            tiling_runs.append(
                (texttiling(labelled.segments, labelled.duration), labelled.boundaries)
            )
    found = sum(len(p) for p, _ in offline_runs)
    true = sum(len(t) for _, t in offline_runs)
    print(
        f"{title}: {len(transcripts)} transcripts, {true} true boundaries, {found} proposed, "
        f"{seconds:.2f} s for all"
    )
    report("offline", offline_runs)
    if baselines:
        report("baseline: even split, same count", even_runs)
        report("baseline: textbook TextTiling", tiling_runs)
    print("  titles: " + "; ".join(f"{name} {sum(v)}/{len(v)}" for name, v in checks.items()))
    print(f"  e.g. {samples[0][:150]}")


def talk_sets(split: str):
    """The split's talks, then its single-subject and mixed halves."""
    if split == "vim":
        return subsets("vim talk (never tuned on alone)", vim_talks())
    return subsets(f"python talk, {split} split", checked_talks(split))


def subsets(name: str, talks):
    if not talks:
        print(f"{name}: not run (its source text is not installed)")
        return []
    return [
        (f"{name}, all", talks),
        (f"{name}, single-subject", [t for t in talks if t.kind == "single-subject"]),
        (f"{name}, mixed", [t for t in talks if t.kind == "mixed"]),
    ] + [
        (f"{name}, {label}", chosen)
        for label, chosen in (
            ("plain streams", [t for t in talks if t.rough is False]),
            ("rough streams (tiny cues, silences, music)", [t for t in talks if t.rough]),
        )
        if any(t.rough for t in talks)
    ]


def ten_hour_speed(rounds: int = 3) -> None:
    """A 10-hour transcript with a real vocabulary: the talks one after another."""
    segments, offset = [], 0.0
    for talk in checked_talks("dev") + checked_talks("test"):
        segments.extend(Segment(s.start + offset, s.end + offset, s.text) for s in talk.segments)
        offset += talk.duration
        if offset >= 10 * 3600:
            break
    times, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        drafts = detect_chapters(segments, offset)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    verdict = "OK" if statistics.median(times) < 5 else "OVER TARGET"
    print(
        f"speed: {offset / 3600:.1f} h transcript, {len(segments)} cues, {len(drafts)} chapters: "
        f"median {statistics.median(times):.2f} s wall, {statistics.median(cpu):.2f} s CPU, "
        f"of {rounds} runs (target < 5 s) {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument(
        "--no-long",
        action="store_true",
        help="skip the 10-hour transcript (costly against a paid API)",
    )
    parser.add_argument("--only-offline", action="store_true", help="skip the LLM path")
    parser.add_argument(
        "--split",
        choices=("dev", "test", "both", "none"),
        default="both",
        help="python talk splits to run: tune on dev, report test once",
    )
    parser.add_argument(
        "--no-vim", action="store_true", help="skip the vim talk set (the Vim user manual)"
    )
    parser.add_argument("--model", default=os.environ.get("VODSTUDIO_BENCH_MODEL", "gpt-4o-mini"))
    args = parser.parse_args()

    splits = {"both": ["dev", "test"], "none": []}.get(args.split, [args.split])
    for split in splits + ([] if args.no_vim else ["vim"]):
        for title, talks in talk_sets(split):
            evaluate_offline(title, talks)
    transcripts = corpus(args.count, long_stream=not args.no_long)
    evaluate_offline("old set: 45 % topic words", transcripts)
    for share in (0.25, 0.15):
        evaluate_offline(
            f"old set: {share:.0%} topic words",
            corpus(args.count, share, long_stream=not args.no_long),
        )
    ten_hour_speed()
    if args.only_offline:
        return

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

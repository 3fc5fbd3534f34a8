"""The "python talk" eval set: long single-subject talks with real section boundaries.

Run ``python tests/bench/talk_corpus.py --write`` to regenerate ``talk_labels.json`` (only after
a deliberate change to the generator); the bench regenerates the transcripts and checks that
they still match the stored labels, so a change of Python version that moves the text is seen.

Each split ("dev" to look at while working, "test" to report) has 12 talks of 30 to 45 minutes:
- 6 single-subject talks: consecutive sections of one source in document order (the Language
  Reference's sections, or neighbouring standard-library modules of one theme), so each
  chapter shares most of its words with the next;
- 6 mixed talks: sections drawn at random from both sources of the split (still all Python).
Chapters are 2 to 10 minutes: a section is cut at a sentence once its time is reached, and
begins at its start or, one time in four, a few sentences in (no chapter has to open with its
definition). The two splits share no section, topic or module theme.

The dev split has 36 more talks, so that a change tuned on it is measured on about 350
boundaries, not 94 (a gain of 0.06 F1 on the first 12 dev talks did not hold on 30 fresh
ones): 12 "rough stream" talks (``dev-12`` to ``dev-23``: cues of one to three words, long
silences and music breaks at random times, ``talk_speech.SpeakerStyle.roughen``), then 24
more plain ones.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.ai.transcript import Segment
from tests.bench.talk_sources import Section, module_sections, reference_sections, split_of
from tests.bench.talk_speech import SpeakerStyle, speak

LABELS = Path(__file__).with_name("talk_labels.json")
TALKS_PER_SPLIT = 12
# Dev only (the test split stays as first reported): rough streams, whose transcripts have
# tiny cues, long silences and music breaks (``SpeakerStyle.roughen``).
ROUGH_DEV_TALKS = 12
MORE_PLAIN_DEV_TALKS = 24
# Pauses and asides add about 15 % to the time the words take: chapters end up 2 to 10 min.
MIN_CHAPTER_SECONDS, MAX_CHAPTER_SECONDS = 120.0, 510.0


@dataclass(frozen=True, slots=True)
class Talk:
    name: str
    split: str
    kind: str  # "single-subject" or "mixed"
    segments: list[Segment]
    duration: float
    boundaries: list[float]  # chapter starts after the first
    sections: list[str]
    sentences: list[list[str]]  # each chapter's written sentences (for title checks)
    rough: bool = False  # tiny cues, long silences, music breaks


def make_talk(split: str, number: int) -> Talk:
    rng = random.Random(f"talk-{split}-{number}")
    style = SpeakerStyle.draw(rng)
    rough = TALKS_PER_SPLIT <= number < TALKS_PER_SPLIT + ROUGH_DEV_TALKS
    if rough:
        style = style.roughen(rng)
    single = number % 2 == 0
    pool = [s for s in (*reference_sections(), *module_sections()) if split_of(s) == split]
    if single:
        source = "reference" if number % 4 == 0 else "modules"
        ordered = [s for s in pool if s.source == source]
        offset = rng.randrange(len(ordered))
        order = ordered[offset:] + ordered[:offset]
    else:
        order = rng.sample(pool, len(pool))
    kind = "single-subject" if single else "mixed"
    return spoken_talk(f"{split}-{number:02d}", split, kind, order, style, rng, rough)


def spoken_talk(
    name: str,
    split: str,
    kind: str,
    order: list[Section],
    style: SpeakerStyle,
    rng: random.Random,
    rough: bool,
) -> Talk:
    """A talk of 26 to 38 minutes of chapters from ``order``'s sections, in that order."""
    target = rng.uniform(26 * 60, 38 * 60)
    chapters, names, total = [], [], 0.0
    for section in order:
        sentences = _chapter_sentences(section, style, rng)
        if sentences is None:
            continue
        chapters.append(sentences)
        names.append(f"{section.source}:{section.family}:{section.name}")
        total += style.seconds_for(sum(len(s.split()) for s in sentences))
        if total >= target:
            break
    segments, starts, duration = speak(chapters, style, rng)
    return Talk(name, split, kind, segments, duration, starts[1:], names, chapters, rough)


def _chapter_sentences(
    section: Section, style: SpeakerStyle, rng: random.Random
) -> list[str] | None:
    sentences = list(section.sentences)
    if rng.random() < 0.25:
        sentences = sentences[rng.randrange(1, max(2, len(sentences) // 4)) :]
    available = style.seconds_for(sum(len(s.split()) for s in sentences))
    if available < MIN_CHAPTER_SECONDS:
        return None
    wanted = rng.uniform(MIN_CHAPTER_SECONDS, min(MAX_CHAPTER_SECONDS, available))
    taken, seconds = [], 0.0
    for sentence in sentences:
        taken.append(sentence)
        seconds += style.seconds_for(len(sentence.split()))
        if seconds >= wanted:
            break
    return taken


def talks(split: str) -> list[Talk]:
    count = TALKS_PER_SPLIT
    if split == "dev":
        count += ROUGH_DEV_TALKS + MORE_PLAIN_DEV_TALKS
    return [make_talk(split, number) for number in range(count)]


def labels_of(items: list[Talk]) -> list[dict]:
    return [
        {
            "name": t.name,
            "kind": t.kind,
            "duration": t.duration,
            "boundaries": t.boundaries,
            "sections": t.sections,
        }
        for t in items
    ]


def checked_talks(split: str) -> list[Talk]:
    """The split's talks, after checking them against the stored labels."""
    items = talks(split)
    stored = [entry for entry in json.loads(LABELS.read_text()) if entry["name"].startswith(split)]
    if labels_of(items) != stored:
        raise SystemExit(
            f"the {split} talks no longer match {LABELS.name} (different Python docs?); "
            "rerun with --write only if the generator was changed on purpose"
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="store the labels")
    args = parser.parse_args()
    everything = talks("dev") + talks("test")
    for talk in everything:
        lengths = [
            b - a
            for a, b in zip(
                [0.0, *talk.boundaries], [*talk.boundaries, talk.duration], strict=False
            )
        ]
        print(
            f"{talk.name} {talk.kind:<14} {talk.duration / 60:5.1f} min, {len(lengths)} chapters "
            f"of {min(lengths) / 60:.1f}-{max(lengths) / 60:.1f} min, {len(talk.segments)} cues"
        )
    if args.write:
        LABELS.write_text(json.dumps(labels_of(everything), indent=1) + "\n")
        print(f"wrote {LABELS}")


if __name__ == "__main__":
    main()

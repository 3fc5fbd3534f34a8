"""The "vim talk" eval set: talks from a second, unrelated text, to see what tuning on the
Python talks does to talk the segmenter was never tuned on.

Its sections are the numbered sections ("*03.8* Simple searches") of the Vim user manual
(``usr_NN.txt``, Debian's ``vim-runtime`` package): tutorial prose about one program, so
neighbouring sections share most of their words ("command", "cursor", "line", "file") and are
shorter than the Python ones (chapters of 2 to 6 minutes). Talks are made exactly as the
Python talks are (``talk_corpus.spoken_talk``): 6 single-subject talks (consecutive sections),
6 mixed ones (sections at random), then 6 rough streams (tiny cues, silences, music).

Run ``python tests/bench/vim_talks.py --write`` to store ``vim_labels.json`` again after a
deliberate change; the bench warns when the installed manual no longer gives those labels.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.talk_corpus import Talk, labels_of, spoken_talk
from tests.bench.talk_sources import MIN_SECTION_WORDS, Section, prose_sentences
from tests.bench.talk_speech import SpeakerStyle

MANUAL = Path("/usr/share/vim/vim90/doc")
LABELS = Path(__file__).with_name("vim_labels.json")
PLAIN_TALKS, ROUGH_TALKS = 12, 6
_SECTION = re.compile(r"^\*(?P<chapter>\d\d)\.(?P<number>\d+)\*\s+(?P<title>[^\t\n*]+)", re.M)


@cache
def manual_sections() -> tuple[Section, ...]:
    """The manual's numbered sections in reading order, with their prose only (no examples,
    which the manual indents, and no figures, whose lines end with ``~``)."""
    sections = []
    for path in sorted(MANUAL.glob("usr_[0-9][0-9].txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        text = re.sub(r"^=+\s*$", "", text, flags=re.M)
        marks = list(_SECTION.finditer(text))
        for mark, following in zip(marks, [*marks[1:], None], strict=True):
            body = text[mark.end() : following.start() if following else len(text)]
            body = body.split("Next chapter:")[0]
            lines = [
                line
                for line in body.splitlines()
                if not line.startswith(("\t", "    ")) and not line.rstrip().endswith("~")
            ]
            sentences = tuple(prose_sentences("\n".join(lines)))
            name = f"{mark['chapter']}.{mark['number']} {mark['title'].strip()}"
            section = Section("vim", mark["chapter"], name, sentences)
            if section.words >= MIN_SECTION_WORDS:
                sections.append(section)
    return tuple(sections)


def make_vim_talk(number: int) -> Talk:
    rng = random.Random(f"vim-{number}")
    style = SpeakerStyle.draw(rng)
    rough = number >= PLAIN_TALKS
    if rough:
        style = style.roughen(rng)
    pool = list(manual_sections())
    single = number % 2 == 0
    if single:
        offset = rng.randrange(len(pool))
        order = pool[offset:] + pool[:offset]
    else:
        order = rng.sample(pool, len(pool))
    kind = "single-subject" if single else "mixed"
    return spoken_talk(f"vim-{number:02d}", "vim", kind, order, style, rng, rough)


def vim_talks() -> list[Talk]:
    """The set, or none when the manual is not installed (``apt install vim-runtime``)."""
    if not manual_sections():
        return []
    talks = [make_vim_talk(number) for number in range(PLAIN_TALKS + ROUGH_TALKS)]
    if LABELS.exists() and labels_of(talks) != json.loads(LABELS.read_text()):
        print(f"note: the installed Vim manual no longer gives {LABELS.name}'s talks")
    return talks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="store the labels")
    args = parser.parse_args()
    talks = vim_talks()
    for talk in talks:
        edges = [0.0, *talk.boundaries, talk.duration]
        lengths = [b - a for a, b in itertools.pairwise(edges)]
        print(
            f"{talk.name} {talk.kind:<14} {talk.duration / 60:5.1f} min, {len(lengths)} chapters "
            f"of {min(lengths) / 60:.1f}-{max(lengths) / 60:.1f} min, {len(talk.segments)} cues"
        )
    if args.write and talks:
        LABELS.write_text(json.dumps(labels_of(talks), indent=1) + "\n")
        print(f"wrote {LABELS}")


if __name__ == "__main__":
    main()

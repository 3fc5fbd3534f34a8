"""The offline chapter finder on long single-subject talk, its titles and the VOD's hints."""

from __future__ import annotations

import itertools
import re

import pytest

from core.ai.cue_sentences import split_at_sentence_starts
from core.ai.hints import BoundaryHint
from core.ai.offline import detect_chapters
from core.ai.titles import chapter_titles
from core.ai.transcript import Segment
from core.ai.words import STOPWORDS
from core.domain.errors import ValidationError
from tests.ai.synthetic import make_transcript
from tests.bench.chapter_metrics import match_boundaries
from tests.bench.talk_corpus import make_talk


@pytest.fixture(scope="module")
def talk():
    """A 40-minute single-subject talk (Python's Language Reference, read like a streamer)."""
    return make_talk("test", 2)


def test_finds_most_boundaries_of_a_single_subject_talk_within_5_s(talk):
    drafts = detect_chapters(talk.segments, talk.duration)
    found = [d.start_time for d in drafts[1:]]
    hits = match_boundaries(found, talk.boundaries, 5.0)
    assert hits >= 0.6 * len(talk.boundaries), (found, talk.boundaries)
    assert abs(len(found) - len(talk.boundaries)) <= 2
    assert drafts[0].start_time == 0 and drafts[-1].end_time == talk.duration
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(drafts))


def test_boundaries_start_on_a_cue_or_a_sentence_begun_inside_one(talk):
    starts = {s.start for s in split_at_sentence_starts(talk.segments)}
    drafts = detect_chapters(talk.segments, talk.duration)
    assert all(d.start_time in starts for d in drafts[1:])


def test_titles_are_distinct_noun_phrases_from_the_chapters_own_words(talk):
    drafts = detect_chapters(talk.segments, talk.duration)
    for index, draft in enumerate(drafts):
        title = draft.title
        assert title and "," not in title and len(title) <= 49
        assert 1 <= len(title.split()) <= 3
        assert title[0].isupper()
        words = [w.lower() for w in title.split()]
        assert words[-1] not in STOPWORDS and not words[-1].endswith("ly")
        inside = " ".join(
            s.text.lower() for s in talk.segments if draft.start_time <= s.start < draft.end_time
        )
        assert all(re.search(rf"\b{re.escape(w)}\b", inside) for w in words), title
        if index:
            assert title.lower() != drafts[index - 1].title.lower()


def test_titles_never_repeat_the_neighbour_and_never_are_empty():
    same = "the sourdough starter needs flour and water, the sourdough starter grows. " * 5
    titles = chapter_titles([same, same, same, "um uh yeah so", ""])
    assert all(titles)
    assert all(a.lower() != b.lower() for a, b in itertools.pairwise(titles))
    assert titles[0] == "Sourdough Starter"
    assert titles[3:] == ["Part 4", "Part 5"]


def test_a_title_names_the_subject_not_the_talk_itself():
    about_the_talk = (
        "in this chapter we look at a few things. as the chapter said, for example the next "
        "section. this chapter shows one more example. the swap file keeps your changes. "
    )
    other = "the tour de france climbs the alps, the tour de france ends in paris. "
    titles = chapter_titles([about_the_talk * 3 + "the chapter, the chapter. ", other * 3])
    assert titles[0] == "Swap File"
    stammered = "the keymap keymap maps keys, a keymap keymap, the keymap keymap option. " * 3
    assert chapter_titles([stammered, other * 3])[0] == "Keymap"


def test_a_strong_hint_moves_a_boundary_onto_its_cue():
    labelled = make_transcript(3, topics=5)
    plain = [d.start_time for d in detect_chapters(labelled.segments, labelled.duration)[1:]]
    true = labelled.boundaries[1]
    index = next(i for i, s in enumerate(labelled.segments) if s.start >= true)
    shifted = labelled.segments[index + 1].start  # a scene cut one cue (~5 s) later
    hinted = detect_chapters(
        labelled.segments,
        labelled.duration,
        hints=[BoundaryHint(shifted, 1.0, "scene_cut")],
    )
    starts = [d.start_time for d in hinted[1:]]
    assert shifted in starts and shifted not in plain
    weak = detect_chapters(
        labelled.segments, labelled.duration, hints=[BoundaryHint(shifted, 0.0, "silence")]
    )
    assert [d.start_time for d in weak[1:]] == plain


def test_hints_far_from_any_change_of_words_do_not_make_chapters():
    labelled = make_transcript(3, topics=5)
    plain = detect_chapters(labelled.segments, labelled.duration)
    middle = (plain[1].start_time + plain[2].start_time) / 2
    cue = min(labelled.segments, key=lambda s: abs(s.start - middle)).start
    hinted = detect_chapters(
        labelled.segments, labelled.duration, hints=[BoundaryHint(cue, 0.5, "silence")]
    )
    assert len(hinted) == len(plain)


@pytest.mark.parametrize(
    ("time", "strength", "kind", "message"),
    [
        (-1.0, 0.5, "silence", "time"),
        (float("nan"), 0.5, "silence", "time"),
        (10.0, 1.5, "silence", "strength"),
        (10.0, 0.5, "applause", "kind"),
    ],
)
def test_a_bad_hint_is_refused_with_a_reason(time, strength, kind, message):
    with pytest.raises(ValidationError, match=message):
        BoundaryHint(time, strength, kind)


def test_a_short_or_wordless_transcript_is_one_chapter():
    labelled = make_transcript(5, topics=1, min_topic_seconds=20, max_topic_seconds=30)
    drafts = detect_chapters(labelled.segments, labelled.duration)
    assert len(drafts) == 1 and drafts[0].title
    assert detect_chapters([], 100.0) == []


@pytest.fixture(scope="module")
def rough_talk():
    """A 47-minute talk as a rough stream's recogniser prints it: cues of one to three words
    with punctuation, long silences and music breaks ("[Music]", "♪") at random times."""
    return make_talk("dev", 17)


def test_a_rough_streams_chapters_start_on_sentences_and_ignore_music(rough_talk):
    assert sum("[Music]" in s.text or "♪" in s.text for s in rough_talk.segments) >= 10
    drafts = detect_chapters(rough_talk.segments, rough_talk.duration)
    segments = split_at_sentence_starts(rough_talk.segments)
    found = [d.start_time for d in drafts[1:]]
    assert match_boundaries(found, rough_talk.boundaries, 5.0) >= 0.6 * len(
        rough_talk.boundaries
    ), (found, rough_talk.boundaries)
    index = {s.start: i for i, s in enumerate(segments)}
    after_a_full_stop = [segments[index[t] - 1].text.rstrip()[-1:] in ".?!" for t in found]
    assert sum(after_a_full_stop) >= 0.75 * len(found)
    assert not any("music" in d.title.lower() for d in drafts)


def test_a_chapter_begun_inside_a_rolling_caption_starts_on_its_own_first_words():
    """Auto-captions of four to nine words a cue: 11 chapters, most of them begun mid-cue."""
    talk = make_talk("test", 0)
    cue_starts = {s.start for s in talk.segments}
    assert sum(t not in cue_starts for t in talk.boundaries) >= 6
    drafts = detect_chapters(talk.segments, talk.duration)
    found = [d.start_time for d in drafts[1:]]
    assert match_boundaries(found, talk.boundaries, 2.0) >= 7, (found, talk.boundaries)
    inside = [t for t in found if t not in cue_starts]
    assert inside
    for time_ in inside:
        cue = next(s for s in talk.segments if s.start < time_ < s.end)
        assert re.search(r"[.?!] [A-Z]", cue.text), cue


def test_a_cue_is_cut_where_a_sentence_begins_and_timed_by_its_words():
    cues = [
        Segment(10.0, 13.0, "or a double-quoted string. JSON is"),
        Segment(13.0, 15.0, "e.g. the 3.5 release"),
        Segment(15.0, 16.0, "Really? Yes."),
    ]
    assert split_at_sentence_starts(cues) == [
        Segment(10.0, 12.0, "or a double-quoted string."),
        Segment(12.0, 13.0, "JSON is"),
        cues[1],
        Segment(15.0, 15.5, "Really?"),
        Segment(15.5, 16.0, "Yes."),
    ]


def test_non_speech_notes_are_not_title_words():
    music = "[Music] ♪ ♪ (music) [Music] " * 20
    titles = chapter_titles([music + "the sourdough starter needs flour. " * 3, music])
    assert titles[0] == "Sourdough Starter"
    assert "music" not in titles[1].lower() and titles[1]


def test_cues_about_one_thing_in_other_words_have_near_vectors():
    from core.ai.sentence_vectors import sentence_vectors

    vectors = sentence_vectors(
        [
            "vim keeps your edits in a swap file",
            "after a crash you can recover the changes from the swap file",
            "the cyclists climb the alps in the tour de france",
            "",
        ]
    )
    assert vectors is not None and vectors.shape == (4, 256)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-6
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1


def test_without_the_vectors_chapters_come_from_the_words_alone(monkeypatch, talk):
    import core.ai.segmenter as segmenter

    monkeypatch.setattr(segmenter, "sentence_vectors", lambda texts: None)
    found = [d.start_time for d in detect_chapters(talk.segments, talk.duration)[1:]]
    assert match_boundaries(found, talk.boundaries, 5.0) >= 0.5 * len(talk.boundaries)


def test_the_cue_tokens_are_those_of_the_models_own_tokenizer():
    from importlib.util import find_spec
    from pathlib import Path

    from tokenizers import Tokenizer

    from core.ai.sentence_vectors import MODEL, _model

    model = _model()
    assert model is not None
    spec = find_spec("wordllama")
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    reference = Tokenizer.from_file(str(root / "tokenizers" / f"{MODEL}_tokenizer_config.json"))
    for text in ["Okay so the swap-file, right?", "café naïve 2026 ÆØÅ", "🎮 GG wp", "imaplib4"]:
        ours = [i for word in text.split() for i in model.token_ids("▁" + word)]
        assert ours == reference.encode(text, add_special_tokens=False).ids, text

import itertools
import math

import pytest

from core.domain.chapters import (
    Chapter,
    ChapterDraft,
    ChapterFilter,
    ChapterSource,
    ChapterTimeline,
    clean_title,
)
from core.domain.errors import NotFoundError, OverlapError, ValidationError

ids = (f"c{n}" for n in itertools.count())


def chapter(
    start,
    end,
    title="Chapter",
    source=ChapterSource.MANUAL,
    confidence=None,
    cid=None,
    description="",
):
    return Chapter(
        id=cid or next(ids),
        title=title,
        start_time=start,
        end_time=end,
        source=source,
        confidence_score=confidence,
        description=description,
    )


@pytest.fixture
def timeline():
    return ChapterTimeline(
        600,
        [
            chapter(0, 120, "Intro", cid="a"),
            chapter(120, 300, "Setup", cid="b"),
            chapter(400, 600, "Outro", cid="c"),
        ],
    )


def test_chapters_are_kept_in_order_with_order_numbers(timeline):
    assert [(c.id, c.order) for c in timeline] == [("a", 0), ("b", 1), ("c", 2)]
    added = timeline.add(chapter(300, 400, "Middle", cid="m"))
    assert added.order == 2
    assert [c.id for c in timeline] == ["a", "b", "m", "c"]
    assert [c.order for c in timeline] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "start, end, message, field",
    [
        (-1, 10, "negative", "start_time"),
        (10, 10, "must be before", "end_time"),
        (20, 10, "must be before", "end_time"),
        (10, 601, "past the end", "end_time"),
        (math.nan, 10, "finite", "start_time"),
        (0, math.inf, "finite", "end_time"),
        ("x", 10, "number of seconds", "start_time"),
    ],
)
def test_time_range_rules(start, end, message, field):
    empty = ChapterTimeline(600)
    with pytest.raises(ValidationError, match=message) as refused:
        empty.add(chapter(start, end))
    assert refused.value.field == field  # a form marks this input without reading the text
    assert len(empty) == 0


def test_title_description_and_confidence_errors_name_their_field():
    empty = ChapterTimeline(600)
    for bad, field in (
        (chapter(0, 10, title="  "), "title"),
        (chapter(0, 10, title="t" * 201), "title"),
        (chapter(0, 10, description="d" * 5001), "description"),
        (chapter(0, 10, confidence=1.5), "confidence_score"),
    ):
        with pytest.raises(ValidationError) as refused:
            empty.add(bad)
        assert refused.value.field == field


def test_overlap_is_refused_and_names_the_other_chapter(timeline):
    with pytest.raises(OverlapError) as raised:
        timeline.add(chapter(290, 350, "Clash"))
    assert '"Setup"' in str(raised.value)
    assert raised.value.conflicting_id == "b"
    assert len(timeline) == 3


def test_touching_chapters_are_allowed(timeline):
    timeline.add(chapter(300, 400, "Gap filler"))
    assert len(timeline) == 4


def test_a_range_inside_a_free_gap_fits(timeline):
    timeline.add(chapter(310, 390.5, "Inside the gap"))
    assert timeline.at_time(350).title == "Inside the gap"


def test_fits_in_gap_but_enclosing_range_overlaps():
    t = ChapterTimeline(100, [chapter(40, 60, cid="x")])
    t.add(chapter(0, 40))
    with pytest.raises(OverlapError):
        t.add(chapter(30, 80))
    with pytest.raises(OverlapError):
        t.add(chapter(45, 50))


def test_update_moves_a_chapter_and_validates_against_others(timeline):
    moved = timeline.update("c", start_time=300)
    assert (moved.start_time, moved.end_time) == (300, 600)
    with pytest.raises(OverlapError):
        timeline.update("c", start_time=250)
    assert timeline.get("c").start_time == 300
    with pytest.raises(ValidationError, match="cannot update"):
        timeline.update("c", order=5)


def test_update_can_reorder(timeline):
    timeline.remove("a")
    timeline.update("c", start_time=0, end_time=100)
    assert [c.id for c in timeline] == ["c", "b"]
    assert [c.order for c in timeline] == [0, 1]


def test_titles_are_required_trimmed_and_limited():
    assert clean_title("  Boss   fight ") == "Boss fight"
    with pytest.raises(ValidationError, match="required"):
        clean_title("   ")
    with pytest.raises(ValidationError, match="limit is 200"):
        clean_title("x" * 201)


def test_confidence_must_be_within_zero_and_one():
    t = ChapterTimeline(100)
    with pytest.raises(ValidationError, match=r"\[0, 1\]"):
        t.add(chapter(0, 10, source=ChapterSource.AI, confidence=1.5))
    ai = t.add(chapter(0, 10, source=ChapterSource.AI, confidence=0.7))
    assert ai.confidence_score == 0.7
    manual = t.add(chapter(10, 20, confidence=0.9))
    assert manual.confidence_score is None


def test_at_time_boundaries(timeline):
    assert timeline.at_time(0).id == "a"
    assert timeline.at_time(119.999).id == "a"
    assert timeline.at_time(120).id == "b"
    assert timeline.at_time(600).id == "c"  # the last chapter holds its own end
    with pytest.raises(NotFoundError):
        timeline.at_time(350)  # the gap
    with pytest.raises(ValidationError):
        timeline.at_time(math.nan)


def test_end_of_a_chapter_that_is_not_last_is_not_inside_it():
    t = ChapterTimeline(100, [chapter(0, 10, cid="x"), chapter(20, 30, cid="y")])
    with pytest.raises(NotFoundError):
        t.at_time(10)
    assert t.at_time(30).id == "y"


def test_next_and_previous_by_order(timeline):
    assert timeline.next("a").id == "b"
    assert timeline.previous("c").id == "b"
    with pytest.raises(NotFoundError, match="last"):
        timeline.next("c")
    with pytest.raises(NotFoundError, match="first"):
        timeline.previous("a")
    with pytest.raises(NotFoundError):
        timeline.next("zzz")


def test_filters():
    t = ChapterTimeline(
        1000,
        [
            chapter(0, 10, "Intro", description="hello chat"),
            chapter(10, 20, "Boss Fight", ChapterSource.AI, 0.9),
            chapter(20, 30, "Loot", ChapterSource.AI, 0.4, description="boss drops"),
        ],
    )
    assert [c.title for c in t.filtered(ChapterFilter(source=ChapterSource.AI))] == [
        "Boss Fight",
        "Loot",
    ]
    assert [c.title for c in t.filtered(ChapterFilter(search="BOSS"))] == ["Boss Fight", "Loot"]
    assert [c.title for c in t.filtered(ChapterFilter(search="chat"))] == ["Intro"]
    # No score has not reached a minimum: the manual chapter is left out, as on the platform.
    assert [c.title for c in t.filtered(ChapterFilter(min_confidence=0.5))] == ["Boss Fight"]
    assert [c.title for c in t.filtered(ChapterFilter(min_confidence=0.0))] == [
        "Boss Fight",
        "Loot",
    ]
    assert [
        c.title for c in t.filtered(ChapterFilter(source=ChapterSource.AI, min_confidence=0.5))
    ] == ["Boss Fight"]


def test_free_range_around_gives_drag_limits(timeline):
    assert timeline.free_range_around(350) == (300, 400)
    assert timeline.free_range_around(200, ignore_id="b") == (120, 400)


def new_ids():
    counter = itertools.count()
    return lambda: f"ai{next(counter)}"


def test_replace_ai_keeps_manual_and_replaces_old_ai():
    t = ChapterTimeline(
        600,
        [
            chapter(0, 60, "Manual", cid="m"),
            chapter(60, 120, "Old AI", ChapterSource.AI, 0.5, cid="old"),
        ],
    )
    report = t.replace_ai([ChapterDraft("New", 100, 200, confidence_score=0.8)], new_ids())
    assert [c.title for c in t] == ["Manual", "New"]
    assert [c.id for c in report.removed] == ["old"]
    assert t.get("m").title == "Manual"


def test_replace_ai_trims_around_manual_chapters_and_reports():
    t = ChapterTimeline(600, [chapter(100, 200, "Manual", cid="m")])
    report = t.replace_ai(
        [
            ChapterDraft("Overlaps end", 150, 400, confidence_score=0.9),
            ChapterDraft("Inside manual", 120, 180, confidence_score=0.9),
            ChapterDraft("Out of range", 500, 900, confidence_score=1.7),
        ],
        new_ids(),
    )
    spans = {c.title: (c.start_time, c.end_time) for c in t}
    assert spans["Overlaps end"] == (200, 400)
    assert "Inside manual" not in spans
    assert spans["Out of range"] == (500, 600)
    assert t.get(next(c.id for c in t if c.title == "Out of range")).confidence_score == 1.0
    text = " ".join(report.adjustments)
    assert "trimmed" in text and "dropped" in text and "clamped" in text


def test_replace_ai_resolves_overlaps_between_ai_chapters():
    t = ChapterTimeline(600)
    t.replace_ai(
        [
            ChapterDraft("A", 0, 100),
            ChapterDraft("B", 50, 200),
            ChapterDraft("C", 60, 90),
            ChapterDraft("", 300, 400),
        ],
        new_ids(),
    )
    assert [(c.title, c.start_time, c.end_time) for c in t] == [("A", 0, 100), ("B", 100, 200)]


def test_duration_must_be_positive():
    with pytest.raises(ValidationError):
        ChapterTimeline(0)

"""Change sets: what an operation did per chapter, its inverse, applying it, and refusing it
when the chapters moved on since."""

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain.changes import (
    ChangeConflictError,
    ChangeOrigin,
    ChangeSet,
    ChapterChange,
    same_chapter,
    still_undoable,
)
from core.domain.chapters import Chapter, ChapterSource, ChapterTimeline
from core.domain.errors import DomainError, OverlapError

DURATION = 100.0


def chapter(chapter_id, start, end, title=None, **fields):
    return Chapter(chapter_id, title or chapter_id.upper(), start, end, **fields)


def timeline_of(*chapters):
    return ChapterTimeline(DURATION, chapters)


def contents(timeline):
    return [replace(c, order=0) for c in timeline]


def edit(timeline, action):
    """Run ``action`` on ``timeline`` the way the service does and return its change set."""
    before = timeline.chapters
    action(timeline)
    return ChangeSet.between("vod", before, timeline.chapters)


def test_between_names_each_touched_chapter_once_and_ignores_order():
    a, b, c = chapter("a", 10, 20), chapter("b", 20, 30), chapter("c", 40, 50)
    timeline = timeline_of(a, b, c)
    changes = edit(
        timeline,
        lambda t: (
            t.add(chapter("new", 0, 10)),  # in front: every other chapter's order moves
            t.update("b", title="Boss"),
            t.remove("c"),
        ),
    )
    assert [(c.chapter_id, c.kind) for c in changes] == [
        ("new", "added"),
        ("b", "updated"),
        ("c", "deleted"),
    ]
    assert [c.id for c in changes.added] == ["new"]
    assert [c.id for c in changes.deleted] == ["c"]
    assert changes.get("b").before.title == "B" and changes.get("b").after.title == "Boss"
    assert changes.get("a") is None and changes.chapter_ids == {"new", "b", "c"}
    assert changes.summary() == "1 added, 1 changed, 1 deleted"
    assert changes.origin is ChangeOrigin.EDIT


def test_nothing_changed_is_an_empty_change_set():
    timeline = timeline_of(chapter("a", 0, 10))
    changes = edit(timeline, lambda t: t.update("a", title="A"))
    assert not changes and len(changes) == 0 and changes.summary() == "no changes"


def test_inverse_swaps_before_and_after_and_twice_is_the_original():
    changes = ChangeSet(
        "vod",
        (
            ChapterChange(None, chapter("a", 0, 10)),
            ChapterChange(chapter("b", 10, 20), chapter("b", 10, 25)),
        ),
        ChangeOrigin.PULL,
    )
    inverse = changes.inverse()
    assert [c.id for c in inverse.deleted] == ["a"]
    assert inverse.get("b").after.end_time == 20
    assert inverse.origin is ChangeOrigin.PULL
    assert inverse.inverse() == changes


def test_a_change_needs_a_side_and_keeps_its_id():
    with pytest.raises(ValueError):
        ChapterChange(None, None)
    with pytest.raises(ValueError):
        ChapterChange(chapter("a", 0, 1), chapter("b", 0, 1))
    with pytest.raises(ValueError):
        ChangeSet("vod", (ChapterChange(None, chapter("a", 0, 1)),) * 2)


def test_apply_then_apply_inverse_restores_the_chapters_exactly():
    original = timeline_of(chapter("a", 0, 10), chapter("b", 10, 20, description="keep"))
    working = timeline_of(*original)
    changes = edit(
        working,
        lambda t: (
            t.update("b", start_time=12, title="Moved"),
            t.update("a", start_time=2, end_time=12),  # a moves into the room b left
            t.add(chapter("c", 30, 40, source=ChapterSource.AI, confidence_score=0.4)),
        ),
    )
    redo_target = timeline_of(*original)
    changes.apply_to(redo_target)
    assert contents(redo_target) == contents(working)
    changes.inverse().apply_to(redo_target)
    assert contents(redo_target) == contents(original)
    assert [c.order for c in redo_target] == [0, 1]


def test_undo_is_refused_when_a_touched_chapter_moved_on_and_nothing_changes():
    timeline = timeline_of(chapter("a", 0, 10), chapter("b", 20, 30))
    rename = edit(timeline, lambda t: t.update("a", title="Intro"))
    timeline.update("a", title="Intro, edited elsewhere")
    before = contents(timeline)
    with pytest.raises(ChangeConflictError) as refused:
        rename.inverse().apply_to(timeline)
    assert refused.value.chapter_ids == ("a",)
    assert "Intro" in str(refused.value) and "changed since" in str(refused.value)
    assert contents(timeline) == before


def test_redo_of_an_add_is_refused_when_the_chapter_exists_and_undo_of_a_delete_too():
    timeline = timeline_of(chapter("a", 0, 10))
    add = edit(timeline, lambda t: t.add(chapter("b", 20, 30)))
    with pytest.raises(ChangeConflictError, match="exists again"):
        add.apply_to(timeline)
    delete = edit(timeline, lambda t: t.remove("b"))
    timeline.add(chapter("b", 50, 60))  # the same id came back by another way
    with pytest.raises(ChangeConflictError):
        delete.inverse().apply_to(timeline)


def test_undo_that_would_overlap_a_chapter_added_since_is_refused_atomically():
    timeline = timeline_of(chapter("a", 0, 10), chapter("b", 10, 20))
    delete = edit(timeline, lambda t: (t.remove("a"), t.update("b", title="Bee")))
    timeline.add(chapter("c", 5, 8))  # someone else drew where "a" used to be
    before = contents(timeline)
    with pytest.raises(OverlapError):
        delete.inverse().apply_to(timeline)
    assert contents(timeline) == before


def test_same_chapter_compares_everything_but_order():
    a = chapter("a", 0, 10)
    assert same_chapter(a, replace(a, order=5))
    assert not same_chapter(a, replace(a, thumbnail_url="file:///x.jpg"))
    assert same_chapter(None, None) and not same_chapter(a, None)


def test_still_undoable_drops_steps_that_touch_foreign_work_and_what_they_are_tied_to():
    def touching(*ids):
        return ChangeSet("vod", tuple(ChapterChange(None, chapter(i, 0, 1)) for i in ids))

    history = [touching("a"), touching("b", "c"), touching("c"), touching("d"), touching("b")]
    pulled = touching("b").with_origin(ChangeOrigin.PULL)
    # b was pulled: steps 1 and 4 touch it; step 2 touches c, which step 1 also touched.
    assert still_undoable(history, pulled) == [True, False, False, True, False]
    assert still_undoable(history, touching("z")) == [True] * 5


edits = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.floats(0, 95), st.floats(1, 30)),
        st.tuples(st.just("move"), st.integers(0, 20), st.floats(0, 95), st.floats(1, 30)),
        st.tuples(st.just("rename"), st.integers(0, 20), st.sampled_from(["X", "Y", "Z"])),
        st.tuples(st.just("delete"), st.integers(0, 20)),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_undoing_every_step_in_reverse_walks_back_through_every_state(steps):
    timeline = timeline_of()
    states, history = [contents(timeline)], []
    counter = itertools.count()
    for step in steps:
        before = timeline.chapters
        chapters = timeline.chapters
        try:
            if step[0] == "add":
                start = step[1]
                timeline.add(chapter(f"c{next(counter)}", start, min(DURATION, start + step[2])))
            elif chapters:
                target = chapters[step[1] % len(chapters)].id
                if step[0] == "move":
                    end = min(DURATION, step[2] + step[3])
                    timeline.update(target, start_time=step[2], end_time=end)
                elif step[0] == "rename":
                    timeline.update(target, title=step[2])
                else:
                    timeline.remove(target)
        except DomainError:
            continue
        changes = ChangeSet.between("vod", before, timeline.chapters)
        if changes:
            history.append(changes)
            states.append(contents(timeline))
    for changes, expected in zip(reversed(history), reversed(states[:-1]), strict=True):
        changes.inverse().apply_to(timeline)
        assert contents(timeline) == expected
    for changes, expected in zip(history, states[1:], strict=True):
        changes.apply_to(timeline)
        assert contents(timeline) == expected

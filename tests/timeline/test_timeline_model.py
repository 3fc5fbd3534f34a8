"""The timeline editor's rules, without Qt."""

from __future__ import annotations

import itertools

import pytest

from core.domain.chapters import Chapter, ChapterSource, ChapterTimeline
from core.domain.errors import ValidationError
from core.timeline import (
    MIN_CHAPTER_SECONDS,
    ChapterIndex,
    DragKind,
    DragSession,
    HitKind,
    Snapper,
    Viewport,
    choose_steps,
    ruler_ticks,
)
from core.timeline.ruler import format_tick


def chapter(cid: str, start: float, end: float, source=ChapterSource.MANUAL) -> Chapter:
    return Chapter(id=cid, title=cid, start_time=start, end_time=end, source=source)


@pytest.fixture
def timeline() -> ChapterTimeline:
    return ChapterTimeline(
        100.0, [chapter("a", 10, 20), chapter("b", 40, 50), chapter("c", 50, 60)]
    )


# --- viewport --------------------------------------------------------------------------------
def test_viewport_starts_fitted_and_maps_both_ways():
    view = Viewport(duration=3600, width=1200)
    assert view.pixels_per_second == pytest.approx(1 / 3)
    assert view.time_to_x(1800) == pytest.approx(600)
    assert view.x_to_time(view.time_to_x(1234.5)) == pytest.approx(1234.5)


def test_zoom_keeps_time_under_cursor_and_clamps():
    view = Viewport(duration=3600, width=1200)
    anchor = view.x_to_time(300)
    view.zoom_around(300, 8)
    assert view.x_to_time(300) == pytest.approx(anchor)
    assert view.pixels_per_second == pytest.approx(8 / 3)
    view.zoom_around(300, 1e-6)  # cannot zoom out past showing everything
    assert view.pixels_per_second == pytest.approx(view.min_pixels_per_second)
    assert view.offset == 0
    view.zoom_around(0, 1e9)
    assert view.pixels_per_second == view.max_pixels_per_second


def test_scroll_never_shows_past_either_end():
    view = Viewport(duration=100, width=1000, pixels_per_second=100)
    view.scroll_by_pixels(-500)
    assert view.offset == 0
    view.scroll_by_pixels(1e9)
    assert view.offset == pytest.approx(90)
    assert view.visible_end == pytest.approx(100)


def test_follow_pages_to_the_playhead():
    view = Viewport(duration=1000, width=1000, pixels_per_second=10)
    assert not view.follow(50)
    assert view.follow(150)
    assert view.visible_start <= 150 <= view.visible_end


def test_resize_keeps_fit_when_fitted():
    view = Viewport(duration=100, width=500)
    view.resize(1000)
    assert view.pixels_per_second == pytest.approx(10)


# --- ruler ---------------------------------------------------------------------------------
@pytest.mark.parametrize("pps,major", [(1 / 30, 3600), (1, 120), (10, 10), (100, 1), (400, 0.5)])
def test_ruler_major_step_adapts_to_zoom(pps, major):
    chosen_major, minor = choose_steps(pps)
    assert chosen_major == major
    assert minor <= chosen_major
    assert chosen_major / minor == pytest.approx(round(chosen_major / minor))


def test_ruler_ticks_are_bounded_and_labelled():
    view = Viewport(duration=12 * 3600, width=1500)
    for factor in (1, 10, 100, 1000, 10000):
        view.zoom_around(700, factor)
        ticks = ruler_ticks(view)
        assert 0 < len(ticks) < 1500 / 6
        labels = [t for t in ticks if t.label]
        assert labels, factor
        gaps = [b.x - a.x for a, b in itertools.pairwise(labels)]
        assert all(g >= 80 for g in gaps)


def test_tick_labels_readable():
    assert format_tick(3723, 60) == "1:02:03"
    assert format_tick(90, 10) == "1:30"
    assert format_tick(4.5, 0.5) == "0:04.5"


# --- index and hit testing -----------------------------------------------------------------
def test_visible_queries(timeline):
    index = ChapterIndex(timeline)
    assert [c.id for c in index.visible(0, 10)] == []
    assert [c.id for c in index.visible(15, 45)] == ["a", "b"]
    assert [c.id for c in index.visible(50, 51)] == ["c"]
    assert index.at(55).id == "c" and index.at(30) is None


def test_navigation_targets(timeline):
    index = ChapterIndex(timeline)
    assert index.next_after(10).id == "b"
    assert index.previous_before(40.1).id == "a"
    assert index.previous_before(45).id == "b"
    assert index.next_after(60) is None


def test_room_for_a_chapter_at_the_playhead(timeline):
    index = ChapterIndex(timeline)
    assert index.room_at(0.0) == (0.0, 10.0)  # up to the next chapter
    assert index.room_at(25.0) == (25.0, 40.0)
    assert index.room_at(60.0) == (60.0, 100.0)  # the last gap runs to the end
    assert index.room_at(20.0) == (20.0, 40.0)  # a chapter's end is free
    with pytest.raises(ValidationError, match='inside "b"') as inside:
        index.room_at(45.0)
    assert inside.value.field == "start_time"
    with pytest.raises(ValidationError, match="No room"):
        index.room_at(39.95)


def test_hit_test_edges_body_and_empty(timeline):
    index = ChapterIndex(timeline)
    view = Viewport(duration=100, width=1000)  # 10 px per second
    assert index.hit_test(view, 150).kind == HitKind.BODY
    assert index.hit_test(view, 102).kind == HitKind.START_EDGE
    assert index.hit_test(view, 198).kind == HitKind.END_EDGE
    assert index.hit_test(view, 300).kind == HitKind.EMPTY
    # where b and c touch, the edge of the chapter the cursor is inside wins
    left = index.hit_test(view, 499)
    right = index.hit_test(view, 501)
    assert (left.kind, left.chapter.id) == (HitKind.END_EDGE, "b")
    assert (right.kind, right.chapter.id) == (HitKind.START_EDGE, "c")


def test_narrow_chapter_body_stays_grabbable():
    index = ChapterIndex(ChapterTimeline(1000, [chapter("n", 100, 101)]))
    view = Viewport(duration=1000, width=1000, pixels_per_second=9)  # 9 px wide
    assert index.hit_test(view, view.time_to_x(100.5)).kind == HitKind.BODY


class _CountingList(list):
    """A list that counts the items read from it (bisect reads through ``__getitem__``)."""

    reads = 0

    def __getitem__(self, index):
        type(self).reads += 1
        return super().__getitem__(index)


def test_visible_query_is_logarithmic_for_many_chapters():
    chapters = [chapter(str(i), i * 40.0, i * 40.0 + 30) for i in range(1080)]
    index = ChapterIndex(ChapterTimeline(12 * 3600, chapters))
    assert [c.id for c in index.visible(400, 480)] == ["10", "11"]
    for start in range(0, 12 * 3600, 997):  # the same answer as a scan, anywhere
        end = start + 150.0
        expected = [c for c in index.chapters if c.end_time > start and c.start_time < end]
        assert index.visible(start, end) == expected
    # Bisects, not a scan: a query reads a few dozen edges of the 1080 chapters' 2160.
    index.starts, index.ends = _CountingList(index.starts), _CountingList(index.ends)
    _CountingList.reads = 0
    index.visible(20000, 20100)
    assert 0 < _CountingList.reads <= 2 * 12


# --- drags ---------------------------------------------------------------------------------
def test_create_is_clamped_to_the_gap(timeline):
    drag = DragSession.begin(DragKind.CREATE, timeline, 30)
    assert drag.update(90) == (30, 40)  # b starts at 40
    assert drag.update(0) == (20, 30)  # a ends at 20
    assert drag.changed
    timeline.add(chapter("new", drag.start, drag.end))  # the core accepts what was drawn


def test_tiny_create_is_not_a_change(timeline):
    drag = DragSession.begin(DragKind.CREATE, timeline, 30)
    drag.update(30 + MIN_CHAPTER_SECONDS / 2)
    assert not drag.changed


def test_move_is_clamped_against_neighbours(timeline):
    a = timeline.get("a")
    drag = DragSession.begin(DragKind.MOVE, timeline, 15, a)
    assert drag.update(45) == (30, 40)  # stopped by b
    assert drag.update(-100) == (0, 10)  # stopped by the start of the video
    assert drag.update(17) == (12, 22)


def test_resize_is_clamped_and_keeps_a_minimum_length(timeline):
    b = timeline.get("b")
    end_drag = DragSession.begin(DragKind.RESIZE_END, timeline, 50, b)
    assert end_drag.update(70) == (40, 50)  # c touches b
    assert end_drag.update(10) == (40, 40 + MIN_CHAPTER_SECONDS)
    start_drag = DragSession.begin(DragKind.RESIZE_START, timeline, 40, b)
    assert start_drag.update(0) == (20, 50)
    c = timeline.get("c")
    last = DragSession.begin(DragKind.RESIZE_END, timeline, 60, c)
    assert last.update(500) == (50, 100)


def test_snapping_to_playhead_edges_and_keyframes(timeline):
    index = ChapterIndex(timeline)
    snapper = Snapper(playhead=33.0, sorted_sources=[index.edges, [24.0, 26.0, 28.0]])
    drag = DragSession.begin(DragKind.CREATE, timeline, 22.2, snapper=snapper)
    assert drag.update(32.6, tolerance=0.5) == (22.2, 33.0)
    assert drag.snapped_to == 33.0
    assert drag.update(25.8, tolerance=0.5) == (22.2, 26.0)
    assert drag.update(39.7, tolerance=0.5) == (22.2, 40.0)  # b's start edge
    assert drag.update(35.0, tolerance=0.5) == (22.2, 35.0) and drag.snapped_to is None
    snapper.enabled = False
    assert drag.update(32.6, tolerance=0.5) == (22.2, 32.6)


def test_move_snaps_either_edge_and_ignores_its_own(timeline):
    a = timeline.get("a")
    snapper = Snapper(playhead=31.0, sorted_sources=[ChapterIndex(timeline).edges])
    drag = DragSession.begin(DragKind.MOVE, timeline, 15, a, snapper)
    assert drag.update(15.2, tolerance=0.5) == (10.2, 20.2)  # its own edges do not pull
    assert drag.update(25.7, tolerance=0.5) == (21.0, 31.0)  # end snapped to the playhead

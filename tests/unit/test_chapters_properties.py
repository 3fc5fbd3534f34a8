"""Any sequence of create/update/delete/AI-replace keeps a VOD's chapters sorted and disjoint,
and a refused operation changes nothing."""

import itertools
from dataclasses import replace

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.domain.chapters import Chapter, ChapterDraft, ChapterSource, ChapterTimeline
from core.domain.errors import DomainError

DURATION = 500.0
times = st.one_of(
    st.floats(min_value=-20, max_value=DURATION + 20),
    st.sampled_from([float("nan"), float("inf"), 0.0, DURATION]),
)
titles = st.sampled_from(["Intro", "  ", "Boss", "x" * 250, "Loot run"])

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), times, times, titles),
        st.tuples(st.just("update"), st.integers(0, 30), times, times),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(
            st.just("ai"),
            st.lists(
                st.tuples(
                    times,
                    times,
                    titles,
                    st.one_of(st.floats(-1, 2), st.just(float("nan")), st.none()),
                ),
                max_size=8,
            ),
        ),
    ),
    max_size=40,
)


def assert_invariants(timeline: ChapterTimeline) -> None:
    chapters = timeline.chapters
    for index, chapter in enumerate(chapters):
        assert chapter.order == index
        assert 0 <= chapter.start_time < chapter.end_time <= DURATION
        assert chapter.title.strip()
        if chapter.confidence_score is not None:
            assert 0 <= chapter.confidence_score <= 1
    for before, after in itertools.pairwise(chapters):
        assert before.end_time <= after.start_time


def manual_content(timeline: ChapterTimeline) -> list[Chapter]:
    """The manual chapters as the user made them; ``order`` is left out because it is the
    position among all chapters, which AI chapters placed before them rightly change."""
    return [replace(c, order=0) for c in timeline if c.source == ChapterSource.MANUAL]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
@example([("add", 1.0, 2.0, "Intro"), ("ai", [(0.0, 1.0, "Intro", float("nan"))])])
def test_random_edits_keep_chapters_sorted_and_disjoint(ops):
    counter = itertools.count()
    new_id = lambda: f"id{next(counter)}"  # noqa: E731
    timeline = ChapterTimeline(DURATION)
    for op in ops:
        snapshot = timeline.chapters
        try:
            if op[0] == "add":
                timeline.add(Chapter(id=new_id(), title=op[3], start_time=op[1], end_time=op[2]))
            elif op[0] == "update" and len(timeline):
                target = timeline.chapters[op[1] % len(timeline)]
                timeline.update(target.id, start_time=op[2], end_time=op[3])
            elif op[0] == "delete" and len(timeline):
                timeline.remove(timeline.chapters[op[1] % len(timeline)].id)
            elif op[0] == "ai":
                manual_before = manual_content(timeline)
                timeline.replace_ai(
                    [ChapterDraft(t, s, e, confidence_score=c) for s, e, t, c in op[1]], new_id
                )
                assert manual_content(timeline) == manual_before
        except DomainError:
            assert timeline.chapters == snapshot
        assert_invariants(timeline)

"""Whatever a model answers, what reaches ``replace_ai`` is sorted, inside the video,
non-overlapping, titled and scored in [0, 1] — or the answer is refused as a whole."""

from __future__ import annotations

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from core.ai.answer import merge_windows, parse_answer
from core.ai.errors import UnusableAnswerError
from core.ai.transcript import Segment
from core.ai.windows import make_windows

DURATION = 1000.0
SEGMENTS = [Segment(i * 5.0, i * 5.0 + 4.5, f"talk about thing {i} " * 4) for i in range(200)]
WINDOWS = make_windows(SEGMENTS, DURATION, window_tokens=700)

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.integers(-5000, 5000),
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["1:30", "0:00", "12:00", "-1", "1h"]),
)
chapter = st.fixed_dictionaries(
    {
        "title": st.one_of(st.text(max_size=300), st.none(), st.integers()),
        "start_time": numbers,
        "end_time": numbers,
        "confidence": st.one_of(numbers, st.floats(-10, 200)),
    },
    optional={"description": st.one_of(st.text(max_size=50), st.none())},
)
answers = st.lists(st.one_of(chapter, st.integers(), st.none()), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(answers, min_size=len(WINDOWS), max_size=len(WINDOWS)))
def test_merged_answers_are_always_consistent(window_answers):
    parts, repairs = [], []
    for window, items in zip(WINDOWS, window_answers, strict=False):
        try:
            parsed = parse_answer(
                json.dumps({"chapters": items}), window, duration=DURATION, canary="cnry-0"
            )
        except UnusableAnswerError:
            continue
        parts.append((window, parsed.drafts))
    merged = merge_windows(parts, DURATION, repairs)
    for draft in merged:
        assert draft.title.strip() and len(draft.title) <= 200
        assert 0 <= draft.start_time < draft.end_time <= DURATION
        assert draft.end_time - draft.start_time >= 1.0
        assert 0.0 <= draft.confidence_score <= 1.0
    for left, right in itertools.pairwise(merged):
        assert left.end_time <= right.start_time


def test_a_start_outside_the_shown_part_is_dropped():
    window = WINDOWS[1]
    content = json.dumps(
        {
            "chapters": [
                {
                    "title": "Invented",
                    "description": "",
                    "start_time": 1.0,
                    "end_time": 20.0,
                    "confidence": 0.9,
                },
                {
                    "title": "Seen",
                    "description": "",
                    "start_time": window.start + 30,
                    "end_time": window.start + 90,
                    "confidence": 0.9,
                },
            ]
        }
    )
    parsed = parse_answer(content, window, duration=DURATION, canary="cnry-0")
    assert [d.title for d in parsed.drafts] == ["Seen"]
    assert any("outside the part" in r for r in parsed.repairs)

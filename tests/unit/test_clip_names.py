"""Clip file names and ranges (core.domain.clips): safe on every operating system, never
colliding, and one clear sentence for a bad template or range."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.clips import (
    DEFAULT_TEMPLATE,
    ClipMode,
    ClipOptions,
    ClipRange,
    VerticalOptions,
    check_range,
    clip_chapters,
    clip_file_stem,
    unique_names,
)
from core.domain.errors import ValidationError

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def stem(
    title: str, vod: str = "Friday stream", template: str = DEFAULT_TEMPLATE, n: int = 3
) -> str:
    return clip_file_stem(template, vod=vod, clip=ClipRange(0, 10, title, n), mode=ClipMode.SMART)


def test_default_template():
    assert stem("Boss fight") == "Friday stream - 03 - Boss fight"


def test_separators_and_colons_stay_readable():
    assert stem("Act 1: the cave/the boss", vod='He said "go"') == (
        "He said go - 03 - Act 1 - the cave-the boss"
    )


def test_other_fields():
    name = clip_file_stem(
        "{title} [{start}-{end}] {mode}",
        vod="v",
        clip=ClipRange(3723, 3733.5, "Raid", 1),
        mode=ClipMode.LOSSLESS,
    )
    assert name == "Raid [1h02m03s-1h02m13s] lossless"


@given(st.text(max_size=300), st.text(max_size=80))
def test_any_title_gives_a_name_valid_everywhere(title, vod):
    name = stem(title, vod=vod)
    assert name and not (set(name) & WINDOWS_FORBIDDEN)
    assert name == name.strip(" .") and len(name) <= 180
    assert name.split(".")[0].upper() not in RESERVED


def test_reserved_windows_names_are_avoided():
    assert stem("x", template="{vod}", vod="CON").upper() != "CON"


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{vod} {chapter}", "unknown field {chapter}"),
        ("{n:xyz}", "does not fit"),
        ("{vod", "malformed"),
        ("  ", "empty"),
    ],
)
def test_bad_templates_are_one_sentence(template, words):
    with pytest.raises(ValidationError, match=words):
        ClipOptions(template=template)


def test_unique_names_ignore_case_like_windows_and_macos_disks():
    assert unique_names(["a", "A", "b"], {"B"}) == ["a", "A (2)", "b (2)"]


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (-1, 5, "before the VOD"),
        (5, 61, "after the end"),
        (60, 60, "at or after the end"),
        (5, 5, "empty"),
        (6, 5, "empty"),
    ],
)
def test_bad_ranges(start, end, words):
    with pytest.raises(ValidationError, match=words):
        check_range(start, end, 60.0)


def test_vertical_needs_encode_and_a_position_inside():
    with pytest.raises(ValidationError, match="must be encoded"):
        ClipOptions(mode=ClipMode.SMART, vertical=VerticalOptions())
    with pytest.raises(ValidationError, match="outside 0–1"):
        VerticalOptions(position=1.5)


def test_clip_chapters_are_moved_and_cut_to_the_clip():
    chapters = [(0, 10, "A"), (10, 30, "B"), (30, 40, "C"), (50, 60, "D")]
    assert clip_chapters(chapters, 5, 35) == [(0, 5, "A"), (5, 25, "B"), (25, 30, "C")]

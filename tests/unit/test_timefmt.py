import math

import pytest

from core.domain.errors import ValidationError
from core.domain.timefmt import format_duration_words, format_time, parse_time


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("1:02:03.5", 3723.5),
        ("62:03", 3723.0),
        ("3723.5", 3723.5),
        ("0", 0.0),
        ("0:00", 0.0),
        ("1h2m3.5s", 3723.5),
        ("90s", 90.0),
        ("2m", 120.0),
        (" 12.25 ", 12.25),
        (5, 5.0),
    ],
)
def test_parse_time_accepts_clock_seconds_and_units(text, seconds):
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "nan",
        "inf",
        "-1",
        "-0:05",
        "1:60",
        "1:61:00",
        "1::2",
        "1.5:00",
        "1:2:3:4",
        float("nan"),
        float("inf"),
        -3,
        True,
    ],
)
def test_parse_time_refuses_bad_times_with_a_message(text):
    with pytest.raises(ValidationError) as raised:
        parse_time(text)
    assert str(raised.value)


@pytest.mark.parametrize(
    "seconds, text",
    [
        (3723.5, "1:02:03.5"),
        (62, "1:02"),
        (0, "0:00"),
        (59.94, "0:59.9"),
        (3600, "1:00:00"),
    ],
)
def test_format_time(seconds, text):
    assert format_time(seconds) == text


def test_format_and_parse_round_trip():
    for seconds in (0.0, 1.5, 59.9, 61.2, 3599.9, 3723.5, 43200.0):
        assert parse_time(format_time(seconds)) == pytest.approx(seconds)


def test_format_time_of_non_finite_is_placeholder():
    assert format_time(math.nan) == "--:--"


def test_duration_words_matches_seed_style():
    assert format_duration_words(510) == "8m 30s"
    assert format_duration_words(3700) == "1h 1m"
    assert format_duration_words(None) == "unknown"

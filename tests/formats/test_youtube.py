"""YouTube description chapters: writing, reading other tools' conventions, rules and fix."""

import pytest

from core.domain.chapters import Chapter, ChapterTimeline
from core.formats import (
    FormatError,
    check_youtube,
    fix_for_youtube,
    resolve_entries,
    youtube_stamps,
)
from core.formats.youtube import export_youtube, format_stamp, parse_youtube


def chapters(*spans):
    return [
        Chapter(id=f"c{i}", title=title, start_time=start, end_time=end, order=i)
        for i, (title, start, end) in enumerate(spans)
    ]


def rules(problems):
    return sorted(p.rule for p in problems)


def test_export_uses_m_ss_under_an_hour_and_h_mm_ss_from_an_hour_on():
    text = export_youtube(
        chapters(
            ("Intro", 0, 75),
            ("Ranked", 75, 3600),
            ("Late", 3600, 3725.9),
            ("Finale", 3725.9, 40000),
        )
    )
    assert text == "0:00 Intro\n1:15 Ranked\n1:00:00 Late\n1:02:05 Finale\n"


def test_export_rounds_starts_down_so_no_chapter_starts_late():
    assert format_stamp(59.999) == "0:59"
    assert format_stamp(61.2) == "1:01"
    assert format_stamp(3599.9) == "59:59"
    assert export_youtube(chapters(("A", 0.7, 12.4), ("B", 12.4, 30))) == "0:00 A\n0:12 B\n"


@pytest.mark.parametrize(
    "line, start, title",
    [
        ("1:02 Title", 62, "Title"),
        ("01:02 Title", 62, "Title"),
        ("1:02:03 Title", 3723, "Title"),
        ("01:02:03 Title", 3723, "Title"),
        ("[1:02] Title", 62, "Title"),
        ("(1:02) Title", 62, "Title"),
        ("1:02 - Title", 62, "Title"),
        ("1:02 – Title with – dash", 62, "Title with – dash"),
        ("1:02: Title", 62, "Title"),
        ("1:02 | Title", 62, "Title"),
        ("- 1:02 Title", 62, "Title"),
        ("• 1:02 Title", 62, "Title"),
        ("3. 1:02 Title", 62, "Title"),
        ("3) [1:02] Title", 62, "Title"),
        ("Title - 1:02", 62, "Title"),
        ("Title (1:02)", 62, "Title"),
        ("0:00:05.5 Half", 5.5, "Half"),
    ],
)
def test_reads_other_tools_timestamp_conventions(line, start, title):
    [entry] = parse_youtube(line)
    assert (entry.start, entry.end, entry.title) == (start, None, title)


def test_timestamps_become_chapters_lasting_to_the_next_one():
    text = "Chapters:\n\n2:00 Setup\n1:00:00 Late game\n10:05 Mid game\n"
    imported = resolve_entries(parse_youtube(text), 4000)
    assert [(c.title, c.start_time, c.end_time, c.line) for c in imported] == [
        ("Setup", 120, 605, 3),
        ("Mid game", 605, 3600, 5),
        ("Late game", 3600, 4000, 4),
    ]


def test_a_list_without_a_leading_zero_starts_where_it_says():
    imported = resolve_entries(parse_youtube("0:30 First\n1:00 Second\n"), 90)
    assert [(c.start_time, c.end_time) for c in imported] == [(30, 60), (60, 90)]


def test_a_timestamp_without_a_title_gets_a_numbered_one():
    imported = resolve_entries(parse_youtube("0:00\n0:30 Named\n"), 60)
    assert [c.title for c in imported] == ["Chapter 1", "Named"]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("0:00 Intro\nthis is not a chapter\n", 2, "no timestamp"),
        ("0:00 Intro\n\n\n1:75 Bad seconds\n", 4, "below 60"),
        ("0:00 Intro\n1:00:99 Bad\n", 2, "below 60"),
        ("random words\n", 1, "no timestamp"),
    ],
)
def test_garbage_is_refused_with_its_line_number(text, line, words):
    with pytest.raises(FormatError) as caught:
        parse_youtube(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ") and words in str(caught.value)


def test_same_timestamp_twice_names_both_lines():
    with pytest.raises(FormatError, match=r"line 3: starts at 0:10, the same time as line 2"):
        resolve_entries(parse_youtube("0:00 A\n0:10 B\n0:10 C\n"), 60)


def test_timestamp_past_the_end_of_the_video_is_refused():
    with pytest.raises(FormatError, match=r"line 2: starts at 2:00, at or past the end"):
        resolve_entries(parse_youtube("0:00 A\n2:00 B\n"), 90)


# --- rules --------------------------------------------------------------------------------
def test_valid_chapters_break_no_rule():
    good = chapters(("Intro", 0, 10), ("Main", 10, 100), ("Outro", 100, 110))
    assert check_youtube(youtube_stamps(good), 110) == []


def test_every_broken_rule_is_reported_at_once():
    bad = chapters(("Late start", 5, 9), ("Tiny", 9, 20))
    problems = check_youtube(youtube_stamps(bad), 20)
    assert rules(problems) == ["first-at-zero", "min-count", "min-length"]
    messages = " | ".join(p.message for p in problems)
    assert '"Late start" starts at 0:05' in messages
    assert "at least 3 chapters; there are 2" in messages
    assert 'chapter "Late start" at 0:05 is 4 s long; YouTube needs at least 10 s' in messages
    assert '"Tiny"' not in messages  # 0:09 to the end of the video (0:20) is 11 s


def test_length_is_measured_as_youtube_does_to_the_next_timestamp():
    # A gap after "Gap before next" belongs to it on YouTube: 0–30 counts as 30 s.
    gapped = chapters(("Gap before next", 0, 4), ("B", 30, 45), ("C", 45, 60))
    assert check_youtube(youtube_stamps(gapped), 60) == []
    # The last chapter lasts to the end of the video.
    assert rules(check_youtube(youtube_stamps(gapped), 50)) == ["min-length"]


def test_rounding_down_can_make_two_timestamps_equal_which_breaks_ascending():
    close = chapters(("A", 0, 10.2), ("B", 10.2, 10.7), ("C", 10.7, 40))
    assert "ascending" in rules(check_youtube(youtube_stamps(close), 40))


# --- fix ----------------------------------------------------------------------------------
def ids():
    counter = iter(range(100))
    return lambda: f"new{next(counter)}"


def test_fix_inserts_an_intro_before_a_late_first_chapter():
    fix = fix_for_youtube(chapters(("Game", 45, 100), ("Talk", 100, 200)), 200, id_factory=ids())
    assert [(c.title, c.start_time, c.end_time, c.order) for c in fix.chapters] == [
        ("Intro", 0, 45, 0),
        ("Game", 45, 100, 1),
        ("Talk", 100, 200, 2),
    ]
    assert fix.changes == ['added "Intro" at 0:00 up to 0:45']
    assert fix.remaining == []


def test_fix_gives_a_short_lead_in_to_the_first_chapter_instead_of_a_too_short_intro():
    fix = fix_for_youtube(chapters(("A", 4, 50), ("B", 50, 100), ("C", 100, 150)), 150)
    assert [(c.title, c.start_time) for c in fix.chapters] == [("A", 0), ("B", 50), ("C", 100)]
    assert fix.remaining == []


def test_fix_merges_short_chapters_into_the_previous_one():
    original = chapters(("Intro", 0, 30), ("Blip", 30, 35), ("Main", 35, 100), ("Outro", 100, 160))
    fix = fix_for_youtube(original, 160)
    assert [(c.id, c.title, c.start_time, c.end_time) for c in fix.chapters] == [
        ("c0", "Intro", 0, 35),
        ("c2", "Main", 35, 100),
        ("c3", "Outro", 100, 160),
    ]
    assert fix.changes == ['merged "Blip" (0:30, 5 s) into "Intro"']
    assert fix.remaining == []
    ChapterTimeline(160, fix.chapters)  # still a valid timeline: no overlaps, inside the video


def test_fix_merges_a_short_first_chapter_into_the_next_and_a_short_last_into_the_previous():
    original = chapters(("Hi", 0, 3), ("A", 3, 50), ("B", 50, 100), ("Bye", 100, 104))
    fix = fix_for_youtube(original, 104)
    assert [(c.title, c.start_time, c.end_time) for c in fix.chapters] == [
        ("A", 0, 50),
        ("B", 50, 104),
    ]
    assert rules(fix.remaining) == ["min-count"]  # only two left: this cannot be fixed by merging


def test_fix_of_valid_chapters_changes_nothing():
    good = chapters(("Intro", 0, 10), ("Main", 10, 100), ("Outro", 100, 110))
    fix = fix_for_youtube(good, 110)
    assert fix.chapters == good and fix.changes == [] and fix.remaining == []


def test_fix_resolves_equal_rounded_timestamps():
    fix = fix_for_youtube(
        chapters(("A", 0, 10.2), ("B", 10.2, 10.7), ("C", 10.7, 40), ("D", 40, 60)), 60
    )
    assert fix.remaining == []
    assert [s.seconds for s in youtube_stamps(fix.chapters)] == [0, 10, 40]

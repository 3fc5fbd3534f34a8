"""Reading files written by other tools, and line-numbered refusals of broken ones."""

import json

import pytest

from core.formats import FormatError, detect_format, parse_chapters, resolve_entries


def imported(fmt, text, duration=600.0):
    from core.formats.registry import fallback_title

    return [
        (c.title, c.start_time, c.end_time)
        for c in resolve_entries(
            parse_chapters(fmt, text), duration, fallback_title=fallback_title(fmt)
        )
    ]


def refused(fmt, text, duration=600.0):
    with pytest.raises(FormatError) as caught:
        resolve_entries(parse_chapters(fmt, text), duration)
    return caught.value


# --- WebVTT -------------------------------------------------------------------------------
def test_webvtt_with_header_text_notes_cue_settings_markup_and_short_times():
    text = (
        "\ufeffWEBVTT - chapters of my stream\n\nNOTE written by hand\n\n"
        "intro\n00:00.000 --> 01:00.000\n<b>Intro</b> &amp; hello\n\n"
        "01:00.000 --> 01:00:00.000 align:start\nMain\npart two\n"
    )
    assert imported("webvtt", text, 4000) == [("Intro & hello", 0, 60), ("Main part two", 60, 3600)]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("0:00 Intro\n", 1, "must start with 'WEBVTT'"),
        ("WEBVTT\n\n1\n00:00.000 -> 00:10.000\nIntro\n", 4, "expected a cue timing line"),
        ("WEBVTT\n\n00:00.000 --> 00:10.000\nA\n\n00:10.000 --> 00:70.000\nB\n", 6, "below 60"),
        (
            "WEBVTT\n\n00:00.000 --> 00:10.000\nA\n\n00:10 --> 00:20.000\nB\n",
            6,
            "unreadable cue timing",
        ),
    ],
)
def test_webvtt_garbage_names_its_line(text, line, words):
    error = refused("webvtt", text)
    assert error.line == line and words in str(error)


# --- FFMETADATA ---------------------------------------------------------------------------
def test_ffmetadata_other_timebases_escapes_global_tags_and_stream_sections():
    text = (
        ";FFMETADATA1\ntitle=My stream\nartist=me\n; a comment\n\n"
        "[CHAPTER]\nTIMEBASE=1/1000000000\nSTART=0\nEND=90500000000\n"
        "title=A \\= B \\; C \\\\ D\n\n"
        "[STREAM]\ntitle=not a chapter\n\n"
        "[CHAPTER]\nTIMEBASE=1/90000\nSTART=8145000\nEND=16200000\ntitle=Second\\\nline\n"
    )
    assert imported("ffmetadata", text) == [("A = B ; C \\ D", 0, 90.5), ("Second line", 90.5, 180)]


def test_ffmetadata_chapter_without_end_is_a_marker():
    text = (
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\ntitle=A\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=30000\ntitle=B\n"
    )
    assert imported("ffmetadata", text, 100) == [("A", 0, 30), ("B", 30, 100)]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("[CHAPTER]\nSTART=0\n", 1, "must start with ';FFMETADATA1'"),
        (";FFMETADATA1\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=abc\nEND=5\n", 5, "whole number"),
        (
            ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1:1000\nSTART=0\nEND=5\n",
            3,
            "TIMEBASE must look like",
        ),
        (";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nEND=5\n", 2, "has no START"),
        (";FFMETADATA1\n[CHAPTER]\njust words\n", 3, "expected key=value"),
    ],
)
def test_ffmetadata_garbage_names_its_line(text, line, words):
    error = refused("ffmetadata", text)
    assert error.line == line and words in str(error)


# --- CSV ----------------------------------------------------------------------------------
def test_losslesscut_csv_with_markers_that_have_no_end():
    text = '0,,Start of stream\n30.5,60,"Boss, round 1"\n75,,\n'
    assert imported("csv", text, 100) == [
        ("Start of stream", 0, 30.5),
        ("Boss, round 1", 30.5, 60),
        ("Chapter 3", 75, 100),
    ]


def test_csv_header_picks_reordered_columns_and_accepts_clock_times():
    text = "Label,Notes,End,Start\nIntro,hi,1:00,0:00\nMain,,1:00:00,1:00\n"
    chapters = resolve_entries(parse_chapters("csv", text), 4000)
    assert [(c.title, c.description, c.start_time, c.end_time) for c in chapters] == [
        ("Intro", "hi", 0, 60),
        ("Main", "", 60, 3600),
    ]


def test_two_column_csv_is_a_marker_list():
    assert imported("csv", "0,Intro\n120,Game\n", 300) == [("Intro", 0, 120), ("Game", 120, 300)]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("hello world\n0,1,x\n", 1, "no start column"),
        ("start,end,title\n0,10,A\n\n10,ten,B\n", 4, "end time 'ten'"),
        ("start,end,title\n0,10,A\n,20,B\n", 3, "start time is empty"),
        ('start,end,title\n0,10,"A\n', 2, "not valid CSV"),
    ],
)
def test_csv_garbage_names_its_line(text, line, words):
    error = refused("csv", text)
    assert error.line == line and words in str(error)


def test_overlapping_rows_name_both_lines():
    error = refused("csv", "start,end,title\n0,20,A\n10,30,B\n")
    assert error.line == 2 and "overlaps the chapter of line 3" in str(error)


def test_end_slightly_past_the_video_is_clamped_but_far_past_is_refused():
    assert imported("csv", "0,100.4,A\n", 100) == [("A", 0, 100)]
    assert refused("csv", "0,10,A\n10,130,B\n", 100).line == 2


# --- JSON and Twitch markers --------------------------------------------------------------
def test_platform_json_and_a_bare_list_of_chapters():
    listed = [
        {"title": "A", "start_time": 0, "end_time": 60, "source": "manual"},
        {"title": "B", "start_time": 60, "end_time": None},
    ]
    assert imported("json", json.dumps({"chapters": listed})) == [("A", 0, 60), ("B", 60, 600)]
    assert imported("json", json.dumps(listed)) == [("A", 0, 60), ("B", 60, 600)]


def test_twitch_helix_markers_response():
    helix = {
        "data": [
            {
                "user_id": "1",
                "user_name": "streamer",
                "videos": [
                    {
                        "video_id": "456",
                        "markers": [
                            {
                                "id": "m2",
                                "created_at": "2026-11-28T20:00:00Z",
                                "description": "Boss fight",
                                "position_seconds": 244,
                                "url": "https://twitch.tv/videos/456?t=0h4m04s",
                            },
                            {
                                "id": "m1",
                                "created_at": "2026-11-28T19:57:00Z",
                                "description": "",
                                "position_seconds": 0,
                                "url": "https://twitch.tv/videos/456?t=0h0m0s",
                            },
                        ],
                    }
                ],
            }
        ],
        "pagination": {},
    }
    text = json.dumps(helix, indent=2)
    assert detect_format(text, "markers.json") == "twitch"
    assert imported("twitch", text) == [("Marker 1", 0, 244), ("Boss fight", 244, 600)]
    assert imported("json", text) == [("Chapter 1", 0, 244), ("Boss fight", 244, 600)]


def test_twitch_bare_marker_list():
    text = json.dumps([{"position_seconds": 10, "description": "a"}, {"position_seconds": 20.5}])
    assert imported("twitch", text, 30) == [("a", 10, 20.5), ("Marker 2", 20.5, 30)]


def test_broken_json_names_the_line():
    error = refused("json", '{\n  "chapters": [\n    {"title": "A",, "start_time": 0}\n  ]\n}')
    assert error.line == 3 and "not valid JSON" in str(error)


def test_a_bad_chapter_entry_names_the_line_it_starts_on():
    text = '{"chapters": [\n  {"title": "A", "start_time": 0, "end_time": 5},\n  {"title": "B"}\n]}'
    error = refused("json", text)
    assert error.line == 3 and "no start_time" in str(error)
    error = refused("json", '[\n{"start_time": 0},\n\n{"start_time": "soon"}]')
    assert error.line == 4 and "must be a number of seconds" in str(error)


def test_json_that_is_not_chapters_is_refused():
    assert "expected a list of chapters" in str(refused("json", '{"hello": 1}'))
    assert "no Twitch markers" in str(refused("twitch", '[{"start_time": 1}]'))


# --- detection ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, filename, fmt",
    [
        (";FFMETADATA1\n", "x.txt", "ffmetadata"),
        ("WEBVTT\n\n", None, "webvtt"),
        ('{"chapters": []}', None, "json"),
        ('[{"position_seconds": 1}]', None, "twitch"),
        ("[1:02] Title\n", None, "youtube"),
        ("0:00 Intro\n", "desc.txt", "youtube"),
        ("start,end,title\n", None, "csv"),
        ("0,,Marker\n", None, "csv"),
        ("12.5,20,Label\n", "segments.txt", "csv"),
        ("anything", "chapters.vtt", "webvtt"),
        ('{"broken": ', None, "json"),
    ],
)
def test_format_is_detected_from_content_then_extension(text, filename, fmt):
    assert detect_format(text, filename) == fmt

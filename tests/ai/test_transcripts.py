"""Transcript import: every supported format, and clear errors for what is not one."""

from __future__ import annotations

import codecs
import json

import pytest

from core.ai.errors import TranscriptError
from core.ai.transcript import parse_transcript, validate_segments

VTT = """WEBVTT

intro
00:00:01.500 --> 00:00:04.000
<v Alice>Hello <b>chat</b></v>

00:00:05.000 --> 00:00:09.250 align:start
second cue
on two lines
"""

SRT = """1
00:00:01,500 --> 00:00:04,000
Hello chat

2
00:00:05,000 --> 00:00:09,250
second cue
on two lines
"""

WHISPER = json.dumps(
    {
        "text": "...",
        "segments": [
            {"id": 0, "start": 1.5, "end": 4.0, "text": " Hello chat"},
            {"id": 1, "start": 5.0, "end": 9.25, "text": " second cue on two lines"},
        ],
    }
)

# whisper.cpp --output-json: times in milliseconds.
WHISPER_CPP = json.dumps(
    {
        "model": {"type": "base"},
        "transcription": [
            {
                "timestamps": {"from": "00:00:01,500", "to": "00:00:04,000"},
                "offsets": {"from": 1500, "to": 4000},
                "text": " Hello chat",
            },
            {
                "timestamps": {"from": "00:00:05,000", "to": "00:00:09,250"},
                "offsets": {"from": 5000, "to": 9250},
                "text": " second cue on two lines",
            },
        ],
    }
)


def words_json(scale: float, key: str) -> list[dict]:
    """Word-level recognisers: cues end at a sentence's end or a pause of a second."""
    words = [(1.5, 2.2, "Hello"), (2.4, 4.0, "chat"), (5.0, 5.5, "second"), (5.6, 6.3, "cue"),
             (6.4, 7.0, "on"), (7.1, 7.9, "two"), (8.0, 9.25, "lines.")]  # fmt: skip
    return [{"start": a * scale, "end": b * scale, key: w, "confidence": 0.9} for a, b, w in words]


ASSEMBLYAI = json.dumps({"text": "...", "words": words_json(1000, "text")})  # milliseconds
DEEPGRAM = json.dumps(
    {"results": {"channels": [{"alternatives": [{"words": words_json(1, "punctuated_word")}]}]}}
)
SBV = """0:00:01.500,0:00:04.000
Hello chat

0:00:05.000,0:00:09.250
second cue
on two lines
"""

TEXT = """[00:00:01] Hello chat
1:05 second line
continued here
(0:01:30) third
"""


@pytest.mark.parametrize(
    "text, name, kind",
    [
        (VTT, "a.vtt", "webvtt"),
        (SRT, "a.srt", "srt"),
        (SRT, "noext", "srt"),
        (WHISPER, "a.json", "json"),
        (WHISPER, "whisper", "json"),
        (WHISPER_CPP, "a.wav.json", "json"),
        (SBV, "captions.sbv", "sbv"),
        (SBV, "noext", "sbv"),
    ],
)
def test_timed_formats_give_the_same_segments(text, name, kind):
    segments, found = parse_transcript(text, name=name)
    assert found == kind
    assert [(s.start, s.end, s.text) for s in segments] == [
        (1.5, 4.0, "Hello chat"),
        (5.0, 9.25, "second cue on two lines"),
    ]


@pytest.mark.parametrize("text", [ASSEMBLYAI, DEEPGRAM], ids=["assemblyai-ms", "deepgram-s"])
def test_word_lists_become_cues_at_pauses_and_sentence_ends(text):
    segments, found = parse_transcript(text, name="words.json")
    assert found == "json"
    assert [(s.start, s.end, s.text) for s in segments] == [
        (1.5, 4.0, "Hello chat"),
        (5.0, 9.25, "second cue on two lines."),
    ]


def test_timestamped_text_lines_end_where_the_next_begins():
    segments, kind = parse_transcript(TEXT, name="notes.txt")
    assert kind == "text"
    assert [(s.start, s.text) for s in segments] == [
        (1, "Hello chat"),
        (65, "second line continued here"),
        (90, "third"),
    ]
    checked = validate_segments(segments, duration=100)
    assert [s.end for s in checked] == [65, 90, 92.0]


@pytest.mark.parametrize(
    "text, name, message",
    [
        ("just some words\nno times at all", "notes.txt", "line 1: no timestamp"),
        ("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nnot a timing\nx\n", "a.srt", "line 6"),
        ("WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nhello\n", "a.vtt", "line 3: bad cue timing"),
        ("WEBVTT\n", "a.vtt", "no cues"),
        (
            '{"segments": [{"start": 1, "end": 2, "text": "a"}, {"start": "x", "end": 3}]}',
            "a.json",
            "segment #2",
        ),
        ('{"segments": [{"start": 1, "text": "a"}]}', "a.json", "missing 'end'"),
        ('{"segments": [', "a.json", "not valid JSON"),
        ('{"result": "ok"}', "a.json", "expected a list of segments.*whisper.cpp"),
        ('{"transcription": [{"text": "a"}]}', "a.json", "transcription #1: expected 'offsets'"),
        ('{"words": [{"start": 1, "end": 2, "text": 3}]}', "a.json", "word #1: text must be"),
        ("0:00:01.000,0:00:02.000\nok\n\n0:00:03.000\nno end\n", "a.sbv", "line 4: expected"),
        ("   ", "a.txt", "empty"),
    ],
)
def test_garbage_is_refused_with_where(text, name, message):
    with pytest.raises(TranscriptError, match=message):
        segments, _ = parse_transcript(text, name=name)
        validate_segments(segments, duration=100, name=name)


def test_times_past_the_vod_are_refused_with_the_line():
    segments, _ = parse_transcript(SRT, name="a.srt")
    with pytest.raises(TranscriptError, match=r"a.srt line 6: starts at 0:05.*past the end"):
        validate_segments(segments, duration=2, name="a.srt")


def test_import_stores_and_replaces_the_transcript(context, clip, tmp_path):
    vod = context.vods.import_file(clip)  # 4 s
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:00,500 --> 00:00:02,000\nhi there\n")
    info = context.ai.import_transcript(vod.id, path)
    assert info.source == "srt:t.srt" and info.word_count == 2
    stored = context.ai.transcript(vod.id)
    assert [(s.start, s.end, s.text) for s in stored.segments] == [(0.5, 2.0, "hi there")]
    assert context.vods.get(vod.id).transcript_source == "srt:t.srt"


def test_a_bad_import_keeps_the_old_transcript(context, clip, tmp_path):
    vod = context.vods.import_file(clip)
    good = tmp_path / "good.txt"
    good.write_text("[0:01] hello")
    context.ai.import_transcript(vod.id, good)
    bad = tmp_path / "bad.txt"
    bad.write_text("[0:01] hello\n[9:00] far past the end of a 4 second clip")
    with pytest.raises(TranscriptError, match="line 2"):
        context.ai.import_transcript(vod.id, bad)
    assert [s.text for s in context.ai.transcript(vod.id).segments] == ["hello"]


def test_binary_file_is_not_a_transcript(context, clip):
    vod = context.vods.import_file(clip)
    with pytest.raises(TranscriptError, match="binary"):
        context.ai.import_transcript(vod.id, clip)


# YouTube's automatic captions as yt-dlp saves them: each cue shows the line before and the
# new one (with word times), and a 10 ms cue between them shows the finished line alone.
YOUTUBE_AUTO_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.350 align:start position:0%
<blank>
hey<00:00:00.480><c> everybody</c><00:00:00.960><c> welcome</c><00:00:01.280><c> back</c>

00:00:02.350 --> 00:00:02.360 align:start position:0%
hey everybody welcome back
<blank>

00:00:02.360 --> 00:00:05.120 align:start position:0%
hey everybody welcome back
today<00:00:02.800><c> we</c><00:00:03.040><c> bake</c><00:00:03.760><c> sourdough</c>

00:00:05.120 --> 00:00:05.130 align:start position:0%
today we bake sourdough
<blank>

00:00:05.130 --> 00:00:08.000 align:start position:0%
today we bake sourdough
first<00:00:05.600><c> the</c><00:00:05.900><c> starter</c>
""".replace("<blank>", " ")
ROLLED = [
    (0.0, 2.35, "hey everybody welcome back"),
    (2.36, 5.12, "today we bake sourdough"),
    (5.13, 8.0, "first the starter"),
]


# The same captions converted to SubRip (yt-dlp --convert-subs srt): no word times.
YOUTUBE_AUTO_SRT = """1
00:00:00,000 --> 00:00:02,350
hey everybody welcome back

2
00:00:02,350 --> 00:00:02,360
hey everybody welcome back

3
00:00:02,360 --> 00:00:05,120
hey everybody welcome back
today we bake sourdough

4
00:00:05,120 --> 00:00:05,130
today we bake sourdough

5
00:00:05,130 --> 00:00:08,000
today we bake sourdough
first the starter
"""


@pytest.mark.parametrize("kind", ["vtt", "srt"])
def test_rolling_auto_captions_give_each_line_once_from_the_cue_that_adds_it(kind):
    text = YOUTUBE_AUTO_VTT if kind == "vtt" else YOUTUBE_AUTO_SRT
    segments, _ = parse_transcript(text, name=f"auto.{kind}")
    assert [(s.start, s.end, s.text) for s in segments] == ROLLED


def test_a_line_said_twice_in_ordinary_captions_stays_twice():
    said_twice = "WEBVTT\n\n" + "\n\n".join(
        f"00:00:0{n}.000 --> 00:00:0{n}.900\n{line}"
        for n, line in enumerate(["is it live?", "yes", "yes", "okay let's start"])
    )
    segments, _ = parse_transcript(said_twice, name="twice.vtt")
    assert [s.text for s in segments] == ["is it live?", "yes", "yes", "okay let's start"]


def test_rolling_captions_import_from_the_cli_with_each_word_once(run_cli, clip_factory, tmp_path):
    vod = run_cli("import", clip_factory(seconds=10)).stdout.strip()
    path = tmp_path / "stream.en.vtt"
    path.write_text(YOUTUBE_AUTO_VTT)
    imported = run_cli("transcript", "import", vod, str(path))
    assert imported.code == 0, imported.stderr
    shown = json.loads(run_cli("transcript", "show", vod, "--json").stdout)
    assert [(s["start"], s["end"], s["text"]) for s in shown["segments"]] == ROLLED


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "latin-1"])
def test_files_saved_by_windows_tools_are_read(context, clip, tmp_path, encoding):
    """Notepad's and Subtitle Edit's "Unicode" is UTF-16 with a byte-order mark."""
    vod = context.vods.import_file(clip)
    path = tmp_path / "café.srt"
    text = "1\r\n00:00:00,500 --> 00:00:02,000\r\nCafé au lait, chat\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)
    info = context.ai.import_transcript(vod.id, path)
    assert [(s.start, s.end, s.text) for s in info.segments] == [(0.5, 2.0, "Café au lait, chat")]

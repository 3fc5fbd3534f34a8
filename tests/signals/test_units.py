"""The signal helpers that need no ffmpeg: peaks, log reading, cut finding, hints."""

from __future__ import annotations

import numpy as np
import pytest

from core.domain.signals import SignalEvent, SignalKind, boundary_hints
from core.domain.waveform import BASE_FRAMES, LEVEL_FACTOR, PeakAccumulator
from core.media.signal_log import LogReader, PassResult
from core.media.signal_refine import WindowFrames, find_cut, static_end, static_start


@pytest.mark.parametrize("chunk", [1, 7, 4096, 100_003])
def test_peaks_do_not_depend_on_how_the_pcm_arrives(chunk):
    rng = np.random.default_rng(5)
    samples = (rng.standard_normal(48000 * 3) * 6000).clip(-32768, 32767).astype("<i2")
    whole = PeakAccumulator(48000, 2)
    whole.feed(samples.tobytes())
    pieces = PeakAccumulator(48000, 2)
    raw = samples.tobytes()
    for offset in range(0, len(raw), chunk * 2 + 1):  # odd sizes split samples in half
        pieces.feed(raw[offset : offset + chunk * 2 + 1])
    first, second = whole.finish(), pieces.finish()
    for a, b in zip(first.levels, second.levels, strict=True):
        assert np.array_equal(a.mins, b.mins) and np.array_equal(a.maxs, b.maxs)
    frames = len(samples) // 2
    assert len(first.levels[0]) == -(-frames // BASE_FRAMES)
    assert first.seconds_covered == pytest.approx(frames / 48000, abs=BASE_FRAMES / 48000)


def test_the_pyramid_can_be_read_while_it_grows():
    accumulator = PeakAccumulator(48000, 1)
    loud = np.full(BASE_FRAMES * LEVEL_FACTOR * 10, 20000, dtype="<i2")
    accumulator.feed(loud.tobytes())
    partial = accumulator.pyramid()
    assert len(partial.levels[0]) == LEVEL_FACTOR * 10
    assert len(partial.levels[1]) == 10
    assert int(partial.levels[0].maxs.max()) == -(-20000 // 256)
    accumulator.feed(np.zeros(BASE_FRAMES, dtype="<i2").tobytes())
    assert len(partial.levels[0]) == LEVEL_FACTOR * 10  # an earlier snapshot never changes
    assert len(accumulator.pyramid().levels[0]) == LEVEL_FACTOR * 10 + 1


def test_log_reader_pairs_edges_and_keeps_keyframe_scores():
    result = PassResult()
    reader = LogReader(result)
    for line in [
        "[Parsed_metadata_5 @ 0x1] frame:0    pts:0       pts_time:0",
        "[Parsed_metadata_5 @ 0x1] lavfi.scd.score=0.000",
        "[Parsed_metadata_5 @ 0x1] frame:1    pts:2       pts_time:2",
        "[Parsed_metadata_5 @ 0x1] lavfi.scd.score=31.5",
        "[silencedetect @ 0x2] silence_start: 12.5",
        "[silencedetect @ 0x2] silence_end: 20 | silence_duration: 7.5",
        "[freezedetect @ 0x3] lavfi.freezedetect.freeze_start: 30",
        "[freezedetect @ 0x3] lavfi.freezedetect.freeze_duration: 40",
        "[freezedetect @ 0x3] lavfi.freezedetect.freeze_end: 70",
        "[blackdetect @ 0x4] black_start:90 black_end:100 black_duration:10",
        "[Parsed_ebur128_2 @ 0x5] t: 0.1  TARGET:-23 LUFS    M: -21.8 S: -22.6     I: -21 LUFS",
        "[Parsed_ebur128_2 @ 0x5] t: 0.2  TARGET:-23 LUFS    M:   nan S: -22.6     I: -21 LUFS",
        "[silencedetect @ 0x2] silence_start: 190",
        "Error while decoding stream #0:0: Invalid data found when processing input",
    ]:
        reader.feed(line + "\n")
    reader.close(200.0)
    assert result.keyframes == [0.0, 2.0] and result.keyframe_scores == [0.0, 31.5]
    assert result.silences == [(12.5, 20.0), (190.0, 200.0)]  # the last runs to the end
    assert result.freezes == [(30.0, 70.0)] and result.blacks == [(90.0, 100.0)]
    assert result.loudness == [-21.8, -120.7]  # a block of digital silence reads nan
    assert "Invalid data" in reader.tail[-1]


def _window(pictures: list[int], fps: float = 10.0, start: float = 50.0) -> WindowFrames:
    frames = []
    for value in pictures:  # textured, and the same picture for the same value
        texture = np.random.default_rng(value).integers(-3, 4, size=(18, 32))
        frame = np.full((18, 32), value, dtype=np.int16) + texture
        frames.append(frame.clip(0, 255).astype(np.uint8))
    times = start + np.arange(len(pictures)) / fps
    return WindowFrames(times, np.stack(frames))


def test_a_cut_is_one_frame_unlike_the_others_motion_is_not():
    cut = _window([40, 42, 44, 46, 200, 202, 204])
    assert find_cut(cut)[0] == pytest.approx(50.4)
    assert find_cut(_window([40, 50, 60, 70, 80, 90, 100])) is None  # steady motion


def test_static_edges_on_the_exact_frame():
    assert static_start(_window([10, 60, 110, 160, 160, 160])) == pytest.approx(50.3)
    assert static_end(_window([160, 160, 160, 90, 30])) == pytest.approx(50.3)


def test_boundary_hints_from_events():
    hints = boundary_hints(
        [
            SignalEvent(SignalKind.STATIC, 0.0, 45.0),
            SignalEvent(SignalKind.SILENCE, 100.0, 103.0),
            SignalEvent(SignalKind.SCENE, 300.0, 300.0, 0.4),
        ]
    )
    assert [(h.time, h.kind) for h in hints] == [
        (0.0, SignalKind.STATIC),
        (45.0, SignalKind.STATIC),
        (103.0, SignalKind.SILENCE),
        (300.0, SignalKind.SCENE),
    ]
    assert hints[1].strength == 1.0 and hints[2].strength == pytest.approx(0.1)
    assert hints[3].strength == 0.4


def test_chapters_from_signals():
    from core.domain.signal_chapters import suggest_chapters

    events = [
        SignalEvent(SignalKind.STATIC, 0.0, 95.0),  # the "starting soon" card
        SignalEvent(SignalKind.SCENE, 95.0, 95.0, 0.5),  # its cut: same boundary
        SignalEvent(SignalKind.SILENCE, 600.0, 615.0),  # talk resumes at 615
        SignalEvent(SignalKind.SILENCE, 900.0, 902.0),  # too short to matter
        SignalEvent(SignalKind.SCENE, 1200.0, 1200.0, 0.45),
        SignalEvent(SignalKind.SCENE, 1204.0, 1204.0, 0.9),  # stronger, 4 s later: wins
        SignalEvent(SignalKind.SCENE, 1500.0, 1500.0, 0.05),  # weak: motion, not a switch
        SignalEvent(SignalKind.STATIC, 2000.0, 2300.0),  # be right back
    ]
    drafts = suggest_chapters(events, 3000.0)
    spans = [(d.start_time, d.end_time, d.title) for d in drafts]
    assert spans == [
        (0.0, 95.0, "Starting soon"),
        (95.0, 615.0, "Segment 1"),
        (615.0, 1204.0, "Segment 2"),
        (1204.0, 2000.0, "Segment 3"),
        (2000.0, 2300.0, "Be right back"),
        (2300.0, 3000.0, "Segment 4"),
    ]
    confidences = [d.confidence_score for d in drafts]
    assert confidences[2] == 0.5  # a 15 s silence: half as sure as a 30 s one
    assert confidences[3] == 0.9 and all(0 <= c <= 1 for c in confidences)
    assert suggest_chapters([SignalEvent(SignalKind.SCENE, 50.0, 50.0, 0.05)], 100.0) == []

"""The analysis finds what the generated recording holds, on the right frames."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from core.domain.signals import AnalysisState, SignalKind
from core.domain.waveform import BASE_FRAMES, LEVEL_FACTOR

from .conftest import BLACK, CUT, SILENCE, STATIC, TONE_PEAK

pytestmark = pytest.mark.media


def _stretches(signals, kind):
    return [(e.start, e.end) for e in signals.of_kind(kind)]


def test_each_signal_is_found_within_a_second(analysed):
    context, vod_id = analysed
    signals = context.signals.load(vod_id)
    assert context.signals.status(vod_id).state == AnalysisState.COMPLETED

    (static,) = [s for s in _stretches(signals, SignalKind.STATIC) if s[1] - s[0] > 20]
    assert static == pytest.approx(STATIC, abs=1.0)
    (silence,) = _stretches(signals, SignalKind.SILENCE)
    assert silence == pytest.approx(SILENCE, abs=1.0)
    (black,) = _stretches(signals, SignalKind.BLACK)
    assert black == pytest.approx(BLACK, abs=1.0)
    cuts = sorted(e.start for e in signals.of_kind(SignalKind.SCENE))
    # the cut between two moving patterns, and the edges of the card and of the black
    for moment in (CUT, *STATIC, *BLACK):
        assert min(abs(cut - moment) for cut in cuts) < 1.0, (moment, cuts)
    assert len(cuts) == 5, cuts  # motion inside a pattern is not a cut


def test_found_within_a_second_in_an_obs_like_encode(context, bframes_clip):
    """x264 veryfast at 30 fps with B-frames and 2.23 s keyframes, as OBS records."""
    vod = context.vods.import_file(bframes_clip)
    signals = context.signals.analyze(vod.id)
    (static,) = [s for s in _stretches(signals, SignalKind.STATIC) if s[1] - s[0] > 20]
    assert static == pytest.approx(STATIC, abs=1.0)
    (black,) = _stretches(signals, SignalKind.BLACK)
    assert black == pytest.approx(BLACK, abs=1.0)
    (silence,) = _stretches(signals, SignalKind.SILENCE)
    assert silence == pytest.approx(SILENCE, abs=1.0)
    cuts = [e.start for e in signals.of_kind(SignalKind.SCENE)]
    assert min(abs(cut - CUT) for cut in cuts) < 0.2  # within the B-frames between two P-frames


def test_edges_land_on_the_frame_not_on_the_keyframe(analysed):
    """Keyframes are 2.3 s apart (…, 179.4, 181.7, …): a keyframe-only answer would be up to
    2.3 s late; the refined one is the cut's own frame (10 fps: 0.1 s)."""
    context, vod_id = analysed
    signals = context.signals.load(vod_id)
    cut = min(signals.of_kind(SignalKind.SCENE), key=lambda e: abs(e.start - CUT))
    assert cut.start == pytest.approx(CUT, abs=0.05)
    assert 0 < cut.score <= 1
    (static,) = [e for e in signals.of_kind(SignalKind.STATIC) if e.duration > 20]
    assert (static.start, static.end) == pytest.approx(STATIC, abs=0.05)


def test_waveform_peaks_match_the_samples(analysed, stream_clip):
    context, vod_id = analysed
    waveform = context.signals.load(vod_id).waveform
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(stream_clip), "-map", "0:a:0", "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    samples = np.frombuffer(decoded, dtype="<i2")
    whole = len(samples) // BASE_FRAMES
    buckets = samples[: whole * BASE_FRAMES].reshape(whole, BASE_FRAMES)
    level0 = waveform.levels[0]
    assert len(level0) == pytest.approx(len(samples) / BASE_FRAMES, abs=1)
    expected_min = np.clip(np.floor_divide(buckets.min(axis=1), 256), -128, 127)
    expected_max = np.clip(-np.floor_divide(-buckets.max(axis=1).astype(int), 256), -128, 127)
    assert np.array_equal(level0.mins[:whole], expected_min)
    assert np.array_equal(level0.maxs[:whole], expected_max)
    # each level above is the envelope of LEVEL_FACTOR buckets of the one below
    for below, level in zip(waveform.levels, waveform.levels[1:], strict=False):
        usable = len(below) // LEVEL_FACTOR
        grouped = below.mins[: usable * LEVEL_FACTOR].reshape(usable, LEVEL_FACTOR)
        assert np.array_equal(level.mins[:usable], grouped.min(axis=1))
        assert len(level) == -(-len(below) // LEVEL_FACTOR)
    # the tone's amplitude where it plays (AAC at 64 kb/s overshoots it by up to ~25 %),
    # nothing where it is muted
    seconds = waveform.bucket_seconds(0)
    loud = slice(int(10 / seconds), int(20 / seconds))
    quiet = slice(int((SILENCE[0] + 1) / seconds), int((SILENCE[1] - 1) / seconds))
    assert TONE_PEAK / 256 <= int(level0.maxs[loud].max()) <= 1.3 * TONE_PEAK / 256
    assert int(level0.maxs[quiet].max()) <= 0 and int(level0.mins[quiet].min()) >= -1


def test_loudness_follows_the_tone_and_the_silence(analysed):
    context, vod_id = analysed
    signals = context.signals.load(vod_id)
    lufs = signals.loudness_lufs()
    rate = signals.loudness_rate
    assert len(lufs) == pytest.approx(200 * rate, abs=rate)
    assert np.median(lufs[int(10 * rate) : int(20 * rate)]) > -30
    assert np.max(lufs[int((SILENCE[0] + 1) * rate) : int((SILENCE[1] - 1) * rate)]) < -70


def test_boundary_hints_for_the_segmenter(analysed):
    context, vod_id = analysed
    hints = context.signals.boundary_hints(vod_id)
    assert hints == sorted(hints, key=lambda h: (h.time, -h.strength))
    kinds_at = {(round(h.time), h.kind) for h in hints}
    assert (round(STATIC[1]), SignalKind.STATIC) in kinds_at  # the card ends: a new segment
    assert (round(SILENCE[1]), SignalKind.SILENCE) in kinds_at  # talk resumes
    assert (round(CUT), SignalKind.SCENE) in kinds_at
    assert all(0.0 <= h.strength <= 1.0 for h in hints)
    card_end = next(h for h in hints if h.kind == SignalKind.STATIC and abs(h.time - 70) < 1)
    assert card_end.strength == 1.0  # 40 s of card: as strong as a stretch gets


def test_audio_only_and_video_only_files(context, clip_factory):
    audio = context.vods.import_file(clip_factory("tone.m4a", seconds=6, video=False))
    signals = context.signals.analyze(audio.id)
    assert signals.waveform is not None and signals.waveform.seconds_covered == pytest.approx(
        6, abs=0.1
    )
    picture = context.vods.import_file(clip_factory("mute.mp4", seconds=6, audio=False))
    signals = context.signals.analyze(picture.id)
    assert signals.waveform is None and signals.loudness is None
    assert context.signals.status(picture.id).state == AnalysisState.COMPLETED


def test_the_offline_segmenter_gets_the_stored_signals_as_hints(analysed, context, clip_factory):
    from core.ai.hints import BoundaryHint as SegmenterHint

    signals_context, vod_id = analysed
    hints = signals_context.ai.signal_hints(vod_id)
    assert all(isinstance(h, SegmenterHint) for h in hints)
    assert {h.kind for h in hints} == {"static", "black", "silence", "scene_cut"}
    assert any(h.kind == "scene_cut" and abs(h.time - CUT) < 1 for h in hints)
    never_analysed = context.vods.import_file(clip_factory("plain.mp4", seconds=4))
    assert context.ai.signal_hints(never_analysed.id) == []


def test_a_long_file_read_in_parts_finds_the_same(monkeypatch, analysed, context, stream_clip):
    """Long files are read in parts at once, one per core. Splitting this one in three (at
    1:06.4, inside the static card, and at 2:13.2, just after the silence) must change
    nothing: same signals, same peaks, same loudness."""
    from core.media import signal_parts

    monkeypatch.setattr(signal_parts, "MIN_PART_SECONDS", 60.0)
    monkeypatch.setattr(signal_parts, "available_cores", lambda: 3)
    layout = signal_parts.StreamLayout(200.0, True, True, 48000, 1, 10.0)
    assert [p.start for p in signal_parts.plan_parts(layout)] == pytest.approx([0, 66.4, 133.2])
    whole_context, whole_id = analysed
    whole = whole_context.signals.load(whole_id)
    vod = context.vods.import_file(stream_clip)
    split = context.signals.analyze(vod.id)
    assert split.stats["keyframes"] == whole.stats["keyframes"]
    for kind in SignalKind:
        mine = sorted((e.start, e.end) for e in split.of_kind(kind))
        theirs = sorted((e.start, e.end) for e in whole.of_kind(kind))
        assert len(mine) == len(theirs), kind
        for a, b in zip(mine, theirs, strict=True):
            assert a == pytest.approx(b, abs=0.15), kind
    for a, b in zip(split.waveform.levels, whole.waveform.levels, strict=True):
        assert np.array_equal(a.mins, b.mins) and np.array_equal(a.maxs, b.maxs)
    assert len(split.loudness) == len(whole.loudness)
    assert np.abs(split.loudness_lufs()[:900] - whole.loudness_lufs()[:900]).max() < 0.05

"""HLS ladders made by real ffmpeg from generated clips, checked with m3u8 and ffprobe."""

from __future__ import annotations

import itertools
from pathlib import Path

import m3u8
import pytest

from core.domain.errors import NotFoundError, StateError, ValidationError
from core.jobs.runner import JobRunner
from core.media.errors import FFmpegMissingError, MediaError

from .conftest import decodes_cleanly, ffprobe_json, keyframe_times

pytestmark = pytest.mark.media


def run_job(context, started: dict) -> dict:
    runner = JobRunner(context.database, context.data_dir, context.settings)
    runner.run_until_idle(until_job=started.job_id, timeout=240)
    return context.transcodes.status(started.video_id, started.job_id)


def check_master(status: dict, *, audio: bool = True) -> m3u8.M3U8:
    """Apple's MUSTs on every variant; video-only variants sharing ONE audio rendition."""
    master = m3u8.load(status.master_playlist)
    assert master.is_variant and master.is_independent_segments
    assert [(m.type, m.group_id, m.uri) for m in master.media] == (
        [("AUDIO", "audio", "audio/playlist.m3u8")] if audio else []
    )
    for variant in master.playlists:
        info = variant.stream_info
        assert info.bandwidth >= info.average_bandwidth > 0
        assert info.codecs.startswith("avc1.") and info.resolution and info.frame_rate
        assert info.audio == ("audio" if audio else None)
    return master


def test_360p_source_makes_only_360p_and_reports_the_skipped_rungs(
    context, clip_factory, import_vod
):
    vod_id = import_vod(clip_factory("sd.mp4", seconds=4, size="640x360", rate=15))
    started = context.transcodes.start(vod_id, allow_copy=False)
    assert started.status == "queued" and started.progress == 0
    assert started.job_id.startswith(f"transcode_{vod_id}_")
    assert started.qualities_requested == ["360p", "720p", "1080p"]

    status = run_job(context, started)
    assert status.status == "completed", status.error
    assert status.progress == 100
    assert status.completed_qualities == ["360p"]
    assert status.skipped_qualities == ["720p", "1080p"]
    assert status.failed_qualities == [] and status.error is None
    assert status.encoder == "libx264"
    (output,) = [o for o in status.outputs if o.status == "completed"]
    assert output.resolution == "640x360" and output.bitrate == "800k"
    skipped = [o for o in status.outputs if o.status == "skipped"]
    assert all("not upscaled" in o.error for o in skipped)

    master = check_master(status)
    (variant,) = master.playlists
    assert variant.stream_info.resolution == (640, 360)
    media = m3u8.load(output.path)
    first_segment = Path(output.path).parent / media.segments[0].uri
    video = ffprobe_json(
        first_segment, "-select_streams", "v:0", "-show_entries", "stream=profile,level"
    )["streams"][0]
    assert video["profile"] == "High"
    assert variant.stream_info.codecs == f"avc1.6400{video['level']:02x},mp4a.40.2"
    assert ffprobe_json(first_segment, "-show_entries", "stream=codec_type")["streams"] == [
        {"codec_type": "video"}
    ]  # the audio is its own rendition
    assert variant.stream_info.frame_rate == pytest.approx(15.0)
    assert media.playlist_type == "vod" and media.is_endlist
    assert len(media.segments) == output.segment_count >= 1
    assert output.size_bytes == sum(
        (Path(output.path).parent / s.uri).stat().st_size for s in media.segments
    )
    ok, errors = decodes_cleanly(Path(status.master_playlist))
    assert ok, errors
    job_dir = Path(status.master_playlist).parent
    assert job_dir == context.data_dir / "hls" / vod_id / started.job_id
    assert not list(job_dir.glob(".partial*"))


def test_two_rungs_share_segment_cuts_and_keyframes(context, clip_factory, import_vod):
    vod_id = import_vod(
        clip_factory("hd.mp4", seconds=13, size="1280x720", rate=10, extra=["-b:v", "8000k"])
    )
    status = run_job(context, context.transcodes.start(vod_id, "360p,720p", preset="ultrafast"))
    assert status.status == "completed", status.error
    assert status.completed_qualities == ["360p", "720p"]
    master = check_master(status)
    assert [v.stream_info.resolution for v in master.playlists] == [(640, 360), (1280, 720)]

    playlists = {o.quality: Path(o.path) for o in status.outputs}
    cuts = {}
    for quality, path in playlists.items():
        media = m3u8.load(str(path))
        durations = [s.duration for s in media.segments]
        assert media.target_duration <= 7
        assert all(d <= 6.5 for d in durations)
        assert durations[:2] == pytest.approx([6.0, 6.0], abs=0.11)
        cuts[quality] = durations
        # Every segment starts with a keyframe, and keyframes fall every 2 s.
        for segment in media.segments:
            first = keyframe_times(path.parent / segment.uri)
            assert first, f"{segment.uri} has no keyframe"
        ok, errors = decodes_cleanly(path)
        assert ok, errors
    assert cuts["360p"] == cuts["720p"]
    assert keyframe_times(playlists["360p"]) == keyframe_times(playlists["720p"])
    assert keyframe_times(playlists["360p"])[:4] == pytest.approx(
        [k * 2.0 + keyframe_times(playlists["360p"])[0] for k in range(4)], abs=0.11
    )


def test_a_rung_the_source_already_fits_is_remuxed(context, clip_factory, import_vod):
    source = clip_factory("fits360.mp4", seconds=4, size="640x360", rate=15, extra=["-b:v", "500k"])
    vod_id = import_vod(source)
    status = run_job(context, context.transcodes.start(vod_id, "360p"))
    assert status.status == "completed", status.error
    (output,) = status.outputs
    assert output.method == "copy"
    assert any("remuxed" in note for note in status.notes)
    ok, errors = decodes_cleanly(Path(output.path))
    assert ok, errors
    check_master(status)


def test_a_remuxed_rung_beside_encoded_ones(context, clip_factory, import_vod):
    """The common stream recording: H.264/AAC with 2 s keyframes at a bitrate that fits the
    top rung, so that rung is remuxed while the lower ones are encoded in the same ffmpeg
    run (which refused the job when the encoder's options reached the stream copy too)."""
    source = clip_factory(
        "fits720.mp4", seconds=6, size="1280x720", rate=15, extra=["-b:v", "1500k", "-bf", "2"]
    )
    vod_id = import_vod(source)
    status = run_job(context, context.transcodes.start(vod_id, "360p,720p", preset="ultrafast"))
    assert status.status == "completed", status.error
    methods = {o.quality: o.method for o in status.outputs}
    assert methods == {"360p": "encode", "720p": "copy"}
    playlists = {o.quality: Path(o.path) for o in status.outputs}
    assert (
        ffprobe_json(playlists["720p"], "-show_streams")["streams"][0]["profile"]
        == ffprobe_json(source, "-select_streams", "v:0", "-show_streams")["streams"][0]["profile"]
    )
    assert keyframe_times(playlists["360p"]) == keyframe_times(playlists["720p"])
    for playlist in playlists.values():
        ok, errors = decodes_cleanly(playlist)
        assert ok, errors
    check_master(status)


@pytest.mark.parametrize("size, expected", [("360x640", "360x640"), ("317x179", "316x178")])
def test_portrait_and_odd_sizes_keep_their_shape_with_even_dimensions(
    context, clip_factory, odd_clip, import_vod, size, expected
):
    source = (
        odd_clip
        if size == "317x179"
        else clip_factory("portrait.mp4", seconds=2, size=size, rate=15)
    )
    vod_id = import_vod(source)
    status = run_job(context, context.transcodes.start(vod_id, "360p,720p", preset="ultrafast"))
    assert status.status == "completed", status.error
    (output,) = [o for o in status.outputs if o.status == "completed"]
    assert output.resolution == expected
    assert status.skipped_qualities == ["720p"]
    if size == "317x179":
        assert any("smaller than every requested rung" in n for n in status.notes)
    (variant,) = check_master(status).playlists
    assert "x".join(map(str, variant.stream_info.resolution)) == expected


def test_names_with_spaces_quotes_and_accents_and_video_only(context, clip_factory, import_vod):
    source = clip_factory("my 'live' \"VOD\" – ünïcode.mp4", seconds=2, size="320x180", audio=False)
    vod_id = import_vod(source)
    status = run_job(context, context.transcodes.start(vod_id, "360p"))
    assert status.status == "completed", status.error
    (variant,) = check_master(status, audio=False).playlists
    assert variant.stream_info.codecs.count(",") == 0  # no audio codec in a video-only file


def test_refusals_are_clear(context, clip, clip_factory, import_vod, monkeypatch):
    vod_id = import_vod(clip)
    with pytest.raises(ValidationError, match="unknown quality"):
        context.transcodes.start(vod_id, "4k")
    with pytest.raises(ValidationError, match="only hls"):
        context.transcodes.start(vod_id, format="dash")
    with pytest.raises(ValidationError, match="unknown priority"):
        context.transcodes.start(vod_id, priority="urgent")
    with pytest.raises(NotFoundError, match="no transcode jobs"):
        context.transcodes.status(vod_id)
    with pytest.raises(StateError, match="no transcode of this VOD has a failed or cancelled 360p"):
        context.transcodes.retry(vod_id, "360p")
    with pytest.raises(ValidationError, match="retry 360p, 720p or 1080p"):
        context.transcodes.retry(vod_id, "480p")
    audio_only = import_vod(clip_factory("voice.m4a", seconds=2, video=False))
    with pytest.raises(MediaError, match="no video stream"):
        context.transcodes.start(audio_only)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FFmpegMissingError):
        context.transcodes.start(vod_id)
    monkeypatch.undo()
    context.vods.set_status(vod_id, "deleted")
    with pytest.raises(StateError, match="must be ready"):
        context.transcodes.start(vod_id)
    assert context.transcodes.list_jobs(vod_id) == []


def test_high_priority_jobs_are_claimed_first(context, clip, import_vod):
    from core.jobs.queue import claim_next

    vod_id = import_vod(clip)
    first = context.transcodes.start(vod_id, "360p").job_id
    second = context.transcodes.start(vod_id, "360p").job_id
    urgent = context.transcodes.start(vod_id, "360p", priority="high").job_id
    assert len({first, second, urgent}) == 3
    order = [claim_next(context.database, "test:1:x") for _ in range(4)]
    assert order == [urgent, first, second, None]


def test_unwritable_output_fails_the_job_with_the_reason(context, clip, import_vod):
    vod_id = import_vod(clip)
    (context.data_dir / "hls").write_text("not a folder")
    status = run_job(context, context.transcodes.start(vod_id, "360p"))
    assert status.status == "failed"
    assert "cannot write HLS output" in status.error
    assert status.failed_qualities == ["360p"]
    assert status.master_playlist is None


def test_hardware_encoder_that_cannot_run_falls_back_to_libx264(
    context, clip, import_vod, monkeypatch
):
    monkeypatch.setenv("VODSTUDIO_HW_ENCODER", "h264_nvenc")
    vod_id = import_vod(clip)
    status = run_job(context, context.transcodes.start(vod_id, "360p"))
    assert status.status == "completed", status.error
    if status.encoder != "h264_nvenc":
        assert status.encoder == "libx264"
        assert any("h264_nvenc" in note and "libx264" in note for note in status.notes)


def test_fragmented_mp4_keeps_its_exact_frame_rate(context, clip_factory, import_vod):
    """OBS's hybrid MP4 is fragmented: ffprobe's average rate comes out at 59.65 for 60 fps
    here. The VOD and every variant say 60, and all frames are kept."""
    source = clip_factory(
        "hybrid.mp4",
        seconds=4,
        size="640x360",
        rate=60,
        extra=["-movflags", "frag_keyframe+empty_moov+default_base_moof"],
    )
    info = context.vods.get(import_vod(source))
    assert info.fps == 60.0
    status = run_job(
        context, context.transcodes.start(info.id, "360p", allow_copy=False, preset="ultrafast")
    )
    assert status.status == "completed", status.error
    (variant,) = check_master(status).playlists
    assert variant.stream_info.frame_rate == 60.0
    (output,) = status.outputs
    frames = ffprobe_json(
        Path(output.path),
        "-select_streams",
        "v:0",
        "-count_frames",
        "-show_entries",
        "stream=nb_read_frames",
    )["streams"][0]
    # ffmpeg's constant-rate output may repeat the last picture once; nothing is resampled.
    assert int(frames["nb_read_frames"]) in (240, 241)


def test_variable_frame_rate_source_gets_constant_rate_and_a_regular_gop(
    context, clip_factory, import_vod
):
    source = clip_factory(
        "vfr.mp4",
        seconds=6,
        size="320x180",
        rate=30,
        extra=["-vf", r"select='lt(t\,2)+not(mod(n\,3))'", "-fps_mode", "vfr"],
    )
    info = context.vods.get(import_vod(source))
    status = run_job(context, context.transcodes.start(info.id, "360p"))
    assert status.status == "completed", status.error
    (output,) = [o for o in status.outputs if o.status == "completed"]
    keyframes = keyframe_times(Path(output.path))
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(keyframes)]
    assert gaps and all(abs(gap - 2.0) <= 0.15 for gap in gaps), keyframes
    (variant,) = check_master(status).playlists
    assert variant.stream_info.frame_rate > 0


def test_hardware_encoder_failing_mid_run_restarts_with_libx264(
    context, clip, import_vod, monkeypatch
):
    """The trial encode passed (faked here: this machine has no NVIDIA card), but the real
    run fails: the job restarts on libx264 and says so."""
    from core.media import encoders

    real_check = encoders.check_encoder
    monkeypatch.setattr(
        encoders,
        "check_encoder",
        lambda name: (
            encoders.EncoderCheck(name, True) if name == "h264_nvenc" else real_check(name)
        ),
    )
    if real_check("h264_nvenc").usable:
        pytest.skip("this machine really has NVENC")
    monkeypatch.setenv("VODSTUDIO_HW_ENCODER", "h264_nvenc")
    vod_id = import_vod(clip)
    status = run_job(context, context.transcodes.start(vod_id, "360p"))
    assert status.status == "completed", status.error
    assert status.encoder == "libx264"
    assert any(note.startswith("h264_nvenc failed while encoding") for note in status.notes)

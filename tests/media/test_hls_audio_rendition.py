"""The ladder's audio as ONE separate HLS rendition (Apple's authoring spec 9.5, 8.9, 8.10):
video-only variants, one ``EXT-X-MEDIA`` audio group, bandwidths that include the audio,
reuse of the audio by a later run, and real players (ffprobe, the m3u8 parser, libVLC)
reading the result."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import m3u8
import pytest

from core.jobs.executor import LocalLadderExecutor, TranscodeSpec
from core.media.audio_rendition import find_audio_rendition
from core.media.hls_master import write_master
from core.media.hls_segments import measure_segments
from core.media.language_tags import hls_language, language_name

from .conftest import decodes_cleanly, ffprobe_json

pytestmark = pytest.mark.media


def run_ladder_job(
    source: Path,
    output: Path,
    qualities: tuple[str, ...],
    *,
    allow_copy: bool = False,
    preset: str = "ultrafast",
) -> m3u8.M3U8:
    outcome = LocalLadderExecutor().execute(
        TranscodeSpec(
            "job",
            str(source),
            str(output),
            qualities,
            encoder_preference="libx264",
            allow_copy=allow_copy,
            preset=preset,
        ),
        lambda fraction, label: None,
        threading.Event(),
    )
    assert not outcome.failed, outcome.failed
    return m3u8.load(str(write_master(outcome.renditions, output)))


def stream_types(path: Path) -> list[str]:
    data = ffprobe_json(path, "-show_entries", "stream=codec_type")
    return sorted(s["codec_type"] for s in data["streams"])


def segment_files(playlist: Path) -> list[Path]:
    return [playlist.parent / s.uri for s in m3u8.load(str(playlist)).segments]


@pytest.fixture(scope="module")
def two_rung_source(tmp_path_factory) -> Path:
    from tests.conftest import make_clip

    target = tmp_path_factory.mktemp("audio_src") / "english.mp4"
    return make_clip(
        target, seconds=13, size="1280x720", rate=10, extra=["-metadata:s:a:0", "language=eng"]
    )


@pytest.fixture(scope="module")
def two_rung_ladder(two_rung_source, tmp_path_factory) -> tuple[Path, m3u8.M3U8]:
    output = tmp_path_factory.mktemp("audio_ladder") / "hls"
    return output, run_ladder_job(two_rung_source, output, ("360p", "720p"))


def test_language_tags_become_rfc_5646():
    assert [hls_language(t) for t in ("eng", "fre", "fra", "ger", "en-US", "pt_BR")] == [
        "en",
        "fr",
        "fr",
        "de",
        "en-US",
        "pt-BR",
    ]
    assert [hls_language(t) for t in (None, "", "und", "12", "a b")] == ["und"] * 5
    assert hls_language("tlh") == "tlh"  # no two-letter code: the ISO 639 code stays
    assert (language_name("fr"), language_name("und")) == ("French", "Audio")


def test_variants_are_video_only_and_share_one_audio_rendition(two_rung_ladder):
    output, master = two_rung_ladder
    assert master.is_variant and master.is_independent_segments
    (audio,) = master.media
    assert (audio.type, audio.group_id, audio.name, audio.language) == (
        "AUDIO",
        "audio",
        "English",
        "en",
    )
    assert (audio.default, audio.autoselect, audio.channels) == ("YES", "YES", "2")
    assert audio.uri == "audio/playlist.m3u8"
    assert sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) == [
        "360p",
        "720p",
        "audio",
        "master.m3u8",
    ]

    audio_playlist = output / "audio" / "playlist.m3u8"
    measured_audio = measure_segments(audio_playlist, "audio")
    assert [p.stream_info.resolution for p in master.playlists] == [(640, 360), (1280, 720)]
    for variant in master.playlists:
        info = variant.stream_info
        assert info.audio == "audio"
        assert info.codecs.startswith("avc1.") and info.codecs.endswith(",mp4a.40.2")
        assert info.frame_rate == pytest.approx(10.0)
        playlist = output / variant.uri
        for segment in segment_files(playlist):
            assert stream_types(segment) == ["video"], f"{segment} carries audio"
        video = measure_segments(playlist, variant.uri)
        # Apple 9.13: BANDWIDTH is the largest sum of peak segment bitrates of what plays
        # together, AVERAGE-BANDWIDTH likewise with the averages.
        assert info.bandwidth == video.peak_bandwidth + measured_audio.peak_bandwidth
        assert info.average_bandwidth == (
            video.average_bandwidth + measured_audio.average_bandwidth
        )
        assert info.bandwidth >= info.average_bandwidth

    media = m3u8.load(str(audio_playlist))
    video_media = m3u8.load(str(output / "360p" / "playlist.m3u8"))
    assert media.is_endlist and media.playlist_type == "vod"
    assert media.target_duration == video_media.target_duration == 6  # Apple 8.2
    durations = [s.duration for s in media.segments]
    assert all(abs(d - 6.0) < 0.03 for d in durations[:-1]), durations
    assert sum(durations) == pytest.approx(13.0, abs=0.1)
    for segment in segment_files(audio_playlist):
        assert stream_types(segment) == ["audio"]
    (stream,) = ffprobe_json(
        segment_files(audio_playlist)[0], "-show_entries", "stream=codec_name,profile,sample_rate"
    )["streams"]
    assert (stream["codec_name"], stream["profile"], stream["sample_rate"]) == (
        "aac",
        "LC",
        "48000",
    )


def test_ffprobe_reads_the_master_with_video_and_audio(two_rung_ladder):
    output, _ = two_rung_ladder
    master = output / "master.m3u8"
    data = ffprobe_json(master, "-show_entries", "stream=codec_type,codec_name:program=")
    for program in data["programs"]:
        assert sorted(s["codec_type"] for s in program["streams"]) == ["audio", "video"]
    ok, errors = decodes_cleanly(master)
    assert ok, errors


def video_minus_audio_start(output: Path, quality: str = "360p") -> float:
    video = ffprobe_json(
        segment_files(output / quality / "playlist.m3u8")[0],
        "-show_entries",
        "packet=pts_time",
        "-select_streams",
        "v:0",
    )
    audio = ffprobe_json(
        segment_files(output / "audio" / "playlist.m3u8")[0],
        "-show_entries",
        "packet=pts_time",
        "-select_streams",
        "a:0",
    )
    first_video = min(float(p["pts_time"]) for p in video["packets"])
    first_audio = min(float(p["pts_time"]) for p in audio["packets"])
    return first_video - first_audio


def test_audio_and_video_start_together(two_rung_ladder):
    """The first video frame and the first audible audio sample (after the AAC encoder's
    1024-sample priming) are at the same time, as in the source."""
    output, _ = two_rung_ladder
    for quality in ("360p", "720p"):
        assert video_minus_audio_start(output, quality) == pytest.approx(1024 / 48000, abs=0.002)


def test_libvlc_plays_the_master_with_its_audio_track(two_rung_ladder):
    """The GUI preview plays the master in libVLC: it must pick the audio rendition."""
    vlc = pytest.importorskip("vlc")
    output, _ = two_rung_ladder
    try:
        instance = vlc.Instance(
            ["--quiet", "--no-video-title-show", "--vout=dummy", "--aout=dummy", "--no-xlib"]
        )
    except Exception as error:  # libvlc itself missing
        pytest.skip(f"libVLC is not usable here: {error}")
    if instance is None:
        pytest.skip("libVLC is not usable here")
    player = instance.media_player_new()
    media = instance.media_new_path(str(output / "master.m3u8"))
    player.set_media(media)
    player.play()
    try:
        deadline = time.monotonic() + 20
        seen_times = []
        while time.monotonic() < deadline:
            time.sleep(0.2)
            seen_times.append(player.get_time())
            if player.audio_get_track_count() > 1 and max(seen_times) > 1500:
                break
        assert player.get_state() == vlc.State.Playing, player.get_state()
        tracks = player.audio_get_track_description()
        assert any(track_id >= 0 and b"English" in name for track_id, name in tracks), tracks
        assert player.audio_get_track() >= 0, "no audio track selected"
        assert max(seen_times) > 1500, seen_times
    finally:
        player.stop()
        player.release()
        instance.release()


def test_a_later_run_reuses_the_audio_and_remakes_it_when_missing(clip_factory, tmp_path):
    source = clip_factory("reuse.mp4", seconds=4, size="320x180", rate=15)
    output = tmp_path / "hls"
    # veryfast: B-frames delay the video's first decode time, ultrafast (above) has none;
    # either way video made by a later run must keep its timing against the kept audio
    run_ladder_job(source, output, ("360p",), preset="veryfast")
    first = segment_files(output / "audio" / "playlist.m3u8")[0].stat()
    assert video_minus_audio_start(output) == pytest.approx(1024 / 48000, abs=0.002)

    master = run_ladder_job(source, output, ("360p",))  # a retry of the quality
    again = segment_files(output / "audio" / "playlist.m3u8")[0].stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert len(master.media) == 1 and not list(output.glob(".partial*"))
    # the new video keeps the timing of the kept audio
    assert video_minus_audio_start(output) == pytest.approx(1024 / 48000, abs=0.002)

    import shutil

    shutil.rmtree(output / "audio")
    master = run_ladder_job(source, output, ("360p",))
    (_audio,) = master.media
    assert find_audio_rendition(output).segment_count == 1
    assert master.playlists[0].stream_info.audio == "audio"


def test_another_sources_audio_is_never_reused(clip_factory, tmp_path):
    output = tmp_path / "hls"
    run_ladder_job(clip_factory("first.mp4", seconds=4, size="320x180", rate=15), output, ("360p",))
    other = clip_factory("other.mp4", seconds=2, size="320x180", rate=15)
    master = run_ladder_job(other, output, ("360p",))
    assert find_audio_rendition(output).duration == pytest.approx(2.0, abs=0.1)
    assert len(master.media) == 1

    silent = clip_factory("silent.mp4", seconds=2, size="320x180", rate=15, audio=False)
    master = run_ladder_job(silent, output, ("360p",))
    assert not (output / "audio").exists()
    assert len(master.media) == 0
    assert master.playlists[0].stream_info.audio is None
    assert "AUDIO" not in (output / "master.m3u8").read_text()


def test_source_without_audio_has_no_audio_group(clip_factory, tmp_path):
    output = tmp_path / "hls"
    master = run_ladder_job(
        clip_factory("mute.mp4", seconds=2, size="320x180", audio=False), output, ("360p",)
    )
    assert len(master.media) == 0 and "EXT-X-MEDIA" not in (output / "master.m3u8").read_text()
    (variant,) = master.playlists
    assert variant.stream_info.audio is None and "," not in variant.stream_info.codecs
    assert not (output / "audio").exists()


def test_a_remuxed_rung_shares_the_audio_rendition(clip_factory, tmp_path):
    """A copy rung does not carry its own audio: the audio is the one rendition, copied
    when the source's is AAC-LC stereo already, else encoded to stereo 48 kHz."""
    stereo = clip_factory(
        "fits_stereo.mp4", seconds=4, size="640x360", rate=15, extra=["-b:v", "500k", "-ac", "2"]
    )
    mono = clip_factory("fits_mono.mp4", seconds=4, size="640x360", rate=15, extra=["-b:v", "500k"])
    for source, bitrate in ((stereo, 96_000), (mono, 128_000)):
        output = tmp_path / source.stem
        master = run_ladder_job(source, output, ("360p",), allow_copy=True)
        (audio,) = master.media
        assert audio.channels == "2"
        (variant,) = master.playlists
        assert variant.stream_info.audio == "audio"
        assert stream_types(segment_files(output / "360p" / "playlist.m3u8")[0]) == ["video"]
        (iframes,) = master.iframe_playlists  # the remuxed keyframes are found too
        assert len(m3u8.load(str(output / iframes.uri)).segments) == 2
        audio_stream = ffprobe_json(
            segment_files(output / "audio" / "playlist.m3u8")[0],
            "-show_entries",
            "stream=channels,sample_rate",
        )
        assert audio_stream["streams"][0]["channels"] == 2
        measured = find_audio_rendition(output)
        # copied: the source's 96 kbit/s; encoded: the ladder's 128 kbit/s (plus TS overhead)
        assert bitrate < measured.average_bandwidth < bitrate * 1.4


def test_a_job_whose_audio_rendition_vanished_is_not_completed(context, clip_factory, import_vod):
    """Variants without the audio they point to would play silent: the job fails those
    qualities (a retry makes the audio again) and leaves no master behind."""
    import shutil

    from core.jobs.runner import JobRunner

    class LosesTheAudio(LocalLadderExecutor):
        def execute(self, spec, progress, cancel):
            outcome = super().execute(spec, progress, cancel)
            shutil.rmtree(Path(spec.output_dir) / "audio")
            return outcome

    vod_id = import_vod(clip_factory("vanishing.mp4", seconds=2, size="320x180", rate=15))
    started = context.transcodes.start(vod_id, "360p", preset="ultrafast")
    JobRunner(
        context.database, context.data_dir, context.settings, executor=LosesTheAudio()
    ).run_until_idle(until_job=started.job_id, timeout=120)
    status = context.transcodes.status(vod_id, started.job_id)
    assert status.status == "failed" and status.failed_qualities == ["360p"]
    assert "audio rendition is missing" in status.error
    assert status.master_playlist is None

    retried = context.transcodes.retry(vod_id, "360p", preset="ultrafast")
    JobRunner(context.database, context.data_dir, context.settings).run_until_idle(
        until_job=retried.job_id, timeout=120
    )
    status = context.transcodes.status(vod_id, retried.job_id)
    assert status.status == "completed", status.error
    assert len(m3u8.load(status.master_playlist).media) == 1

"""Helpers of the resume tests: the real CLI as a process, the process table, the ladder's
work folder and the checks every finished ladder must pass."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import m3u8

from tests.farm import hls_checks

REPO = Path(__file__).resolve().parents[2]
VIDEO_RUNGS = ("360p", "720p")


def cli(data_dir: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


def _as_in_a_terminal() -> None:  # runs in the child before exec
    # A test run started in the background inherits SIGINT ignored (POSIX shells do that
    # to background jobs); a command typed in a terminal has it as default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cli_process(data_dir: Path, *args: str) -> subprocess.Popen:
    """The CLI in a session of its own, as a terminal runs it: ``os.killpg`` then sends a
    signal to it and to every child it put in its group, as Ctrl-C does."""
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        start_new_session=True,
        preexec_fn=_as_in_a_terminal,
    )


def wait_for(predicate, timeout: float = 300.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def ffmpeg_processes(marker: str | Path) -> list[str]:
    """Command lines of the live ffmpeg processes whose arguments mention ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z" or not command or not command[0].endswith(b"ffmpeg"):
            continue
        text = " ".join(part.decode("utf-8", "replace") for part in command)
        if str(marker) in text:
            found.append(text)
    return found


def assert_no_ffmpeg_left(marker: str | Path) -> None:
    """Children die with their parent: within moments, none writes into ``marker``."""
    try:
        wait_for(lambda: not ffmpeg_processes(marker), 10, "ffmpeg to die with its parent")
    except AssertionError:
        raise AssertionError(f"ffmpeg outlived its parent: {ffmpeg_processes(marker)}") from None


def job_status(data_dir: Path, vod_id: str) -> dict:
    import json

    done = cli(data_dir, "transcode", "status", vod_id, "--json")
    return json.loads(done.stdout) if done.returncode == 0 else {}


def work_segments(output_dir: Path, name: str) -> list[Path]:
    """Segments the running ladder lists as finished for rendition ``name``."""
    folder = output_dir / ".ladder" / name
    listed = []
    for playlist in ("kept.m3u8", "run.m3u8"):
        try:
            listed += [folder / s.uri for s in m3u8.load(str(folder / playlist)).segments]
        except (OSError, ValueError):
            continue
    return [p for p in dict.fromkeys(listed) if p.is_file()]


def identities(files: list[Path]) -> dict[str, tuple[int, int]]:
    """name → (inode, mtime): a file kept through a resume keeps both."""
    found = {}
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue
        found[file.name] = (stat.st_ino, stat.st_mtime_ns)
    return found


def kept_fraction(
    before: dict[str, dict[str, tuple[int, int]]], output_dir: Path, qualities=VIDEO_RUNGS
) -> float:
    """The share of the final video segments that are the very files made before the stop
    (the smallest share over ``qualities``)."""
    shares = []
    for quality in qualities:
        final = sorted((output_dir / quality).glob("seg_*.ts"))
        now = identities(final)
        kept = sum(1 for name, ident in before.get(quality, {}).items() if now.get(name) == ident)
        shares.append(kept / len(final))
    return min(shares)


def job_folder(data_dir: Path) -> Path | None:
    """The output folder of the one job started in ``data_dir`` (once it exists)."""
    folders = list((data_dir / "hls").glob("*/*/")) if (data_dir / "hls").exists() else []
    return max(folders, key=lambda f: f.stat().st_mtime) if folders else None


def assert_like_uninterrupted(output_dir: Path, reference_dir: Path, source: Path) -> None:
    """The hls_checks of a finished ladder, and every media playlist the same, line for
    line, as the one an uninterrupted job wrote (segment count and durations, audio too)."""
    rate = hls_checks.ffprobe_json(
        "-select_streams", "v:0", "-show_entries", "stream=r_frame_rate", str(source)
    )["streams"][0]["r_frame_rate"]
    info_fps = float(Fraction(rate))
    duration = float(
        hls_checks.ffprobe_json("-show_entries", "format=duration", str(source))["format"][
            "duration"
        ]
    )
    hls_checks.assert_master(output_dir / "master.m3u8", list(VIDEO_RUNGS))
    for quality in VIDEO_RUNGS:
        hls_checks.assert_joined_rung(
            output_dir / quality / "playlist.m3u8", source, info_fps, duration
        )
    for name in (*VIDEO_RUNGS, "audio"):
        ours = (output_dir / name / "playlist.m3u8").read_text()
        reference = (reference_dir / name / "playlist.m3u8").read_text()
        assert ours == reference, f"{name} playlist differs from an uninterrupted run's"
    ours = hls_checks.audio_rendition_packets(output_dir / "audio" / "playlist.m3u8")
    reference = hls_checks.audio_rendition_packets(reference_dir / "audio" / "playlist.m3u8")
    assert ours == reference, "audio timestamps differ from an uninterrupted run's"
    for quality in VIDEO_RUNGS:
        ours = hls_checks.video_frames(output_dir / quality / "playlist.m3u8")
        reference = hls_checks.video_frames(reference_dir / quality / "playlist.m3u8")
        assert (ours.times, ours.keyframes) == (reference.times, reference.keyframes)
    assert not list(output_dir.glob(".ladder")), "the work folder is gone once all is done"

"""Shared fixtures: data directories, generated media clips, and running the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never reach a real keyring, platform or OpenAI: each test sets what it needs.
for variable in (
    "VODSTUDIO_API_URL",
    "VODSTUDIO_API_TOKEN",
    "VODSTUDIO_PROJECT_ID",
    "VODSTUDIO_STREAM_API_URL",
    "VODSTUDIO_STREAM_ACCOUNT_ID",
    "VODSTUDIO_STREAM_API_TOKEN",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "VODSTUDIO_BROKER_URL",
    "VODSTUDIO_DATA_DIR",
):
    os.environ.pop(variable, None)
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
# The hundreds of CLI processes the tests start keep their compiled modules, instead of each
# compiling the whole project again where the environment says not to write bytecode.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

CLIP_CACHE: dict[tuple, Path] = {}

# --- test lanes -------------------------------------------------------------------------------
# Every test is marked from its folder and from the fixtures it uses (directly or through other
# fixtures), so a new test lands in the right lane without anyone marking it:
#   media  real ffmpeg/ffprobe on generated clips     gui   real widgets (pytest-qt)
#   farm   Redis and Celery workers                    http  a counterpart server on 127.0.0.1
#   slow   starts the CLI (or another Python) as a subprocess
#   fast   none of media, gui, farm or slow: `pytest -m fast`, the lane to run while editing
LANE_FOLDERS = {"media": "media", "gui": "gui", "farm": "farm", "platform": "http"}
LANE_FIXTURES = {
    "clip_factory": "media",
    "qtbot": "gui",
    "qapp": "gui",
    "redis_url": "farm",
    "emulator": "http",
    "tus": "http",
    "stub": "http",
    "run_cli": "slow",
    "cli": "slow",
}
SLOW_LANES = {"media", "gui", "farm", "slow"}


def pytest_collection_modifyitems(config, items) -> None:
    tests_root = Path(__file__).parent
    for item in items:
        lanes = {marker.name for marker in item.iter_markers()} & (SLOW_LANES | {"http"})
        folder = Path(item.path).relative_to(tests_root).parts[0]
        if folder in LANE_FOLDERS:
            lanes.add(LANE_FOLDERS[folder])
        lanes |= {lane for name, lane in LANE_FIXTURES.items() if name in item.fixturenames}
        if not lanes & SLOW_LANES:
            lanes.add("fast")
        for lane in sorted(lanes):
            item.add_marker(lane)
        # Under pytest-xdist (`--dist loadgroup`) a file's tests stay on one worker, so its
        # module fixtures run once; the farm's files share one Redis and two Celery workers.
        group = "farm" if "farm" in lanes else str(Path(item.path).relative_to(tests_root))
        item.add_marker(pytest.mark.xdist_group(group))


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def make_clip(
    path: Path,
    *,
    seconds: float = 4.0,
    size: str = "320x180",
    rate: int = 30,
    audio: bool = True,
    video: bool = True,
    codec: str = "libx264",
    extra: list[str] | None = None,
) -> Path:
    """A test clip made by ffmpeg from lavfi sources (never a checked-in binary)."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    if video:
        command += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    if video:
        command += ["-c:v", codec, "-pix_fmt", "yuv420p"]
        if codec == "libx264":
            command += ["-preset", "ultrafast", "-g", str(rate * 2)]
    if audio:
        command += ["-c:a", "aac", "-b:a", "96k"]
    command += (extra or []) + [str(path)]
    subprocess.run(command, check=True)
    return path


@pytest.fixture(scope="session")
def clip_factory(tmp_path_factory):
    """``clip_factory(seconds=4, size="320x180", ...)`` → a cached generated clip."""
    if not ffmpeg_available():
        pytest.fail("ffmpeg/ffprobe are not installed: run bash packaging/install-system-deps.sh")
    folder = tmp_path_factory.mktemp("clips")

    def factory(name: str = "clip.mp4", **options) -> Path:
        key = (name, tuple(sorted((k, str(v)) for k, v in options.items())))
        if key not in CLIP_CACHE:
            target = folder / f"{len(CLIP_CACHE)}_{name}"
            CLIP_CACHE[key] = make_clip(target, **options)
        return CLIP_CACHE[key]

    return factory


@pytest.fixture
def clip(clip_factory) -> Path:
    return clip_factory()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    return directory


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(data_dir):
    """Run the real ``vodstudio`` command in a subprocess against ``data_dir``."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> CliResult:
        command = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]
        environment = {**os.environ, **(env or {})}
        completed = subprocess.run(
            command, capture_output=True, text=True, env=environment, timeout=timeout
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def context(data_dir):
    from app.context import AppContext

    ctx = AppContext(data_dir)
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread(request):
    """Widget tests collect garbage on the GUI thread only, as the app does
    (ui/gc_on_gui_thread.py: a collection in a worker thread can deadlock with Qt)."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from ui.gc_on_gui_thread import GuiThreadGarbageCollector

    collector = GuiThreadGarbageCollector(request.getfixturevalue("qapp"))
    collector.start()
    yield
    collector.stop()
    collector.deleteLater()

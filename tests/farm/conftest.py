"""A real farm for the tests: redis-server on a free 127.0.0.1 port (no persistence) and
two real Celery workers started with ``vodstudio worker`` as subprocesses, sharing one data
directory (the "shared storage" of a real farm is simply this machine's disk here)."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Short enough that a lost chunk comes back within the test, long enough that a healthy
#: chunk (a few seconds here) is never handed out twice.
VISIBILITY_TIMEOUT = "30"


def _dies_with_this_process(signal_number: int):
    """A pre-exec hook: the kernel sends ``signal_number`` to the child when the test run
    that started it dies (even by kill -9), so no Redis or Celery worker outlives it."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def hook() -> None:
        prctl(1, signal_number)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the run died before prctl took effect
            os._exit(1)

    return hook


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: run bash packaging/install-system-deps.sh")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_dies_with_this_process(signal.SIGKILL),
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"redis-server did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


@dataclass
class Farm:
    url: str
    data_dir: Path
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def start(self, name: str) -> None:
        log = self.data_dir / f"{name}.log"
        env = {
            **os.environ,
            "VODSTUDIO_FARM_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
            "PYTHONPATH": str(REPO),
        }
        self.workers[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "--data-dir",
                str(self.data_dir),
                "worker",
                "--broker",
                self.url,
                "--name",
                name,
                "--loglevel",
                "info",
            ],
            cwd=REPO,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # SIGTERM, not SIGKILL: a worker's warm shutdown stops its pool and their ffmpeg.
            preexec_fn=_dies_with_this_process(signal.SIGTERM),
        )  # its own process group: kill() takes its pool and ffmpeg
        self.logs[name] = log

    def wait_online(self, names: list[str], timeout: float = 60) -> None:
        from core.jobs.farm.status import farm_status

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            online = {w.name for w in farm_status(self.url, timeout=0.5).workers if w.online}
            if set(names) <= online:
                return
            for name in names:
                if self.workers[name].poll() is not None:
                    pytest.fail(f"worker {name} exited: {self.logs[name].read_text()[-2000:]}")
            time.sleep(0.3)
        pytest.fail(f"workers {names} not online after {timeout} s")

    def kill(self, name: str) -> None:
        """SIGKILL the whole worker (main process, pool and ffmpeg): a machine dying."""
        process = self.workers[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.workers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


WORKER_NAMES = ("w1@farm", "w2@farm")


@pytest.fixture(scope="session")
def farm_module(redis_url, tmp_path_factory):
    shared = tmp_path_factory.mktemp("shared-data")
    farm = Farm(redis_url, shared)
    try:
        for name in WORKER_NAMES:
            farm.start(name)
        yield farm
    finally:
        farm.stop_all()


@pytest.fixture
def farm(farm_module):
    """Two live workers named ``w1@farm`` and ``w2@farm`` (a worker killed by an earlier test
    is started again). Tests use their own job ids, so they don't see each other's work."""
    for name in WORKER_NAMES:
        if farm_module.workers[name].poll() is not None:
            farm_module.start(name)
    farm_module.wait_online(list(WORKER_NAMES))
    return farm_module

"""Syncing many chapter changes over a slow link (run by hand, not collected by pytest).

    .venv/bin/python -m tests.bench.bench_sync [--changes 1000] [--rtt-ms 100]
        [--connections 16] [--rounds 1] [--skip-baseline]

The platform emulator and a latency proxy (adds ``--rtt-ms`` to every round trip) run in
their own processes on 127.0.0.1; the app syncs through the proxy. Each round times, for the
app as configured (``--connections`` requests in flight) and for the sequential baseline
(one request at a time, as before), two syncs of ``--changes`` changes: creating that many
chapters, then renaming all of them. Rounds alternate which goes first. ``--floor`` also
times the same requests sent bare (plain httpx threads, no app) at the same concurrency:
the least any client gets from this server on this machine. Target: 1,000 changes in at
most 10 s at 100 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def start(module: str, *args: str) -> tuple[subprocess.Popen, int]:
    from tests.counterparts.platform_emulator import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), *args], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_control/videos", timeout=1)
            return process, port
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{module} did not start")


def remote_vod(emulator_url: str, duration: float) -> str:
    headers = {"Authorization": "Bearer token-alice"}
    answer = httpx.post(
        f"{emulator_url}/api/v1/vod/upload",
        json={"cloudflare_video_id": "bench", "title": "bench"},
        headers=headers,
    )
    answer.raise_for_status()
    vod_id = answer.json()["vod"]["id"]
    httpx.post(f"{emulator_url}/_control/videos/{vod_id}", json={"duration": duration})
    return vod_id


def one_run(work: Path, emulator_url: str, count: int, connections: int) -> dict[str, tuple]:
    """Times of a create sync and a rename sync of ``count`` chapters, in a fresh data dir."""
    from app.context import AppContext
    from core.domain.chapters import Chapter
    from core.store.models import Vod, new_id

    os.environ["VODSTUDIO_SYNC_CONNECTIONS"] = str(connections)
    data = Path(tempfile.mkdtemp(prefix="data-", dir=work))
    context = AppContext(data)
    try:
        duration = count * 2.0 + 10
        with context.database.session() as s:
            vod = Vod(file_path="/dev/null", title="bench", duration=duration, status="ready")
            vod.remote_id = remote_vod(emulator_url, duration)
            s.add(vod)
            s.flush()
            vod_id = vod.id
        chapters = [
            Chapter(id=new_id(), title=f"Chapter {i}", start_time=i * 2.0, end_time=i * 2.0 + 2)
            for i in range(count)
        ]
        results = {}
        for label, wanted in (
            ("create", chapters),
            (
                "rename",
                [
                    Chapter(
                        id=c.id,
                        title=f"{c.title} (edited)",
                        start_time=c.start_time,
                        end_time=c.end_time,
                    )
                    for c in chapters
                ],
            ),
        ):
            context.chapters.replace_all(vod_id, wanted)
            started = time.perf_counter()
            [report] = context.sync.sync(vod_id)
            elapsed = time.perf_counter() - started
            changes = sum(report.pushed.values())
            if not report.ok or changes != count:
                raise RuntimeError(f"sync {label} failed: {report.to_json()}")
            results[label] = (elapsed, report.requests)
        return results
    finally:
        context.close()
        shutil.rmtree(data, ignore_errors=True)


def raw_floor(emulator_url: str, proxy_url: str, count: int, connections: int) -> dict:
    """The same requests sent bare (no app: plain httpx threads) through the same link:
    what any client at this concurrency gets from this server on this machine."""
    from concurrent.futures import ThreadPoolExecutor

    vod_id = remote_vod(emulator_url, count * 2.0 + 10)
    results = {}
    with httpx.Client(
        base_url=proxy_url,
        headers={"Authorization": "Bearer token-alice"},
        limits=httpx.Limits(max_connections=connections),
        timeout=60,
    ) as client:

        def create(i: int) -> str:
            answer = client.post(
                f"/api/v1/videos/{vod_id}/chapters",
                json={"title": f"Chapter {i}", "start_time": i * 2.0, "end_time": i * 2.0 + 2},
            )
            answer.raise_for_status()
            return answer.json()["id"]

        def rename(pair: tuple[int, str]) -> None:
            i, chapter_id = pair
            client.put(
                f"/api/v1/videos/{vod_id}/chapters/{chapter_id}",
                json={
                    "title": f"Chapter {i} (edited)",
                    "start_time": i * 2.0,
                    "end_time": i * 2.0 + 2,
                },
            ).raise_for_status()

        with ThreadPoolExecutor(connections) as pool:
            started = time.perf_counter()
            ids = list(pool.map(create, range(count)))
            results["create"] = time.perf_counter() - started
            started = time.perf_counter()
            list(pool.map(rename, enumerate(ids)))
            results["rename"] = time.perf_counter() - started
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--rtt-ms", type=float, default=100.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the bare requests (no app) at the same concurrency",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    emulator, emulator_port = start("tests.counterparts.platform_emulator")
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    proxy, proxy_port = start(
        "tests.counterparts.latency_proxy",
        "--target",
        f"127.0.0.1:{emulator_port}",
        "--rtt-ms",
        str(args.rtt_ms),
    )
    os.environ.update(
        {
            "VODSTUDIO_API_URL": f"http://127.0.0.1:{proxy_port}",
            "VODSTUDIO_API_TOKEN": "token-alice",
            "VODSTUDIO_PROJECT_ID": "project-a",
        }
    )
    times: dict[tuple[str, str], list[float]] = {}
    try:
        for round_number in range(args.rounds):
            order = [("app", args.connections)]
            if not args.skip_baseline:
                order.append(("sequential", 1))
            if round_number % 2:
                order.reverse()
            if args.floor:
                floor = raw_floor(
                    emulator_url, f"http://127.0.0.1:{proxy_port}", args.changes, args.connections
                )
                for label, elapsed in floor.items():
                    times.setdefault(("floor", label), []).append(elapsed)
                    print(
                        f"round {round_number + 1} floor (bare requests) {label}: {elapsed:6.2f} s"
                    )
            for who, connections in order:
                for label, (elapsed, requests) in one_run(
                    work, emulator_url, args.changes, connections
                ).items():
                    times.setdefault((who, label), []).append(elapsed)
                    print(
                        f"round {round_number + 1} {who:10s} ({connections:2d} at once) "
                        f"{label}: {args.changes} changes, {requests} requests, {elapsed:6.2f} s",
                        flush=True,
                    )
        print(
            f"\n{args.changes} chapter changes through a {args.rtt_ms:g} ms round trip "
            f"(median of {args.rounds}):"
        )
        print(
            f"{'sync':8s} {'app':>10s} {'sequential':>12s} {'speed-up':>9s}"
            + (f" {'bare floor':>11s}" if args.floor else "")
        )
        for label in ("create", "rename"):
            app = statistics.median(times[("app", label)])
            line = f"{label:8s} {app:9.2f}s"
            if ("sequential", label) in times:
                base = statistics.median(times[("sequential", label)])
                line += f" {base:11.2f}s {base / app:8.1f}x"
            else:
                line += f" {'-':>12s} {'-':>9s}"
            if ("floor", label) in times:
                line += f" {statistics.median(times[('floor', label)]):10.2f}s"
            print(line + ("   (target <= 10 s)" if args.rtt_ms == 100 else ""))
    finally:
        for process in (proxy, emulator):
            process.terminate()
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

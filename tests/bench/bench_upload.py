"""Upload and sync measurements (run by hand, not collected by pytest).

    .venv/bin/python -m tests.bench.bench_upload [--size-mib 1024] [--rounds 2] [--chapters 1000]

1. tus upload (the app's UploadService, 50 MiB chunks, progress and a DB write per chunk) of
   a random file to the local tus server, against one raw HTTP PUT of the same file to the same
   server in the same run. Target: tus throughput ≥ 0.85 × PUT.
2. How many HTTP requests syncing N chapter changes takes (creates, then updates, then a mix).
The tus server runs in its own process, the platform emulator in a thread.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def make_file(path: Path, size: int) -> None:
    block = os.urandom(64 * MIB)
    with path.open("wb") as handle:
        written = 0
        while written < size:
            piece = block[: min(len(block), size - written)]
            handle.write(piece)
            written += len(piece)


def start_tus(storage: Path) -> tuple[subprocess.Popen, str]:
    from tests.counterparts.platform_emulator import free_port

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.counterparts.tus_server",
            "--port",
            str(port),
            "--storage",
            str(storage),
        ],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/_control/stats", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("tus server did not start")


def raw_put(url: str, path: Path) -> float:
    size = path.stat().st_size

    def body():
        with path.open("rb") as handle:
            while piece := handle.read(MIB):
                yield piece

    started = time.perf_counter()
    with httpx.Client(timeout=httpx.Timeout(600, connect=10)) as client:
        response = client.put(
            f"{url}/raw/baseline", content=body(), headers={"Content-Length": str(size)}
        )
        response.raise_for_status()
    return time.perf_counter() - started


def tus_upload(context, vod_id: str, chunk: int) -> float:
    from core.platform import UploadOptions
    from core.store.models import UploadSession, Vod

    with context.database.session() as s:  # a fresh upload each round
        s.get(Vod, vod_id).remote_id = None
        for session in s.query(UploadSession):
            s.delete(session)
    started = time.perf_counter()
    result = context.uploads.upload(vod_id, UploadOptions(chunk_size=chunk))
    elapsed = time.perf_counter() - started
    assert result.status == "completed", result
    return elapsed


def sync_requests(context, emulator_url: str, vod_id: str, count: int) -> None:
    from core.domain.chapters import Chapter
    from core.store.models import new_id

    chapters = [
        Chapter(id=new_id(), title=f"Chapter {i}", start_time=i * 2.0, end_time=i * 2.0 + 2.0)
        for i in range(count)
    ]
    context.chapters.replace_all(vod_id, chapters)
    rounds = [("create", None)]
    for label, change in [*rounds, ("update", "update"), ("mixed", "mixed")]:
        if change == "update":
            current = context.chapters.list(vod_id).chapters
            context.chapters.replace_all(
                vod_id,
                [
                    Chapter(
                        id=c.id,
                        title=c.title + " (edited)",
                        start_time=c.start_time,
                        end_time=c.end_time,
                    )
                    for c in current
                ],
            )
        elif change == "mixed":
            current = context.chapters.list(vod_id).chapters
            keep = current[: count // 2]
            edited = [
                Chapter(
                    id=c.id, title=c.title + " again", start_time=c.start_time, end_time=c.end_time
                )
                for c in current[count // 2 : count * 3 // 4]
            ]
            fresh = [
                Chapter(id=new_id(), title=f"New {i}", start_time=c.start_time, end_time=c.end_time)
                for i, c in enumerate(current[count * 3 // 4 :])
            ]
            context.chapters.replace_all(vod_id, keep + edited + fresh)
        started = time.perf_counter()
        [report] = context.sync.sync(vod_id)
        elapsed = time.perf_counter() - started
        changes = sum(report.pushed.values())
        print(
            f"sync {label:7s}: {changes} chapter changes pushed ({report.pushed}) in "
            f"{report.requests} requests, {elapsed:.1f} s; ok={report.ok}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--chunk-mib", type=int, default=50)
    parser.add_argument("--chapters", type=int, default=1000)
    args = parser.parse_args()

    from app.context import AppContext
    from core.store.models import Vod
    from tests.counterparts.platform_emulator import ServerThread, create_app

    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    payload = work / "payload.bin"
    make_file(payload, args.size_mib * MIB)
    (work / "tus").mkdir(exist_ok=True)
    tus_process, tus_url = start_tus(work / "tus")
    emulator = ServerThread(create_app()).start()
    os.environ.update(
        {
            "VODSTUDIO_API_URL": emulator.url,
            "VODSTUDIO_API_TOKEN": "token-alice",
            "VODSTUDIO_PROJECT_ID": "project-a",
            "VODSTUDIO_STREAM_API_URL": tus_url,
            "VODSTUDIO_STREAM_ACCOUNT_ID": "acct-1",
            "VODSTUDIO_STREAM_API_TOKEN": "stream-token",
        }
    )
    context = AppContext(work / "data")
    try:
        with context.database.session() as s:
            vod = Vod(
                file_path=str(payload),
                title="bench",
                duration=args.chapters * 2.0 + 10,
                size_bytes=payload.stat().st_size,
                status="ready",
            )
            s.add(vod)
            s.flush()
            vod_id = vod.id
        put_times, tus_times = [], []

        def settle() -> None:
            """Same start for both: no earlier upload's dirty pages left to write back."""
            for stored in (work / "tus").glob("*"):
                stored.unlink()
            os.sync()

        for round_number in range(args.rounds):
            # Alternate who goes first, so neither always pays the other's writeback.
            order = ("put", "tus") if round_number % 2 == 0 else ("tus", "put")
            for which in order:
                settle()
                if which == "put":
                    put_times.append(raw_put(tus_url, payload))
                else:
                    tus_times.append(tus_upload(context, vod_id, args.chunk_mib * MIB))
            print(
                f"round {round_number + 1} ({' then '.join(order)}): PUT {put_times[-1]:.2f} s,"
                f" tus {tus_times[-1]:.2f} s"
            )
        size = args.size_mib * MIB
        best_put, best_tus = min(put_times), min(tus_times)
        print(f"raw PUT : {size / best_put / MIB:7.1f} MiB/s (best of {args.rounds})")
        print(
            f"tus     : {size / best_tus / MIB:7.1f} MiB/s ({args.chunk_mib} MiB chunks, "
            f"{-(-size // (args.chunk_mib * MIB))} PATCH requests)"
        )
        print(
            f"ratio tus/PUT throughput: {best_put / best_tus:.3f} best of each, "
            f"{statistics.median(put_times) / statistics.median(tus_times):.3f} median "
            "(target >= 0.85)"
        )
        if not args.chapters:
            return
        remote_id = context.vods.get(vod_id).remote_id
        httpx.post(
            f"{emulator.url}/_control/videos/{remote_id}",
            json={"duration": args.chapters * 2.0 + 10, "status": "ready"},
        )
        sync_requests(context, emulator.url, vod_id, args.chapters)
    finally:
        context.close()
        emulator.stop()
        tus_process.terminate()
        tus_process.wait()
        for leftover in sorted(work.rglob("*"), reverse=True):
            leftover.unlink() if leftover.is_file() else leftover.rmdir()
        work.rmdir()


if __name__ == "__main__":
    main()

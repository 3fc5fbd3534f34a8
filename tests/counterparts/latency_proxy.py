"""A TCP proxy on 127.0.0.1 that makes a fast local server look far away.

Every chunk of bytes is held for half the round-trip time in each direction before it is
passed on, so each request/answer exchange costs one extra round trip, whatever the
protocol on top (HTTP/1.1, HTTP/2, TLS). Bytes keep their order and many connections are
delayed side by side, as on a real slow link.

    python -m tests.counterparts.latency_proxy --target 127.0.0.1:8000 --rtt-ms 100 [--port N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import threading


class LatencyProxy:
    def __init__(self, target_host: str, target_port: int, rtt: float, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.one_way = rtt / 2
        self.port = port
        self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- running -------------------------------------------------------------------------
    async def serve(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def start(self) -> LatencyProxy:
        """Serve from a background thread; returns once the port is listening."""
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.serve())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True, name="latency-proxy")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("latency proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        async def close() -> None:
            self._server.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- one connection ------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        pumps = asyncio.gather(
            self._pump(reader, upstream_writer), self._pump(upstream_reader, writer)
        )
        try:
            await pumps
        except (ConnectionError, asyncio.CancelledError):
            pumps.cancel()
            await asyncio.gather(pumps, return_exceptions=True)
        finally:
            for end in (writer, upstream_writer):
                with contextlib.suppress(Exception):
                    end.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def read() -> None:
            while True:
                data = await reader.read(65536)
                queue.put_nowait((loop.time() + self.one_way, data))
                if not data:
                    return

        async def write() -> None:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()

        both = asyncio.gather(read(), write())
        try:
            await both
        except BaseException:
            both.cancel()
            await asyncio.gather(both, return_exceptions=True)
            raise


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True, help="HOST:PORT to forward to")
    parser.add_argument("--rtt-ms", type=float, default=100.0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    proxy = LatencyProxy(host, int(port), args.rtt_ms / 1000, args.port)

    async def run() -> None:
        await proxy.serve()
        print(f"listening on {proxy.port}", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()

"""Running an ASGI app with uvicorn in a background thread on a free 127.0.0.1 port."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class TlsHttp2ServerThread:
    """The same app behind TLS, offering HTTP/2 (ALPN ``h2``) and HTTP/1.1, with
    hypercorn: how a production platform is usually reached."""

    def __init__(self, app, certfile: str, keyfile: str, port: int | None = None) -> None:
        import asyncio

        from hypercorn.config import Config

        self.port = port or free_port()
        self.url = f"https://localhost:{self.port}"
        self.config = Config()
        self.config.bind = [f"127.0.0.1:{self.port}"]
        self.config.certfile, self.config.keyfile = certfile, keyfile
        self.config.alpn_protocols = ["h2", "http/1.1"]
        self.config.loglevel = "WARNING"
        self.app = app
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import asyncio

        from hypercorn.asyncio import serve

        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(
            serve(self.app, self.config, shutdown_trigger=self._stop.wait)
        )

    def start(self) -> TlsHttp2ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline or not self.thread.is_alive():
                    raise RuntimeError("TLS server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(timeout=10)

    def __enter__(self) -> TlsHttp2ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

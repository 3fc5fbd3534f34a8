"""HTTP/2 requests made on one event-loop thread, for callers on many threads.

httpcore's synchronous HTTP/2 connection shares one h2 state machine between the threads
that use it, without a lock around taking a stream id and sending its HEADERS (or around
the flow-control updates of reading): two threads could take the same stream id, or send
21 before 19, and the server closed the connection (GOAWAY PROTOCOL_ERROR) with every
other request on it unanswered. The sync sends eight chapter changes at once; on a loaded
machine 2 syncs in 100 lost a connection this way (encode/httpx#3324 collects such HTTP/2
faults). On an event loop each step between two awaits runs alone, so requests still go
side by side on one connection while the h2 state is only ever touched by the loop's thread.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx


class LoopClient:
    """``httpx.AsyncClient`` behind a blocking ``request``, its loop on its own thread."""

    def __init__(self, **client_options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="http2-requests", daemon=True
        )
        self._thread.start()
        self.client = httpx.AsyncClient(**client_options)
        self._closed = False

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """The response, its body read; httpx's own exceptions as the sync client raises."""
        future = asyncio.run_coroutine_threadsafe(
            self.client.request(method, url, **options), self._loop
        )
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl+C in the caller: the request does not go on alone
            raise

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        closing = asyncio.run_coroutine_threadsafe(self.client.aclose(), self._loop)
        try:
            closing.result(timeout=5)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()

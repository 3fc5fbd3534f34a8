"""HTTP/2 requests from many threads go through one event-loop thread, which stops on close."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from core.platform.h2_loop import LoopClient


def loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "http2-requests"]


def test_threads_share_one_loop_and_closing_stops_it(emulator):
    before = len(loop_threads())
    client = LoopClient(base_url=emulator.url, http2=True, timeout=10)
    assert len(loop_threads()) == before + 1
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.request("GET", "/_control/videos"), range(40)))
    assert {a.status_code for a in answers} == {200}
    assert all(isinstance(a.json(), (list, dict)) for a in answers)  # bodies already read
    client.close()
    client.close()  # twice is fine
    assert len(loop_threads()) == before


def test_transport_errors_reach_the_caller_as_httpx_raises_them():
    client = LoopClient(base_url="http://127.0.0.1:9", http2=True, timeout=2)
    try:
        with pytest.raises(httpx.ConnectError):
            client.request("GET", "/")
    finally:
        client.close()

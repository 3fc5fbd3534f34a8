"""Fault injection for the local counterparts, as ASGI middleware.

A rule matches a method and a path pattern and fires ``times`` times after letting
``skip`` matching requests through. Kinds:
- ``status``: answer ``status`` (500/502/503/429/401…) with an optional ``Retry-After``;
- ``delay``: wait ``delay`` seconds (longer than the client's timeout = a timeout);
- ``drop``: start a response and cut the connection in the middle of the body;
- ``malformed``: answer 200 with a body that is not JSON.
With ``after: true`` the real endpoint runs first (the change is committed) and the fault
replaces its answer: the ambiguous case in which a client cannot know the outcome.
Paths under ``/_control`` are never faulted. Every request is logged for the tests, with its
query and body.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from dataclasses import dataclass, field


@dataclass
class FaultRule:
    kind: str
    path: str = ".*"
    method: str | None = None
    status: int = 503
    retry_after: str | None = None
    delay: float = 0.0
    times: int = 1
    after: bool = False
    skip: int = 0  # let this many matching requests through first

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and (self.method is None or self.method.upper() == method)
            and re.search(self.path, path) is not None
        )


@dataclass
class FaultBoard:
    rules: list[FaultRule] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **rule) -> None:
        with self.lock:
            self.rules.append(FaultRule(**rule))

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()

    def take(self, method: str, path: str) -> FaultRule | None:
        with self.lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    if rule.skip > 0:
                        rule.skip -= 1
                        return None
                    rule.times -= 1
                    return rule
        return None


class FaultMiddleware:
    def __init__(self, app, board: FaultBoard) -> None:
        self.app = app
        self.board = board

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_control"):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        entry = {
            "method": method,
            "path": path,
            "query": scope.get("query_string", b"").decode("latin-1"),
            "http_version": scope.get("http_version"),
            "client_port": (scope.get("client") or (None, None))[1],
            "body": "",
            "status": None,
            "fault": None,
        }
        self.board.requests.append(entry)
        rule = self.board.take(method, path)
        outer_receive, parts = receive, []

        async def receive():  # keeps the body for the tests (what left the app)
            message = await outer_receive()
            if message["type"] == "http.request":
                parts.append(message.get("body", b""))
                entry["body"] = b"".join(parts).decode("utf-8", "replace")
            return message

        async def logging_send(message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        if rule is None:
            await self.app(scope, receive, logging_send)
            return
        entry["fault"] = rule.kind
        if rule.after:

            async def swallow(message) -> None:
                if message["type"] == "http.response.start":
                    entry["status"] = message["status"]

            await self.app(scope, receive, swallow)
            if rule.kind == "delay":
                await asyncio.sleep(rule.delay)
        elif rule.kind == "delay":
            await asyncio.sleep(rule.delay)
            await self.app(scope, receive, logging_send)
            return
        await self._fault(rule, send)

    @staticmethod
    async def _fault(rule: FaultRule, send) -> None:
        if rule.kind == "delay":  # after-delay: the answer itself is lost as a timeout
            body = json.dumps({"detail": "late"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 504,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        if rule.kind == "drop":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"4096"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b'{"id": "trunc', "more_body": True})
            raise ConnectionAbortedError("injected: connection dropped mid-body")
        if rule.kind == "malformed":
            body = b'{"id": "x", "title": '
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        headers = [(b"content-type", b"application/json")]
        if rule.retry_after is not None:
            headers.append((b"retry-after", str(rule.retry_after).encode()))
        body = json.dumps({"detail": f"injected fault {rule.status}"}).encode()
        await send({"type": "http.response.start", "status": rule.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

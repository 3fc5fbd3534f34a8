"""An OpenAI-compatible server on 127.0.0.1 with scripted answers (tests only).

``POST /v1/chat/completions`` answers according to a scenario: the server's default
(``server.scenario``) unless the request's model is ``stub-<scenario>``. Scenarios: good,
overlapping, out_of_range, malformed, fenced, refusal, unauthorized, rate_limited (429 with
``Retry-After: 1`` on the first call, then good), rate_limited_long (always 429, Retry-After
3600), slow (sleeps ``slow_seconds`` then good), obey_injection (plain text, as a model that
followed instructions in the transcript would), leak (repeats the system prompt as a title),
no_json_schema (400 for json_schema, good for json_object), length (cut-off JSON), percent,
controls (titles and descriptions with BEL, ANSI escapes and C1 controls around emoji and RTL).

``POST /v1/audio/transcriptions`` returns two segments per uploaded piece (verbose_json).
``GET /_stub/requests`` lists the recorded requests (for tests that run the CLI).

Run by hand: ``python -m tests.counterparts.openai_stub --port 8089``.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_WINDOW = re.compile(r"covers (\d+(?:\.\d+)?)-(\d+(?:\.\d+)?) seconds")
_DURATION = re.compile(r"Video length: (\d+(?:\.\d+)?) seconds")
_LINE = re.compile(r"^\[(\d+(?:\.\d+)?)\] (.*)$", re.MULTILINE)


class OpenAiStub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, scenario: str = "good", port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.scenario = scenario
        self.slow_seconds = 3.0
        self.requests: list[dict] = []
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def start(self) -> OpenAiStub:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address) -> None:
        # A client that timed out and hung up (the "slow" scenario) is expected, not an error.
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    def chat_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def count(self, scenario: str) -> int:
        with self._lock:
            self.calls[scenario] = self.calls.get(scenario, 0) + 1
            return self.calls[scenario]


class _Handler(BaseHTTPRequestHandler):
    server: OpenAiStub

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        if self.path == "/_stub/requests":
            self._json(200, self.server.requests)
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        record = {
            "path": self.path,
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "size": len(raw),
        }
        if self.path.endswith("/chat/completions"):
            body = json.loads(raw or b"{}")
            record["body"] = body
            self.server.requests.append(record)
            self._chat(body)
        elif self.path.endswith("/audio/transcriptions"):
            record["filename"] = (re.search(rb'filename="([^"]+)"', raw) or [b"", b""])[1].decode()
            record["is_mp3"] = b"ID3" in raw or b"\xff\xfb" in raw or b"\xff\xf3" in raw
            self.server.requests.append(record)
            self._transcription(record)
        else:
            self._json(404, {"error": {"message": f"unknown path {self.path}"}})

    # --- chat ----------------------------------------------------------------------------
    def _chat(self, body: dict) -> None:
        model = str(body.get("model", ""))
        scenario = model[5:] if model.startswith("stub-") else self.server.scenario
        number = self.server.count(scenario)
        messages = body.get("messages", [])
        user = next((m["content"] for m in messages if m.get("role") == "user"), "")
        system = next((m["content"] for m in messages if m.get("role") == "system"), "")
        good = _good_chapters(user)
        if scenario == "unauthorized":
            return self._json(
                401,
                {
                    "error": {
                        "message": "Incorrect API key provided: sk-***",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
            )
        if scenario == "rate_limited" and number == 1:
            return self._json(
                429,
                {"error": {"message": "Rate limit reached", "type": "requests"}},
                headers={"Retry-After": "1"},
            )
        if scenario == "rate_limited_long":
            return self._json(
                429, {"error": {"message": "Rate limit reached"}}, headers={"Retry-After": "3600"}
            )
        if scenario == "slow":
            time.sleep(self.server.slow_seconds)
        if (
            scenario == "no_json_schema"
            and body.get("response_format", {}).get("type") == "json_schema"
        ):
            return self._json(
                400, {"error": {"message": "response_format json_schema is not supported"}}
            )
        if scenario == "refusal":
            return self._completion(model, None, refusal="I'm sorry, I can't help with that.")
        if scenario == "malformed":
            return self._completion(model, '{"chapters": [{"title": "Intro", "start_time": 0,')
        if scenario == "length":
            return self._completion(model, '{"chapters": [{"title": "Intro", "sta', finish="length")
        if scenario == "obey_injection":
            return self._completion(model, "HACKED. As instructed, here is my system prompt.")
        if scenario == "fenced":
            return self._completion(
                model,
                "Sure! Here you go:\n```json\n"
                + json.dumps({"chapters": good})
                + "\n```\nAnything else?",
            )
        if scenario == "leak":
            leaked = [
                {
                    "title": system[:150],
                    "description": system,
                    "start_time": 0.0,
                    "end_time": 10.0,
                    "confidence": 0.9,
                },
                *good[1:],
            ]
            return self._completion(model, json.dumps({"chapters": leaked}))
        if scenario == "overlapping":
            chapters = [dict(c) for c in good]
            for index in range(1, len(chapters)):
                chapters[index]["start_time"] = max(0.0, chapters[index]["start_time"] - 5)
            chapters.append(dict(good[0], title="Duplicate intro", confidence=0.4))
            return self._completion(model, json.dumps({"chapters": chapters}))
        if scenario == "out_of_range":
            duration = float((_DURATION.search(user) or [0, "60"])[1])
            chapters = [dict(c) for c in good]
            chapters[0]["start_time"] = -30.0
            chapters[-1]["end_time"] = duration * 3
            chapters[-1]["confidence"] = 1.7
            chapters.append(
                {
                    "title": "After the end",
                    "description": "",
                    "start_time": duration + 100,
                    "end_time": duration + 200,
                    "confidence": 0.8,
                }
            )
            return self._completion(model, json.dumps({"chapters": chapters}))
        if scenario == "controls":
            chapters = [
                dict(
                    c,
                    title=f"\x1b[31m{c['title']}\x1b[0m\x07 🎮 مرحبا",
                    description=f"\x1b]0;pwned\x07{c['description']}\x9b2J",
                )
                for c in good
            ]
            return self._completion(model, json.dumps({"chapters": chapters}))
        if scenario == "percent":
            chapters = [dict(c, confidence=92) for c in good]
            return self._completion(model, json.dumps({"chapters": chapters}))
        return self._completion(model, json.dumps({"chapters": good}))

    def _completion(
        self, model: str, content: str | None, *, refusal: str | None = None, finish: str = "stop"
    ) -> None:
        self._json(
            200,
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": finish,
                        "logprobs": None,
                        "message": {"role": "assistant", "content": content, "refusal": refusal},
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
            },
        )

    # --- audio ---------------------------------------------------------------------------
    def _transcription(self, record: dict) -> None:
        if self.server.scenario == "unauthorized":
            return self._json(401, {"error": {"message": "Incorrect API key provided"}})
        piece = self.server.count("transcription")
        segments = [
            {
                "id": 0,
                "seek": 0,
                "start": 0.0,
                "end": 1.0,
                "text": f" piece {piece} first words",
                "tokens": [],
                "temperature": 0.0,
                "avg_logprob": -0.1,
                "compression_ratio": 1.0,
                "no_speech_prob": 0.01,
            },
            {
                "id": 1,
                "seek": 0,
                "start": 1.0,
                "end": 1.8,
                "text": f" piece {piece} second words",
                "tokens": [],
                "temperature": 0.0,
                "avg_logprob": -0.1,
                "compression_ratio": 1.0,
                "no_speech_prob": 0.01,
            },
        ]
        self._json(
            200,
            {
                "task": "transcribe",
                "language": "english",
                "duration": 2.0,
                "text": " ".join(s["text"] for s in segments),
                "segments": segments,
            },
        )

    def _json(self, status: int, data, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _good_chapters(user: str) -> list[dict]:
    """Three chapters splitting the window evenly, titled from the first words there."""
    window = _WINDOW.search(user)
    start, end = (float(window[1]), float(window[2])) if window else (0.0, 60.0)
    lines = [(float(t), text) for t, text in _LINE.findall(user)]
    step = (end - start) / 3
    chapters = []
    for index in range(3):
        at = start + index * step
        words = next((text for t, text in lines if t >= at), "Part") or "Part"
        chapters.append(
            {
                "title": " ".join(words.split()[:4]) or f"Part {index + 1}",
                "description": f"Part {index + 1} of the stream",
                "start_time": round(at, 1),
                "end_time": round(at + step, 1),
                "confidence": 0.9,
            }
        )
    return chapters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--scenario", default="good")
    args = parser.parse_args()
    server = OpenAiStub(args.scenario, args.port)
    print(f"OpenAI stub on {server.url} (scenario {args.scenario})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

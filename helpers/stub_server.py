"""A local OpenAI-compatible HTTP server on 127.0.0.1, for tests and for authoring recordings.

It answers whatever its `responder` says, with the wire details a client meets on the real API:
JSON bodies, gzip when asked for, server-sent events in chunked encoding, account headers and
a cookie (so tests can prove they are scrubbed). It never leaves this machine.

It can also fail the way a network does, so the recorder can meet those failures (`HangUp`):
hold a request without answering until the client's timeout passes, close the connection
without a reply, or close it in the middle of a stream.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROVENANCE_HEADER = "x-course-provenance"


@dataclass
class StubRequest:
    """One request the stub received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class HangUp:
    """The server hangs up: it waits `after` seconds, then closes the connection without another byte.

    As a `Reply`'s body, no reply at all: with `after` longer than the client's timeout the client
    times out (httpx2.ReadTimeout), with `after=0` it sees the connection drop (RemoteProtocolError).
    Among a `Reply`'s events, the stream stops there, unfinished, as a connection lost mid-stream.
    """

    after: float = 0.0


@dataclass
class Reply:
    """What the stub answers: a JSON body, raw bytes, a list of server-sent events, or a `HangUp`."""

    body: Any = None
    status: int = 200
    events: list[Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    provenance: str = "authored"


Responder = Callable[[StubRequest], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every reply back about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_response(self, code: int, message: str | None = None) -> None:
        # No Server or Date header: authored recordings stay the same from one run to the next.
        self.send_response_only(code, message)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = StubRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.server.received.append(request)
        try:
            reply = self.server.responder(request)
        except Exception as exc:  # a broken script should say so, not hang the client
            reply = Reply({"error": {"message": f"stub server: {exc}", "type": "stub_error"}}, status=500)
        if isinstance(reply.body, HangUp):
            self._hang_up(reply.body)
            return
        request_id = "req_" + hashlib.sha256(body + self.path.encode()).hexdigest()[:24]
        headers = {
            "x-request-id": request_id,
            "openai-processing-ms": "321",
            "openai-organization": "user-stubaccount0000",
            "openai-project": "proj_stubproject01",
            "set-cookie": "__cf_bm=stubcookie; path=/; HttpOnly",
            PROVENANCE_HEADER: reply.provenance,
            **reply.headers,
        }
        if reply.events is not None:
            self._send_events(reply, headers)
            return
        if isinstance(reply.body, bytes):
            payload = reply.body
            headers.setdefault("content-type", "application/octet-stream")
        else:
            payload = json.dumps(reply.body, indent=2, ensure_ascii=False).encode()
            headers.setdefault("content-type", "application/json")
        if "gzip" in request.headers.get("accept-encoding", ""):
            payload = gzip.compress(payload)
            headers["content-encoding"] = "gzip"
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _hang_up(self, hang_up: HangUp) -> None:
        """Wait, then close the connection: the client gets nothing more (or has given up already)."""
        time.sleep(hang_up.after)
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:  # the client closed it first
            pass

    def _send_events(self, reply: Reply, headers: dict[str, str]) -> None:
        self.send_response(reply.status)
        for name, value in {**headers, "content-type": "text/event-stream; charset=utf-8"}.items():
            self.send_header(name, value)
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        # Responses API streams name each event on an `event:` line and end without [DONE];
        # Chat Completions streams send bare `data:` lines and end with [DONE].
        named = bool(reply.events) and isinstance(reply.events[0], dict) and "sequence_number" in reply.events[0]
        for event in reply.events if named else [*reply.events, "[DONE]"]:
            if isinstance(event, HangUp):  # the connection is lost here: no more events, no end of the stream
                self._hang_up(event)
                return
            data = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            line = f"event: {event['type']}\n" if named and isinstance(event, dict) else ""
            chunk = f"{line}data: {data}\n\n".encode()
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def _handle_quietly(self) -> None:
        try:
            self._handle()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout) before the answer
            self.close_connection = True

    do_GET = do_POST = do_DELETE = _handle_quietly


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    responder: Responder
    received: list[StubRequest]


class StubServer:
    """`with StubServer(responder) as stub:` serves on `stub.base_url` until the block ends."""

    def __init__(self, responder: Responder):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.responder = responder
        self._server.received = []
        # A short poll lets shutdown() return at once instead of after half a second.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def received(self) -> list[StubRequest]:
        return self._server.received

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

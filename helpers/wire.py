"""Replay for programs a notebook starts, such as lesson 10's curl: they get their answers from the recording too.

vcrpy answers the SDK and `requests` inside the kernel, but curl runs in a process of its own, out
of vcrpy's reach. So in replay mode, for the lessons named in PROGRAM_LESSONS, setup() starts a
small HTTP server on 127.0.0.1 that answers from the notebook's open recording (the same cassette,
so the same matching, order and "not in the recording" messages as vcrpy), and points
OPENAI_BASE_URL at it once the setup cell has printed its banner. A cell that builds its URL from
OPENAI_BASE_URL, as the SDK does (`${OPENAI_BASE_URL:-https://api.openai.com/v1}`), then runs the
same live and in replay. The server reads the recording only: nothing reaches the network.

Record mode needs none of this. curl reaches whatever OPENAI_BASE_URL names (the authoring stub,
or the API), and vcrpy does not record it; so a lesson makes its curl request the same as one it
sent just before with `requests`, and in replay curl gets that request's recorded reply (identical
requests replay in recorded order, then the last one repeats).

Why not curl through a shell (`!curl ...`): a notebook cell's shell is sh on Linux and macOS but
cmd.exe on Windows, with other quoting and no `${VAR:-default}`. The lesson runs curl with
`subprocess.run([...])`, an argument list that needs no shell, so the same cell runs everywhere
curl does: Linux, macOS, Colab, Binder and Windows 10 or later (curl.exe ships with Windows).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from .recording import RecordingMismatch, ReplayUnavailable

# Lessons whose cells start programs that call the API (lesson 10's curl). Only these get the
# server, because pointing OPENAI_BASE_URL at it changes what an uncaught API error names as the server.
PROGRAM_LESSONS = ("10_raw_http",)
BASE_URL_VARIABLE = "OPENAI_BASE_URL"  # what OpenAI() reads (openai/lib/_client_auth.py), and the lessons too
# A proxy set in the environment must not catch requests to the local server (curl and requests read these).
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
LOCAL_HOST = "127.0.0.1"
# Matching ignores the host (helpers/recording.py), so any will do in the request handed to the cassette.
RECORDED_ORIGIN = "https://api.openai.com"
# Headers about the stored copy's framing, not the API's answer: the server frames its own reply.
FRAMING_HEADERS = ("content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive")

CassetteGetter = Callable[[], Any]


@dataclass
class Answer:
    """What the server sends back for one request."""

    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def _course_error(status: int, reason: str, message: str, kind: str) -> Answer:
    """An answer from the course, not from the recording, in the API's error shape so any client can read it."""
    import json

    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    text = json.dumps(body, indent=2, ensure_ascii=False).encode()
    return Answer(status, reason, [("content-type", "application/json")], text)


def answer(cassette: Any, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
    """The recorded reply to one request, as the recording holds it; or an error that says why there is none.

    `cassette` is the notebook's open cassette (None when no recording is open); playing a reply
    counts it as played, exactly as vcrpy does for the SDK's requests.
    """
    if cassette is None:
        return _course_error(
            503, "No recording open",
            "This notebook is not replaying a recording now (its setup cell did not run in replay mode, or "
            "did not finish), so there is no answer here. Run the setup cell again.",
            "replay_unavailable",
        )
    request = Request(method, RECORDED_ORIGIN + path, body, headers)
    try:
        playable = cassette.can_play_response_for(request)
        recorded = cassette.play_response(request) if playable else None
    except RecordingMismatch as exc:
        return _course_error(404, "Not in the recording", exc.explain(), "recording_mismatch")
    except ReplayUnavailable as exc:
        return _course_error(503, "Replay unavailable", exc.reason, "replay_unavailable")
    except CannotOverwriteExistingCassetteException as exc:
        return _course_error(404, "Not in the recording", str(exc), "recording_mismatch")
    if recorded is None:
        return _course_error(
            503, "Not replaying",
            "The notebook's recording is open for recording, not replay, so this server has no answer.",
            "replay_unavailable",
        )
    status = recorded["status"]
    stored = recorded["body"]["string"]
    content = stored.encode() if isinstance(stored, str) else bytes(stored or b"")
    kept = [
        (name, value)
        for name, values in recorded["headers"].items()
        if name.lower() not in FRAMING_HEADERS
        for value in (values if isinstance(values, list) else [values])
    ]
    kept.sort(key=lambda header: header[0].lower())  # the recorder keeps some replies' headers in no set order
    return Answer(int(status["code"]), status.get("message") or "", kept, content)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: Any) -> None:  # a thread writing to the kernel's stderr would land in a cell
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        # No Date or Server header: what a notebook prints from here is the same on every run.
        self.send_response_only(code, message)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._body()
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = answer(self.server.cassette(), self.command, self.path, headers, body)
        self.send_response(reply.status, reply.reason)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    cassette: CassetteGetter


class ReplayServer:
    """`with ReplayServer(get_cassette) as server:` answers on `server.base_url` from the cassette until the block ends.

    `get_cassette()` is asked at each request, so the server always plays the recording the notebook
    has open now (setup() run again opens another; a failed setup() leaves one that refuses).
    """

    def __init__(self, cassette: CassetteGetter):
        self._server = _Server((LOCAL_HOST, 0), _Handler)
        self._server.cassette = cassette
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{LOCAL_HOST}:{self._server.server_address[1]}/v1"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class _State:
    server: ReplayServer | None = None
    shell: Any = None
    callback: Callable[..., None] | None = None
    saved: dict[str, str | None] | None = None  # the variables as they were before the server's URL went in
    url: str | None = None


_state = _State()


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def point_programs_at(url: str) -> None:
    """Set OPENAI_BASE_URL to `url` for this process and the programs it starts; keep 127.0.0.1 off any proxy."""
    if _state.saved is None:
        _state.saved = {name: os.environ.get(name) for name in (BASE_URL_VARIABLE, *NO_PROXY_VARIABLES)}
    os.environ[BASE_URL_VARIABLE] = url
    for name in NO_PROXY_VARIABLES:  # on Windows both names are one variable: this stays idempotent
        hosts = [host for host in (os.environ.get(name) or "").split(",") if host.strip()]
        if LOCAL_HOST not in (host.strip() for host in hosts):
            os.environ[name] = ",".join([*hosts, LOCAL_HOST])
    _state.url = url


def _put_back() -> None:
    """The variables as they were, unless the learner has set OPENAI_BASE_URL to something else since."""
    saved, _state.saved = _state.saved, None
    if saved is None or os.environ.get(BASE_URL_VARIABLE) != _state.url:
        _state.url = None
        return
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _state.url = None


def stop() -> None:
    """Stop the server, drop the pending hook and put the environment back as it was before."""
    if _state.shell is not None and _state.callback is not None:
        try:
            _state.shell.events.unregister("post_run_cell", _state.callback)
        except ValueError:  # it ran already, and took itself off
            pass
    _state.shell = _state.callback = None
    _put_back()
    if _state.server is not None:
        _state.server.stop()
        _state.server = None


def serve_recording_to_programs(notebook: str, mode: str, cassette: CassetteGetter) -> str | None:
    """setup()'s hook: in replay mode, for a lesson in PROGRAM_LESSONS, answer programs such as curl from the recording.

    Starts the server and, once the running cell (the setup cell, whose banner names the learner's
    own OPENAI_BASE_URL) has finished, points OPENAI_BASE_URL at it; outside IPython at once.
    Any other notebook or mode only stops what an earlier call started. Returns the server's base URL, or None.
    """
    stop()
    if mode != "replay" or notebook.removesuffix("_solutions") not in PROGRAM_LESSONS:
        return None
    server = _state.server = ReplayServer(cassette).start()
    shell = _ipython()
    if shell is None:
        point_programs_at(server.base_url)
        return server.base_url

    def after_setup_cell(*_args: Any) -> None:
        shell.events.unregister("post_run_cell", after_setup_cell)
        _state.callback = None
        point_programs_at(server.base_url)

    shell.events.register("post_run_cell", after_setup_cell)
    _state.shell, _state.callback = shell, after_setup_cell
    return server.base_url

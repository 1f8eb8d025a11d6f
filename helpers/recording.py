"""Record and replay HTTP traffic to the OpenAI API inside a notebook kernel.

vcrpy does the patching (httpx2 for the SDK, urllib3 for `requests`). This module adds what a
course needs on top of it:

- matching that ignores the host and compares JSON bodies as data, with multipart boundaries
  normalised, so a proxy, OPENAI_BASE_URL or a different key order still replays;
- identical requests play back in recorded order, then the last one repeats (re-running a
  cell works, and so does a loop that polls a job until it finishes);
- a short, specific message when a request is not in the recording (`RecordingMismatch`);
- YAML files that read well in a diff, written atomically, with every secret scrubbed;
- recorded failures: a request whose answer never came, or stopped coming, is stored with the
  network error the live call met, and replays as that same error (see `failure_response`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
import yaml
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.filters import decode_response
from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.record_mode import RecordMode
from vcr.request import Request
from vcr.stubs import httpx_stubs

# Request headers worth keeping: what the body means. Everything else (auth, org, project,
# cookies, SDK telemetry) is dropped before anything is written.
KEPT_REQUEST_HEADERS = ("content-type", "accept")
# Response headers that identify an account or a browser session.
DROPPED_RESPONSE_HEADERS = ("set-cookie", "cookie", "openai-organization", "openai-project")

# Secret shapes, and nothing else: each must not start inside a word ("risk-assessment",
# "task-management" keep their letters) and must be as long as a real credential ("Bearer
# instruments" is prose). Known key values are removed before these run (scrub_text).
_NOT_IN_A_WORD = r"(?<![A-Za-z0-9_\-])"
SECRET_PATTERNS = [
    (re.compile(_NOT_IN_A_WORD + r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"), "sk-REDACTED"),
    (re.compile(_NOT_IN_A_WORD + r"org-[A-Za-z0-9]{20,}\b"), "org-REDACTED"),
    (re.compile(_NOT_IN_A_WORD + r"proj_[A-Za-z0-9]{20,}\b"), "proj_REDACTED"),
    # a bearer token: 20+ token characters with at least one digit, after the word Bearer
    (re.compile(r"(?i)(\bbearer\s+)(?=[A-Za-z0-9._\-]*\d)[A-Za-z0-9._\-]{20,}"), r"\1REDACTED"),
    # Azure OpenAI's key in a query string (its header is dropped with every other header)
    (re.compile(r"(?i)([?&]api[-_]key=)[^&\s\"'#]+"), r"\1REDACTED"),
    # user:password@ in a URL (a proxy or gateway in OPENAI_BASE_URL)
    (re.compile(r"(?i)\b(https?://)[^/\s:@\"']+:[^/\s@\"']+@"), r"\1REDACTED@"),
]


class RecordingDamaged(ValueError):
    """A recording file that cannot be replayed: missing, cut short, not YAML, or mid-merge."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = Path(path), problem
        name = self.path.name.removesuffix(".yaml")
        lesson = name.removesuffix("_solutions")
        shown = f"recordings/{self.path.name}" if self.path.parent.name == "recordings" else str(self.path)
        super().__init__(
            f"{shown} {problem}, so it cannot be replayed.\n"
            f"Restore it with `git checkout {shown}`, or record it again with `make record NB={lesson}` "
            "(needs OPENAI_API_KEY)."
        )


class ReplayUnavailable(CannotOverwriteExistingCassetteException):
    """Raised for every request while the notebook has no usable recording: nothing reaches the network."""

    def __init__(self, reason: str):
        self.reason = reason
        Exception.__init__(self, reason)


class RecordingMismatch(CannotOverwriteExistingCassetteException):
    """A request in replay mode that the notebook's recording does not contain."""

    def __init__(self, recording: Path, request: Request, closest: Request | None, diffs: list[Diff]):
        self.recording = Path(recording)
        self.request = request
        self.closest = closest
        self.diffs = diffs
        Exception.__init__(self, self.explain())

    def explain(self) -> str:
        name = self.recording.name.removesuffix(".yaml")
        lines = [
            f"This request is not in the recording for {name} (replay mode), so there is no answer to play.",
            f"  Your request: {self.request.method} {api_path(self.request.path)}",
        ]
        if self.closest is None:
            lines.append("  The recording has no request to that endpoint.")
        else:
            lines.append("  It differs from the closest recorded request at:")
            for diff in self.diffs[:3]:
                lines.append(f"    {diff.where}: recorded {diff.recorded}, yours {diff.yours}")
            if len(self.diffs) > 3:
                lines.append(f"    … and {len(self.diffs) - 3} more")
        lines += [
            "Two ways forward:",
            "  - undo your change and run the cell again, or",
            "  - add OPENAI_API_KEY to .env and restart the kernel to run live.",
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class Diff:
    """One place where two requests differ, with both values shortened for display."""

    where: str
    recorded: str
    yours: str


def api_path(path: str) -> str:
    """The part of a URL path the API defines, whatever prefix a proxy or base URL adds."""
    index = path.rfind("/v1/")
    return path[index:] if index >= 0 else path


def _content_type(request: Request) -> str:
    for name, value in request.headers.items():
        if name.lower() == "content-type":
            return value if isinstance(value, str) else value[0]
    return ""


def multipart_boundary(content_type: str) -> str | None:
    """The boundary a multipart/form-data content type declares, if any."""
    found = re.search(r"boundary=\"?([^\";]+)", content_type)
    return found.group(1) if found else None


def request_body(request: Request) -> Any:
    """The request body as data: parsed JSON, multipart with its boundary normalised, or bytes."""
    raw = request.body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    content_type = _content_type(request)
    if "multipart/form-data" in content_type:
        boundary = multipart_boundary(content_type)
        return raw.replace(boundary.encode(), b"BOUNDARY") if boundary else raw
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, bytes) else f"<{len(value)} bytes>"
    return text if len(text) <= 70 else text[:67] + "…"


_MISSING = object()


def differences(recorded: Any, yours: Any, where: str = "") -> list[Diff]:
    """Every leaf where two JSON values differ, named like `messages[1].content`."""
    if isinstance(recorded, dict) and isinstance(yours, dict):
        found: list[Diff] = []
        for key in list(recorded) + [k for k in yours if k not in recorded]:
            path = f"{where}.{key}" if where else str(key)
            found += differences(recorded.get(key, _MISSING), yours.get(key, _MISSING), path)
        return found
    if isinstance(recorded, list) and isinstance(yours, list):
        found = []
        for i in range(max(len(recorded), len(yours))):
            a = recorded[i] if i < len(recorded) else _MISSING
            b = yours[i] if i < len(yours) else _MISSING
            found += differences(a, b, f"{where}[{i}]")
        return found
    if recorded == yours:
        return []
    return [
        Diff(
            where or "body",
            "(nothing)" if recorded is _MISSING else _short(recorded),
            "(nothing)" if yours is _MISSING else _short(yours),
        )
    ]


def _query(request: Request) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(request.uri).query, keep_blank_values=True))


def request_differences(recorded: Request, yours: Request) -> list[Diff]:
    """How a request differs from a recorded one, ignoring the host, key order and boundaries."""
    diffs = []
    if recorded.method != yours.method:
        diffs.append(Diff("method", recorded.method, yours.method))
    if api_path(recorded.path) != api_path(yours.path):
        diffs.append(Diff("path", api_path(recorded.path), api_path(yours.path)))
    if _query(recorded) != _query(yours):
        diffs.append(Diff("query", _short(dict(_query(recorded))), _short(dict(_query(yours)))))
    return diffs + differences(request_body(recorded), request_body(yours))


def _same_endpoint(r1: Request, r2: Request) -> None:
    assert r1.method == r2.method and api_path(r1.path) == api_path(r2.path), "endpoint"


def _same_query(r1: Request, r2: Request) -> None:
    assert _query(r1) == _query(r2), "query"


def _same_body(r1: Request, r2: Request) -> None:
    assert request_body(r1) == request_body(r2), "body"


MATCHERS = [_same_endpoint, _same_query, _same_body]


def scrub_request(request: Request) -> Request:
    """Keep only the headers that say what the body is; nothing that identifies anyone."""
    for name in list(request.headers):
        if name.lower() not in KEPT_REQUEST_HEADERS:
            del request.headers[name]
    return request


class RecordingRefused(ValueError):
    """A reply the recorder will not store, because the stored copy could not be read back."""


def scrub_response(response: dict) -> dict:
    """Decode compressed bodies and drop headers that identify an account or session.

    vcrpy decodes gzip and deflate (and brotli when the `brotli` package is installed); a reply in
    any other encoding is refused loudly rather than stored as bytes nobody can replay.
    """
    response = decode_response(response)
    for name, values in response["headers"].items():
        encodings = [v for v in (values if isinstance(values, list) else [values]) if v and v != "identity"]
        if name.lower() == "content-encoding" and encodings:
            raise RecordingRefused(
                f"The server sent a reply compressed as {', '.join(encodings)!r}, which the recorder cannot "
                "decode, so it is not saved and the recording stays as it was.\n"
                "The course asks for gzip while recording; a proxy between you and the API changed that. "
                "Record without the proxy, or `pip install brotli` if the encoding is 'br'."
            )
    response["headers"] = {
        name: values
        for name, values in sorted(response["headers"].items(), key=lambda item: item[0].lower())
        if name.lower() not in DROPPED_RESPONSE_HEADERS
    }  # sorted: `requests` hands its headers over in no fixed order, and a recording should not churn
    return response


def scrub_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove any secret from text about to be written: known values first, then key-like patterns."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "sk-REDACTED" if secret.startswith("sk-") else "REDACTED")
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# --- Recorded failures ---------------------------------------------------------------------------
#
# vcrpy stores HTTP replies only. A live call can also fail on the network: no answer before the
# client's timeout, a refused or dropped connection, a stream that stops halfway. The recorder stores
# such a call as an interaction whose response carries `failure`:
#
#     response:
#       status: {code: 0, message: no reply}     # 0: no reply arrived (a stream cut midway keeps its 200)
#       headers: {}
#       body: {string: ''}                       # or the part of the body that did arrive
#       failure:
#         error: ReadTimeout                     # the httpx2 exception the live call raised
#         message: timed out
#         after_body: false                      # true: raised after `body`, mid-stream
#
# Replay raises the same exception from the same place (before the reply, or after the recorded part
# of the body), so the SDK retries, wraps and reports it exactly as it did live.

NO_REPLY = 0  # the status recorded for a request that got no reply at all


def failure_of(response: dict) -> dict | None:
    """The network failure a recorded response stands for, or None for an ordinary reply."""
    failure = response.get("failure") if isinstance(response, dict) else None
    return failure if isinstance(failure, dict) else None


def is_reply(interaction: dict) -> bool:
    """Whether a recorded interaction holds an HTTP reply (a stream cut midway still does)."""
    response = interaction.get("response") or {}
    return not (failure_of(response) and response.get("status", {}).get("code") == NO_REPLY)


def failure_response(error: Exception, reply: dict | None = None) -> dict:
    """The recorded response for a call that failed with `error` (an httpx2 transport error).

    `reply` is what had arrived when it failed (status, headers and the body so far, as vcrpy
    serialises a response), or None when no reply came at all.
    """
    failure = {"error": type(error).__name__, "message": str(error), "after_body": reply is not None}
    if reply is None:
        return {"status": {"code": NO_REPLY, "message": "no reply"}, "headers": {}, "body": {"string": ""},
                "failure": failure}
    return {**reply, "failure": failure}


def _is_transport_error(name: str) -> bool:
    found = getattr(httpx2, name, None)
    return isinstance(found, type) and issubclass(found, httpx2.TransportError)


def transport_error(failure: dict, httpx: Any, request: Any) -> Exception:
    """The exception a recorded failure stands for, ready to raise: `httpx.<error>(message, request=...)`."""
    name = str(failure.get("error", ""))
    error_class = getattr(httpx, name, None)
    if not (isinstance(error_class, type) and issubclass(error_class, httpx.TransportError)):
        raise ValueError(
            f"The recording names {name!r} as a network failure, which is not a transport error of "
            f"{httpx.__name__}, so it cannot be replayed. Record the notebook again."
        )
    return error_class(str(failure.get("message", "")), request=request)


def _partial_body(headers: dict, raw: bytes) -> tuple[dict, bytes]:
    """The headers and body of a reply cut short, decoded: vcrpy cannot decompress half a gzip stream."""
    headers = dict(headers)
    for name in [n for n in headers if n.lower() in ("content-encoding", "content-length")]:
        values = headers.pop(name)
        encoding = (values[0] if isinstance(values, list) and values else str(values)).lower()
        if name.lower() == "content-encoding" and encoding in ("gzip", "deflate"):
            with suppress(zlib.error):
                raw = zlib.decompressobj(zlib.MAX_WBITS | 32).decompress(raw)  # 32: gzip or zlib header
        elif name.lower() == "content-encoding" and encoding not in ("", "identity"):
            headers[name] = values  # left for scrub_response, which refuses what it cannot decode
    return headers, raw


class _FailingStream:
    """A reply body that yields what arrived, then raises the failure the live connection had."""

    def __init__(self, content: bytes, error: Exception):
        self._content, self._error = content, error

    def __iter__(self) -> Iterator[bytes]:
        if self._content:
            yield self._content
        raise self._error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._content:
            yield self._content
        raise self._error

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


def _replayed(response: dict, real_request: Any, httpx: Any) -> Any:
    """An httpx response for a recorded one; a recorded failure raises, now or after the body's recorded part."""
    failure = failure_of(response)
    if failure is None:
        return httpx_stubs._deserialize_response(response, httpx)
    error = transport_error(failure, httpx, real_request)
    if not failure.get("after_body"):
        raise error
    body = response["body"]["string"] or b""
    return httpx.Response(
        response["status"]["code"],
        headers=httpx_stubs._deserialize_headers(response["headers"]),
        stream=_failing_stream(httpx, body.encode() if isinstance(body, str) else body, error),
    )


@cache
def _failing_stream_class(httpx: Any) -> type:
    """`_FailingStream` as httpx (or httpx2) wants a response stream: both sync and async."""
    return type("FailingStream", (_FailingStream, httpx.SyncByteStream, httpx.AsyncByteStream), {})


def _failing_stream(httpx: Any, content: bytes, error: Exception) -> Any:
    return _failing_stream_class(httpx)(content, error)


def _start(cassette: Any, real_request: Any, body: bytes, httpx: Any) -> tuple[Request, Any]:
    """vcrpy's first step, shared by both handlers: (the request as vcrpy records it, a replayed response or None)."""
    real_request.stream = httpx.ByteStream(body)
    vcr_request = httpx_stubs._make_vcr_request(real_request, body)
    if cassette.can_play_response_for(vcr_request):
        return vcr_request, _replayed(cassette.play_response(vcr_request), real_request, httpx)
    if cassette.write_protected and cassette.filter_request(vcr_request):
        raise CannotOverwriteExistingCassetteException(cassette=cassette, failed_request=vcr_request)
    return vcr_request, None


def _record_cut(cassette: Any, vcr_request: Request, real_response: Any, chunks: list[bytes],
                error: Exception, httpx: Any) -> Any:
    """Record a reply that broke off, and hand the client what arrived followed by the same error."""
    arrived = b"".join(chunks)
    reply = httpx_stubs._serialize_response(real_response, arrived)
    reply["headers"], reply["body"]["string"] = _partial_body(reply["headers"], arrived)
    cassette.append(vcr_request, failure_response(error, reply))
    real_response.stream = _failing_stream(httpx, arrived, error)
    return real_response


def _handle_request(cassette: Any, real_handle_request: Any, transport: Any, real_request: Any, httpx: Any) -> Any:
    """vcrpy's httpx handler, plus recorded failures (installed in place of `_vcr_handle_request`)."""
    vcr_request, replayed = _start(cassette, real_request, b"".join(real_request.stream), httpx)
    if replayed is not None:
        return replayed
    try:
        real_response = real_handle_request(transport, real_request)
    except httpx.TransportError as error:
        cassette.append(vcr_request, failure_response(error))
        raise
    chunks: list[bytes] = []
    try:
        for chunk in real_response.stream:
            chunks.append(chunk)
    except httpx.TransportError as error:
        with suppress(Exception):
            real_response.stream.close()
        return _record_cut(cassette, vcr_request, real_response, chunks, error, httpx)
    except BaseException:
        with suppress(Exception):
            real_response.stream.close()
        raise
    with httpx._exceptions.request_context(request=real_response._request):
        real_response.stream.close()
    content = b"".join(chunks)
    real_response.stream = httpx.ByteStream(content)
    httpx_stubs._record_responses(cassette, vcr_request, real_response, content)
    return real_response


async def _handle_async_request(cassette: Any, real_handle_async_request: Any, transport: Any, real_request: Any,
                                httpx: Any) -> Any:
    """The async twin of `_handle_request`."""
    body = b"".join([part async for part in real_request.stream])
    vcr_request, replayed = _start(cassette, real_request, body, httpx)
    if replayed is not None:
        return replayed
    try:
        real_response = await real_handle_async_request(transport, real_request)
    except httpx.TransportError as error:
        cassette.append(vcr_request, failure_response(error))
        raise
    chunks: list[bytes] = []
    try:
        async for chunk in real_response.stream:
            chunks.append(chunk)
    except httpx.TransportError as error:
        with suppress(Exception):
            await real_response.stream.aclose()
        return _record_cut(cassette, vcr_request, real_response, chunks, error, httpx)
    except BaseException:
        with suppress(Exception):
            await real_response.stream.aclose()
        raise
    with httpx._exceptions.request_context(request=real_response._request):
        await real_response.stream.aclose()
    content = b"".join(chunks)
    real_response.stream = httpx.ByteStream(content)
    httpx_stubs._record_responses(cassette, vcr_request, real_response, content)
    return real_response


# vcrpy's httpx and httpx2 patches call these two module functions for every request; while a course
# cassette is open, ours stand in for them (mock.patch through the cassette's custom_patches).
FAILURE_PATCHES = (
    (httpx_stubs, "_vcr_handle_request", _handle_request),
    (httpx_stubs, "_vcr_handle_async_request", _handle_async_request),
)


class CourseCassette(Cassette):
    """A vcrpy cassette that plays repeats in order and explains what it cannot play."""

    refusal: str | None = None  # set: refuse every request with this message (no recording is usable)

    def _matching(self, request: Request) -> list[tuple[int, dict]]:
        return list(self._responses(request))

    def __contains__(self, request: Request) -> bool:
        return bool(self._matching(request))

    def can_play_response_for(self, request: Request) -> bool:
        if self.refusal:
            raise ReplayUnavailable(self.refusal)
        if self.record_mode == RecordMode.ALL:
            return False
        if request in self:
            return True
        if self.record_mode == RecordMode.NONE:
            raise self.mismatch(request)
        return False

    def play_response(self, request: Request) -> dict:
        matches = self._matching(request)
        if not matches:
            raise self.mismatch(request)
        unplayed = [(i, r) for i, r in matches if self.play_counts[i] == 0]
        index, response = unplayed[0] if unplayed else matches[-1]
        self.play_counts[index] += 1
        return response

    def _save(self, force: bool = False) -> None:
        if self.record_mode != RecordMode.NONE:  # replay never writes
            super()._save(force=force)

    def add_fallback(self, path: Path) -> None:
        """Also answer from another recording (a lesson replays its solutions' requests too)."""
        if path.is_file():
            requests, responses, *_ = AtomicPersister.load_cassette(path, self._serializer)
            self.data += list(zip(requests, responses, strict=True))

    def mismatch(self, request: Request) -> RecordingMismatch:
        same_endpoint = [
            recorded
            for recorded in self.requests
            if recorded.method == request.method and api_path(recorded.path) == api_path(request.path)
        ]
        if not same_endpoint:
            return RecordingMismatch(self._path, request, None, [])
        ranked = sorted(same_endpoint, key=lambda recorded: len(request_differences(recorded, request)))
        closest = ranked[0]
        return RecordingMismatch(self._path, request, closest, request_differences(closest, request))


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it: 10x faster


class _Dumper(yaml.SafeDumper):
    """YAML that reads well in a review: multi-line text as literal blocks, keys in given order."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text and not re.search(r"[ \t]\n", text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def _pretty_json(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return text


FIXED_BOUNDARY = "course-recording-boundary"


def _fix_boundary(request: dict) -> None:
    """Store multipart bodies with one fixed boundary, so re-recording an upload gives the same file."""
    headers = request.get("headers") or {}
    for name, values in headers.items():
        if name.lower() != "content-type" or not values:
            continue
        boundary = multipart_boundary(values[0])
        if boundary is None or boundary == FIXED_BOUNDARY:
            return
        headers[name] = [values[0].replace(boundary, FIXED_BOUNDARY)]
        body = request.get("body")
        if isinstance(body, str):
            request["body"] = body.replace(boundary, FIXED_BOUNDARY)
        elif isinstance(body, bytes):
            request["body"] = body.replace(boundary.encode(), FIXED_BOUNDARY.encode())
        return


class CourseSerializer:
    """vcrpy serializer: the metadata (provenance) first, request bodies pretty-printed, secrets out."""

    secrets: tuple[str, ...] = ()

    @staticmethod
    def deserialize(text: str) -> dict:
        return yaml.load(text, Loader=_Loader)

    @classmethod
    def serialize(cls, data: dict) -> str:
        for interaction in data.get("interactions", []):
            _fix_boundary(interaction["request"])
            body = interaction["request"].get("body")
            if isinstance(body, str):
                interaction["request"]["body"] = _pretty_json(body)
        ordered = {key: data[key] for key in ("metadata", "version", "interactions") if key in data}
        text = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
        return scrub_text(text, cls.secrets)


class AtomicPersister:
    """Write a recording to a temporary file beside it, then rename: a crash never leaves half a file."""

    @staticmethod
    def load_cassette(cassette_path: str | Path, serializer: Any) -> tuple:
        from vcr.serialize import deserialize

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        return deserialize(path.read_text(encoding="utf-8"), serializer)

    @staticmethod
    def save_cassette(cassette_path: str | Path, cassette_dict: dict, serializer: Any) -> None:
        from vcr.serialize import serialize

        write_atomically(Path(cassette_path), serialize(cassette_dict, serializer))


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step (same-folder temp file + os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it private; a recording is an ordinary file
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def open_cassette(
    path: Path, *, replay: bool, secrets: tuple[str, ...] = (), refuse: str | None = None
) -> Iterator[CourseCassette]:
    """The vcrpy context for one notebook: replay from `path`, or record afresh into it.

    With `refuse`, every request fails at once with that message instead (nothing is read or sent).
    """
    serializer = type("Serializer", (CourseSerializer,), {"secrets": secrets})
    cassette_class = type("RefusingCassette", (CourseCassette,), {"refusal": refuse}) if refuse else CourseCassette
    return cassette_class.use(
        path=str(path),
        serializer=serializer,
        persister=AtomicPersister,
        record_mode=RecordMode.NONE if replay else RecordMode.ALL,
        match_on=MATCHERS,
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        custom_patches=FAILURE_PATCHES,
    )


_CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ", "=======")


def check_recording(path: Path) -> dict:
    """A recording's data, after checking it can be replayed; RecordingDamaged says what is wrong where."""
    if not path.is_file():
        raise RecordingDamaged(path, "is missing")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RecordingDamaged(path, f"is not text (byte {exc.start} is not UTF-8)") from None
    for number, line in enumerate(text.splitlines(), start=1):
        # YAML indents every line of a text, so a marker at the start of a line is git's, not a reply's
        if line.startswith(_CONFLICT_MARKERS[:2]) or line.rstrip() == _CONFLICT_MARKERS[2]:
            raise RecordingDamaged(path, f"has a merge-conflict marker at line {number}")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "unreadable"
        raise RecordingDamaged(path, f"is not valid YAML{where} ({problem})") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise RecordingDamaged(path, "is not a recording (it has no list of interactions)")
    for number, interaction in enumerate(data["interactions"], start=1):
        request = interaction.get("request") if isinstance(interaction, dict) else None
        response = interaction.get("response") if isinstance(interaction, dict) else None
        if not (isinstance(request, dict) and {"method", "uri"} <= set(request)):
            raise RecordingDamaged(path, f"is cut short or damaged: interaction {number} has no whole request")
        if not (isinstance(response, dict) and {"status", "body"} <= set(response)):
            raise RecordingDamaged(path, f"is cut short or damaged: interaction {number} has no whole response")
        failure = response.get("failure")
        if failure is not None and not (isinstance(failure, dict) and isinstance(failure.get("error"), str)):
            raise RecordingDamaged(path, f"is damaged: interaction {number} records a failure without naming its error")
        if failure is not None and not _is_transport_error(failure["error"]):
            raise RecordingDamaged(
                path, f"is damaged: interaction {number} records {failure['error']!r}, which is not a network error")
    return data


def count_authored(data: dict) -> tuple[int, int]:
    """How many replies a recording holds, and how many of them were authored as examples.

    A recorded network failure with no reply at all (a timeout, a refused connection) is not a reply.
    """
    replies = [i for i in data.get("interactions") or [] if is_reply(i)]
    authored = sum(1 for i in replies if str(i.get("provenance", "")).startswith("authored"))
    return len(replies), authored


def load_recording(path: Path) -> dict:
    """A recording file as plain data (for checks, provenance and tools)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def save_recording(path: Path, data: dict) -> None:
    """Write recording data back, in the same layout vcrpy's serializer uses."""
    write_atomically(path, CourseSerializer.serialize(data))


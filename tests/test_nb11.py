"""Lesson 11: recorded failures (a timeout, a refused or dropped connection, a stream cut midway) record
against the stub server and replay as the same network error, so the SDK retries and reports them as
it did live; and the lesson's checks judge by behaviour without naming the answer."""

from __future__ import annotations

import asyncio
import gzip
import os
import time
from collections.abc import Iterator

import httpx2
import openai
import pytest
from openai import AsyncOpenAI, OpenAI
from openai.resources.chat.completions.completions import Completions

import helpers
from helpers import cli, costs, session, settings
from helpers.authoring import Script, chat, count_tokens, cut_stream, no_reply, stream
from helpers.exercises import nb11
from helpers.recording import (
    RecordingDamaged,
    check_recording,
    count_authored,
    load_recording,
    save_recording,
    transport_error,
)
from helpers.stub_server import StubServer

from .conftest import FAKE_KEY

UNREACHABLE = "http://127.0.0.1:9/v1"  # nothing listens on port 9: a real request is refused at once
MODEL = "gpt-5.4-mini"
STORY = "The keeper lit the lamp at dusk. Ships passed safely all night, and the fog lifted at dawn."


def ask(client: OpenAI, text: str, **extra):  # noqa: ANN003
    return client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": text}], **extra)


def record(name: str, script: Script, calls) -> StubServer:  # noqa: ANN001
    """Run `calls(client)` in record mode against `script` on the stub, then promote as `course author` does."""
    with StubServer(script) as stub:
        os.environ.update(OPENAI_API_KEY=FAKE_KEY, OPENAI_BASE_URL=stub.base_url, COURSE_MODE="record")
        session.setup(name)
        calls(OpenAI(timeout=5, max_retries=2))
        session.stop()
    cli.promote(name, "authored", "recorded by a test against the stub server")
    return stub


def replay(name: str) -> OpenAI:
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.update(COURSE_MODE="replay", OPENAI_BASE_URL=UNREACHABLE)
    session.setup(name)
    return OpenAI(timeout=5, max_retries=2)


def failures(name: str) -> list[dict]:
    return [i["response"]["failure"] for i in load_recording(settings.recording_path(name))["interactions"]
            if "failure" in i["response"]]


def read_story(client: OpenAI) -> tuple[str, BaseException | None]:
    """The text a chat stream delivered, and the error that ended it (None when it finished)."""
    pieces: list[str] = []
    try:
        for chunk in ask(client, "Tell the lighthouse story.", stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
    except openai.APIError as exc:
        return "".join(pieces), exc
    return "".join(pieces), None


# --- recorded failures ----------------------------------------------------------------------------


def test_a_timeout_records_each_attempt_and_replays_as_the_same_error_without_waiting(course):
    def calls(client: OpenAI) -> None:
        with pytest.raises(openai.APITimeoutError):
            ask(client.with_options(timeout=0.1, max_retries=1), "Count to three.")

    script = Script().add("POST /v1/chat/completions", no_reply(after=1.0))
    stub = record("timeout", script, calls)
    assert len(stub.received) == 2  # the SDK retried once, live
    assert [f["error"] for f in failures("timeout")] == ["ReadTimeout", "ReadTimeout"]

    client = replay("timeout")
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError) as caught:
        ask(client.with_options(timeout=0.1, max_retries=1), "Count to three.")
    assert time.monotonic() - started < 0.5  # no real wait: the failures come from the recording
    assert isinstance(caught.value.__cause__, httpx2.ReadTimeout) and str(caught.value.__cause__) == "timed out"


def test_a_refused_connection_replays_with_its_cause_and_counts_as_no_reply(course):
    def calls(_client: OpenAI) -> None:
        with pytest.raises(openai.APIConnectionError):
            ask(OpenAI(base_url=UNREACHABLE, api_key="not-needed", timeout=5, max_retries=0), "Are you there?")
        ask(_client, "And you?")

    record("refused", Script().add("POST /v1/chat/completions", chat("Here.")), calls)
    data = check_recording(settings.recording_path("refused"))
    refused = data["interactions"][0]["response"]
    assert refused["status"]["code"] == 0 and refused["failure"]["error"] == "ConnectError"
    assert count_authored(data) == (1, 1)  # the banner counts replies: a refused connection is not one
    [usage] = costs.recording_usage(settings.recording_path("refused"))  # the reply is billed; the failure is not
    assert usage.output == count_tokens("Here.")

    replay("refused")
    with pytest.raises(openai.APIConnectionError) as caught:
        ask(OpenAI(base_url=UNREACHABLE, api_key="not-needed", timeout=5, max_retries=0), "Are you there?")
    assert type(caught.value.__cause__) is httpx2.ConnectError
    assert str(caught.value.__cause__) == refused["failure"]["message"]


def test_a_dropped_connection_then_a_reply_replays_in_recorded_order(course):
    def calls(client: OpenAI) -> None:
        raw = client.chat.completions.with_raw_response.create(
            model=MODEL, messages=[{"role": "user", "content": "Say when."}])
        assert raw.retries_taken == 1 and raw.parse().choices[0].message.content == "Now."

    record("dropped", Script().add("POST /v1/chat/completions", no_reply(), chat("Now.")), calls)
    assert [f["error"] for f in failures("dropped")] == ["RemoteProtocolError"]

    raw = replay("dropped").chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": "Say when."}])
    assert raw.retries_taken == 1 and raw.parse().choices[0].message.content == "Now."


def test_a_stream_cut_midway_delivers_its_events_then_fails_and_is_not_retried(course):
    kept: dict[str, tuple[str, BaseException | None]] = {}

    def calls(client: OpenAI) -> None:
        kept["record"] = read_story(client)

    script = Script().add("POST /v1/chat/completions", cut_stream(stream(STORY), after=6))
    stub = record("cut", script, calls)
    text, error = kept["record"]
    assert len(stub.received) == 1  # the stream had started: the SDK did not send it again
    assert STORY.startswith(text) and 0 < len(text) < len(STORY)
    assert isinstance(error, openai.APIConnectionError) and isinstance(error.__cause__, httpx2.RemoteProtocolError)
    [failure] = failures("cut")
    assert failure["after_body"] is True

    replayed_text, replayed_error = read_story(replay("cut"))
    assert replayed_text == text
    assert type(replayed_error) is type(error) and str(replayed_error.__cause__) == str(error.__cause__)
    [usage] = costs.recording_usage(settings.recording_path("cut"))
    assert usage.output == 5  # what arrived before the cut: five pieces of text after the role chunk


def test_the_async_client_replays_a_cut_stream_too(course):
    script = Script().add("POST /v1/chat/completions", cut_stream(stream(STORY), after=4))
    record("cut_async", script, lambda client: read_story(client))
    replay("cut_async")

    async def read() -> tuple[str, BaseException | None]:
        pieces: list[str] = []
        try:
            reply = await AsyncOpenAI(timeout=5, max_retries=2).chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "Tell the lighthouse story."}], stream=True)
            async for chunk in reply:
                if chunk.choices and chunk.choices[0].delta.content:
                    pieces.append(chunk.choices[0].delta.content)
        except openai.APIError as exc:
            return "".join(pieces), exc
        return "".join(pieces), None

    text, error = asyncio.run(read())
    assert STORY.startswith(text) and text and isinstance(error, openai.APIConnectionError)


def test_a_reply_cut_inside_its_gzip_body_is_stored_decoded(course):
    from helpers.recording import _partial_body

    whole = gzip.compress(("data: {\"n\": 1}\n\n" * 200).encode())
    headers, body = _partial_body({"Content-Encoding": ["gzip"], "Content-Length": ["99"], "x-a": ["1"]},
                                  whole[: len(whole) // 2])
    assert headers == {"x-a": ["1"]}
    assert body.startswith(b'data: {"n": 1}\n\n') and len(body) < 200 * 16


def test_a_damaged_failure_says_so_instead_of_replaying_something_else(course):
    path = settings.recording_path("odd")
    interaction = {"provenance": "authored",
                   "request": {"method": "POST", "uri": "http://x/v1/chat/completions", "body": "{}", "headers": {}},
                   "response": {"status": {"code": 0, "message": "no reply"}, "headers": {}, "body": {"string": ""},
                                "failure": {"message": "no error named"}}}
    save_recording(path, {"version": 1, "interactions": [interaction]})
    with pytest.raises(RecordingDamaged, match="records a failure without naming its error"):
        check_recording(path)
    interaction["response"]["failure"]["error"] = "KeyboardInterrupt"
    save_recording(path, {"version": 1, "interactions": [interaction]})
    with pytest.raises(RecordingDamaged, match="records 'KeyboardInterrupt', which is not a network error"):
        check_recording(path)
    request = httpx2.Request("POST", UNREACHABLE)
    with pytest.raises(ValueError, match="'HTTPStatusError' .* not a transport error"):
        transport_error({"error": "HTTPStatusError", "message": "x"}, httpx2, request)
    assert isinstance(transport_error({"error": "ReadError", "message": "reset"}, httpx2, request), httpx2.ReadError)


# --- the lesson's checks --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def sdk_left_as_it_was() -> Iterator[None]:
    original = Completions.create
    yield
    assert Completions.create is original, "a check left the SDK patched"


def good_advice(err):  # noqa: ANN001, ANN201
    if isinstance(err, openai.AuthenticationError):
        return "key"
    if isinstance(err, (openai.BadRequestError, openai.UnprocessableEntityError)):
        return "request"
    if isinstance(err, openai.NotFoundError):
        return "model"
    if isinstance(err, openai.RateLimitError):
        return "pay" if err.code == "insufficient_quota" else "wait"
    if isinstance(err, openai.InternalServerError):
        return "wait"
    return "network"


def test_11_1_wants_the_class_and_the_code_and_never_names_the_answer():
    assert helpers.check("11.1", good_advice)

    def every_429_waits(err):  # noqa: ANN001, ANN202
        return "wait" if isinstance(err, openai.RateLimitError) else good_advice(err)

    feedback = str(helpers.check("11.1", every_429_waits))
    assert '✗ an account without credit (429 insufficient_quota) gives "pay"' in feedback and "err.code" in feedback

    def reads_a_status_everywhere(err):  # noqa: ANN001, ANN202
        return "wait" if err.status_code >= 500 else good_advice(err)

    feedback = str(helpers.check("11.1", reads_a_status_everywhere))
    assert "✗ it runs on every kind of error without raising" in feedback and "AttributeError" in feedback
    assert "isinstance" not in feedback and "InternalServerError" not in feedback


def test_11_2_wants_retry_after_then_full_jitter():
    import random

    def good(err, attempt):  # noqa: ANN001, ANN202
        if isinstance(err, openai.APIStatusError) and err.response.headers.get("retry-after"):
            return float(err.response.headers["retry-after"])
        return random.uniform(0, min(30, 2**attempt))

    assert helpers.check("11.2", good)

    def no_jitter(err, attempt):  # noqa: ANN001, ANN202
        return good(err, attempt) if isinstance(err, openai.APIStatusError) and err.response.headers.get(
            "retry-after") else float(min(30, 2**attempt))

    assert "✗ the waits are random (jitter), not the same every time" in str(helpers.check("11.2", no_jitter))

    def ignores_the_header(err, attempt):  # noqa: ANN001, ANN202
        return random.uniform(0, min(30, 2**attempt))

    feedback = str(helpers.check("11.2", ignores_the_header))
    assert "✗ with retry-after: 7 on a 429, it waits 7 seconds" in feedback and "err.response.headers" in feedback

    def every_error_has_a_reply(err, attempt):  # noqa: ANN001, ANN202
        asked = err.response.headers.get("retry-after")
        return float(asked) if asked else random.uniform(0, min(30, 2**attempt))

    feedback = str(helpers.check("11.2", every_error_has_a_reply))
    assert "✗ a connection error, which has no reply" in feedback and "has no response to read" in feedback


@pytest.fixture(scope="module")
def lighthouse() -> Iterator[tuple[OpenAI, OpenAI]]:
    """Two clients on the stub: one whose stream for the exercise's prompt breaks, one whose stream finishes."""
    broken = Script().add("POST /v1/chat/completions", cut_stream(stream(STORY), after=5))
    whole = Script().add("POST /v1/chat/completions", stream(STORY))
    with StubServer(broken) as cut, StubServer(whole) as fine:
        yield (OpenAI(api_key="sk-test", base_url=cut.base_url, timeout=5, max_retries=0),
               OpenAI(api_key="sk-test", base_url=fine.base_url, timeout=5, max_retries=0))


def stream_text_with(client: OpenAI, catch: bool = True, pair: bool = True):  # noqa: ANN201
    def stream_text(prompt):  # noqa: ANN001, ANN202
        pieces = []
        try:
            for chunk in client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}],
                                                        max_completion_tokens=nb11.CAP, stream=True):
                if chunk.choices and chunk.choices[0].delta.content:
                    pieces.append(chunk.choices[0].delta.content)
        except openai.APIConnectionError:
            if not catch:
                raise
            return ("".join(pieces), False) if pair else "".join(pieces)
        return ("".join(pieces), True) if pair else "".join(pieces)

    return stream_text


def test_11_3_accepts_a_broken_and_a_finished_stream_and_names_what_is_missing(lighthouse):
    broken, whole = lighthouse
    assert helpers.check("11.3", stream_text_with(broken))
    finished = helpers.check("11.3", stream_text_with(whole))
    assert finished and "✓ complete is True: the stream finished" in str(finished)

    feedback = str(helpers.check("11.3", stream_text_with(broken, catch=False)))
    assert "✗ stream_text(prompt) returns without raising" in feedback and "catch it around the loop" in feedback

    feedback = str(helpers.check("11.3", stream_text_with(broken, pair=False)))
    assert "✗ it returns a pair: (text, complete)" in feedback

    with StubServer(Script().add("POST /v1/chat/completions", chat(STORY))) as plain:
        whole_plain = OpenAI(api_key="sk-test", base_url=plain.base_url, timeout=5, max_retries=0)

        def not_streamed(prompt):  # noqa: ANN001, ANN202
            reply = whole_plain.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": prompt}], max_completion_tokens=nb11.CAP)
            return reply.choices[0].message.content, True

        assert "✗ it asks for a stream (stream=True)" in str(helpers.check("11.3", not_streamed))

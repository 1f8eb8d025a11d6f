"""Record against the local stub server, then replay with no network: the course's core promise."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
import requests
from openai import APIStatusError, AsyncOpenAI, OpenAI

from helpers import cli, session, settings
from helpers.recording import RecordingMismatch, load_recording, scrub_text
from helpers.stub_server import Reply, StubServer

from .conftest import FAKE_KEY, FAKE_ORG, chat_body, saved_text

UNREACHABLE = "http://127.0.0.1:9/v1"  # nothing listens on port 9: any real request would fail loudly


def record(name: str, base_url: str, calls) -> None:  # noqa: ANN001
    """Run `calls(client)` in record mode against the stub, then promote the recording as `course record` does."""
    os.environ.update(OPENAI_API_KEY=FAKE_KEY, OPENAI_BASE_URL=base_url, COURSE_MODE="record")
    session.setup(name)
    calls(OpenAI())
    session.stop()
    cli.promote(name, "live", "recorded by a test against the stub server")


def replay(name: str) -> OpenAI:
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.update(COURSE_MODE="replay", OPENAI_BASE_URL=UNREACHABLE)
    session.setup(name)
    return OpenAI()


def ask(client: OpenAI, text: str, **extra):  # noqa: ANN003
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}], **extra)


def test_plain_call_records_then_replays_without_network(course, api):
    stub, responder = api
    record("plain", stub.base_url, lambda c: ask(c, "hello"))
    assert responder.calls["/v1/chat/completions"] == 1

    client = replay("plain")
    assert ask(client, "hello").choices[0].message.content == "hello #1"
    assert responder.calls["/v1/chat/completions"] == 1  # replay sent nothing


def test_streaming_replays_as_server_sent_events(course, api):
    stub, _ = api
    record("stream", stub.base_url, lambda c: list(ask(c, "tell me a story", stream=True)))

    chunks = list(ask(replay("stream"), "tell me a story", stream=True))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert text == "tellmeastory#1"
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_async_client_replays(course, api):
    stub, _ = api
    record("async", stub.base_url, lambda c: ask(c, "async please"))
    replay("async")

    async def call() -> str:
        response = await AsyncOpenAI().chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "async please"}]
        )
        return response.choices[0].message.content

    assert asyncio.run(call()) == "async please #1"


def test_file_upload_matches_despite_a_new_multipart_boundary(course, api):
    stub, responder = api
    upload = {"file": ("train.jsonl", b'{"messages": []}\n', "application/jsonl"), "purpose": "fine-tune"}
    record("upload", stub.base_url, lambda c: c.files.create(**upload))

    saved = saved_text(settings.recording_path("upload"))
    sent_boundary = stub.received[0].headers["content-type"].split("boundary=")[1]
    assert sent_boundary not in saved and "course-recording-boundary" in saved  # stable across re-recordings

    uploaded = replay("upload").files.create(**upload)
    assert uploaded.id == "file-1"
    assert responder.calls["/v1/files"] == 1


def test_raw_requests_call_records_and_replays(course, api):
    stub, _ = api
    payload = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "raw http"}]}

    def calls(_client: OpenAI) -> None:
        reply = requests.post(f"{stub.base_url}/chat/completions", json=payload,
                              headers={"Authorization": f"Bearer {FAKE_KEY}"}, timeout=10)
        assert reply.status_code == 200

    record("raw", stub.base_url, calls)
    replay("raw")
    reply = requests.post("https://api.openai.com/v1/chat/completions", json=payload,
                          headers={"Authorization": "Bearer sk-whatever"}, timeout=10)
    assert reply.json()["choices"][0]["message"]["content"] == "raw http #1"


def test_identical_requests_replay_in_order_then_repeat_the_last(course, api):
    stub, _ = api

    def poll(client: OpenAI) -> None:
        for _ in range(3):
            client.fine_tuning.jobs.retrieve("ftjob-1")

    record("poll", stub.base_url, poll)
    client = replay("poll")
    statuses = [client.fine_tuning.jobs.retrieve("ftjob-1").status for _ in range(5)]
    assert statuses == ["queued", "running", "succeeded", "succeeded", "succeeded"]


def test_setup_again_starts_the_recording_over(course, api):
    stub, _ = api
    record("again", stub.base_url, lambda c: [ask(c, "same"), ask(c, "same")])
    client = replay("again")
    assert [ask(client, "same").choices[0].message.content for _ in range(2)] == ["same #1", "same #2"]
    client = replay("again")
    assert ask(client, "same").choices[0].message.content == "same #1"


def test_json_key_order_and_spacing_do_not_matter(course, api):
    stub, _ = api
    payload = {"model": "gpt-4o-mini", "temperature": 0, "messages": [{"role": "user", "content": "order"}]}
    record("order", stub.base_url,
           lambda c: requests.post(f"{stub.base_url}/chat/completions", data=json.dumps(payload),
                                   headers={"Content-Type": "application/json"}, timeout=10))
    replay("order")
    reordered = '{"messages":[{"content":"order","role":"user"}],   "temperature":0,"model":"gpt-4o-mini"}'
    reply = requests.post("http://elsewhere.example/v1/chat/completions", data=reordered,
                          headers={"Content-Type": "application/json"}, timeout=10)
    assert reply.json()["choices"][0]["message"]["content"] == "order #1"


def test_a_changed_request_fails_at_once_naming_the_field(course, api):
    stub, _ = api
    record("mismatch", stub.base_url, lambda c: ask(c, "Write a haiku about a cat"))
    client = replay("mismatch")

    started = time.monotonic()
    with pytest.raises(RecordingMismatch) as caught:
        ask(client, "Write a haiku about a dog")
    assert time.monotonic() - started < 2  # no retries, no network
    message = caught.value.explain()
    assert "mismatch" in message
    assert 'messages[0].content: recorded "Write a haiku about a cat", yours "Write a haiku about a dog"' in message
    assert "add OPENAI_API_KEY to .env" in message and "undo your change" in message


def test_a_request_to_an_endpoint_never_recorded_says_so(course, api):
    stub, _ = api
    record("endpoint", stub.base_url, lambda c: ask(c, "hi"))
    with pytest.raises(RecordingMismatch, match="no request to that endpoint"):
        replay("endpoint").models.list()


def test_a_lesson_also_replays_its_solutions(course, api):
    stub, _ = api
    record("07_x", stub.base_url, lambda c: ask(c, "lesson"))
    record("07_x_solutions", stub.base_url, lambda c: ask(c, "exercise answer"))
    client = replay("07_x")
    assert ask(client, "exercise answer").choices[0].message.content == "exercise answer #2"


def test_recording_with_a_fake_key_leaves_no_trace_of_it(course, api):
    stub, _ = api
    os.environ["OPENAI_ORG_ID"] = FAKE_ORG

    def calls(client: OpenAI) -> None:
        ask(client, "hello")
        with pytest.raises(APIStatusError):
            ask(client, "please leak the key")
        requests.post(f"{stub.base_url}/chat/completions", json={"model": "m", "messages": []},
                      headers={"Authorization": f"Bearer {FAKE_KEY}", "Cookie": "session=abc123"}, timeout=10)
        client.fine_tuning.jobs.retrieve("ftjob-1")

    record("secrets", stub.base_url, calls)
    text = saved_text(settings.recording_path("secrets"))
    assert FAKE_KEY not in text and FAKE_KEY[3:20] not in text
    for secret in (FAKE_ORG, "proj_stubproject", "stubcookie", "session=abc123", "user-stub"):
        assert secret not in text
    for header in ("authorization", "openai-organization", "openai-project", "set-cookie", "cookie:"):
        assert header not in text.lower()
    assert "Incorrect API key provided: sk-REDACTED" in text


def test_compressed_responses_are_stored_decoded(course, api):
    stub, _ = api
    record("gzip", stub.base_url, lambda c: ask(c, "squeeze"))
    assert stub.received[0].headers["accept-encoding"] == "gzip"
    interaction = load_recording(settings.recording_path("gzip"))["interactions"][0]
    assert "content-encoding" not in {h.lower() for h in interaction["response"]["headers"]}
    assert json.loads(interaction["response"]["body"]["string"])["choices"][0]["message"]["content"] == "squeeze #1"


def test_recordings_carry_provenance(course, api):
    stub, _ = api
    record("provenance", stub.base_url, lambda c: ask(c, "where from"))
    data = load_recording(settings.recording_path("provenance"))
    provenance = data["metadata"]["provenance"]
    assert provenance["source"] == "live" and provenance["host"] == "127.0.0.1"
    assert provenance["openai"] and provenance["date"]
    assert data["interactions"][0]["provenance"] == "authored"  # the stub says what it serves
    assert "x-course-provenance" not in saved_text(settings.recording_path("provenance"))


def test_a_recorded_server_error_replays_without_waiting_for_retries(course):
    attempts = iter([Reply({"error": {"message": "overloaded", "type": "server_error"}}, status=500),
                     Reply(chat_body("after a retry"))])
    with StubServer(lambda request: next(attempts)) as stub:
        record("retry", stub.base_url, lambda c: ask(c, "flaky"))
    client = replay("retry")
    started = time.monotonic()
    assert ask(client, "flaky").choices[0].message.content == "after a retry"
    assert time.monotonic() - started < 0.3


def test_a_failed_save_leaves_the_previous_recording_intact(course, api, monkeypatch):
    stub, _ = api
    record("intact", stub.base_url, lambda c: ask(c, "first version"))
    before = saved_text(settings.recording_path("intact"))

    from helpers import recording

    def crash(*args, **kwargs):  # noqa: ANN002, ANN003
        raise OSError("disk full")

    monkeypatch.setattr(recording.os, "fsync", crash)
    with pytest.raises(OSError):
        recording.save_recording(settings.recording_path("intact"), {"version": 1, "interactions": []})
    assert saved_text(settings.recording_path("intact")) == before
    assert not list(settings.RECORDINGS_DIR.glob(".*.tmp"))


def test_a_responses_stream_records_and_replays_event_by_event(course):
    from helpers.authoring import Script, respond

    text = "Streams of typed events."
    with StubServer(Script().add("POST /v1/responses", respond(text))) as stub:
        record("responses", stub.base_url, lambda c: list(
            c.responses.create(model="gpt-5.4-mini", input="Say it", stream=True)))
    events = list(replay("responses").responses.create(model="gpt-5.4-mini", input="Say it", stream=True))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == text


SECRETS = {
    "key": "sk-" + "abcDEF0123456789" * 3,
    "project key": "sk-proj-" + "Ab1_" * 30,
    "service-account key": "sk-svcacct-" + "Zz9-" * 20,
    "organisation": "org-" + "A1b2C3d4E5f6G7h8I9j0K1l2",
    "project": "proj_" + "q1W2e3R4t5Y6u7I8o9P0a1S2",
}


@pytest.mark.parametrize("kind", SECRETS)
def test_the_scrubber_removes_every_secret_shape(kind):
    secret = SECRETS[kind]
    text = scrub_text(f'{{"message": "Incorrect API key provided: {secret}.", "x": "{secret}"}}')
    assert secret not in text and secret[8:30] not in text and "REDACTED" in text


def test_the_scrubber_removes_bearer_tokens_azure_keys_and_passwords_in_urls():
    assert scrub_text("Illegal header value b'Bearer eyJhbGciOi.J9abc123def456ghi789'") == (
        "Illegal header value b'Bearer REDACTED'")
    uri = "https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=abc123SECRET"
    assert scrub_text(uri).endswith("api-version=2024-10-21&api-key=REDACTED")
    assert scrub_text("uri: http://ada:s3cret-pass@gateway.local:4000/v1/chat/completions") == (
        "uri: http://REDACTED@gateway.local:4000/v1/chat/completions")


PROSE = [
    "Write a risk-assessment for our task-management app.",
    "Bearer instruments and bearer bonds are old finance words.",
    "The org-chart and the proj_plan are in the ask-me-anything-about-it folder.",
    "Use a desk-mounted monitor; frisk-free entry; whisk-and-fold the eggs.",
    "See https://docs.python.org:443/3/ and mailto:someone@example.com for details.",
]


def test_the_scrubber_leaves_ordinary_prose_and_the_whole_course_as_it_is():
    for text in PROSE:
        assert scrub_text(text) == text
    corpus = [path.read_text(encoding="utf-8") for folder in ("notebooks", "solutions", "recordings")
              for path in sorted((settings.REPO_ROOT / folder).rglob("*")) if path.suffix in (".ipynb", ".yaml", ".py")]
    assert len(corpus) > 20
    changed = [text[:80] for text in corpus if scrub_text(text) != text]
    assert not changed, f"the scrubber would alter course text: {changed}"


def test_a_reply_in_an_encoding_the_recorder_cannot_decode_is_refused_not_stored():
    from helpers.recording import RecordingRefused, scrub_response

    reply = {"status": {"code": 200, "message": "OK"}, "headers": {"Content-Encoding": ["zstd"]},
             "body": {"string": b"\x28\xb5\x2f\xfd..."}}
    with pytest.raises(RecordingRefused, match="compressed as 'zstd'"):
        scrub_response(reply)
    plain = {"status": {"code": 200, "message": "OK"}, "headers": {"content-type": ["application/json"]},
             "body": {"string": b"{}"}}
    assert scrub_response(plain)["body"]["string"] == b"{}"

"""Lesson 10: `requests` records and replays like the SDK; curl, a process of its own, replays through helpers.wire;
and the lesson's checks judge by behaviour without naming the answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

import helpers
from helpers import cli, session, wire
from helpers.authoring import Script, api_headers, chat, error, respond
from helpers.exercises import nb10
from helpers.recording import RecordingMismatch
from helpers.stub_server import Reply, StubServer

from .conftest import FAKE_KEY

MODEL = helpers.DEFAULT_MODEL
HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "Say hello in five words."}],
         "max_completion_tokens": 30}
UNREACHABLE = "http://127.0.0.1:9/v1"  # nothing listens on port 9: a request that got out would fail loudly
# A client in a process of its own, as curl is: vcrpy, active in this process, cannot answer it.
CLIENT = (
    "import sys, urllib.request, urllib.error\n"
    "request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method='POST',\n"
    "                                 headers={'Content-Type': 'application/json'})\n"
    "try:\n"
    "    reply = urllib.request.urlopen(request, timeout=5)\n"
    "except urllib.error.HTTPError as err:\n"
    "    reply = err\n"
    "print(reply.status, reply.reason)\n"
    "print(dict(reply.headers).get('x-request-id'))\n"
    "print(reply.read().decode())\n"
)


def script() -> Script:
    headers = api_headers(388, requests=(500, 498), tokens=(200_000, 199_940), resets=("240ms", "18ms"))
    return Script().add("POST /v1/chat/completions", Reply(chat("Hello, and welcome aboard today!"), headers=headers))


def post(base_url: str, payload: dict) -> requests.Response:
    return requests.post(f"{base_url}/chat/completions", json=payload, timeout=5,
                         headers={"Authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"})


def in_another_process(url: str, payload: dict) -> tuple[str, str | None, str]:
    """POST `payload` from a fresh Python process: its status line, its x-request-id header and its body."""
    done = subprocess.run([sys.executable, "-c", CLIENT, url, json.dumps(payload)], capture_output=True,
                          encoding="utf-8", timeout=20, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    status, request_id, body = done.stdout.split("\n", 2)
    return status, (None if request_id == "None" else request_id), body


@pytest.fixture
def wire_stopped() -> Iterator[None]:
    yield
    wire.stop()


@pytest.fixture
def lesson_recording(course, wire_stopped) -> Iterator[dict]:  # noqa: ANN001
    """recordings/10_raw_http.yaml of a clean course, recorded by `requests` against the stub; replay set up."""
    with StubServer(script()) as stub:
        os.environ.update(OPENAI_API_KEY=FAKE_KEY, OPENAI_BASE_URL=stub.base_url, COURSE_MODE="record")
        session.setup("10_raw_http")
        recorded = post(stub.base_url, HELLO)
        session.stop()
        cli.promote("10_raw_http", "authored", "recorded by a test against the stub server")
        assert len(stub.received) == 1
    os.environ.pop("OPENAI_API_KEY")
    os.environ.update(COURSE_MODE="replay", OPENAI_BASE_URL=UNREACHABLE)
    session.setup("10_raw_http")
    yield recorded.json() | {"x-request-id": recorded.headers["x-request-id"]}


def test_requests_records_and_replays_like_the_sdk(lesson_recording):
    replayed = post(UNREACHABLE, HELLO)
    assert replayed.status_code == 200
    assert replayed.json()["choices"] == lesson_recording["choices"]
    assert replayed.headers["x-ratelimit-reset-requests"] == "240ms"
    assert replayed.headers["x-request-id"] == lesson_recording["x-request-id"]

    with pytest.raises(RecordingMismatch) as caught:
        post(UNREACHABLE, {**HELLO, "max_completion_tokens": 31})
    assert "max_completion_tokens: recorded 30, yours 31" in caught.value.explain()


def test_a_program_of_its_own_gets_its_answer_from_the_recording_in_replay(lesson_recording):
    base_url = os.environ[wire.BASE_URL_VARIABLE]
    assert base_url.startswith("http://127.0.0.1:") and base_url != UNREACHABLE
    assert "127.0.0.1" in os.environ["NO_PROXY"].split(",")
    post(base_url, HELLO)  # vcrpy answers this one inside the process, and counts the reply as played

    status, request_id, body = in_another_process(f"{base_url}/chat/completions", HELLO)
    assert status == "200 OK"
    assert request_id == lesson_recording["x-request-id"]
    assert json.loads(body)["choices"] == lesson_recording["choices"]  # identical requests: the last reply repeats

    status, _, body = in_another_process(f"{base_url}/chat/completions", {**HELLO, "max_completion_tokens": 31})
    assert status == "404 Not in the recording"
    message = json.loads(body)["error"]["message"]
    assert "not in the recording for 10_raw_http" in message and "recorded 30, yours 31" in message


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed here")
def test_curl_as_the_lesson_runs_it_replays(lesson_recording):
    command = ["curl", "--silent", "--show-error", "--include", "--max-time", "5",
               f"{os.environ[wire.BASE_URL_VARIABLE]}/chat/completions", "-H", "Content-Type: application/json",
               "-H", f"Authorization: Bearer {os.environ['OPENAI_API_KEY']}", "-d", json.dumps(HELLO)]
    result = subprocess.run(command, capture_output=True, encoding="utf-8", timeout=20)
    head, _, body = result.stdout.partition("\n\n")
    assert head.splitlines()[0] == "HTTP/1.1 200 OK", result.stderr
    names = [line.split(":")[0] for line in head.splitlines()[1:]]
    assert names[:-1] == sorted(names[:-1]) and names[-1] == "content-length"  # the same order on every run
    assert "x-ratelimit-remaining-tokens: 199940" in head and "date:" not in head.lower()
    assert json.loads(body)["choices"] == lesson_recording["choices"]


def test_a_failed_setup_makes_the_server_refuse_too(lesson_recording, monkeypatch):
    base_url = os.environ[wire.BASE_URL_VARIABLE]
    monkeypatch.setenv("COURSE_MODE", "sideways")
    with pytest.raises(session.SetupError):
        session.setup("10_raw_http")
    status, _, body = in_another_process(f"{base_url}/chat/completions", HELLO)
    assert status == "503 Replay unavailable"
    assert "setup() did not finish" in json.loads(body)["error"]["message"]


def test_no_open_recording_is_said_plainly():
    found = wire.answer(None, "POST", "/v1/chat/completions", {}, b"{}")
    assert found.status == 503 and "Run the setup cell again" in json.loads(found.body)["error"]["message"]


def test_only_lesson_10_in_replay_is_served_and_the_environment_comes_back(wire_stopped, monkeypatch):
    monkeypatch.setenv(wire.BASE_URL_VARIABLE, "http://localhost:4000/v1")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert wire.serve_recording_to_programs("09_old_code", "replay", lambda: None) is None
    assert wire.serve_recording_to_programs("10_raw_http", "live", lambda: None) is None
    assert os.environ[wire.BASE_URL_VARIABLE] == "http://localhost:4000/v1"

    url = wire.serve_recording_to_programs("10_raw_http_solutions", "replay", lambda: None)
    assert url is not None and os.environ[wire.BASE_URL_VARIABLE] == url
    wire.stop()
    assert os.environ[wire.BASE_URL_VARIABLE] == "http://localhost:4000/v1"
    assert "NO_PROXY" not in os.environ and "no_proxy" not in os.environ

    wire.serve_recording_to_programs("10_raw_http", "replay", lambda: None)
    os.environ[wire.BASE_URL_VARIABLE] = "http://gateway.example/v1"  # the learner's own choice since
    wire.stop()
    assert os.environ[wire.BASE_URL_VARIABLE] == "http://gateway.example/v1"


class FakeEvents:
    def __init__(self) -> None:
        self.callbacks: list = []

    def register(self, event: str, callback) -> None:  # noqa: ANN001
        assert event == "post_run_cell"
        self.callbacks.append(callback)

    def unregister(self, event: str, callback) -> None:  # noqa: ANN001
        self.callbacks.remove(callback)


def test_in_a_notebook_the_variable_changes_only_after_the_setup_cell(wire_stopped, monkeypatch):
    """The banner the setup cell prints names the learner's own OPENAI_BASE_URL, not the local server."""
    shell = type("Shell", (), {"events": FakeEvents()})()
    monkeypatch.setattr(wire, "_ipython", lambda: shell)
    monkeypatch.delenv(wire.BASE_URL_VARIABLE, raising=False)
    url = wire.serve_recording_to_programs("10_raw_http", "replay", lambda: None)
    assert wire.BASE_URL_VARIABLE not in os.environ and len(shell.events.callbacks) == 1
    for callback in list(shell.events.callbacks):  # what IPython does when the setup cell ends
        callback(None)
    assert os.environ[wire.BASE_URL_VARIABLE] == url and not shell.events.callbacks

    wire.serve_recording_to_programs("10_raw_http", "replay", lambda: None)  # the setup cell run again
    assert wire.BASE_URL_VARIABLE not in os.environ  # put back at once, until that cell ends
    wire.stop()
    assert not shell.events.callbacks


# --- the checks ---------------------------------------------------------------------------------


def test_10_1_wants_every_documented_format_and_numbers():
    units = {"ms": 0.001, "s": 1, "m": 60}

    def good(value):
        import re

        return float(sum(float(n) * units[u] for n, u in re.findall(r"(\d+)(ms|s|m)", value)))

    assert helpers.check("10.1", good)

    def seconds_only(value):
        return float(value.rstrip("s"))

    feedback = str(helpers.check("10.1", seconds_only))
    assert "✓ it reads plain seconds" in feedback
    assert "✗ it reads milliseconds" in feedback and "raised ValueError" in feedback

    def as_text(value):
        return "360"

    feedback = str(helpers.check("10.1", as_text))
    assert "✗ it returns numbers, not text" in feedback
    assert "re.findall" not in feedback and "units" not in feedback


def test_10_2_wants_none_the_message_or_the_page_and_no_exception():
    def good(http):
        if http.ok:
            return None
        try:
            return http.json()["error"]["message"]
        except ValueError:
            return http.text

    assert helpers.check("10.2", good)

    def raising(http):
        http.raise_for_status()

    feedback = str(helpers.check("10.2", raising))
    assert "✓ on a success (200) it returns None" in feedback and "raise_for_status() raises" in feedback

    def json_only(http):
        return None if http.ok else http.json()["error"]["message"]

    feedback = str(helpers.check("10.2", json_only))
    assert "✗ on an error page that is not JSON" in feedback and "fall back to http.text" in feedback

    def whole_body(http):
        return None if http.ok else http.json()

    assert "✗ on a 400 it returns the API's error message" in str(helpers.check("10.2", whole_body))


def test_10_2_stand_ins_send_nothing():
    reply = nb10.stand_in(502, nb10.PROXY_PAGE, "text/html")
    assert reply.status_code == 502 and not reply.ok and reply.text == nb10.PROXY_PAGE
    with pytest.raises(requests.JSONDecodeError):
        reply.json()


@pytest.fixture(scope="module")
def responses_stub() -> Iterator[str]:
    rules = Script()
    rules.add("POST /v1/responses", respond("GET: it asks a server to send back a resource."))
    rules.add("POST /v1/response", error(404, "Invalid URL (POST /v1/response)", "invalid_request_error"))
    with StubServer(rules) as stub:
        yield stub.base_url


def _by_hand(base_url: str, path: str = "/responses", **fields) -> requests.Response:  # noqa: ANN003
    body = {"model": MODEL, "input": nb10.RESPONSES_INPUT, "max_output_tokens": nb10.RESPONSES_CAP, **fields}
    return requests.post(f"{base_url}{path}", json=body, timeout=5, headers={"Authorization": "Bearer sk-test"})


def test_10_3_takes_the_text_from_the_json_and_not_from_an_sdk_shortcut(responses_stub):
    http = _by_hand(responses_stub)
    text = nb10.output_text(http.json())
    assert text == "GET: it asks a server to send back a resource."
    assert helpers.check("10.3", http, text)

    feedback = str(helpers.check("10.3", http, http.json().get("output_text")))
    assert "✗ text is the reply's text" in feedback and "output_text is the SDK's shortcut" in feedback

    wrong_path = _by_hand(responses_stub, "/response")
    feedback = str(helpers.check("10.3", wrong_path, text))
    assert "✗ it was sent to POST /v1/responses" in feedback and "✗ the API answered 200" in feedback


def test_10_3_refuses_the_sdk_reply_and_other_fields(responses_stub):
    assert "✗ responses_http is the reply requests.post gave" in str(helpers.check("10.3", None, None))
    feedback = str(helpers.check("10.3", _by_hand(responses_stub, max_output_tokens=50), "x"))
    assert "✗ its JSON body has model, input and max_output_tokens" in feedback

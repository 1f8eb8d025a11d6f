"""The fault matrix: what a learner sees when something goes wrong, one scenario a row.

Each scenario really happens, against a local stub server on 127.0.0.1 or a damaged copy of a
recording in a temporary folder, and returns the message a learner gets. tests/test_fault_matrix.py
asserts each message; `make fault-matrix` writes them to docs/fault-matrix.md, and a test checks the
committed file is what the scenarios produce today.

    python -m tests.fault_matrix            print the table
    python -m tests.fault_matrix --write    write docs/fault-matrix.md
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import openai

from helpers import errors, session, settings
from helpers.authoring import Script, chat, error
from helpers.recording import RecordingRefused, ReplayUnavailable, save_recording, scrub_response, scrub_text
from helpers.stub_server import Reply, StubServer

KEY = "sk-" + "fault" + "0123456789abcdefghij" * 2  # shaped like a key, assembled here: not a real one
DOC = Path(__file__).resolve().parent.parent / "docs" / "fault-matrix.md"
ASK = [{"role": "user", "content": "Hi"}]
RECORDING = {"version": 1, "interactions": [{
    "provenance": "authored",
    "request": {"method": "GET", "uri": "http://x/v1/models", "body": None, "headers": {}},
    "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": '{"data": []}'}},
}]}


@dataclass(frozen=True)
class Scenario:
    """One row: what happened, how to make it happen, and the words its message must contain."""

    what: str
    run: Callable[[], str]
    expect: tuple[str, ...]


@contextmanager
def isolated() -> Iterator[Path]:
    """A course folder of its own, no key, no mode; everything put back afterwards."""
    names = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSE_MODE", "COURSE_MODEL")
    saved_env = {name: os.environ.get(name) for name in names}
    saved = (settings.REPO_ROOT, settings.RECORDINGS_DIR)
    with tempfile.TemporaryDirectory(prefix="course-fault-") as folder:
        root = Path(folder)
        settings.REPO_ROOT, settings.RECORDINGS_DIR = root, root / "recordings"
        for name in names:
            os.environ.pop(name, None)
        try:
            yield root
        finally:
            session.stop()
            settings.REPO_ROOT, settings.RECORDINGS_DIR = saved
            for name, value in saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _api_error(reply: Reply, model: str = "gpt-5.4-mini") -> str:
    with isolated(), StubServer(Script().add("POST /v1/chat/completions", reply)) as stub:
        client = openai.OpenAI(api_key=KEY, base_url=stub.base_url, max_retries=0)
        try:
            client.chat.completions.create(model=model, messages=ASK)
        except Exception as exc:  # noqa: BLE001 - the message is what we show
            return errors.explain(exc) or f"(not explained) {type(exc).__name__}: {exc}"
    return "(no error)"


def _never_answers() -> str:
    def slow(request):  # noqa: ANN001, ANN202
        time.sleep(1.0)
        return Reply(chat("late").body(request, 0))

    with isolated(), StubServer(slow) as stub:
        client = openai.OpenAI(api_key=KEY, base_url=stub.base_url, timeout=0.2, max_retries=0)
        try:
            client.chat.completions.create(model="gpt-5.4-mini", messages=ASK)
        except openai.APITimeoutError as exc:
            return errors.explain(exc)
    return "(no error)"


def _refused() -> str:
    with isolated():
        os.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # nothing listens on port 9
        try:
            openai.OpenAI(api_key=KEY, max_retries=0).chat.completions.create(model="gpt-5.4-mini", messages=ASK)
        except openai.APIConnectionError as exc:
            return errors.explain(exc)
    return "(no error)"


def _setup_with_env(line: str) -> str:
    with isolated() as root:
        (root / ".env").write_text(line + "\n", encoding="utf-8")
        try:
            with redirect_stdout(StringIO()):  # the banner is not the point here
                session.setup("01_x")
        except session.SetupError as exc:
            return f"SetupError: {exc}"
        key = os.environ["OPENAI_API_KEY"]
        return f"setup() took the key as {len(key)} characters, quotes and spaces removed: {key == KEY}"


def _damaged(how: str) -> str:
    with isolated():
        path = settings.recording_path("01_x")
        save_recording(path, RECORDING)
        text = path.read_text()
        if how == "cut short":
            path.write_text(text[: text.index("response:")])
        elif how == "not YAML":
            path.write_text(text + "\n  - [unclosed: {\n")
        else:
            path.write_text("<<<<<<< HEAD\n" + text + "=======\nversion: 1\n>>>>>>> theirs\n")
        os.environ.update(OPENAI_API_KEY=KEY, COURSE_MODE="replay")
        try:
            session.setup("01_x")
        except session.SetupError as exc:
            message = f"SetupError: {exc}"
        try:
            openai.OpenAI(max_retries=0).models.list()
        except ReplayUnavailable as exc:
            return f"{message}\nThen any request: {exc.reason}"
    return "(no error)"


def _broken_solutions() -> str:
    with isolated():
        save_recording(settings.recording_path("01_x"), RECORDING)
        path = settings.recording_path("01_x_solutions")
        save_recording(path, RECORDING)
        path.write_text(path.read_text().split("response:")[0])
        from contextlib import redirect_stdout
        from io import StringIO

        shown = StringIO()
        with redirect_stdout(shown):
            session.setup("01_x")
        models = openai.OpenAI().models.list().data
        return shown.getvalue().strip() + f"\n(the lesson still replays: models.list() gave {models})"


def _scrub(text: str) -> str:
    return f"{text}\n→ {scrub_text(text)}"


def _compressed() -> str:
    reply = {"status": {"code": 200, "message": "OK"}, "headers": {"content-encoding": ["zstd"]},
             "body": {"string": b"\x28\xb5\x2f\xfd"}}
    try:
        scrub_response(reply)
    except RecordingRefused as exc:
        return f"RecordingRefused: {exc}"
    return "(stored)"


SCENARIOS = [
    Scenario("401: wrong key", lambda: _api_error(error(
        401, f"Incorrect API key provided: {KEY}.", "invalid_request_error", None, "invalid_api_key")),
        ("(401)", "OPENAI_API_KEY in .env", "%tb")),
    Scenario("400: a parameter the model refuses", lambda: _api_error(error(
        400, "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) "
        "value is supported.", "invalid_request_error", "temperature", "unsupported_value")),
        ("(400)", "`temperature`")),
    Scenario("404: a retired model", lambda: _api_error(error(
        404, "The model `gpt-4o-mini` does not exist or you do not have access to it.", "invalid_request_error",
        None, "model_not_found"), model="gpt-4o-mini"), ("'gpt-4o-mini'", "COURSE_MODEL")),
    Scenario("429: rate limit", lambda: _api_error(error(
        429, "Rate limit reached for requests per min.", "requests", None, "rate_limit_exceeded")),
        ("(429)", "Wait a minute")),
    Scenario("429: no credit (insufficient_quota)", lambda: _api_error(error(
        429, "You exceeded your current quota.", "insufficient_quota", None, "insufficient_quota")),
        ("retrying cannot help", "Billing")),
    Scenario("500: server error", lambda: _api_error(error(
        500, "The server had an error while processing your request.", "server_error")),
        ("(500)", "COURSE_MODE=replay")),
    Scenario("503: overloaded", lambda: _api_error(error(
        503, "The engine is currently overloaded, please try again later.", "server_error")), ("(503)",)),
    Scenario("the server never answers", _never_answers, ("no answer from", "in time")),
    Scenario("connection refused", _refused, ("could not connect", "OPENAI_BASE_URL is set to 127.0.0.1")),
    Scenario("a reply that is not OpenAI's format", lambda: _api_error(
        Reply(b"<html>Welcome to nginx</html>", headers={"content-type": "application/json"})),
        ("not in the OpenAI API's format",)),
    Scenario("a key with a trailing space in .env", lambda: _setup_with_env(f"OPENAI_API_KEY={KEY}   "),
             ("quotes and spaces removed: True",)),
    Scenario("a key in curly quotes", lambda: _setup_with_env(f"OPENAI_API_KEY=\u201c{KEY}\u201d"),
             ("quotes and spaces removed: True",)),
    Scenario("a key with a character pasted inside", lambda: _setup_with_env(
        f"OPENAI_API_KEY={KEY[:10]}\u2011{KEY[11:]}"), ("at position 11", "Copy the key again")),
    Scenario("a recording cut mid-interaction", lambda: _damaged("cut short"),
             ("is cut short", "git checkout recordings/01_x.yaml", "sends no request")),
    Scenario("a recording that is not YAML", lambda: _damaged("not YAML"), ("is not valid YAML at line",)),
    Scenario("a recording with merge-conflict markers", lambda: _damaged("conflicted"),
             ("merge-conflict marker at line 1",)),
    Scenario("a broken solutions recording", _broken_solutions,
             ("recordings/01_x_solutions.yaml is cut short", "the lesson still replays")),
    Scenario("recording the prompt \"a risk-assessment for our task-management app\"",
             lambda: _scrub("Write a risk-assessment for our task-management app, in Bearer instruments."),
             ("→ Write a risk-assessment for our task-management app, in Bearer instruments.",)),
    Scenario("OPENAI_BASE_URL with a password, while recording",
             lambda: _scrub("uri: http://ada:s3cret@gateway.local:4000/v1/chat/completions"),
             ("→ uri: http://REDACTED@gateway.local:4000",)),
    Scenario("a reply compressed in an encoding the recorder cannot read", _compressed,
             ("RecordingRefused", "'zstd'")),
]


def _stable(text: str) -> str:
    """The message with what changes from run to run (ports, temp folders) made fixed."""
    text = re.sub(r"127\.0\.0\.1:\d{4,5}", "127.0.0.1:PORT", text)
    return re.sub(r"/tmp/course-fault-[^/\s]+", "<course>", text)


def render() -> str:
    """docs/fault-matrix.md: every scenario with the message it gives today."""
    lines = [
        "# What a learner sees when something goes wrong",
        "",
        "Generated by `make fault-matrix` from `tests/fault_matrix.py`, whose scenarios run against a local "
        "stub server on 127.0.0.1 and damaged copies of recordings; `tests/test_fault_matrix.py` asserts every "
        "message and that this file is current. The key shown in scenarios is a fake one.",
        "",
    ]
    for number, scenario in enumerate(SCENARIOS, start=1):
        lines += [f"## {number}. {scenario.what}", "", "```", _stable(scenario.run()), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    text = render()
    if "--write" in sys.argv:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    else:
        print(text)

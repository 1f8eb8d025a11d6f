"""Live-mode API errors: a short message a learner can act on, the SDK's own exception, never the key."""

from __future__ import annotations

import time

import nbformat
import openai
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from helpers import errors
from helpers.authoring import Script, chat, error
from helpers.stub_server import Reply, StubServer

from .conftest import FAKE_KEY

ASK = [{"role": "user", "content": "Hi"}]
ERRORS = {
    "401": (error(401, f"Incorrect API key provided: {FAKE_KEY}.", "invalid_request_error", None, "invalid_api_key"),
            openai.AuthenticationError, ["(401)", "OPENAI_API_KEY in .env", "restart the kernel"]),
    "429 rate": (error(429, "Rate limit reached for requests per min.", "requests", None, "rate_limit_exceeded"),
                 openai.RateLimitError, ["(429)", "already retried", "Wait a minute"]),
    "429 quota": (error(429, "You exceeded your current quota.", "insufficient_quota", None, "insufficient_quota"),
                  openai.RateLimitError, ["insufficient_quota", "retrying cannot help", "Billing"]),
    "404 model": (error(404, "The model `gpt-9-mini` does not exist or you do not have access to it.",
                        "invalid_request_error", None, "model_not_found"),
                  openai.NotFoundError, ["'gpt-9-mini'", "retired", "COURSE_MODEL"]),
    "400": (error(400, "Unsupported value: 'temperature' does not support 0.2 with this model.",
                  "invalid_request_error", "temperature", "unsupported_value"),
            openai.BadRequestError, ["(400)", "`temperature`", "does not support 0.2"]),
    "500": (error(500, "The server had an error while processing your request.", "server_error"),
            openai.InternalServerError, ["(500)", "on its side", "COURSE_MODE=replay"]),
    "503": (error(503, "The engine is currently overloaded, please try again later.", "server_error"),
            openai.InternalServerError, ["(503)", "overloaded", "Try again"]),
    "not JSON": (Reply(b"<html>Welcome to nginx</html>", headers={"content-type": "application/json"}),
                 Exception, ["not in the OpenAI API's format", "OPENAI_BASE_URL"]),
}


@pytest.mark.parametrize("case", ERRORS)
def test_each_api_error_is_explained_in_a_few_lines(case, monkeypatch):
    reply, exception, phrases = ERRORS[case]
    with StubServer(Script().add("POST /v1/chat/completions", reply)) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        client = openai.OpenAI(max_retries=0)
        model = "gpt-9-mini" if case == "404 model" else "gpt-5.4-mini"
        with pytest.raises(exception) as caught:  # the SDK's own class, for the learner's except clauses
            client.chat.completions.create(model=model, messages=ASK)
    message = errors.explain(caught.value)
    assert message is not None and len(message.splitlines()) <= 5, message
    for phrase in phrases:
        assert phrase in message
    assert FAKE_KEY not in message and FAKE_KEY[3:20] not in message
    assert message.endswith(errors.FULL_TRACEBACK)


def test_a_refused_connection_names_the_server_to_check(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:pw@127.0.0.1:9/v1")
    client = openai.OpenAI(api_key=FAKE_KEY, max_retries=0)
    with pytest.raises(openai.APIConnectionError) as caught:
        client.chat.completions.create(model="gpt-5.4-mini", messages=ASK)
    message = errors.explain(caught.value)
    assert "could not connect to http://127.0.0.1:9" in message and "OPENAI_BASE_URL is set to 127.0.0.1" in message
    assert "pw" not in message


def test_a_server_that_never_answers_ends_with_a_timeout_message():
    def slow(_request):
        time.sleep(1.5)
        return Reply(chat("late").body(_request, 0))

    with StubServer(slow) as stub:
        client = openai.OpenAI(api_key=FAKE_KEY, base_url=stub.base_url, timeout=0.3, max_retries=0)
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError) as caught:
            client.chat.completions.create(model="gpt-5.4-mini", messages=ASK)
        assert time.monotonic() - started < 1.5
    assert "no answer from http://127.0.0.1" in errors.explain(caught.value)


def test_in_a_notebook_the_error_shows_short_and_the_learner_can_still_catch_it(tmp_path, monkeypatch):
    reply = ERRORS["401"][0]
    with StubServer(Script().add("POST /v1/chat/completions", reply)) as stub:
        cells = [
            "import helpers\nMODEL = helpers.setup('09_x')",
            "import openai\nclient = openai.OpenAI(max_retries=0)\ntry:\n"
            "    client.chat.completions.create(model=MODEL, messages=[{'role': 'user', 'content': 'Hi'}])\n"
            "except openai.AuthenticationError:\n    print('caught it')",
            "client.chat.completions.create(model=MODEL, messages=[{'role': 'user', 'content': 'Hi'}])",
        ]
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        live = {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": stub.base_url, "COURSE_MODE": "live"}
        for name, value in live.items():
            monkeypatch.setenv(name, value)
        kernel = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
        with pytest.raises(CellExecutionError):
            kernel.execute()
    assert nb.cells[1].outputs[0]["text"] == "caught it\n"
    shown = nb.cells[2].outputs[0]
    assert shown["ename"] == "AuthenticationError"
    text = "\n".join(shown["traceback"])
    assert "(401)" in text and "%tb" in text and len(text.splitlines()) <= 5
    assert FAKE_KEY not in text and FAKE_KEY[3:20] not in text

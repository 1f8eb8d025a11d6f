"""Other providers through OPENAI_BASE_URL: a gateway, Ollama, Azure OpenAI, each a local stub on 127.0.0.1.

The stubs answer in the OpenAI format, as the real servers do, and differ where the real ones do:
which key they take and how, and which features they lack. Everything runs in this process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import openai
import pytest
from openai import AzureOpenAI, OpenAI
from pydantic import BaseModel

from helpers import cli, errors, session, settings
from helpers.recording import save_recording
from helpers.stub_server import Reply, StubRequest, StubServer

from .conftest import chat_body

# Shaped like the real credentials, assembled at run time so secret scanners do not flag them.
VIRTUAL_KEY = "sk-" + "gateway" + "0123456789abcdef" * 2  # a LiteLLM virtual key
AZURE_KEY = "0f1e2d3c4b5a6978" * 2  # Azure keys are 32 hex digits, no sk- a scrubber pattern could spot
OTHER_AZURE_KEY = "a1b2c3d4e5f60718" * 2  # the resource's second key, the one AzureOpenAI() reads here
ASK = [{"role": "user", "content": "Hi"}]
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on port 9


def _key(request: StubRequest) -> str | None:
    """The key a request carries: Azure's `api-key` header, or the bearer token OpenAI() sends."""
    bearer = request.headers.get("authorization", "")
    return request.headers.get("api-key") or (bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None)


def gateway(request: StubRequest) -> Reply:
    """LiteLLM-like: a virtual key as bearer token, OpenAI's routes with or without /v1, FastAPI's 404."""
    if _key(request) != VIRTUAL_KEY:
        return Reply({"error": {"message": "Authentication Error, invalid proxy server token.", "type": "auth_error",
                                "param": "None", "code": "401"}}, status=401)
    if request.path.endswith("/chat/completions"):
        return Reply(chat_body("Hello from the gateway.", model="my-model"))
    return Reply({"detail": "Not Found"}, status=404)


def ollama(request: StubRequest) -> Reply:
    """Ollama-like: any key, chat answers without usage or logprobs, Go's plain-text 404 elsewhere."""
    if request.path == "/v1/chat/completions":
        body = chat_body("Hello from Ollama.", model="llama3.2")
        del body["usage"], body["choices"][0]["logprobs"]
        return Reply(body)
    return Reply(b"404 page not found", status=404, headers={"content-type": "text/plain"})


def azure(request: StubRequest) -> Reply:
    """Azure-like: the v1 API under /openai/v1/ and the dated one under /openai/deployments/NAME/?api-version=.

    The key comes in the `api-key` header or as a bearer token; the Responses API has no built-in tools.
    """
    if _key(request) not in (AZURE_KEY, OTHER_AZURE_KEY):
        return Reply({"error": {"code": "401", "message": "Access denied due to invalid subscription key or "
                                "wrong API endpoint."}}, status=401)
    path, _, query = request.path.partition("?")
    dated = re.fullmatch(r"/openai/deployments/[\w.-]+/chat/completions", path) and "api-version=" in query
    if path == "/openai/v1/chat/completions" or dated:
        return Reply(chat_body(f"Hello from Azure: {request.json['messages'][-1]['content']}", model="gpt-4.1-mini"))
    return Reply({"error": {"code": "404", "message": "Resource not found"}}, status=404)


@dataclass(frozen=True)
class Provider:
    """A stub server standing in for one kind of provider, and what it lacks."""

    responder: Callable[[StubRequest], Reply]
    prefix: str  # the path OPENAI_BASE_URL ends in
    key: str
    answer: str
    lacks: Callable[[OpenAI], object]  # a lesson's call the provider refuses
    says: str  # what the first line of the message says it lacks


PROVIDERS = {
    "gateway": Provider(gateway, "", VIRTUAL_KEY, "Hello from the gateway.",
                        lambda c: c.fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14", training_file="file-1"),
                        "does not offer fine-tuning (OpenAI's fine_tuning API)"),
    "ollama": Provider(ollama, "/v1", "ollama", "Hello from Ollama.",
                       lambda c: c.files.create(file=("train.jsonl", b"{}\n"), purpose="fine-tune"),
                       "does not offer file uploads (OpenAI's files API, which fine-tuning uses)"),
    "azure": Provider(azure, "/openai/v1/", AZURE_KEY, "Hello from Azure: Hi",
                      lambda c: c.responses.create(model="my-deployment", input="News today?",
                                                   tools=[{"type": "web_search"}]),
                      "does not offer the built-in web_search tool of the Responses API"),
}


@pytest.fixture(autouse=True)
def no_provider_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the machine's own environment: no base URL, no Azure variables, no keys."""
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "COURSE_MODE", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT",
                 "AZURE_OPENAI_AD_TOKEN", "OPENAI_API_VERSION", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)


def base_of(stub: StubServer, prefix: str) -> str:
    return stub.base_url.removesuffix("/v1") + prefix


def host_of(stub: StubServer) -> str:
    return stub.base_url.split("//")[1].split("/")[0]


def go_live(monkeypatch: pytest.MonkeyPatch, base: str, key: str, notebook: str = "01_x") -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base)
    monkeypatch.setenv("OPENAI_API_KEY", key)
    session.setup(notebook)


# --- the banner -------------------------------------------------------------------------------------

BANNERS = {
    "OpenAI": (None, "live mode: requests go to the OpenAI API with your key (never shown)"),
    "OpenAI, named": ("https://api.openai.com/v1", "live mode: requests go to the OpenAI API with your key"),
    "OpenAI, EU": ("https://eu.api.openai.com/v1", "requests go to the OpenAI API at eu.api.openai.com"),
    "gateway": ("http://localhost:4000", "requests go to localhost:4000 (OPENAI_BASE_URL), not api.openai.com"),
    "Ollama": ("http://localhost:11434/v1", "requests go to localhost:11434 (OPENAI_BASE_URL), not api.openai.com"),
    "vLLM on IPv6": ("http://[::1]:8000/v1", "requests go to [::1]:8000 (OPENAI_BASE_URL)"),
    "Azure v1": ("https://myres.openai.azure.com/openai/v1/",
                 "requests go to myres.openai.azure.com (OPENAI_BASE_URL), not api.openai.com"),
    "a password": ("http://ada:s3cret-pass@gateway.local:4000/v1",
                   "requests go to gateway.local:4000 (OPENAI_BASE_URL)"),
    "a key in the query": ("https://myres.openai.azure.com/openai/v1/?api-version=preview&api-key=abc123SECRETkey",
                           "requests go to myres.openai.azure.com (OPENAI_BASE_URL)"),
    "empty": ("", "live mode: OPENAI_BASE_URL is set, but not to a URL like http://localhost:4000/v1"),
    "no scheme": ("localhost:4000/v1", "live mode: OPENAI_BASE_URL is set, but not to a URL"),
    "broken": ("http://[::1:8000/v1", "live mode: OPENAI_BASE_URL is set, but not to a URL"),
}


@pytest.mark.parametrize("case", BANNERS)
def test_the_live_banner_names_the_host_requests_go_to_and_nothing_secret(case, monkeypatch):
    value, expected = BANNERS[case]
    if value is not None:
        monkeypatch.setenv("OPENAI_BASE_URL", value)
    line = session.banner(session.Session("01_x", "live", "gpt-5.4-mini"))
    assert expected in line, line
    assert line.count("\n") == 0 and line.endswith(f"model gpt-5.4-mini · openai {openai.__version__}")
    for secret in ("ada", "s3cret", "abc123SECRETkey", "api-key", "api-version", "?"):
        assert secret not in line


def test_record_and_replay_banners_name_another_host_only_where_it_matters(monkeypatch):
    recording = settings.REPO_ROOT / "recordings" / "01_x.yaml"
    record = session.Session("01_x", "record", "m", recording)
    replay = session.Session("01_x", "replay", "m", recording, replies=2)
    plain_replay = session.banner(replay)
    assert session.banner(record).startswith("record mode: live responses are being saved to recordings/01_x.yaml")

    monkeypatch.setenv("OPENAI_BASE_URL", "https://myres.openai.azure.com/openai/v1/?api-key=abc123SECRETkey")
    assert session.banner(record).startswith(
        "record mode: live responses from myres.openai.azure.com (OPENAI_BASE_URL) are being saved to "
        "recordings/01_x.yaml")
    assert session.banner(replay) == plain_replay.replace(
        "to run live ·", "to run live against myres.openai.azure.com (OPENAI_BASE_URL) ·")
    assert "abc123SECRETkey" not in session.banner(replay) + session.banner(record)


# --- each provider, through the lessons' own OpenAI() ----------------------------------------------

@pytest.mark.parametrize("name", PROVIDERS)
def test_each_provider_answers_through_openai_and_says_what_it_lacks_in_one_line(name, course, monkeypatch, capsys):
    provider = PROVIDERS[name]
    with StubServer(provider.responder) as stub:
        go_live(monkeypatch, base_of(stub, provider.prefix), provider.key)
        banner = capsys.readouterr().out
        client = OpenAI(max_retries=0)  # reads OPENAI_BASE_URL and OPENAI_API_KEY, as every lesson's does
        reply = client.chat.completions.create(model="my-model", messages=ASK)
        with pytest.raises(openai.APIStatusError) as caught:
            provider.lacks(client)
    host = host_of(stub)
    assert banner.startswith(f"live mode: requests go to {host} (OPENAI_BASE_URL), not api.openai.com;")
    assert provider.key not in banner
    assert reply.choices[0].message.content == provider.answer
    assert stub.received[0].headers["authorization"] == f"Bearer {provider.key}"  # OpenAI() sends a bearer token

    message = errors.explain(caught.value)
    first, *rest = message.splitlines()
    assert first.startswith(f"NotFoundError (404): {host} {provider.says}; this part of the lesson needs"), first
    assert "COURSE_MODE=replay" in rest[0] and rest[-1] == errors.FULL_TRACEBACK and len(rest) <= 3
    assert provider.key not in message


def test_a_missing_feature_at_openai_itself_is_not_blamed_on_a_provider(monkeypatch):
    with StubServer(ollama) as stub:  # no OPENAI_BASE_URL: the stub stands in for api.openai.com
        client = OpenAI(api_key="sk-test", base_url=stub.base_url, max_retries=0)
        with pytest.raises(openai.NotFoundError) as caught:
            client.fine_tuning.jobs.list()
    assert errors.missing_feature(caught.value) is None
    assert errors.explain(caught.value).startswith("NotFoundError (404): Error code: 404")


REFUSALS = {  # (path, request body, status, error body) -> is it a missing feature?
    "a tool the server names": ("/v1/responses", {"model": "m", "input": "x", "tools": [{"type": "web_search"}]},
                                400, {"error": {"message": "Tool 'web_search' is not supported.", "param": "tools"}},
                                "the built-in web_search tool"),
    "a parameter of the Responses API": ("/v1/responses", {"model": "m", "input": "x", "temperature": 3}, 400,
                                         {"error": {"message": "at most 2", "param": "temperature"}},
                                         None),
    "an unknown model on a feature endpoint": ("/v1/responses", {"model": "llama9", "input": "x"}, 404,
                                               {"error": {"message": "model \"llama9\" not found, try pulling it"}},
                                               None),
    "a 400 that says the endpoint is not there": ("/v1/fine_tuning/jobs", {"model": "m", "training_file": "f"}, 400,
                                                  {"error": {"message": "Fine-tuning is not supported here."}},
                                                  "fine-tuning"),
    "a 501 on the Responses API": ("/v1/responses", {"model": "m", "input": "x"}, 501,
                                   {"error": {"message": "Not Implemented"}}, "the Responses API"),
    "a 404 on chat completions": ("/v1/chat/completions", {"model": "m", "messages": ASK}, 404,
                                  {"error": {"message": "Not found"}}, None),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_only_a_refusal_that_means_not_offered_is_called_a_missing_feature(case, monkeypatch):
    path, body, status, answer, feature = REFUSALS[case]
    with StubServer(lambda request: Reply(answer, status=status)) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        client = OpenAI(api_key="ollama", max_retries=0)
        with pytest.raises(openai.APIStatusError) as caught:
            client.post(path.removeprefix("/v1"), body=body, cast_to=object)
    found = errors.missing_feature(caught.value)
    assert (found is None) if feature is None else (feature in found), found


def test_an_unknown_model_at_a_provider_names_the_server_and_deployments(monkeypatch):
    refusal = {"error": {"message": "model \"gpt-5.4-mini\" not found, try pulling it first"}}
    with StubServer(lambda request: Reply(refusal, status=404)) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        with pytest.raises(openai.NotFoundError) as caught:
            OpenAI(api_key="ollama", max_retries=0).chat.completions.create(model="gpt-5.4-mini", messages=ASK)
    message = errors.explain(caught.value)
    assert f"'gpt-5.4-mini' is not available at {host_of(stub)}" in message
    assert "COURSE_MODEL" in message and "deployment's name" in message and "make models" not in message


# --- Azure OpenAI --------------------------------------------------------------------------------------

def test_azure_takes_its_key_from_openai_as_a_bearer_token_and_from_azureopenai_in_the_api_key_header(monkeypatch):
    with StubServer(azure) as stub:
        base = base_of(stub, "/openai/v1/")
        monkeypatch.setenv("OPENAI_BASE_URL", base)
        monkeypatch.setenv("OPENAI_API_KEY", AZURE_KEY)
        assert OpenAI(max_retries=0).chat.completions.create(model="my-deployment", messages=ASK)

        # The SDK's own Azure client reads these variables (openai/lib/azure.py), the dated API's way.
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", base_of(stub, ""))
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", OTHER_AZURE_KEY)
        monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
        assert AzureOpenAI(max_retries=0).chat.completions.create(model="my-deployment", messages=ASK)

        monkeypatch.setenv("OPENAI_API_KEY", "not-the-key")
        with pytest.raises(openai.AuthenticationError) as caught:
            OpenAI(max_retries=0).chat.completions.create(model="my-deployment", messages=ASK)
    bearer, header, _ = stub.received
    assert bearer.headers["authorization"] == f"Bearer {AZURE_KEY}" and "api-key" not in bearer.headers
    assert header.headers["api-key"] == OTHER_AZURE_KEY and "authorization" not in header.headers
    assert header.path == "/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21"
    message = errors.explain(caught.value)
    assert f"AuthenticationError (401): {host_of(stub)} did not accept your key" in message
    assert "your Azure resource's key" in message
    assert "not-the-key" not in message and OTHER_AZURE_KEY not in message


def test_only_an_azure_key_means_replay_with_the_way_to_run_live_in_the_banner(course, monkeypatch, capsys):
    save_recording(settings.recording_path("01_x"), {"version": 1, "interactions": []})
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://myres.openai.azure.com/openai/v1/")
    session.setup("01_x")
    banner = capsys.readouterr().out
    assert session.current().mode == "replay"  # the lessons' OpenAI() would not find this key: no surprise
    assert "add OPENAI_API_KEY to .env to run live against myres.openai.azure.com (OPENAI_BASE_URL)" in banner
    assert AZURE_KEY not in banner


def test_recording_through_azure_keeps_no_key_from_a_header_or_a_query_and_replays(course, monkeypatch):
    def ask(client: OpenAI, text: str) -> str:
        return client.chat.completions.create(model="my-deployment", messages=[{"role": "user", "content": text}])

    with StubServer(azure) as stub:
        base = base_of(stub, "/openai/v1/")
        monkeypatch.setenv("COURSE_MODE", "record")
        go_live(monkeypatch, base, AZURE_KEY, "azure")
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", base_of(stub, ""))
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", OTHER_AZURE_KEY)  # not the key setup() knows
        monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
        ask(OpenAI(max_retries=0), "through v1")  # Authorization: Bearer
        ask(AzureOpenAI(max_retries=0), "through AzureOpenAI")  # api-key header, api-version query
        ask(OpenAI(max_retries=0, default_query={"api-key": OTHER_AZURE_KEY}), "with the key in the URL")
        session.stop()
    assert [r.headers.get("api-key") for r in stub.received] == [None, OTHER_AZURE_KEY, None]
    assert stub.received[2].path.endswith(f"?api-key={OTHER_AZURE_KEY}")
    staged = settings.staging_path("azure").read_text(encoding="utf-8")
    cli.promote("azure", "live", "recorded by a test against an Azure-like stub")
    saved = settings.recording_path("azure").read_text(encoding="utf-8")
    for text in (staged, saved):
        for key in (AZURE_KEY, OTHER_AZURE_KEY):
            assert key not in text and key[:12] not in text
        assert "api-key=REDACTED" in text  # the query's value masked, the rest of the URL kept
        for header in ("authorization", "api-key:"):
            assert header not in text.lower()

    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("COURSE_MODE", "replay")
    monkeypatch.setenv("OPENAI_BASE_URL", UNREACHABLE + "/openai/v1/")
    session.setup("azure")
    assert ask(OpenAI(max_retries=0), "through v1").choices[0].message.content == "Hello from Azure: through v1"


# --- answers shaped differently: lessons 02 and 05 ---------------------------------------------------

class Language(BaseModel):
    name: str
    year: int


def test_a_provider_answer_without_a_field_gets_a_note_naming_the_provider(course, monkeypatch):
    with StubServer(ollama) as stub:
        go_live(monkeypatch, base_of(stub, "/v1"), "ollama")
        client = OpenAI(max_retries=0)
        reply = client.chat.completions.create(model="llama3.2", messages=ASK)
        with pytest.raises(Exception) as parsed:  # the SDK's own error for text that is not the schema's JSON
            client.chat.completions.parse(model="llama3.2", messages=ASK, response_format=Language)
    message = reply.choices[0].message
    raised = [parsed.value]
    for canonical in (lambda: reply.usage.completion_tokens, lambda: reply.choices[0].logprobs.content,
                      lambda: message.tool_calls[0], lambda: json.loads(message.content.replace("Hello", "{"))):
        with pytest.raises((AttributeError, TypeError, json.JSONDecodeError)) as caught:
            canonical()
        raised.append(caught.value)
    assert type(parsed.value).__name__ == "ValidationError"
    for exc in raised:
        note = errors.provider_note(exc, "live")
        assert note is not None, exc
        assert note.startswith(f"Note: requests go to {host_of(stub)} (OPENAI_BASE_URL), not the OpenAI API.")
        assert "COURSE_MODE=replay" in note and len(note.splitlines()) == 2
        assert errors.provider_note(exc, "replay") is None  # replay answers are OpenAI's own
    assert errors.provider_note(AttributeError("'Reply' object has no attribute 'txt'"), "live") is None
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert errors.provider_note(raised[1], "live") is None  # OpenAI's API: the learner's code is the suspect


# --- in a notebook: what the cell shows ------------------------------------------------------------------

@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """An IPython shell in this process, its error outputs collected as (name, text) instead of sent."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown: list[tuple[str, str]] = []
    def collect(etype: type, value: BaseException, structured: list[str]) -> None:
        shown.append((etype.__name__, re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(structured))))  # without colours

    monkeypatch.setattr(shell, "_showtraceback", collect)
    monkeypatch.setitem(session._active, "hooks", False)  # setup() installs its display hook in this shell
    shell.shown = shown
    yield shell
    shell.set_custom_exc((), None)
    InteractiveShell.clear_instance()


def test_in_a_notebook_a_missing_feature_shows_one_line_and_tb_the_rest(course, monkeypatch, shell):
    with StubServer(ollama) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", base_of(stub, "/v1"))
        monkeypatch.setenv("OPENAI_API_KEY", "ollama")
        shell.run_cell("import helpers\nMODEL = helpers.setup('06_x')")
        shell.run_cell("from openai import OpenAI\nclient = OpenAI(max_retries=0)\nclient.fine_tuning.jobs.list()")
        caught = shell.run_cell("import openai\ntry:\n    client.fine_tuning.jobs.list()\n"
                                "except openai.NotFoundError:\n    print('caught it')")
    name, text = shell.shown[-1]
    assert name == "NotFoundError" and caught.success
    assert text.splitlines()[0].startswith(f"NotFoundError (404): {host_of(stub)} does not offer fine-tuning")
    assert len(text.splitlines()) <= 5 and "Traceback" not in text
    shell.run_cell("%tb")
    assert "fine_tuning.jobs.list()" in shell.shown[-1][1]  # the promise of the message's last line


def test_in_a_notebook_a_provider_shaped_error_shows_its_traceback_then_the_note(course, monkeypatch, shell):
    with StubServer(ollama) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", base_of(stub, "/v1"))
        monkeypatch.setenv("OPENAI_API_KEY", "ollama")
        shell.run_cell("import helpers\nMODEL = helpers.setup('02_x')")
        shell.run_cell("from openai import OpenAI\n"
                       "short = OpenAI(max_retries=0).chat.completions.create(model=MODEL, messages=[{'role': 'user', "
                       "'content': 'Hi'}])")
    shell.run_cell("print(short.usage.completion_tokens)")
    caught = shell.run_cell("try:\n    short.usage.completion_tokens\nexcept AttributeError:\n    print('caught it')")
    name, text = shell.shown[-1]
    assert name == "AttributeError" and caught.success  # the learner's own except clause still works
    assert "short.usage.completion_tokens" in text  # the whole traceback, as IPython shows it
    assert text.splitlines()[-2].startswith(f"Note: requests go to {host_of(stub)} (OPENAI_BASE_URL)")
    shell.run_cell("None.missing")
    assert "Note:" in shell.shown[-1][1]  # any None in live mode against a provider gets the hedged note
    monkeypatch.setenv("COURSE_MODE", "replay")
    save_recording(settings.recording_path("02_x"), {"version": 1, "interactions": []})
    shell.run_cell("helpers.setup('02_x')\nNone.missing")
    assert "Note:" not in shell.shown[-1][1]  # replay answers are OpenAI's: no note

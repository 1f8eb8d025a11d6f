"""Short messages for API errors in a notebook: what happened, the likely cause, what to do.

Only the display changes: the SDK's own exception is raised as usual, so a learner's
`except openai.RateLimitError:` still catches it, and `%tb` in the next cell shows the full
traceback. Nothing here ever prints the key.

When OPENAI_BASE_URL sends the requests to another server (a gateway, Ollama, vLLM, Azure OpenAI),
the messages name that server, a lesson that needs a feature it lacks says so in one line, and an
error its differently shaped answers cause gets a note after the traceback naming it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import openai
import pydantic

from .recording import scrub_text

FULL_TRACEBACK = "(The full traceback: run %tb in a new cell.)"
RUN_FROM_RECORDINGS = "set COURSE_MODE=replay in .env and restart the kernel to run from the recordings."


BASE_URL_VARIABLE = "OPENAI_BASE_URL"  # the SDK reads it in OpenAI(): openai/lib/_client_auth.py
# Keys this module never prints: the course's, and the one Azure's own client reads.
KEY_VARIABLES = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY")


@dataclass(frozen=True)
class BaseURL:
    """Where OPENAI_BASE_URL sends requests, safe to print: its host, never a password or a query."""

    host: str | None  # "localhost:4000"; None when the value is not a URL the SDK can use
    openai: bool  # one of OpenAI's own hosts (api.openai.com, eu.api.openai.com, ...)


def _host(url: SplitResult) -> str | None:
    """host[:port] of a split URL, without user:password; None when it names no host."""
    try:
        host, port = url.hostname, url.port
    except ValueError:  # a port that is not a number
        return None
    if not host:
        return None
    host = f"[{host}]" if ":" in host else host  # IPv6
    return f"{host}:{port}" if port else host


def base_url() -> BaseURL | None:
    """OPENAI_BASE_URL as OpenAI() will use it, or None when it is unset (the SDK then uses api.openai.com).

    The SDK takes the value as it is: an empty one, or one without http(s)://, fails every request.
    """
    value = os.environ.get(BASE_URL_VARIABLE)
    if value is None:
        return None
    try:
        url = urlsplit(value)
    except ValueError:  # "http://[::1" and the like
        return BaseURL(None, False)
    host = _host(url) if url.scheme in ("http", "https") and value == value.strip() else None
    name = url.hostname or ""
    return BaseURL(host, host is not None and (name == "openai.com" or name.endswith(".openai.com")))


def other_provider() -> str | None:
    """The host OPENAI_BASE_URL names when it is not OpenAI's: a gateway, Ollama, vLLM, Azure OpenAI."""
    base = base_url()
    return base.host if base is not None and not base.openai else None


BAD_BASE_URL = (
    "OPENAI_BASE_URL is set, but not to a URL like http://localhost:4000/v1, so every request will fail; "
    "fix it or remove it from .env"
)


def _request_url(exc: openai.APIError) -> SplitResult | None:
    """The URL the failed request went to, or None for a request without one."""
    try:
        return urlsplit(str(exc.request.url))
    except Exception:  # noqa: BLE001 - a request without a URL: say nothing about it
        return None


def _where(exc: openai.APIError) -> str:
    """scheme://host:port of the request, without any user:password."""
    url = _request_url(exc)
    return f"{url.scheme}://{_host(url) or '?'}" if url else "the API"


def _body_field(exc: openai.APIStatusError, name: str) -> str | None:
    """A field of the error body; the SDK passes either the whole body or its "error" object."""
    body = exc.body if isinstance(exc.body, dict) else {}
    if isinstance(body.get("error"), dict):
        body = body["error"]
    value = body.get(name)
    return str(value) if value else None


def _message(exc: openai.APIStatusError) -> str:
    return _body_field(exc, "message") or exc.message


def _request_json(exc: openai.APIError) -> dict:
    """The request's JSON body, or {} for none (a multipart upload, a GET)."""
    try:
        body = json.loads(exc.request.content or b"{}")
    except (ValueError, AttributeError, TypeError):
        return {}
    return body if isinstance(body, dict) else {}


def _model_in(exc: openai.APIError) -> str | None:
    return _request_json(exc).get("model")


def _secrets() -> tuple[str, ...]:
    return tuple(value for name in KEY_VARIABLES if (value := os.environ.get(name, "")))


def explain(exc: BaseException) -> str | None:
    """A few lines about an API error for a learner, or None when it is not one this knows."""
    what = _explain(exc)
    if what is None:
        return None
    return scrub_text(f"{what}\n{FULL_TRACEBACK}", _secrets())


def _server(exc: openai.APIError) -> str:
    """Who answered, for a message: "the API", or the host of the other server OPENAI_BASE_URL names."""
    if other_provider() is None:
        return "the API"
    url = _request_url(exc)
    return (_host(url) if url else None) or "the server"


# What a lesson may ask of a server that only OpenAI's API surely offers, by a segment of the request path.
FEATURES = {
    "fine_tuning": "fine-tuning (OpenAI's fine_tuning API)",
    "files": "file uploads (OpenAI's files API, which fine-tuning uses)",
    "responses": "the Responses API",
}
# Tool types a Responses request may name that are not the learner's own functions.
OWN_TOOLS = ("function", "custom")
# Status codes a server gives for an endpoint or a tool it does not have.
NOT_OFFERED = (400, 404, 405, 501)
_NOT_OFFERED_WORDS = re.compile(r"(?i)not (?:supported|implemented|found|available)|unsupported|unknown|unrecogni[sz]")


def _built_in_tools(exc: openai.APIError) -> list[str]:
    tools = _request_json(exc).get("tools")
    return [str(t.get("type")) for t in tools or [] if isinstance(t, dict) and t.get("type") not in OWN_TOOLS]


def missing_feature(exc: openai.APIStatusError) -> str | None:
    """The feature another server refused because it lacks it (fine-tuning, a built-in tool, ...), or None.

    Only for a server OPENAI_BASE_URL names that is not OpenAI's, and only for a refusal that means
    "no such thing here": a 404, 405 or 501, or a 400 that says so, on an endpoint or with a tool only
    OpenAI surely offers. A 404 about a model is a model problem, not a missing feature.
    """
    if exc.status_code not in NOT_OFFERED or not other_provider():
        return None
    url = _request_url(exc)
    if url is None:
        return None
    segments = url.path.split("/")
    message = _message(exc)
    if exc.status_code == 404 and "model" in message.lower() and _model_in(exc):
        return None
    tools = _built_in_tools(exc) if "responses" in segments else []
    if tools and (exc.status_code != 400 or any(t in message for t in tools) or "tool" in message.lower()):
        return f"the built-in {' and '.join(tools)} tool{'s' if len(tools) > 1 else ''} of the Responses API"
    feature = next((FEATURES[s] for s in segments if s in FEATURES), None)
    if feature and (exc.status_code != 400 or (_NOT_OFFERED_WORDS.search(message) and not _body_field(exc, "param"))):
        return feature
    return None


def _short_answer(exc: openai.APIStatusError) -> str:
    """The server's own words, on one line: its error message, or a plain-text body such as "404 page not found"."""
    said = _body_field(exc, "message") or (exc.body if isinstance(exc.body, str) else None) or str(exc.body or "")
    text = " ".join((said or exc.message).split())
    return text if len(text) <= 100 else text[:97] + "..."


def _explain(exc: BaseException) -> str | None:
    if isinstance(exc, openai.APIStatusError) and (feature := missing_feature(exc)):
        return (
            f"{type(exc).__name__} ({exc.status_code}): {_server(exc)} does not offer {feature}; this part of "
            "the lesson needs the OpenAI API.\n"
            f"Run it with an OpenAI key and no OPENAI_BASE_URL, or {RUN_FROM_RECORDINGS}\n"
            f"(The server answered: {_short_answer(exc)})"
        )
    if isinstance(exc, openai.APITimeoutError):
        return (
            f"{type(exc).__name__}: no answer from {_where(exc)} in time, after the SDK's retries.\n"
            "The network or the server is slow. Run the cell again in a moment; in a workshop with a bad "
            f"network, {RUN_FROM_RECORDINGS}"
        )
    if isinstance(exc, openai.APIConnectionError):
        base = base_url()
        if base is None:
            cause = "Check your internet connection (a proxy or firewall may block api.openai.com)."
        elif base.host is None:
            cause = BAD_BASE_URL + "."
        else:
            cause = f"OPENAI_BASE_URL is set to {base.host.rsplit(':', 1)[0]}: is that server running?"
        return (
            f"{type(exc).__name__}: could not connect to {_where(exc)}.\n{cause}\n"
            f"Or {RUN_FROM_RECORDINGS}"
        )
    if isinstance(exc, openai.AuthenticationError):
        server = _server(exc)
        wanted = "a current key from https://platform.openai.com/api-keys" if server == "the API" else (
            f"the key {server} expects: a LiteLLM virtual key, your Azure resource's key, any word for Ollama")
        return (
            f"AuthenticationError (401): {server} did not accept your key: {_message(exc)}\n"
            f"Check OPENAI_API_KEY in .env ({wanted}), then restart the kernel and run the setup cell again."
        )
    if isinstance(exc, openai.RateLimitError):
        if _body_field(exc, "code") == "insufficient_quota":
            return (
                "RateLimitError (429, insufficient_quota): your account has no credit left, so retrying "
                "cannot help.\nAdd credit under Billing at https://platform.openai.com, or "
                f"{RUN_FROM_RECORDINGS}"
            )
        return (
            "RateLimitError (429): too many requests or tokens per minute for your account; the SDK "
            f"already retried.\nWait a minute and run the cell again. ({_message(exc)})"
        )
    if isinstance(exc, openai.NotFoundError):
        model = _model_in(exc)
        if model and "model" in _message(exc).lower() and other_provider():
            return (
                f"NotFoundError (404): the model {model!r} is not available at {_server(exc)}: that server does "
                "not serve it, or it is retired.\nSet COURSE_MODEL in .env to a model the server offers (on Azure "
                "OpenAI, your deployment's name), then restart the kernel."
            )
        if model and "model" in _message(exc).lower():
            return (
                f"NotFoundError (404): the model {model!r} is not available to your key: it may be retired "
                "or not enabled for your account.\nChoose a current model with COURSE_MODEL in .env "
                "(`make models` lists the course's), then restart the kernel."
            )
        return f"NotFoundError (404): {_message(exc)}"
    if isinstance(exc, openai.BadRequestError):
        param = _body_field(exc, "param")
        named = f" about `{param}`" if param else ""
        return (
            f"BadRequestError (400): {_server(exc)} refused the request{named}: {_message(exc)}\n"
            "Change that parameter in the cell (the message says what it accepts) and run it again."
        )
    if isinstance(exc, openai.InternalServerError) or (
        isinstance(exc, openai.APIStatusError) and exc.status_code >= 500
    ):
        return (
            f"{type(exc).__name__} ({exc.status_code}): {_server(exc)} had a problem on its side "
            "(or is overloaded); the SDK already retried.\nTry again in a minute, or "
            f"{RUN_FROM_RECORDINGS}"
        )
    if isinstance(exc, openai.APIStatusError):
        return f"{type(exc).__name__} ({exc.status_code}): {_message(exc)}"
    if isinstance(exc, (openai.APIResponseValidationError, json.JSONDecodeError)):
        host = (base_url() or BaseURL(None, False)).host
        server = f"the server at OPENAI_BASE_URL ({host.rsplit(':', 1)[0]})" if host else "the server"
        return (
            f"{type(exc).__name__}: {server} answered, but not in the OpenAI API's format.\n"
            "Check that OPENAI_BASE_URL points at an OpenAI-compatible endpoint (it usually ends in /v1), "
            "or unset it to use api.openai.com."
        )
    return None


def from_the_sdk(tb) -> bool:  # noqa: ANN001
    """Whether a traceback passes through the openai package (a JSON error of the SDK's, not the learner's)."""
    while tb is not None:
        if f"{os.sep}openai{os.sep}" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


# Errors a learner's canonical code raises when another server's answer lacks a field OpenAI's has:
# `response.usage` or `choice.logprobs` is None (AttributeError), `message.tool_calls[0]` or
# `json.loads(message.content)` on None (TypeError), `.parse()` on text that is not the schema's JSON.
PROVIDER_SHAPED = (AttributeError, TypeError, pydantic.ValidationError, json.JSONDecodeError)


def provider_note(exc: BaseException, mode: str | None) -> str | None:
    """A note to show after the traceback when another server's differently shaped answer likely caused it.

    Only in live or record mode with OPENAI_BASE_URL naming a server that is not OpenAI's; the
    exception itself is left alone, so the learner's own `except` clauses work as they would anywhere.
    """
    host = other_provider()
    if host is None or mode not in ("live", "record") or not isinstance(exc, PROVIDER_SHAPED):
        return None
    if isinstance(exc, (AttributeError, TypeError)) and "NoneType" not in str(exc):
        return None
    return scrub_text(
        f"Note: requests go to {host} (OPENAI_BASE_URL), not the OpenAI API. Its answers can leave out what "
        "OpenAI's include (usage, logprobs, tool calls, JSON in the content), which gives errors like this one.\n"
        f"To see this lesson with OpenAI's answers, {RUN_FROM_RECORDINGS}",
        _secrets(),
    )


def show_traceback(shell, exc_tuple: tuple, tb_offset: int | None, mode: str | None) -> None:  # noqa: ANN001
    """IPython's full traceback, followed in the same output by `provider_note()` when there is one.

    The caller (session's exception display) has already set sys.last_traceback for %tb."""
    etype, value, tb = exc_tuple
    note = provider_note(value, mode)
    if note is None:
        shell.showtraceback(exc_tuple, tb_offset=tb_offset)
        return
    structured = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, [*structured, note])

"""Short messages for API errors in a notebook: what happened, the likely cause, what to do.

Only the display changes: the SDK's own exception is raised as usual, so a learner's
`except openai.RateLimitError:` still catches it, and `%tb` in the next cell shows the full
traceback. Nothing here ever prints the key.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import openai

from .recording import scrub_text

FULL_TRACEBACK = "(The full traceback: run %tb in a new cell.)"
RUN_FROM_RECORDINGS = "set COURSE_MODE=replay in .env and restart the kernel to run from the recordings."


def _where(exc: openai.APIError) -> str:
    """scheme://host:port of the request, without any user:password."""
    try:
        url = urlsplit(str(exc.request.url))
    except Exception:  # noqa: BLE001 - a request without a URL: say nothing about it
        return "the API"
    host = url.hostname or "?"
    return f"{url.scheme}://{host}" + (f":{url.port}" if url.port else "")


def _body_field(exc: openai.APIStatusError, name: str) -> str | None:
    """A field of the error body; the SDK passes either the whole body or its "error" object."""
    body = exc.body if isinstance(exc.body, dict) else {}
    if isinstance(body.get("error"), dict):
        body = body["error"]
    value = body.get(name)
    return str(value) if value else None


def _message(exc: openai.APIStatusError) -> str:
    return _body_field(exc, "message") or exc.message


def _model_in(exc: openai.APIError) -> str | None:
    try:
        body = json.loads(exc.request.content or b"{}")
    except (ValueError, AttributeError, TypeError):
        return None
    return body.get("model") if isinstance(body, dict) else None


def explain(exc: BaseException) -> str | None:
    """A few lines about an API error for a learner, or None when it is not one this knows."""
    what = _explain(exc)
    if what is None:
        return None
    key = os.environ.get("OPENAI_API_KEY", "")
    return scrub_text(f"{what}\n{FULL_TRACEBACK}", (key,) if key else ())


def _explain(exc: BaseException) -> str | None:
    if isinstance(exc, openai.APITimeoutError):
        return (
            f"{type(exc).__name__}: no answer from {_where(exc)} in time, after the SDK's retries.\n"
            "The network or the server is slow. Run the cell again in a moment; in a workshop with a bad "
            f"network, {RUN_FROM_RECORDINGS}"
        )
    if isinstance(exc, openai.APIConnectionError):
        base = os.environ.get("OPENAI_BASE_URL")
        cause = f"OPENAI_BASE_URL is set to {urlsplit(base).hostname or base}: is that server running?" if base else (
            "Check your internet connection (a proxy or firewall may block api.openai.com).")
        return (
            f"{type(exc).__name__}: could not connect to {_where(exc)}.\n{cause}\n"
            f"Or {RUN_FROM_RECORDINGS}"
        )
    if isinstance(exc, openai.AuthenticationError):
        return (
            f"AuthenticationError (401): the API did not accept your key: {_message(exc)}\n"
            "Check OPENAI_API_KEY in .env (a current key from https://platform.openai.com/api-keys), then "
            "restart the kernel and run the setup cell again."
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
            f"BadRequestError (400): the API refused the request{named}: {_message(exc)}\n"
            "Change that parameter in the cell (the message says what it accepts) and run it again."
        )
    if isinstance(exc, openai.InternalServerError) or (
        isinstance(exc, openai.APIStatusError) and exc.status_code >= 500
    ):
        return (
            f"{type(exc).__name__} ({exc.status_code}): the API had a problem on its side "
            "(or is overloaded); the SDK already retried.\nTry again in a minute, or "
            f"{RUN_FROM_RECORDINGS}"
        )
    if isinstance(exc, openai.APIStatusError):
        return f"{type(exc).__name__} ({exc.status_code}): {_message(exc)}"
    if isinstance(exc, (openai.APIResponseValidationError, json.JSONDecodeError)):
        base = os.environ.get("OPENAI_BASE_URL")
        server = f"the server at OPENAI_BASE_URL ({urlsplit(base).hostname or base})" if base else "the server"
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

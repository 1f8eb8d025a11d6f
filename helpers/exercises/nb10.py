"""Checks for notebooks/10_raw_http.ipynb.

10.1 runs the learner's parser on reset values in the formats of the rate limits guide ("1s",
"6m0s": https://developers.openai.com/api/docs/guides/rate-limits) and of real replies ("12ms":
https://community.openai.com/t/how-to-get-rate-limit-reset-time-for-response-api/1268905). 10.2 runs
the learner's function on stand-in `requests` replies built here, so it sends nothing. 10.3 looks at
the request the learner sent by hand (answered by the recording in replay mode) and at the text
they took from it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from ..checks import Feedback, exercise, first_line
from ..currency import shutdown_dates
from ..recording import api_path

URL = "https://api.openai.com/v1/chat/completions"
# 10.2's stand-ins. The 400 message is a real reply's wording (https://github.com/xlinx/sd-webui-decadetw-auto-prompt-llm/issues/29,
# with the lesson's field); the others say they were made here.
UNKNOWN_FIELD = "Unrecognized request argument supplied: max_completion_token"
STAND_IN_429 = "Rate limit stand-in: a 429 made by the check, not by the API."
PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"
# 10.3: the request the exercise describes, which the recording answers in replay mode.
RESPONSES_INPUT = "Name one HTTP method."
RESPONSES_CAP = 30

# 10.1: each group of values, what it shows, and a hint for it (never the code that parses it).
RESETS = [
    ({"1s": 1.0, "20s": 20.0}, "plain seconds: '1s', '20s'", "a value like '20s' is a number followed by a unit"),
    ({"12ms": 0.012, "120ms": 0.12, "9ms": 0.009}, "milliseconds: '12ms', '120ms'",
     "'ms' is a unit of its own, a thousandth of a second: look for it before 'm' and 's'"),
    ({"6m0s": 360.0, "1m30s": 90.0}, "minutes and seconds together: '6m0s', '1m30s'",
     "a value can hold several number-and-unit pairs: add them all up"),
]




@exercise("10.1")
def reset_duration(reset_seconds: Any) -> Feedback:
    """reset_seconds("6m0s") and the like return the number of seconds."""
    fb = Feedback("10.1")
    if not fb.expect_function(reset_seconds, "reset_seconds(value)"):
        return fb
    numbers = True
    for values, what, hint in RESETS:
        wrong = None
        for value, seconds in values.items():
            try:
                got = reset_seconds(value)
            except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
                wrong = f"reset_seconds({value!r}) raised {first_line(exc, with_type=True)}; {hint}"
                break
            if isinstance(got, bool) or not isinstance(got, (int, float)):
                numbers = False
                wrong = f"reset_seconds({value!r}) returned {got!r}: return a number of seconds (a float)"
                break
            if not math.isclose(got, seconds, rel_tol=1e-9, abs_tol=1e-9):
                wrong = f"reset_seconds({value!r}) returned {got!r}, which is not {value} in seconds; {hint}"
                break
        fb.expect(wrong is None, f"it reads {what}", wrong or "")
    fb.expect(numbers, "it returns numbers, not text", "return a float, such as 360.0 for '6m0s'")
    return fb


def stand_in(status: int, body: str | bytes, content_type: str = "application/json") -> requests.Response:
    """A `requests` reply as the API (or a proxy before it) could send it; nothing is sent to build it."""
    reply = requests.Response()
    reply.status_code = status
    reply.reason = {200: "OK", 400: "Bad Request", 429: "Too Many Requests", 502: "Bad Gateway"}.get(status, "")
    reply._content = body if isinstance(body, bytes) else body.encode()
    reply.headers["content-type"] = content_type
    reply.encoding = "utf-8"
    reply.url = URL
    return reply


def _api_error(status: int, message: str, kind: str) -> requests.Response:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return stand_in(status, json.dumps(body, indent=2))


def _success() -> requests.Response:
    body = {"id": "chatcmpl-standin", "object": "chat.completion", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"}]}
    return stand_in(200, json.dumps(body))


def _error_hint(exc: BaseException) -> str:
    if isinstance(exc, requests.HTTPError):
        return "raise_for_status() raises on every error status: look at http.ok or http.status_code instead"
    if isinstance(exc, ValueError) and "JSON" in type(exc).__name__ + str(exc):
        return "not every error body is JSON (a proxy answers with a web page): fall back to http.text"
    if isinstance(exc, (KeyError, TypeError)):
        raised = first_line(exc, with_type=True)
        return f"it raised {raised}: the API's error body is {{\"error\": {{\"message\": ...}}}}"
    return f"it raised {first_line(exc, with_type=True)}"


@exercise("10.2")
def error_without_the_sdk(error_message: Any) -> Feedback:
    """error_message(http): None on success, else the API's error.message, or the body's text when it is not JSON."""
    fb = Feedback("10.2")
    if not fb.expect_function(error_message, "error_message(http)"):
        return fb

    def run(reply: requests.Response) -> tuple[Any, BaseException | None]:
        try:
            return error_message(reply), None
        except Exception as exc:  # the learner's code may raise anything: report it, do not crash
            return None, exc

    cases: list[tuple[requests.Response, str, Callable[[Any], bool], str]] = [
        (_success(), "on a success (200) it returns None", lambda got: got is None,
         "a request that succeeded has no error message: return None when http.ok"),
        (_api_error(400, UNKNOWN_FIELD, "invalid_request_error"), "on a 400 it returns the API's error message",
         lambda got: got == UNKNOWN_FIELD,
         "return the message itself, a str: it sits inside the body's \"error\" object"),
        (_api_error(429, STAND_IN_429, "requests"), "on any other error status (a 429) it returns the message too",
         lambda got: got == STAND_IN_429, "look the message up for every error status, not only 400"),
        (stand_in(502, PROXY_PAGE, "text/html"), "on an error page that is not JSON (a proxy's 502): its text",
         lambda got: isinstance(got, str) and "502 Bad Gateway" in got,
         "not every error body is JSON: when http.json() fails, return http.text"),
    ]
    for reply, what, good, hint in cases:
        got, exc = run(reply)
        fb.expect(exc is None and good(got), what, _error_hint(exc) if exc else hint)
    return fb


def _retired(model: Any) -> bool:
    import datetime as dt

    shutdown = shutdown_dates().get(model) if isinstance(model, str) else None
    return shutdown is not None and shutdown <= dt.date.today()


def output_text(body: Any) -> str | None:
    """The text of a Responses API reply as JSON: its message items' output_text parts, joined (what the SDK's
    `output_text` property computes)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), list):
        return None
    return "".join(
        part.get("text", "")
        for item in body["output"]
        if isinstance(item, dict) and item.get("type") == "message"
        for part in item.get("content") or []
        if isinstance(part, dict) and part.get("type") == "output_text"
    )


@exercise("10.3")
def responses_by_hand(responses_http: Any, text: Any) -> Feedback:
    """A Responses API request sent with `requests`, and its text read from the JSON."""
    fb = Feedback("10.3")
    if not fb.expect(isinstance(responses_http, requests.Response), "responses_http is the reply requests.post gave",
                     "responses_http = requests.post(...), as in section 2 (not the SDK)"):
        return fb
    sent = responses_http.request
    path = api_path(urlsplit(sent.url).path)
    fb.expect(sent.method == "POST" and path == "/v1/responses", "it was sent to POST /v1/responses",
              f"it went to {sent.method} {path}: the table of section 7 has the Responses API's path")
    key = sent.headers.get("Authorization") or ""
    fb.expect(key.startswith("Bearer ") and len(key) > len("Bearer "), "it carries the key as a Bearer token",
              "add headers={\"Authorization\": f\"Bearer {os.environ['OPENAI_API_KEY']}\"}")
    try:
        body = json.loads(sent.body or b"{}")
    except ValueError:
        body = None
    fields = isinstance(body, dict) and body.get("input") == RESPONSES_INPUT and body.get(
        "max_output_tokens") == RESPONSES_CAP and isinstance(body.get("model"), str)
    fb.expect(fields, "its JSON body has model, input and max_output_tokens as the exercise says",
              "send json={...} with the three fields of the SDK call in the exercise (Responses has no messages)")
    if isinstance(body, dict):
        fb.expect(not _retired(body.get("model")), "it asks a model that still answers", "use model=MODEL")
    ok = fb.expect(responses_http.status_code == 200, "the API answered 200",
                   f"it answered {responses_http.status_code}: print responses_http.json() to read why")
    if not ok:
        return fb
    try:
        expected = output_text(responses_http.json())
    except ValueError:
        expected = None
    fb.expect(isinstance(text, str) and bool(text) and text == expected, "text is the reply's text, read from the JSON",
              "output_text is the SDK's shortcut, not a field on the wire: find the message item in output, "
              "then its content's output_text part")
    return fb

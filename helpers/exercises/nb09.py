"""Checks for notebooks/09_old_code.ipynb.

09.1 runs the learner's ported helper once and watches the request it sends (a real request,
answered by the recording in replay mode). 09.2 runs the learner's ported function against
stand-in replies and errors built here, so it sends no request and works the same in every mode.

Which HTTP status each old exception stood for comes from the 0.x SDK's `handle_error_response`
(https://github.com/openai/openai-python/blob/0691a679f25c86072d581902c738a3ab9ef3a3d2/openai/api_requestor.py):
429 RateLimitError; 400, 404 and 415 InvalidRequestError; 401 AuthenticationError; 403
PermissionError; 409 TryAgain; 503 ServiceUnavailableError.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import httpx2
import openai
from openai.lib._old_api import APIRemovedInV1
from openai.resources.chat.completions.completions import Completions
from openai.types.chat import ChatCompletion

from ..authoring import chat
from ..checks import Feedback, WrongEndpoint, chat_completions_only, exercise, first_line
from ..currency import shutdown_dates
from ..recording import RecordingMismatch
from ..stub_server import StubRequest

PROMPT = "Name one use of a Python dictionary, in one sentence."  # exercise 09.1 asks get_completion(PROMPT)
CAP = 100  # both exercises ask for max_completion_tokens=100
BUSY = "busy, try later"  # what the old ask() returns on a rate limit
BAD = "bad request:"  # how the old ask() begins its answer to a request the API refused
STAND_IN_TEXT = "A list keeps items in order."
URL = "https://api.openai.com/v1/chat/completions"


def _retired(model: Any) -> bool:
    """A model the old tutorials name that no longer answers: shut down per the SDK's notes, or a GPT-3 model."""
    if not isinstance(model, str):
        return False
    shutdown = shutdown_dates().get(model)
    return model.startswith(("text-davinci", "text-curie", "text-babbage", "text-ada")) or (
        shutdown is not None and shutdown <= dt.date.today()
    )




def _error_hint(exc: BaseException) -> str:
    """A hint for an exception the learner's code raised, naming what in the old code causes it."""
    if isinstance(exc, APIRemovedInV1):
        found = re.search(r"openai\.(\w+)", str(exc))
        name = f"openai.{found.group(1)}" if found else "interface"
        return f"it still calls the removed {name}: call client.chat.completions.create(...) instead"
    if isinstance(exc, AttributeError) and "'error'" in str(exc):
        return "openai.error is gone: today's exceptions live on openai itself (section 7)"
    if isinstance(exc, TypeError) and "subscriptable" in str(exc):
        return "a [\"...\"] lookup on the response: responses are objects now, so use attributes (section 4)"
    if isinstance(exc, TypeError) and "engine" in str(exc):
        return "engine= is gone: name the model with model=MODEL (section 5)"
    if isinstance(exc, RecordingMismatch) and exc.diffs:
        where = ", ".join(f"{diff.where} (yours {diff.yours})" for diff in exc.diffs[:3])
        return f"in replay mode the request must be the one the exercise describes; yours differs at {where}"
    return f"it raised {type(exc).__name__}: {first_line(exc)}"






def _stand_in_reply(kwargs: dict) -> ChatCompletion:
    """A chat completion as the API returns it, built by the course's authoring helpers (no request)."""
    request = StubRequest("POST", "/v1/chat/completions", {}, json.dumps(kwargs, default=str).encode())
    return ChatCompletion.model_validate(chat(STAND_IN_TEXT).body(request, serial=0))


def _status_error(status: int) -> openai.APIStatusError:
    """The exception today's SDK raises for an error reply with `status`."""
    classes: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        404: openai.NotFoundError,
        429: openai.RateLimitError,
    }
    response = httpx2.Response(status, request=httpx2.Request("POST", URL))
    return classes[status](f"Error code: {status} (a stand-in error made by the check)", response=response, body=None)


def _messages_end_with(kwargs: dict, prompt: str) -> bool:
    messages = kwargs.get("messages")
    if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
        return False
    return messages[-1].get("role") == "user" and messages[-1].get("content") == prompt


@exercise("09.1")
def ported_helper(get_completion: Any) -> Feedback:
    """get_completion(prompt) sends one new-style chat request to a current model and returns the reply's text."""
    fb = Feedback("09.1")
    if not fb.expect_function(get_completion, "get_completion(prompt, model=MODEL)"):
        return fb
    sent: list[tuple[Any, dict, Any]] = []
    original = Completions.create

    def passing(resource: Completions, kwargs: dict) -> Any:
        reply = original(resource, **kwargs)
        sent.append((resource._client, kwargs, reply))
        return reply

    try:
        with chat_completions_only(passing):
            result = get_completion(PROMPT)
    except WrongEndpoint:
        fb.expect(False, "it calls Chat Completions, as the old code did",
                  "port to client.chat.completions.create; the Responses API is lesson 07's")
        return fb
    except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
        fb.expect(False, "get_completion(prompt) runs without an error", _error_hint(exc))
        return fb
    if not fb.expect(len(sent) == 1, "it sends one request with client.chat.completions.create",
                     "call client.chat.completions.create(...) once, inside the function"):
        return fb
    client, kwargs, reply = sent[0]
    fb.expect(type(client).__name__ != "_ModuleClient", "the request goes through a client you created",
              "use client (made with OpenAI(...) at the top), not the module-level openai.chat")
    fb.expect(not _retired(kwargs.get("model")), "it asks a model that still answers",
              f"gpt-3.5-turbo shut down on {shutdown_dates().get('gpt-3.5-turbo')}: use model=MODEL")
    fb.expect(_messages_end_with(kwargs, PROMPT), "the prompt goes in as the user message",
              "keep the old messages list: [{\"role\": \"user\", \"content\": prompt}]")
    fb.expect("max_tokens" not in kwargs and kwargs.get("max_completion_tokens") == CAP,
              f"the answer is capped with max_completion_tokens={CAP}",
              "max_tokens is deprecated (lesson 02): pass max_completion_tokens=100")
    text = reply.choices[0].message.content
    if isinstance(result, (ChatCompletion, dict)):
        hint = "return the text, response.choices[0].message.content, not the whole response"
    else:
        hint = "return response.choices[0].message.content"
    fb.expect(isinstance(result, str) and result == text, "it returns the reply's text, as a str", hint)
    return fb


def _run_ask(ask: Callable[[str], Any], outcome: Exception | None) -> tuple[Any, Exception | None, list[dict]]:
    """Run ask("…") with the chat endpoint answering `outcome`: a reply (None) or an exception to raise."""
    sent: list[dict] = []

    def stand_in(resource: Completions, kwargs: dict) -> Any:
        sent.append(kwargs)
        if outcome is not None:
            raise outcome
        return _stand_in_reply(kwargs)

    try:
        with chat_completions_only(stand_in):
            return ask("Name a Python container type."), None, sent
    except Exception as exc:  # the learner's code may raise anything: report it, do not crash
        return None, exc, sent


@exercise("09.2")
def ported_error_handling(ask: Any) -> Feedback:
    """ask(prompt) answers as the old function did: the text, the busy note on 429, the bad-request note on 400/404."""
    fb = Feedback("09.2")
    if not fb.expect_function(ask, "ask(prompt)"):
        return fb

    result, exc, sent = _run_ask(ask, None)
    if isinstance(exc, WrongEndpoint):
        fb.expect(False, "it calls Chat Completions, as the old code did", "port to client.chat.completions.create")
        return fb
    if not fb.expect(exc is None, "on a normal reply it runs without an error", _error_hint(exc) if exc else ""):
        return fb
    if sent:
        fb.expect(not _retired(sent[0].get("model")), "it asks a model that still answers",
                  "gpt-3.5-turbo is shut down: use model=MODEL")
    fb.expect(result == STAND_IN_TEXT, "on a normal reply it returns the reply's text",
              "return response.choices[0].message.content (attributes, not [\"...\"])")

    cases = [
        (429, "on a rate limit (429) it returns the busy note", lambda r: r == BUSY,
         "the old RateLimitError has a namesake on openai itself; return the same string as before"),
        (400, "on a refused request (400) it returns the bad-request note",
         lambda r: isinstance(r, str) and r.startswith(BAD),
         "InvalidRequestError became a class per status: find the one for 400 in section 7"),
        (404, "on an unknown model or file (404) it returns the bad-request note too",
         lambda r: isinstance(r, str) and r.startswith(BAD),
         "the old InvalidRequestError caught 404 as well: catch a tuple of two classes"),
    ]
    for status, what, good, hint in cases:
        result, exc, _ = _run_ask(ask, _status_error(status))
        if exc is not None and not isinstance(exc, openai.APIStatusError):
            fb.expect(False, what, _error_hint(exc))
            continue
        fb.expect(exc is None and good(result), what, hint)

    result, exc, _ = _run_ask(ask, _status_error(401))
    fb.expect(isinstance(exc, openai.AuthenticationError),
              "an error the old code did not catch (a bad key, 401) still reaches the caller",
              "catch only what the old code caught: not openai.OpenAIError or APIStatusError as a whole")
    return fb


@exercise("09.3")
def attribute_access(completion: Any, text: Any, tokens: Any, finish: Any, record: Any) -> Feedback:
    """The old dictionary lookups, done with attributes; and a plain dict of the response for old code."""
    fb = Feedback("09.3")
    choices = getattr(completion, "choices", None)
    if not fb.expect(bool(choices) and not isinstance(completion, dict),
                     "completion is the chat completion of section 3",
                     "run the cells of section 3 first; pass completion itself"):
        return fb
    fb.expect(text is not None and text == choices[0].message.content, "text is the reply's text",
              "completion.choices[0] is an object: reach the text through .message.content")
    fb.expect(isinstance(tokens, int) and not isinstance(tokens, bool) and tokens == completion.usage.total_tokens,
              "tokens is the total number of tokens", "the counts are attributes of completion.usage")
    fb.expect(finish is not None and finish == choices[0].finish_reason, "finish is the finish reason",
              "finish_reason is an attribute of the choice")
    is_dict = isinstance(record, dict)
    try:
        json.dumps(record)
        serialisable = is_dict
    except (TypeError, ValueError):
        serialisable = False
    fb.expect(serialisable, "record is a plain dict that json.dumps accepts",
              "every SDK response has a method that turns it into a dict (section 4)")
    if is_dict:
        try:
            same = record["choices"][0]["message"]["content"] == choices[0].message.content
        except (KeyError, IndexError, TypeError):
            same = False
        fb.expect(same, "record holds the whole response, the reply's text included",
                  "convert completion itself, not one of its parts")
    return fb


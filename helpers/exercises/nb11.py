"""Checks for notebooks/11_errors_and_retries.ipynb.

11.1 and 11.2 run the learner's function on exceptions built here exactly as the SDK builds them
(`_make_status_error` in openai/_client.py passes the reply's `error` object as `body`), so they send
no request and work the same in every mode. 11.3 runs the learner's function once and watches the
stream it reads (a real request, answered by the recording in replay mode, where the stream breaks).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
import openai
from openai.resources.chat.completions.completions import Completions

from ..checks import Feedback, exercise, first_line
from ..recording import RecordingMismatch

URL = "https://api.openai.com/v1/chat/completions"
PROMPT = "Describe a lighthouse at night in two sentences."  # exercise 11.3 asks stream_text(PROMPT)
CAP = 120  # 11.3 asks for max_completion_tokens=120
ADVICE = ("key", "request", "model", "pay", "wait", "network")  # the answers 11.1 may give
CEILING = 30.0  # 11.2: the longest random wait, in seconds
SAMPLES = 200  # 11.2: calls per case, enough that a wrong range or a missing jitter shows


def _request() -> httpx2.Request:
    return httpx2.Request("POST", URL)


def status_error(error_class: type[openai.APIStatusError], status: int, code: str | None = None,
                 headers: dict[str, str] | None = None, error_type: str = "invalid_request_error"
                 ) -> openai.APIStatusError:
    """The exception the SDK raises for an error reply with `status`, `code` and `headers` (made here, not sent)."""
    body = {"message": f"(a stand-in {status} made by the check)", "type": error_type, "param": None, "code": code}
    response = httpx2.Response(status, headers=headers or {}, json={"error": body}, request=_request())
    return error_class(f"Error code: {status} - {{'error': {body}}}", response=response, body=body)


def connection_error(timeout: bool = False) -> openai.APIConnectionError:
    """The exception the SDK raises when no reply came: a lost connection, or the time ran out."""
    return openai.APITimeoutError(request=_request()) if timeout else openai.APIConnectionError(request=_request())




# --- 11.1 ---------------------------------------------------------------------------------------

# (what the point says, the exception, the expected advice, the hint when it is missed)
ADVICE_CASES: list[tuple[str, Callable[[], BaseException], str, str]] = [
    ('a rejected key (401) gives "key"',
     lambda: status_error(openai.AuthenticationError, 401, "invalid_api_key"), "key",
     "a 401 has a class of its own (section 1's table)"),
    ('a refused request (400) gives "request"',
     lambda: status_error(openai.BadRequestError, 400), "request",
     "a 400 has a class of its own (section 1's table)"),
    ('a request the API could not process (422) gives "request"',
     lambda: status_error(openai.UnprocessableEntityError, 422), "request",
     "the SDK raises its own class for 422 (section 1's table): treat it like a 400"),
    ('a model it cannot find (404) gives "model"',
     lambda: status_error(openai.NotFoundError, 404, "model_not_found"), "model",
     "a 404 has a class of its own (section 4)"),
    ('an account without credit (429 insufficient_quota) gives "pay"',
     lambda: status_error(openai.RateLimitError, 429, "insufficient_quota", error_type="insufficient_quota"), "pay",
     "two kinds of 429 share one class: look at err.code, and test it before the rate limit (section 6)"),
    ('a rate limit (429 rate_limit_exceeded) gives "wait"',
     lambda: status_error(openai.RateLimitError, 429, "rate_limit_exceeded", error_type="requests"), "wait",
     "a rate limit passes if you wait (section 6)"),
    ('a server error (500) gives "wait"',
     lambda: status_error(openai.InternalServerError, 500, error_type="server_error"), "wait",
     "every status from 500 up has one class (section 7)"),
    ('an overloaded server (503) gives "wait"',
     lambda: status_error(openai.InternalServerError, 503, error_type="server_error"), "wait",
     "a 503 is a status from 500 up too (section 7)"),
    ('a timeout gives "network"',
     lambda: connection_error(timeout=True), "network",
     "a timeout has a class of its own, a kind of connection error (sections 1 and 8)"),
    ('a lost connection gives "network"',
     lambda: connection_error(), "network",
     "no reply at all raises the connection error class (section 8)"),
]


@exercise("11.1")
def advice_per_error(advice: Any) -> Feedback:
    """advice(err) names what to do about each kind of failure, told apart by class and code."""
    fb = Feedback("11.1")
    if not fb.expect_function(advice, "advice(err)"):
        return fb
    answers: list[tuple[str, Any, str, str]] = []
    crashed: list[str] = []
    for what, make, expected, hint in ADVICE_CASES:
        try:
            answers.append((what, advice(make()), expected, hint))
        except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
            crashed.append(f"{what.split(' gives')[0]}: {first_line(exc, with_type=True)}")
            answers.append((what, None, expected, hint))
    fb.expect(not crashed, "it runs on every kind of error without raising",
              f"it raised for {crashed[0]}" if crashed else "")
    others = sorted({repr(given) for _, given, _, _ in answers if given not in ADVICE and given is not None})
    fb.expect(not others, "it answers only with the six words of the exercise",
              f"it answered {', '.join(others)}: return one of {', '.join(ADVICE)}" if others else "")
    for what, given, expected, hint in answers:
        fb.expect(given == expected, what, hint)
    return fb


# --- 11.2 ---------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _waits(seconds_to_wait: Callable[[Any, int], Any], make: Callable[[], BaseException], attempt: int,
           times: int) -> tuple[list[float | None], str | None]:
    """`times` answers of seconds_to_wait(make(), attempt); the first exception's text if it raised."""
    waits: list[float | None] = []
    for _ in range(times):
        try:
            waits.append(_number(seconds_to_wait(make(), attempt)))
        except Exception as exc:  # the learner's code: report it, do not crash
            return waits, first_line(exc, with_type=True)
    return waits, None


@exercise("11.2")
def honours_retry_after(seconds_to_wait: Any) -> Feedback:
    """seconds_to_wait(err, attempt): the reply's retry-after, else a random wait up to min(30, 2**attempt)."""
    fb = Feedback("11.2")
    if not fb.expect_function(seconds_to_wait, "seconds_to_wait(err, attempt)"):
        return fb

    def limited(**headers: str) -> Callable[[], BaseException]:
        return lambda: status_error(openai.RateLimitError, 429, "rate_limit_exceeded", headers, "requests")

    def told(seconds: str, error_class: type[openai.APIStatusError] = openai.RateLimitError,
             status: int = 429) -> Callable[[], BaseException]:
        return lambda: status_error(error_class, status, None, {"retry-after": seconds}, "server_error")

    cases = [
        ("with retry-after: 7 on a 429, it waits 7 seconds", told("7"), 0, lambda w: w == [7.0],
         "read the header from the reply the error carries: err.response.headers"),
        ("with retry-after: 3 on a 503, it waits 3 seconds, whatever the attempt", told("3", openai.InternalServerError,
         503), 4, lambda w: w == [3.0], "every status error carries its reply, not only a 429"),
    ]
    for what, make, attempt, good, hint in cases:
        waits, raised = _waits(seconds_to_wait, make, attempt, 1)
        if raised:
            hint = f"it raised {raised}"
        elif waits == [None]:
            hint = "return a number of seconds: the header's value is text, so convert it with float()"
        fb.expect(raised is None and good(waits), what, hint)

    jitter = [
        ("without retry-after, the first wait (attempt 0) is between 0 and 1 second", limited(), 0, 1.0),
        ("the fourth (attempt 3) is between 0 and 8 seconds", limited(), 3, 8.0),
        ("waits stop growing at 30 seconds (attempt 10)", limited(), 10, CEILING),
        ("a connection error, which has no reply, gets a wait between 0 and 2 seconds (attempt 1)",
         connection_error, 1, 2.0),
    ]
    spread: dict[float, list[float]] = {}
    for what, make, attempt, ceiling in jitter:
        waits, raised = _waits(seconds_to_wait, make, attempt, SAMPLES)
        numbers = [w for w in waits if w is not None]
        inside = raised is None and len(numbers) == SAMPLES and all(0 <= w <= ceiling for w in numbers)
        if raised:
            hint = f"it raised {raised}" + (": a connection error has no response to read" if "response" in raised
                                             else "")
        elif len(numbers) < len(waits):
            hint = "return a number of seconds (a float)"
        else:
            hint = "the ceiling is min(30, 2 ** attempt), and the wait a random number from 0 up to it"
        fb.expect(inside, what, hint)
        spread[ceiling] = numbers
    random_enough = all(len(set(numbers)) > SAMPLES // 2 for numbers in spread.values() if numbers)
    fb.expect(random_enough and all(spread.values()), "the waits are random (jitter), not the same every time",
              "pick each wait at random between 0 and the ceiling, with random.uniform")
    grows = all(spread.get(c) for c in (1.0, 8.0, CEILING)) and (
        max(spread[8.0]) > 1.0 and max(spread[CEILING]) > 8.0)
    fb.expect(grows, "the waits grow with the attempt (exponential backoff)",
              "the ceiling doubles with each attempt: 1, 2, 4, 8 ... up to 30")
    return fb


# --- 11.3 ---------------------------------------------------------------------------------------


class _WatchedStream:
    """A chat completion stream that notes the text it hands out, and whether it broke or finished."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.pieces: list[str] = []
        self.broke: BaseException | None = None
        self.finished = False
        self._iterator = self._watch()

    def _watch(self) -> Iterator[Any]:
        try:
            for chunk in self._stream:
                for choice in getattr(chunk, "choices", None) or []:
                    if choice.delta is not None and choice.delta.content:
                        self.pieces.append(choice.delta.content)
                yield chunk
        except openai.APIError as exc:
            self.broke = exc
            raise
        self.finished = True

    def __iter__(self) -> Iterator[Any]:
        return self._iterator

    def __next__(self) -> Any:
        return next(self._iterator)

    def __enter__(self) -> _WatchedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _watching(sent: list[tuple[dict, Any]]) -> Iterator[None]:
    """While inside, every client.chat.completions.create(...) is sent as usual and noted in `sent`."""
    original = Completions.create

    def watched(self: Completions, **kwargs: Any) -> Any:
        reply = original(self, **kwargs)
        if kwargs.get("stream") is True:
            reply = _WatchedStream(reply)
        sent.append((kwargs, reply))
        return reply

    Completions.create = watched  # type: ignore[method-assign]
    try:
        yield
    finally:
        Completions.create = original  # type: ignore[method-assign]


def _request_hint(exc: BaseException) -> str:
    if isinstance(exc, RecordingMismatch) and exc.diffs:
        where = ", ".join(f"{diff.where} (yours {diff.yours})" for diff in exc.diffs[:3])
        return f"in replay mode the request must be the one the exercise describes; yours differs at {where}"
    if isinstance(exc, openai.APIConnectionError):
        return "the stream broke and the error reached the caller: catch it around the loop (section 9)"
    return f"it raised {first_line(exc, with_type=True)}"


@exercise("11.3")
def keeps_a_broken_stream(stream_text: Any) -> Feedback:
    """stream_text(prompt) streams a reply and returns (text, complete), without raising when the stream breaks."""
    fb = Feedback("11.3")
    if not fb.expect_function(stream_text, "stream_text(prompt)"):
        return fb
    sent: list[tuple[dict, Any]] = []
    try:
        with _watching(sent):
            result = stream_text(PROMPT)
    except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
        fb.expect(False, "stream_text(prompt) returns without raising, even when the stream breaks",
                  _request_hint(exc))
        return fb
    fb.expect(True, "stream_text(prompt) returns without raising, even when the stream breaks")
    if not fb.expect(len(sent) == 1, "it sends one request with client.chat.completions.create",
                     "call client.chat.completions.create(...) once, inside the function"):
        return fb
    kwargs, stream = sent[0]
    if not fb.expect(isinstance(stream, _WatchedStream), "it asks for a stream (stream=True)",
                     "pass stream=True, then loop over what create() returns"):
        return fb
    messages = kwargs.get("messages")
    fb.expect(messages == [{"role": "user", "content": PROMPT}] and kwargs.get("max_completion_tokens") == CAP,
              f"the prompt is the only user message, capped at max_completion_tokens={CAP}",
              f'send messages=[{{"role": "user", "content": prompt}}] and max_completion_tokens={CAP}')
    shaped = isinstance(result, tuple) and len(result) == 2
    if not fb.expect(shaped and isinstance(result[0], str) and isinstance(result[1], bool),
                     "it returns a pair: (text, complete)", "return text, complete: a str and a bool"):
        return fb
    text, complete = result
    arrived = "".join(stream.pieces)
    fb.expect(stream.broke is not None or stream.finished, "it reads the stream to its end, or to where it broke",
              "loop over every chunk of the stream")
    fb.expect(text == arrived, "text is all the text that arrived, in order",
              "join chunk.choices[0].delta.content of every chunk that has some (it can be None)")
    if stream.broke is not None:
        fb.expect(complete is False, "complete is False: the stream broke",
                  "set complete only after the loop has finished without an error")
    else:
        fb.expect(complete is True, "complete is True: the stream finished", "the loop ended normally: say so")
    return fb

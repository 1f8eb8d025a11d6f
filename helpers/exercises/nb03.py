"""Checks for notebooks/03_streaming.ipynb.

The checks of 03.1 and 03.3 run the learner's function on small streams built here, so they
need no request and work the same in every mode.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from openai.types.chat import ChatCompletionChunk

from ..authoring import Stream
from ..checks import Feedback, exercise
from ..settings import DEFAULT_MODEL
from ..stub_server import StubRequest

_PIECES = ["Rain", " on", " the", " tin", " roof", "."]
_MAX_COMPLETION_TOKENS = 100  # exercise 03.2 asks for max_completion_tokens=100


def _sample_stream(with_usage: bool) -> list[ChatCompletionChunk]:
    """A short stream as the API sends it: a role chunk, text chunks, a finish chunk, maybe usage."""
    body = {"model": DEFAULT_MODEL, "stream": True, "stream_options": {"include_usage": with_usage}}
    request = StubRequest("POST", "/v1/chat/completions", {}, json.dumps(body).encode())
    events = Stream(_PIECES, usage=(12, len(_PIECES))).events(request, serial=0)
    return [ChatCompletionChunk.model_validate(event) for event in events]


class _Counted:
    """An iterator over chunks that counts how many were read, like a stream arriving."""

    def __init__(self, chunks: list[ChatCompletionChunk]):
        self._chunks = iter(chunks)
        self.read = 0

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        return self

    def __next__(self) -> ChatCompletionChunk:
        chunk = next(self._chunks)
        self.read += 1
        return chunk


def _error_hint(exc: Exception) -> str:
    if isinstance(exc, IndexError):
        return "with include_usage the last chunk has an empty choices list: look before you index it"
    if isinstance(exc, TypeError):
        return "some chunks have no text (delta.content is None or ''): skip them"
    return f"it raised {type(exc).__name__}: run it on the request of section 4 and read the error"


def _run(function: Callable[[Any], Any], chunks: list[ChatCompletionChunk]) -> tuple[Any, Exception | None]:
    try:
        return function(_Counted(chunks)), None
    except Exception as exc:  # a learner's function may fail in any way; say so instead of crashing
        return None, exc


@exercise("03.1")
def collect_text_and_count(collect: Any) -> Feedback:
    """collect(stream) returns the whole text and the number of chunks that carried text."""
    fb = Feedback("03.1")
    if not fb.expect_function(collect, "collect(stream)"):
        return fb
    expected = ("".join(_PIECES), len(_PIECES))
    for with_usage, label in ((False, "a plain stream"), (True, "a stream with include_usage")):
        result, exc = _run(collect, _sample_stream(with_usage))
        if not fb.expect(exc is None, f"it runs on {label}", _error_hint(exc) if exc else ""):
            continue
        shaped = isinstance(result, tuple) and len(result) == 2
        if not fb.expect(shaped, f"on {label} it returns a pair (text, count)",
                         "return two values: return text, count"):
            continue
        text, count = result
        fb.expect(text == expected[0], f"on {label} the text is the whole answer, in order",
                  "join every delta.content that has text, in the order the chunks arrive")
        if count == 0 and text == expected[0]:
            hint = "a stream can be read only once: count in the same loop that builds the text"
        else:
            hint = "count only the chunks that carry text; the first, the last and the usage chunk have none"
        fb.expect(isinstance(count, int) and count == expected[1],
                  f"on {label} the count is the number of chunks that carried text", hint)
    return fb


@exercise("03.2")
def usage_of_a_stream(text: Any, usage: Any) -> Feedback:
    """The streamed answer was kept whole, and its usage came from the stream's last chunk."""
    fb = Feedback("03.2")
    fb.expect(isinstance(text, str) and text.strip() != "", "text holds the answer",
              "add each delta's content to text as you read the stream")
    usage_hint = "ask for the counts with stream_options; they come on the last chunk, which has no choices"
    if not fb.expect(usage is not None, "usage is set", usage_hint):
        return fb
    numbers = [getattr(usage, name, None) for name in ("prompt_tokens", "completion_tokens", "total_tokens")]
    if not fb.expect(all(isinstance(n, int) for n in numbers),
                     "usage has prompt_tokens, completion_tokens and total_tokens",
                     "keep chunk.usage itself, the object, not one of its numbers"):
        return fb
    prompt, completion, total = numbers
    fb.expect(prompt > 0 and completion > 0 and total == prompt + completion,
              "its counts add up (prompt + completion = total)")
    fb.expect(completion <= _MAX_COMPLETION_TOKENS,
              f"the answer stayed within max_completion_tokens={_MAX_COMPLETION_TOKENS}",
              f"send the request with max_completion_tokens={_MAX_COMPLETION_TOKENS}")
    return fb


@exercise("03.3")
def text_pieces_generator(text_pieces: Any) -> Feedback:
    """text_pieces(stream) is lazy and yields only the non-empty text pieces."""
    fb = Feedback("03.3")
    if not fb.expect_function(text_pieces, "text_pieces(stream)"):
        return fb
    stream = _Counted(_sample_stream(with_usage=False))
    try:
        pieces = text_pieces(stream)
    except Exception as exc:  # the learner's code
        fb.expect(False, "text_pieces(stream) runs", _error_hint(exc))
        return fb
    if not fb.expect(isinstance(pieces, Iterator),
                     "text_pieces(stream) returns something to loop over, piece by piece",
                     "a function with yield inside returns a generator when you call it"):
        return fb
    try:
        first = next(pieces, None)
    except Exception as exc:  # the learner's code
        fb.expect(False, "it yields a first piece", _error_hint(exc))
        return fb
    fb.expect(first is not None and stream.read <= 2,
              "it hands over the first piece before the rest of the stream has arrived",
              "yield each piece inside the loop, instead of collecting them all first")
    for with_usage, label in ((False, "a plain stream"), (True, "a stream with include_usage")):
        try:
            result = list(text_pieces(_Counted(_sample_stream(with_usage))))
        except Exception as exc:  # the learner's code
            fb.expect(False, f"it runs to the end of {label}", _error_hint(exc))
            continue
        fb.expect(result == _PIECES, f"on {label} it yields the text pieces in order, and nothing else",
                  "yield delta.content only when it is a non-empty string: no None, no ''")
    return fb

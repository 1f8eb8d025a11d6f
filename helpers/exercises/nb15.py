"""Checks for notebooks/15_cost_at_scale.ipynb.

None of them sends a request. 15.1 builds two requests with the learner's function and counts the
leading tokens they share, as the lesson's `shared_prefix_tokens` does. 15.2 runs the learner's reader
on batch output text made here: chat completions built by the course's authoring helpers, and the
failed line the batch guide shows (https://developers.openai.com/api/docs/guides/batch, "Batch
expiration"). 15.3 runs the learner's function against stand-in replies and errors, as 09.2 does.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import httpx2
import openai
from openai.resources.chat.completions.completions import Completions
from openai.types.chat import ChatCompletion

from ..authoring import CACHE_MINIMUM_TOKENS, chat, chat_on_tier, encode
from ..checks import Feedback, chat_completions_only, exercise, first_line
from ..stub_server import StubRequest

CUSTOMERS = [
    ("Anna", "Do you have the navy hoodie in XL?", "2026-11-21 09:14"),
    ("Ben", "How much are two pairs of grey wool socks, with delivery?", "2026-11-21 09:15"),
]
CLIENT_TIMEOUT = 25  # seconds: the lesson's OpenAI(timeout=25, ...)
URL = "https://api.openai.com/v1/chat/completions"
# The failed line of the batch guide, word for word but for its custom_id.
EXPIRED = "This request could not be executed before the completion window expired."


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def shared_prefix_tokens(messages_a: list[dict], messages_b: list[dict]) -> int:
    """The leading tokens two requests' messages share, measured as the lesson measures them."""

    def tokens(messages: list[dict]) -> list[int]:
        return encode("".join(f"{m.get('role')}: {_text(m.get('content'))}\n" for m in messages))

    shared = 0
    for a, b in zip(tokens(messages_a), tokens(messages_b), strict=False):
        if a != b:
            break
        shared += 1
    return shared




@exercise("15.1")
def cache_friendly(build_messages: Any, system: Any) -> Feedback:
    """build_messages(customer, question, now) keeps the customer and the time, and lets requests share the prefix."""
    fb = Feedback("15.1")
    if not fb.expect_function(build_messages, "build_messages(customer, question, now)"):
        return fb
    if not fb.expect(isinstance(system, str) and len(system) > 1000, "the second argument is the shop's SYSTEM",
                     "pass SYSTEM, the system prompt of section 1, as the check's last argument"):
        return fb
    built = []
    for customer, question, now in CUSTOMERS:
        try:
            built.append(build_messages(customer, question, now))
        except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
            fb.expect(False, "build_messages(customer, question, now) runs without an error",
                      f"it raised {first_line(exc, with_type=True)}")
            return fb
    shaped = all(isinstance(messages, list) and bool(messages) and all(
        isinstance(m, dict) and "role" in m and "content" in m for m in messages) for messages in built)
    if not fb.expect(shaped, "it returns a list of messages, each a dict with a role and a content",
                     "return the messages list you would pass to client.chat.completions.create"):
        return fb
    texts = [[_text(m["content"]) for m in messages] for messages in built]
    fb.expect(all(any(system in text for text in message_texts) for message_texts in texts),
              "the shop's rules and catalogue (SYSTEM) are in the prompt, whole",
              "keep SYSTEM as it is, in one message: a cut or edited copy is another prefix")
    kept = all(customer in " ".join(t) and now in " ".join(t)
               for (customer, _, now), t in zip(CUSTOMERS, texts, strict=True))
    fb.expect(kept, "the model still learns the customer's name and the time",
              "the name and the time may move, but they must stay in the messages")
    last = all(m[-1].get("role") == "user" and question in _text(m[-1]["content"])
               for m, (_, question, _) in zip(built, CUSTOMERS, strict=True))
    fb.expect(last, "the question is in the last message, the user's", "end the messages with the user's question")
    shared = shared_prefix_tokens(*built)
    fb.expect(shared >= CACHE_MINIMUM_TOKENS,
              f"two customers' requests share at least {CACHE_MINIMUM_TOKENS} leading tokens (yours: {shared})",
              "the cache compares from the first token: whatever differs between customers must come after "
              "everything that does not")
    return fb


def _output_line(custom_id: str, text: str, serial: int) -> dict:
    """One line of a batch's output file, its body a chat completion built by the course's helpers."""
    body = {"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": f"Review {custom_id}"}]}
    request = StubRequest("POST", "/v1/chat/completions", {}, json.dumps(body).encode())
    completion = chat(text).body(request, serial)
    return {"id": f"batch_req_check{serial}", "custom_id": custom_id,
            "response": {"status_code": 200, "request_id": f"req_check{serial}", "body": completion}, "error": None}


def _expired_line(custom_id: str, serial: int) -> dict:
    return {"id": f"batch_req_check{serial}", "custom_id": custom_id, "response": None,
            "error": {"code": "batch_expired", "message": EXPIRED}}


def _batch_text(lines: list[dict], seed: int) -> str:
    shuffled = list(lines)
    random.Random(seed).shuffle(shuffled)
    return "".join(json.dumps(line) + "\n" for line in shuffled)


@exercise("15.2")
def batch_results(read_results: Any) -> Feedback:
    """read_results(text) returns the answers by custom_id, and the custom_ids that failed."""
    fb = Feedback("15.2")
    if not fb.expect_function(read_results, "read_results(text)"):
        return fb
    answers = {"rev-a": "positive", "rev-b": "negative", "rev-c": "mixed", "rev-d": "positive"}
    lines = [_output_line(cid, text, n) for n, (cid, text) in enumerate(answers.items())]
    lines += [_expired_line("rev-e", 10), _expired_line("rev-f", 11)]
    results = []
    for seed, chosen in ((1, lines), (2, lines), (3, lines[:4])):
        try:
            results.append(read_results(_batch_text(chosen, seed)))
        except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
            hint = f"it raised {first_line(exc, with_type=True)}"
            if isinstance(exc, TypeError) and "NoneType" in str(exc):
                hint += ": a failed line's response is null (None), so look at its error first"
            elif isinstance(exc, json.JSONDecodeError):
                hint += ": the text ends with a newline, so its last line is empty"
            fb.expect(False, "read_results(text) runs without an error on output with failed lines", hint)
            return fb
    pairs = all(isinstance(r, (tuple, list)) and len(r) == 2 for r in results)
    if not fb.expect(pairs, "it returns two things: the answers and the failed custom_ids",
                     "end with return answers, failed"):
        return fb
    (got, failed), (again, _), (clean, clean_failed) = results
    fb.expect(isinstance(got, dict) and got == answers,
              "every request that succeeded maps its custom_id to its reply's text, and only those",
              "each successful line: line['custom_id'] → the text at line['response']['body']['choices'][0]"
              "['message']['content']")
    fb.expect(isinstance(failed, (list, tuple, set)) and sorted(failed) == ["rev-e", "rev-f"],
              "the custom_ids of the failed lines are listed, to send again",
              "a failed line has an error and no response: collect its custom_id")
    fb.expect(again == got and clean == answers and not clean_failed,
              "the results do not depend on the order of the lines",
              "match results by custom_id, never by position")
    return fb


class _LoopGuard(Exception):
    """Raised by the stand-in after too many requests: the learner's function retries without end."""




def _status_error(status: int) -> openai.APIStatusError:
    classes: dict[int, type[openai.APIStatusError]] = {400: openai.BadRequestError, 429: openai.RateLimitError}
    response = httpx2.Response(status, request=httpx2.Request("POST", URL))
    return classes[status](f"Error code: {status} (a stand-in error made by the check)", response=response, body=None)


def _seconds(timeout: Any) -> float | None:
    """A timeout in seconds, from a number or an httpx Timeout (its read timeout)."""
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return float(timeout)
    read = getattr(timeout, "read", None)
    return float(read) if isinstance(read, (int, float)) else None


def _flex(kwargs: dict) -> bool:
    return kwargs.get("service_tier") == "flex"


def _run(ask: Callable[[str], Any], outcomes: list[int | None], review: str) -> tuple[Any, Any, list[tuple]]:
    """ask(review) with each request answered by the next outcome: a reply (None) or an error status."""
    sent: list[tuple[Any, dict, Any]] = []

    def stand_in(resource: Completions, kwargs: dict) -> Any:
        if len(sent) >= 5:
            raise _LoopGuard
        status = outcomes[min(len(sent), len(outcomes) - 1)]
        reply = None
        if status is None:
            tier = "flex" if _flex(kwargs) else "default"
            request = StubRequest("POST", "/v1/chat/completions", {}, json.dumps(kwargs, default=str).encode())
            reply = ChatCompletion.model_validate(chat_on_tier("mixed", tier).body(request, serial=len(sent)))
        sent.append((resource, kwargs, reply))
        if status is not None:
            raise _status_error(status)
        return reply

    try:
        with chat_completions_only(stand_in):
            return ask(review), None, sent
    except Exception as exc:  # the learner's code may raise anything: report it, do not crash
        return None, exc, sent


@exercise("15.3")
def flex_fallback(ask_flex_first: Any) -> Feedback:
    """ask_flex_first(review) asks with flex and a long timeout, and asks again with standard processing on a 429."""
    fb = Feedback("15.3")
    if not fb.expect_function(ask_flex_first, "ask_flex_first(review)"):
        return fb
    review = "Nice colour, but the t-shirt shrank in the wash."

    result, exc, sent = _run(ask_flex_first, [None], review)
    if not fb.expect(exc is None, "when flex answers, it runs without an error",
                     f"it raised {first_line(exc, with_type=True)}" if exc else ""):
        return fb
    if not fb.expect(len(sent) == 1, "when flex answers, it sends one request",
                     "send one request, and a second only after a 429"):
        return fb
    resource, kwargs, reply = sent[0]
    fb.expect(_flex(kwargs), "the request asks for flex processing", "section 5 shows the parameter that does")
    fb.expect(isinstance(kwargs.get("messages"), list) and kwargs["messages"]
              and _text(kwargs["messages"][-1].get("content")) == review,
              "the review goes in as the last message", "end the messages with the user's message: the review")
    waits = [_seconds(kwargs.get("timeout")), _seconds(getattr(resource._client, "timeout", None))]
    fb.expect(any(w is not None and w > CLIENT_TIMEOUT for w in waits),
              f"the flex request may take longer than the client's {CLIENT_TIMEOUT} seconds",
              "flex is slower: section 5 gives its request more time")
    fb.expect(result is reply, "it returns the chat completion", "return the reply itself, not its text")

    result, exc, sent = _run(ask_flex_first, [429, None], review)
    if isinstance(exc, _LoopGuard):
        fb.expect(False, "after a 429 on flex, it asks once more with standard processing",
                  "it kept sending requests: try standard processing once, then let the error through")
        return fb
    second = sent[1][1] if len(sent) > 1 else {}
    standard = second.get("service_tier") in (None, "auto", "default")
    fb.expect(exc is None and len(sent) == 2 and standard,
              "after a 429 on flex, it asks once more with standard processing",
              "catch openai.RateLimitError, then send the request again without flex (or with \"auto\")")
    fb.expect(len(sent) == 2 and second.get("messages") == sent[0][1].get("messages")
              and second.get("model") == sent[0][1].get("model"),
              "the second request asks the same question of the same model", "change only the service tier")
    fb.expect(exc is None and len(sent) == 2 and result is sent[1][2], "it returns the standard reply",
              "return the reply of the second request")

    result, exc, sent = _run(ask_flex_first, [429, 429], review)
    fb.expect(isinstance(exc, openai.RateLimitError) and len(sent) == 2,
              "when standard processing is busy too, the error reaches the caller",
              "try standard processing once; do not loop, and do not swallow its error")

    result, exc, sent = _run(ask_flex_first, [400], review)
    fb.expect(isinstance(exc, openai.BadRequestError) and len(sent) == 1,
              "a refused request (400) reaches the caller without a second try",
              "fall back only on a 429: a request the API refuses would be refused on standard processing too")
    return fb

"""Checks for notebooks/08_chat_memory.ipynb.

08.1 and 08.3 run the learner's function on conversations and usages built here, so they send no
request and work the same in every mode. Token counts follow the lesson's `count_tokens`: each
message's o200k_base tokens plus 3 of wrapping (the cookbook's recipe, as in helpers/authoring.py).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from openai.types import CompletionUsage
from openai.types.completion_usage import CompletionTokensDetails, PromptTokensDetails

from ..authoring import TOKENS_PER_MESSAGE, count_tokens
from ..checks import Feedback, exercise
from ..prices import price_of

_SUMMARY_CAP = 60  # exercise 08.2 asks for max_completion_tokens=60


def _tokens(messages: list[dict]) -> int:
    """The lesson's count_tokens: the text of each message plus its wrapping."""
    return sum(TOKENS_PER_MESSAGE + count_tokens(str(message.get("content") or "")) for message in messages)


def _turn(number: int, words: int) -> list[dict]:
    question = f"Question {number}: " + " ".join(["tell me more about the mountains"] * words)
    answer = f"Answer {number}: " + " ".join(["the mountains are high and green in summer"] * words)
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


_SYSTEM = {"role": "system", "content": "You are a friendly travel assistant."}
# A system message and five turns of different sizes; then the same with a new question at the end.
_TURNS = [message for number, words in enumerate((3, 1, 4, 2, 1), start=1) for message in _turn(number, words)]
_HISTORY = [_SYSTEM, *_TURNS]
_ASKING = [*_HISTORY, {"role": "user", "content": "And which trail would you pick?"}]


def _best(messages: list[dict], budget: int) -> list[dict]:
    """The right answer, to compare with: the longest run of newest whole turns that fits."""
    system, turns = messages[:1], messages[1:]
    while len(turns) > 2 and _tokens(system + turns) > budget:
        turns = turns[2:]
    return system + turns


def _cases() -> list[tuple[str, list[dict], int]]:
    """(label, messages, budget): budgets that keep everything, some turns, or only the newest turn."""
    whole = _tokens(_HISTORY)
    return [
        ("a history under its budget", _HISTORY, whole + 10),
        ("a history over its budget", _HISTORY, _tokens(_HISTORY[:1] + _HISTORY[-6:]) + 2),
        ("a history ending with a new question", _ASKING, _tokens(_ASKING[:1] + _ASKING[-3:]) + 1),
        ("a budget smaller than the newest turn", _HISTORY, 5),
    ]


def _run(function: Callable[..., Any], *args: Any) -> tuple[Any, Exception | None]:
    try:
        return function(*args), None
    except Exception as exc:  # the learner's code may fail in any way; say so instead of crashing
        return None, exc


def _error_hint(exc: Exception) -> str:
    if isinstance(exc, NameError):
        return f"{exc}: run the cells of sections 3 and 5 first (count_tokens, as_transcript)"
    if isinstance(exc, TypeError) and "NoneType" in str(exc):
        return "count_tokens takes a list of messages; make sure every branch of your function returns a list"
    return f"it raised {type(exc).__name__}: {exc}"


@exercise("08.1")
def trim_to_budget(trim: Any) -> Feedback:
    """trim(messages, budget) keeps the system message and the newest whole turns that fit, in order."""
    fb = Feedback("08.1")
    if not fb.expect_function(trim, "trim(messages, budget)"):
        return fb
    for label, messages, budget in _cases():
        given = copy.deepcopy(messages)
        result, exc = _run(trim, given, budget)
        if not fb.expect(exc is None, f"it runs on {label}", _error_hint(exc) if exc else ""):
            continue
        if not fb.expect(isinstance(result, list) and bool(result), f"on {label} it returns a list of messages",
                         "return a new list: the system message plus the messages you keep"):
            return fb
        fb.expect(given == messages, f"on {label} it leaves the history it was given unchanged",
                  "build a new list (slices do) instead of deleting from messages")
        fb.expect(result[0] == messages[0], f"on {label} the system message is kept, first",
                  "set the first message aside, trim the rest, then put it back in front")
        kept = result[1:]
        in_order = len(kept) <= len(messages) - 1 and kept == messages[len(messages) - len(kept):]
        fb.expect(in_order and kept[-1:] == messages[-1:],
                  f"on {label} it keeps the newest messages, in their order",
                  "drop from the oldest end (just after the system message) and keep the rest as it is")
        if not in_order:
            continue
        fb.expect(not kept or kept[0]["role"] == "user",
                  f"on {label} it drops whole turns (what it keeps starts with a question)",
                  "drop a question together with its answer: two messages at a time")
        best = _best(messages, budget)
        if _tokens(best) <= budget:  # a budget that can be met
            fb.expect(_tokens(result) <= budget, f"on {label} the result fits in the budget",
                      "keep dropping the oldest turn while count_tokens(result) is over budget")
            fb.expect(len(result) >= len(best), f"on {label} it drops only the turns it must",
                      "stop as soon as the result fits: check the budget before each drop")
        else:
            fb.expect(result == best, f"on {label} the newest turn is kept, though it alone is over budget",
                      "stop dropping once only the newest turn is left")
    return fb


def _content(reply: Any) -> str | None:
    try:
        return reply.choices[0].message.content
    except (AttributeError, IndexError, TypeError):
        return None


@exercise("08.2")
def summarising_step(support_chat: Any, summary_request: Any, summary_reply: Any, compact: Any) -> Feedback:
    """The request carried the instruction and the older turns; compact is system + summary + newest turn."""
    fb = Feedback("08.2")
    messages_ok = isinstance(summary_request, list) and len(summary_request) >= 2 and all(
        isinstance(m, dict) and "role" in m and "content" in m for m in summary_request
    )
    if not fb.expect(messages_ok, "summary_request is the list of messages you sent",
                     "keep the list you pass as messages= in summary_request, before you send it"):
        return fb
    fb.expect(summary_request[0]["role"] in ("system", "developer"),
              "it starts with a system message holding the instruction",
              "the first message is {'role': 'system', 'content': support_instruction}")
    sent = " ".join(str(m["content"]) for m in summary_request[1:])
    old, newest = support_chat[1:-2], support_chat[-2:]
    fb.expect(all(str(m["content"]) in sent for m in old), "it carries the text of every older turn",
              "send as_transcript(support_chat[1:-2]) as the user message")
    fb.expect(not any(str(m["content"]) in sent for m in newest), "it leaves the newest turn out",
              "support_chat[1:-2] stops before the newest turn, which stays word for word")
    summary = _content(summary_reply)
    if not fb.expect(bool(summary), "summary_reply is the reply, with a summary in it",
                     "keep what client.chat.completions.create(...) returns in summary_reply"):
        return fb
    finish = summary_reply.choices[0].finish_reason
    fb.expect(finish == "stop", "the summary is complete (finish_reason is 'stop')",
              "a summary cut at the cap loses its end: ask for fewer words or raise the cap")
    usage = getattr(summary_reply, "usage", None)
    fb.expect(usage is not None and usage.completion_tokens <= _SUMMARY_CAP,
              f"the summary stayed within max_completion_tokens={_SUMMARY_CAP}",
              f"send the request with max_completion_tokens={_SUMMARY_CAP}")
    shaped = isinstance(compact, list) and len(compact) == 4 and all(isinstance(m, dict) for m in compact)
    if not fb.expect(shaped, "compact has four messages: the system message, the summary, the newest turn",
                     "compact = support_chat[:1] + [a system message with the summary] + support_chat[-2:]"):
        return fb
    fb.expect(compact[0] == support_chat[0] and compact[-2:] == newest,
              "compact starts with the chat's system message and ends with its newest turn, word for word",
              "take them from support_chat: support_chat[:1] and support_chat[-2:]")
    middle = compact[1]
    fb.expect(middle.get("role") in ("system", "developer") and summary in str(middle.get("content")),
              "the second message is a system message holding the summary",
              "put summary_reply.choices[0].message.content in {'role': 'system', 'content': ...}")
    fb.expect(_tokens(compact) < _tokens(support_chat), "compact is shorter, in tokens, than the whole chat",
              "the summary should be shorter than the turns it replaces: ask for fewer words")
    return fb


def _usage(prompt: int, completion: int, cached: int | None) -> CompletionUsage:
    details = None if cached is None else PromptTokensDetails(cached_tokens=cached, audio_tokens=0)
    return CompletionUsage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        prompt_tokens_details=details,
        completion_tokens_details=CompletionTokensDetails(reasoning_tokens=0),
    )


@exercise("08.3")
def cost_with_cache(cost_of: Any, model: str) -> Feedback:
    """cost_of(usage) bills cached prompt tokens at the cached-input price and the rest at the input price."""
    fb = Feedback("08.3")
    if not fb.expect_function(cost_of, "cost_of(usage)"):
        return fb
    price = price_of(model)
    cached_price = price.cached_input if price.cached_input is not None else price.input
    cases = [
        ("a usage with nothing cached", _usage(1200, 80, 0)),
        ("a usage with cached tokens", _usage(3000, 120, 2048)),
        ("a usage without prompt_tokens_details", _usage(500, 40, None)),
    ]
    for label, usage in cases:
        cached = usage.prompt_tokens_details.cached_tokens if usage.prompt_tokens_details else 0
        fresh = usage.prompt_tokens - cached
        expected = (fresh * price.input + cached * cached_price + usage.completion_tokens * price.output) / 1e6
        result, exc = _run(cost_of, usage)
        if not fb.expect(exc is None, f"it runs on {label}", _error_hint(exc) if exc else ""):
            if isinstance(exc, AttributeError) and usage.prompt_tokens_details is None:
                fb.hints.insert(0, "prompt_tokens_details can be None: then nothing was cached")
            continue
        if not fb.expect(isinstance(result, (int, float)), f"on {label} it returns a number of dollars",
                         "return the cost as a float"):
            return fb
        full = (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1e6
        if math.isclose(result, full * 1e6) or math.isclose(result, expected * 1e6):
            hint = "prices are per million tokens: divide by 1_000_000"
        elif cached and math.isclose(result, full):
            hint = "bill the cached tokens at price.cached_input, and only the others at price.input"
        elif cached and math.isclose(result, full + cached * cached_price / 1e6):
            hint = "cached tokens are part of prompt_tokens: take them out of the tokens billed at price.input"
        else:
            hint = ("prompt tokens less the cached ones at price.input, cached ones at price.cached_input, "
                    "completion tokens at price.output")
        fb.expect(math.isclose(result, expected, rel_tol=1e-9), f"on {label} the cost is right", hint)
    return fb

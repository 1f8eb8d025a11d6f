"""Checks for notebooks/12_tokens_and_costs.ipynb.

All three run the learner's code on messages, usages and replies built here, so they send no request
and work the same in every mode. 12.3 routes `client.chat.completions.create` to stand-in replies while
it runs (as 09.2 does) and puts the SDK back afterwards.

Token estimates follow the lesson's `count_message_tokens`, the recipe of the OpenAI cookbook's "How to
count tokens with tiktoken"
(https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb):
3 tokens a message, the tokens of each of its values (role, content and name), 1 more for a name, and 3
that prime the reply. Prices come from helpers/prices.py; reasoning tokens are part of the completion
(output) tokens and cached tokens part of the prompt (input) tokens, as the SDK's usage docstrings say.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion
from openai.types.completion_usage import CompletionTokensDetails, PromptTokensDetails
from openai.types.responses import ResponseUsage
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from ..authoring import chat, count_tokens
from ..checks import Feedback, WrongEndpoint, chat_completions_only, exercise
from ..prices import Price, price_of
from ..stub_server import StubRequest

TOKENS_PER_MESSAGE = 3  # the cookbook's recipe, for gpt-4o-mini and the other models it lists
TOKENS_PER_NAME = 1
TOKENS_REPLY_PRIMING = 3


def estimate_prompt_tokens(messages: list[dict]) -> int:
    """The cookbook's estimate of a chat request's prompt tokens, as the lesson's count_message_tokens counts it."""
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            total += count_tokens(str(value))
            if key == "name":
                total += TOKENS_PER_NAME
    return total


def _dollars(price: Price, fresh: int, cached: int, output: int) -> float:
    cached_price = price.cached_input if price.cached_input is not None else price.input
    return (fresh * price.input + cached * cached_price + output * price.output) / 1_000_000


NOT_A_NUMBER = "return the cost in dollars, as a float (return None is still the stub)"


def _run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, Exception | None]:
    try:
        return function(*args, **kwargs), None
    except Exception as exc:  # the learner's code may fail in any way; say how instead of crashing
        return None, exc


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def _error_hint(exc: Exception) -> str:
    if isinstance(exc, NameError):
        return f"{exc}: run the cells of sections 1 to 6 first (encoding, count_message_tokens, price)"
    if isinstance(exc, TypeError) and "NoneType" in str(exc):
        return "something your code uses still returns None: finish the exercises before this one first"
    return f"it raised {type(exc).__name__}: {exc}"


class _Sent(Exception):
    """Raised by the guard when the learner's code sends a request where none should go."""






def _no_request(kwargs: dict) -> Any:
    raise _Sent


# --- 12.1: the most a request can cost, before it is sent ------------------------------------------

_REQUESTS: list[tuple[str, list[dict], int]] = [
    ("a one-message request", [{"role": "user", "content": "Summarise the plot of Hamlet in two sentences."}], 120),
    ("a request with a system message", [
        {"role": "system", "content": "You are a patient maths tutor. Explain each step."},
        {"role": "user", "content": "Why is 0.1 + 0.2 not exactly 0.3 in Python?"},
    ], 400),
    ("a request with a named example message", [
        {"role": "system", "content": "Translate corporate jargon into plain English."},
        {"role": "system", "name": "example_user", "content": "Let's circle back on the deliverables."},
        {"role": "system", "name": "example_assistant", "content": "Let's talk about the work later."},
        {"role": "user", "content": "We need to leverage our synergies going forward."},
    ], 60),
]


def _estimate_hint(result: float, messages: list[dict], cap: int, price: Price) -> str:
    """Name the likely slip behind a wrong worst case, without giving the formula away."""
    prompt = estimate_prompt_tokens(messages)
    text_only = sum(count_tokens(str(message.get("content", ""))) for message in messages)
    without_roles = prompt - sum(count_tokens(str(message.get("role", ""))) for message in messages)
    worst = (prompt * price.input + cap * price.output) / 1_000_000
    if result > 0 and _close(result / 1_000_000, worst):
        return "prices are per million tokens: divide by 1_000_000"
    if _is_number(result) and result in (prompt, prompt + cap, cap):
        return "that is a number of tokens: return dollars, at the prices of section 6"
    if _close(result, prompt * price.input / 1_000_000):
        return "that prices the prompt only: the model may also write up to max_completion_tokens, at its own price"
    if _close(result, cap * price.output / 1_000_000):
        return "that prices the answer only: add what the prompt costs (count it as in section 4)"
    if _close(result, (prompt + cap) * price.input / 1_000_000):
        return "what the model writes is billed at the output price, not the input price"
    if _close(result, (text_only * price.input + cap * price.output) / 1_000_000):
        return "count the whole request with count_message_tokens (section 4), not only the text of the messages"
    if _close(result, (without_roles * price.input + cap * price.output) / 1_000_000):
        return "count every value of a message, its role too, as the cookbook's recipe does (section 4)"
    return "price the prompt you count and the most the model may write, each at its own price (section 6)"


@exercise("12.1")
def worst_case_cost(estimate_cost: Any, model: str) -> Feedback:
    """estimate_cost(messages, max_completion_tokens): the prompt's estimate plus the cap, priced, without a request."""
    fb = Feedback("12.1")
    if not fb.expect_function(estimate_cost, "estimate_cost(messages, max_completion_tokens)"):
        return fb
    price = price_of(model)
    unchanged = True
    for label, messages, cap in _REQUESTS:
        given = json.loads(json.dumps(messages))
        with chat_completions_only(lambda _, kwargs: _no_request(kwargs)):
            result, exc = _run(estimate_cost, given, cap)
        if isinstance(exc, (_Sent, WrongEndpoint)):
            fb.expect(False, "it estimates without sending a request",
                      "the point is to know before you send: count the tokens, don't ask the API")
            return fb
        if exc is not None:
            fb.expect(False, f"it runs on {label}", _error_hint(exc))
            continue
        if not _is_number(result):
            fb.expect(False, "it returns a number of dollars", NOT_A_NUMBER)
            return fb
        unchanged = unchanged and given == messages
        worst = (estimate_prompt_tokens(messages) * price.input + cap * price.output) / 1_000_000
        fb.expect(_close(result, worst), f"on {label} it gives the most the request can cost",
                  _estimate_hint(result, messages, cap, price))
    fb.expect(unchanged, "it leaves the messages it is given unchanged",
              "count the messages; don't add to them or change them")
    return fb


# --- 12.2: what a call cost, from the usage of either API ------------------------------------------


def _chat_usage(prompt: int, completion: int, cached: int | None, reasoning: int | None) -> CompletionUsage:
    return CompletionUsage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        prompt_tokens_details=None if cached is None else PromptTokensDetails(cached_tokens=cached, audio_tokens=0),
        completion_tokens_details=None if reasoning is None else CompletionTokensDetails(reasoning_tokens=reasoning),
    )


def _responses_usage(input_tokens: int, output: int, cached: int, reasoning: int) -> ResponseUsage:
    return ResponseUsage(
        input_tokens=input_tokens,
        input_tokens_details=InputTokensDetails(cached_tokens=cached, cache_write_tokens=0),
        output_tokens=output,
        output_tokens_details=OutputTokensDetails(reasoning_tokens=reasoning),
        total_tokens=input_tokens + output,
    )


def _usage_cases() -> list[tuple[str, Any, int, int, int, int]]:
    """(label, usage, input, cached, output, reasoning)."""
    return [
        ("a Chat Completions usage without details", _chat_usage(1000, 500, None, None), 1000, 0, 500, 0),
        ("a Chat Completions usage with cached and reasoning tokens",
         _chat_usage(3000, 700, 2048, 512), 3000, 2048, 700, 512),
        ("a Responses usage with cached and reasoning tokens", _responses_usage(2500, 900, 1024, 640), 2500, 1024,
         900, 640),
        ("a Responses usage with nothing cached", _responses_usage(300, 50, 0, 0), 300, 0, 50, 0),
    ]


def _cost_hint(result: float, label: str, price: Price, tokens: tuple[int, int, int, int]) -> str:
    total_in, cached, output, reasoning = tokens
    if _close(result / 1_000_000, _dollars(price, total_in - cached, cached, output)):
        return "prices are per million tokens: divide by 1_000_000"
    if reasoning and _close(result, _dollars(price, total_in - cached, cached, output + reasoning)):
        return "reasoning tokens are already counted in completion_tokens / output_tokens: don't add them again"
    if cached and _close(result, _dollars(price, total_in, 0, output)):
        return "cached prompt tokens bill at price.cached_input, not at the full input price"
    if cached and _close(result, _dollars(price, total_in, cached, output)):
        return "cached tokens are part of prompt_tokens / input_tokens: take them out of the full-price tokens"
    if "Responses" in label:
        return "a Responses usage names its counts input_tokens and output_tokens (section 5)"
    return "price the fresh input, the cached input and the output, each at its own price (section 6)"


@exercise("12.2")
def cost_from_either_usage(call_cost: Any, model: str) -> Feedback:
    """call_cost(usage) prices a Chat Completions or a Responses usage: cached input apart, reasoning once."""
    fb = Feedback("12.2")
    if not fb.expect_function(call_cost, "call_cost(usage)"):
        return fb
    price = price_of(model)
    for label, usage, total_in, cached, output, reasoning in _usage_cases():
        result, exc = _run(call_cost, usage)
        if exc is not None:
            if isinstance(exc, AttributeError) and "Responses" in label:
                hint = "a Responses usage has input_tokens and output_tokens: tell the two shapes apart (section 5)"
            elif isinstance(exc, AttributeError) and "NoneType" in str(exc):
                hint = "prompt_tokens_details can be None: then nothing was cached"
            else:
                hint = _error_hint(exc)
            fb.expect(False, f"it runs on {label}", hint)
            continue
        if not _is_number(result):
            fb.expect(False, "it returns a number of dollars", NOT_A_NUMBER)
            return fb
        expected = _dollars(price, total_in - cached, cached, output)
        fb.expect(_close(result, expected), f"on {label} it gives what the call cost",
                  _cost_hint(result, label, price, (total_in, cached, output, reasoning)))
    return fb


# --- 12.3: a budget of your own --------------------------------------------------------------------

QUESTION = [{"role": "user", "content": "Name a prime number between 10 and 20."}]
CAP = 200  # the check asks with max_completion_tokens=200
STAND_IN_TEXT = "13 is a prime number between 10 and 20."
STAND_IN_USAGE = (19, 40, 24)  # prompt, completion (reasoning included), reasoning: a cheap answer


def _stand_in(kwargs: dict) -> ChatCompletion:
    """A chat completion as the API returns it, built by the course's authoring helpers (no request)."""
    prompt, completion, reasoning = STAND_IN_USAGE
    request = StubRequest("POST", "/v1/chat/completions", {}, json.dumps(kwargs, default=str).encode())
    reply = chat(STAND_IN_TEXT, usage=(prompt, completion), reasoning_tokens=reasoning)
    return ChatCompletion.model_validate(reply.body(request, serial=0))


def _session(budget_class: Any, dollars: float, asks: int) -> tuple[Any, list[tuple[Any, Exception | None]], list]:
    """Make budget_class(dollars), call .ask(QUESTION, max_completion_tokens=CAP) `asks` times; what it sent."""
    sent: list[dict] = []

    def answer(kwargs: dict) -> ChatCompletion:
        sent.append(kwargs)
        return _stand_in(kwargs)

    budget, exc = _run(budget_class, dollars)
    if exc is not None:
        return None, [(None, exc)], sent
    outcomes = []
    with chat_completions_only(lambda _, kwargs: answer(kwargs)):
        for _ in range(asks):
            outcomes.append(_run(getattr(budget, "ask", None) or (lambda *a, **k: None),
                                 json.loads(json.dumps(QUESTION)), max_completion_tokens=CAP))
    return budget, outcomes, sent


def _spent(budget: Any) -> Any:
    return getattr(budget, "spent", None)


@exercise("12.3")
def budget_guard(budget_class: Any, model: str) -> Feedback:
    """Budget(dollars).ask(...) sends while the worst case fits, adds what each reply cost, refuses before sending."""
    fb = Feedback("12.3")
    if not fb.expect(isinstance(budget_class, type), "Budget is a class",
                     "define it with class Budget: in place of the None"):
        return fb
    price = price_of(model)
    worst = (estimate_prompt_tokens(QUESTION) * price.input + CAP * price.output) / 1_000_000
    prompt, completion, _ = STAND_IN_USAGE
    actual = _dollars(price, prompt, 0, completion)

    budget, outcomes, sent = _session(budget_class, 1.0, 1)
    reply, exc = outcomes[0]
    if isinstance(exc, WrongEndpoint):
        fb.expect(False, "ask() calls Chat Completions", "send with client.chat.completions.create, as in section 4")
        return fb
    if not fb.expect(exc is None, "Budget(1.0).ask(...) runs without an error", _error_hint(exc) if exc else ""):
        return fb
    if not fb.expect(_spent(budget) is not None, "a Budget keeps what it has spent in .spent",
                     "set self.spent = 0.0 in __init__"):
        return fb
    if not fb.expect(len(sent) == 1, "a request it can afford is sent, once",
                     "call client.chat.completions.create once in ask()"):
        return fb
    kwargs = sent[0]
    fb.expect(kwargs.get("model") == model and kwargs.get("messages") == QUESTION
              and kwargs.get("max_completion_tokens") == CAP,
              "it sends model=MODEL, the messages and the max_completion_tokens it was given",
              "pass messages and max_completion_tokens on to the request unchanged, with model=MODEL")
    fb.expect(isinstance(reply, ChatCompletion), "ask() returns the reply", "return the reply create() gave you")
    spent = _spent(budget)
    if _is_number(spent) and not _close(spent, actual):
        if _close(spent, worst):
            hint = "add what the reply really cost (its usage), not the estimate: the estimate is for deciding"
        elif _close(spent, _dollars(price, prompt, 0, completion + STAND_IN_USAGE[2])):
            hint = "reasoning tokens are already in completion_tokens: count them once"
        else:
            hint = "add call_cost(reply.usage) to self.spent after each reply"
    else:
        hint = "add call_cost(reply.usage) to self.spent after each reply"
    fb.expect(_is_number(spent) and _close(spent, actual), "spent grows by what the reply cost", hint)

    budget, outcomes, sent = _session(budget_class, worst / 2, 1)
    _, exc = outcomes[0]
    refused = isinstance(exc, Exception) and not isinstance(exc, WrongEndpoint)
    fb.expect(refused and not sent, "a request whose worst case is over the budget is refused before it is sent",
              ("before sending, compare what is spent plus the worst case with the budget" if sent
               else "raise an exception (RuntimeError, say) so the caller cannot miss it"))
    fb.expect(_spent(budget) == 0, "a refusal spends nothing", "change spent only after a reply has come back")

    budget, outcomes, sent = _session(budget_class, worst + actual / 2, 2)
    fb.expect(len(sent) == 1 and outcomes[1][1] is not None, "it counts what it has spent before: "
              "a second request is refused once spent + worst case is over",
              "compare self.spent + the estimate with the budget, not the estimate alone")

    budget, outcomes, sent = _session(budget_class, 1.5 * worst, 2)
    fb.expect(len(sent) == 2, "it sends while the real spend leaves room for the worst case",
              "add the real cost of each reply to spent, not its estimate")
    return fb

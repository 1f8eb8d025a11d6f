"""Lesson 12's checks judge the learner's cost code by what it returns and sends, name the slip, and send nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openai import OpenAI
from openai.resources.chat.completions.completions import Completions
from openai.resources.responses.responses import Responses

import helpers
from helpers.authoring import count_tokens
from helpers.exercises import nb12
from helpers.prices import price_of

MODEL = helpers.DEFAULT_MODEL
PRICE = price_of(MODEL)
SDK_METHODS = (Completions.create, Responses.create)
# The checks answer before the client would send anything: this address is never reached.
OFFLINE = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", timeout=1, max_retries=0)


@pytest.fixture(autouse=True)
def sdk_left_as_it_was() -> Iterator[None]:
    yield
    assert (Completions.create, Responses.create) == SDK_METHODS, "a check left the SDK patched"


def test_the_recipe_gives_the_figure_the_api_billed_in_the_cookbook():
    """The cookbook's run: its recipe counted 124 prompt tokens for these messages, and gpt-4o-mini billed 124."""
    said = [
        ("system", None, "You are a helpful, pattern-following assistant that translates corporate jargon into "
                         "plain English."),
        ("system", "example_user", "New synergies will help drive top-line growth."),
        ("system", "example_assistant", "Things working well together will increase revenue."),
        ("system", "example_user", "Let's circle back when we have more bandwidth to touch base on opportunities "
                                   "for increased leverage."),
        ("system", "example_assistant", "Let's talk later when we're less busy about how to do better."),
        ("user", None, "This late pivot means we don't have time to boil the ocean for the client deliverable."),
    ]
    messages = [{"role": role, **({"name": name} if name else {}), "content": text} for role, name, text in said]
    assert nb12.estimate_prompt_tokens(messages) == 124


# --- 12.1 -------------------------------------------------------------------------------------------


def _dollars(prompt: int, answer: int, answer_price: float = PRICE.output) -> float:
    return (prompt * PRICE.input + answer * answer_price) / 1_000_000


def test_12_1_passes_the_worst_case_and_names_each_slip():
    assert helpers.check("12.1", lambda m, cap: _dollars(nb12.estimate_prompt_tokens(m), cap), MODEL)

    slips = {
        "the prompt only": (lambda m, cap: _dollars(nb12.estimate_prompt_tokens(m), 0), "prices the prompt only"),
        "the answer at the input price": (
            lambda m, cap: _dollars(nb12.estimate_prompt_tokens(m), cap, PRICE.input), "output price"),
        "tokens, not dollars": (lambda m, cap: nb12.estimate_prompt_tokens(m) + cap, "number of tokens"),
        "not per million": (lambda m, cap: _dollars(nb12.estimate_prompt_tokens(m), cap) * 1_000_000, "per million"),
        "the text alone": (
            lambda m, cap: _dollars(sum(count_tokens(x["content"]) for x in m), cap), "not only the text"),
        "no role tokens": (
            lambda m, cap: _dollars(nb12.estimate_prompt_tokens(m) - len(m), cap), "its role too"),
    }
    for name, (estimate, hint) in slips.items():
        feedback = helpers.check("12.1", estimate, MODEL)
        assert not feedback, name
        assert hint in str(feedback), (name, str(feedback))
        assert "max_completion_tokens * " not in str(feedback) and "1_000_000 *" not in str(feedback)


def test_12_1_fails_a_function_that_asks_the_api():
    def asks(messages, cap):
        reply = OFFLINE.chat.completions.create(model=MODEL, messages=messages, max_completion_tokens=cap)
        return reply.usage.prompt_tokens

    feedback = helpers.check("12.1", asks, MODEL)
    assert "✗ it estimates without sending a request" in str(feedback)


def test_12_1_reports_the_stub_and_a_function_that_changes_its_messages():
    stub = str(helpers.check("12.1", lambda m, cap: None, MODEL))
    assert "✗ it returns a number of dollars" in stub and "stub" in stub

    def appends(messages, cap):
        messages.append({"role": "assistant", "content": "x" * cap})
        return _dollars(nb12.estimate_prompt_tokens(messages[:-1]), cap)

    assert "✗ it leaves the messages it is given unchanged" in str(helpers.check("12.1", appends, MODEL))


# --- 12.2 -------------------------------------------------------------------------------------------


def _right_cost(usage):
    if hasattr(usage, "input_tokens"):
        given, made, details = usage.input_tokens, usage.output_tokens, usage.input_tokens_details
    else:
        given, made, details = usage.prompt_tokens, usage.completion_tokens, usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    return ((given - cached) * PRICE.input + cached * PRICE.cached_input + made * PRICE.output) / 1_000_000


def test_12_2_passes_both_shapes_and_names_each_slip():
    assert helpers.check("12.2", _right_cost, MODEL)

    def reasoning_twice(usage):
        reasoning = (usage.output_tokens_details.reasoning_tokens if hasattr(usage, "output_tokens")
                     else (usage.completion_tokens_details.reasoning_tokens if usage.completion_tokens_details else 0))
        return _right_cost(usage) + reasoning * PRICE.output / 1_000_000

    def cached_at_full_price(usage):
        given = usage.input_tokens if hasattr(usage, "input_tokens") else usage.prompt_tokens
        made = usage.output_tokens if hasattr(usage, "output_tokens") else usage.completion_tokens
        return (given * PRICE.input + made * PRICE.output) / 1_000_000

    def chat_only(usage):
        details = usage.prompt_tokens_details
        cached = details.cached_tokens if details else 0
        fresh = usage.prompt_tokens - cached
        return (fresh * PRICE.input + cached * PRICE.cached_input + usage.completion_tokens * PRICE.output) / 1e6

    for slip, hint in [(reasoning_twice, "don't add them again"), (cached_at_full_price, "price.cached_input"),
                       (chat_only, "input_tokens and output_tokens")]:
        feedback = helpers.check("12.2", slip, MODEL)
        assert not feedback, slip.__name__
        assert hint in str(feedback), (slip.__name__, str(feedback))


def test_12_2_says_details_may_be_missing():
    def trusts_details(usage):
        return _right_cost(usage) if hasattr(usage, "input_tokens") else (
            usage.prompt_tokens_details.cached_tokens + _right_cost(usage))

    feedback = str(helpers.check("12.2", trusts_details, MODEL))
    assert "✗ it runs on a Chat Completions usage without details" in feedback
    assert "can be None" in feedback


# --- 12.3 -------------------------------------------------------------------------------------------


def _estimate(messages, cap):
    return _dollars(nb12.estimate_prompt_tokens(messages), cap)


def _budget(*, count_spent: bool = True, pay_estimate: bool = False, refuse: str = "raise"):
    """A Budget class as a learner might write it, right by default, with one slip when asked."""

    class Budget:
        def __init__(self, dollars):
            self.dollars = dollars
            self.spent = 0.0

        def ask(self, messages, max_completion_tokens=100):
            worst = _estimate(messages, max_completion_tokens)
            if (self.spent if count_spent else 0.0) + worst > self.dollars:
                if refuse == "raise":
                    raise RuntimeError("over budget")
                if refuse == "return":
                    return None
            reply = OFFLINE.chat.completions.create(model=MODEL, messages=messages,
                                                    max_completion_tokens=max_completion_tokens)
            self.spent += worst if pay_estimate else _right_cost(reply.usage)
            return reply

    return Budget


def test_12_3_passes_a_faithful_guard_and_sends_nothing():
    assert helpers.check("12.3", _budget(), MODEL)


@pytest.mark.parametrize(
    ("slip", "missed"),
    [
        (dict(count_spent=False), "✗ it counts what it has spent before"),
        (dict(pay_estimate=True), "✗ spent grows by what the reply cost"),
        (dict(refuse="return"), "✗ a request whose worst case is over the budget is refused before it is sent"),
        (dict(refuse="send"), "✗ a request whose worst case is over the budget is refused before it is sent"),
    ],
)
def test_12_3_names_what_a_guard_gets_wrong(slip, missed):
    feedback = helpers.check("12.3", _budget(**slip), MODEL)
    assert not feedback
    assert missed in str(feedback), str(feedback)


def test_12_3_reports_the_placeholder_and_a_guard_on_another_model():
    assert "✗ Budget is a class" in str(helpers.check("12.3", None, MODEL))

    class OtherModel(_budget()):
        def ask(self, messages, max_completion_tokens=100):
            return OFFLINE.chat.completions.create(model="gpt-4.1-mini", messages=messages,
                                                   max_completion_tokens=max_completion_tokens)

    feedback = str(helpers.check("12.3", OtherModel, MODEL))
    assert "✗ it sends model=MODEL, the messages and the max_completion_tokens it was given" in feedback

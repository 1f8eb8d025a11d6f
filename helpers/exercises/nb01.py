"""Checks for notebooks/01_chat_basics.ipynb."""

from __future__ import annotations

from typing import Any

from ..checks import Feedback, exercise
from ..prices import price_of
from ..settings import DEFAULT_MODEL

FOLLOW_UP = "How is that different from a library?"


def _is_message_list(messages: Any) -> bool:
    return isinstance(messages, list) and all(
        isinstance(m, dict) and {"role", "content"} <= set(m) for m in messages
    )


@exercise("01.1")
def continue_conversation(follow_up: Any, reply: Any) -> Feedback:
    """The follow-up conversation carries the history, and the reply came back complete."""
    fb = Feedback("01.1")
    if not fb.expect(_is_message_list(follow_up), "follow_up is a list of {'role', 'content'} dicts",
                     "each message is a dict with a 'role' and a 'content' key"):
        return fb
    roles = [m["role"] for m in follow_up]
    fb.expect(roles[:1] == ["system"], "it starts with the system message")
    fb.expect(len(roles) >= 4 and roles[2] == "assistant",
              "the model's first answer is in it, as an assistant message",
              "the model only knows what it said if you send it back with the 'assistant' role")
    fb.expect(len(roles) == 4 and roles[3] == "user" and follow_up[3]["content"] == FOLLOW_UP,
              "it ends with the new question from the user",
              f"the last message is the user's {FOLLOW_UP!r}, nothing after it")
    choices = getattr(reply, "choices", None)
    fb.expect(bool(choices), "reply is the response of a chat completion",
              "assign the result of client.chat.completions.create(...) to reply")
    if choices:
        fb.expect(choices[0].finish_reason == "stop", "the answer is complete (finish_reason 'stop')",
                  "with max_completion_tokens=100 the answer should finish; check the messages you sent")
    return fb


@exercise("01.2")
def read_the_bill(response: Any, cost: Any) -> Feedback:
    """The cost of one call, from its usage and the per-million prices."""
    fb = Feedback("01.2")
    usage = getattr(response, "usage", None)
    if not fb.expect(usage is not None, "response has a usage block", "pass the haiku response from section 5"):
        return fb
    if not fb.expect(isinstance(cost, (int, float)) and not isinstance(cost, bool), "cost is a number",
                     "compute cost from response.usage; it is a float, in dollars"):
        return fb
    # The statement quotes the default model's prices; a learner who ran another model live may use its own.
    prices = [price_of(DEFAULT_MODEL)]
    try:
        prices.append(price_of(str(getattr(response, "model", None) or DEFAULT_MODEL)))
    except KeyError:  # a model the price table does not list
        pass
    expected = [(usage.prompt_tokens * p.input + usage.completion_tokens * p.output) / 1e6 for p in prices]
    fb.expect(cost > 0, "cost is positive")
    fb.expect(any(abs(cost - e) <= 1e-12 + 1e-6 * e for e in expected), "cost matches the usage and the prices",
              "input and output tokens have different prices, and the prices are per million tokens")
    return fb

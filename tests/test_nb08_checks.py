"""Lesson 08's exercise checks pass the worked answers, fail the usual mistakes with a hint, and send nothing."""

from __future__ import annotations

from types import SimpleNamespace

import helpers
from helpers.authoring import count_tokens
from helpers.prices import price_of


def tokens(messages: list[dict]) -> int:
    """The lesson's count_tokens."""
    return sum(3 + count_tokens(message["content"]) for message in messages)


def trim(messages, budget):  # the worked answer
    system, turns = messages[:1], messages[1:]
    while len(turns) > 2 and tokens(system + turns) > budget:
        turns = turns[2:]
    return system + turns


def test_08_1_passes_the_worked_answer():
    feedback = helpers.check("08.1", trim)
    assert feedback, str(feedback)


def test_08_1_fails_the_usual_mistakes_with_a_hint():
    def single_messages(messages, budget):  # leaves an answer without its question
        system, rest = messages[:1], messages[1:]
        while len(rest) > 1 and tokens(system + rest) > budget:
            rest = rest[1:]
        return system + rest

    def in_place(messages, budget):  # deletes from the learner's own history
        while len(messages) > 3 and tokens(messages) > budget:
            del messages[1:3]
        return messages

    def loses_system(messages, budget):
        turns = messages[1:]
        while len(turns) > 2 and tokens(turns) > budget:
            turns = turns[2:]
        return turns

    def newest_only(messages, budget):  # drops more than it must
        return messages[:1] + messages[-2:]

    for wrong, hint in [
        (single_messages, "two messages at a time"),
        (in_place, "instead of deleting from messages"),
        (loses_system, "set the first message aside"),
        (newest_only, "stop as soon as the result fits"),
        (lambda messages, budget: None, "return a new list"),
    ]:
        feedback = helpers.check("08.1", wrong)
        assert not feedback, wrong
        assert "Hint:" in str(feedback) and hint in str(feedback), str(feedback)


SUPPORT = [
    {"role": "system", "content": "You are a support agent."},
    {"role": "user", "content": "My order 4411 arrived with a torn cover."},
    {"role": "assistant", "content": "Sorry! A replacement or a refund?"},
    {"role": "user", "content": "Great, please do that."},
    {"role": "assistant", "content": "Done: a replacement is on its way."},
]
SUMMARY = "Order 4411 arrived torn; a replacement was agreed."


def reply(content: str = SUMMARY, finish_reason: str = "stop", completion_tokens: int = 12):
    choice = SimpleNamespace(finish_reason=finish_reason, message=SimpleNamespace(content=content))
    usage = SimpleNamespace(prompt_tokens=40, completion_tokens=completion_tokens)
    return SimpleNamespace(choices=[choice], usage=usage)


def request(turns: list[dict]) -> list[dict]:
    transcript = "\n".join(f"{m['role']}: {m['content']}" for m in turns)
    return [{"role": "system", "content": "Summarise this support chat."}, {"role": "user", "content": transcript}]


def compact(summary: str = SUMMARY) -> list[dict]:
    summary_message = {"role": "system", "content": "Summary of the earlier conversation: " + summary}
    return SUPPORT[:1] + [summary_message] + SUPPORT[-2:]


def test_08_2_passes_a_summarising_step():
    feedback = helpers.check("08.2", SUPPORT, request(SUPPORT[1:-2]), reply(), compact())
    assert feedback, str(feedback)


def test_08_2_fails_a_wrong_request_a_cut_summary_or_a_wrong_history():
    whole = helpers.check("08.2", SUPPORT, request(SUPPORT[1:]), reply(), compact())
    assert not whole and "leaves the newest turn out" in str(whole)
    cut = helpers.check("08.2", SUPPORT, request(SUPPORT[1:-2]), reply(finish_reason="length", completion_tokens=60),
                        compact())
    assert not cut and "✗ the summary is complete" in str(cut)
    dropped = helpers.check("08.2", SUPPORT, request(SUPPORT[1:-2]), reply(), SUPPORT[:1] + SUPPORT[-2:])
    assert not dropped and "Hint:" in str(dropped)
    missing = helpers.check("08.2", SUPPORT, None, None, None)
    assert not missing and "summary_request is the list of messages you sent" in str(missing)


def usage(prompt: int, completion: int, cached: int | None):
    details = None if cached is None else SimpleNamespace(cached_tokens=cached)
    return SimpleNamespace(prompt_tokens=prompt, completion_tokens=completion, prompt_tokens_details=details)


def test_08_3_passes_the_worked_answer_and_fails_full_price_caching_without_saying_the_figure():
    model = helpers.DEFAULT_MODEL
    price = price_of(model)

    def cost_of(u):
        details = u.prompt_tokens_details
        cached = (details.cached_tokens or 0) if details is not None else 0
        return ((u.prompt_tokens - cached) * price.input + cached * price.cached_input
                + u.completion_tokens * price.output) / 1_000_000

    assert helpers.check("08.3", cost_of, model)

    def full_price(u):
        return (u.prompt_tokens * price.input + u.completion_tokens * price.output) / 1_000_000

    feedback = helpers.check("08.3", full_price, model)
    assert not feedback and "price.cached_input" in str(feedback)
    right = cost_of(usage(3000, 120, 2048))
    assert f"{right}" not in str(feedback) and f"{right:.6f}" not in str(feedback)

    def ignores_none(u):
        cached = u.prompt_tokens_details.cached_tokens
        return ((u.prompt_tokens - cached) * price.input + cached * price.cached_input
                + u.completion_tokens * price.output) / 1_000_000

    feedback = helpers.check("08.3", ignores_none, model)
    assert not feedback and "prompt_tokens_details can be None" in str(feedback)

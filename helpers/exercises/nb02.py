"""Checks for notebooks/02_parameters.ipynb."""

from __future__ import annotations

import math
from typing import Any

from ..checks import Feedback, exercise

MEETUP_FIELDS = {"topic", "city", "date", "attendees"}


def _choices(response: Any) -> list:
    return list(getattr(response, "choices", None) or [])


@exercise("02.1")
def stop_at_the_line(reply: Any) -> Feedback:
    """The tagline came back alone: the stop sequence cut off the separator and the explanation."""
    fb = Feedback("02.1")
    choices = _choices(reply)
    if not fb.expect(bool(choices), "reply is the response of a chat completion",
                     "assign the result of client.chat.completions.create(...) to reply"):
        return fb
    choice = choices[0]
    text = choice.message.content or ""
    fb.expect(bool(text.strip()), "the answer holds some text", "send the prompt given above as the user message")
    fb.expect("---" not in text, "the separator --- is not in the answer",
              "stop takes the text at which the model must stop writing")
    fb.expect(len(text.strip().splitlines()) == 1, "only the one-line tagline is left, no explanation",
              "the explanation comes after the separator: stop the model before it gets there")
    fb.expect(choice.finish_reason == "stop", "the token cap did not cut the answer (finish_reason 'stop')",
              "finish_reason 'length' means max_completion_tokens cut the answer, not your stop sequence")
    return fb


@exercise("02.2")
def meetup_as_object(meetup: Any) -> Feedback:
    """The parsed Meetup object, with the note's details in the right fields and types."""
    fb = Feedback("02.2")
    fields = set(getattr(type(meetup), "model_fields", {}) or {})
    if not fb.expect(type(meetup).__name__ == "Meetup" and fields >= MEETUP_FIELDS,
                     "meetup is a Meetup object",
                     "keep the parsed object that parse() puts in the message, not the whole completion or its text"):
        return fb
    fb.expect(isinstance(meetup.city, str) and meetup.city.strip().lower() == "lisbon", "the city is right",
              "the city is named in the note's first sentence")
    fb.expect(meetup.date == "2026-03-14", "the date is right, in ISO format",
              "the date should follow the format in the field's description")
    fb.expect(isinstance(meetup.attendees, int) and meetup.attendees == 40, "the number of attendees is right")
    fb.expect(isinstance(meetup.topic, str) and "pytest" in meetup.topic.lower(),
              "the topic names the tool of the talk")
    return fb


@exercise("02.3")
def whole_answer_probability(response: Any, answer_probability: Any) -> Feedback:
    """The probability of the whole answer, from the logprobs of its tokens."""
    fb = Feedback("02.3")
    choices = _choices(response)
    logprobs = getattr(choices[0], "logprobs", None) if choices else None
    content = getattr(logprobs, "content", None)
    if not fb.expect(bool(content), "trip carries logprobs",
                     "pass the response of section 8, requested with logprobs=True"):
        return fb
    if not fb.expect(isinstance(answer_probability, (int, float)) and not isinstance(answer_probability, bool),
                     "answer_probability is a number", "compute it from trip.choices[0].logprobs.content"):
        return fb
    expected = math.exp(sum(item.logprob for item in content))
    fb.expect(0 < answer_probability <= 1, "it is a probability, between 0 and 1",
              "a logprob is a logarithm: math.exp turns it back into a probability")
    token_probabilities = [math.exp(item.logprob) for item in content]
    fb.expect(math.isclose(answer_probability, expected, rel_tol=1e-6),
              "it is the probability of every token of the answer together",
              "that is the probability of one token; the answer is all of its tokens, one after another"
              if any(math.isclose(answer_probability, p, rel_tol=1e-6) for p in token_probabilities)
              else "probabilities of things that happen one after another multiply; logprobs add")
    return fb

"""Checks for notebooks/07_responses_api.ipynb."""

from __future__ import annotations

from typing import Any

from ..checks import Feedback, exercise

TOOL_NAME = "days_between"
DAYS = 45  # from 2026-01-15 to 2026-03-01
CONTACT = {"name": "Dana Okafor", "email": "dana.okafor@example.com"}


def _field(item: Any, key: str) -> Any:
    """A field of an item, whether it is a dict or an SDK object."""
    if isinstance(item, dict):
        return item.get(key)
    return getattr(item, key, None)


def _is_response(response: Any) -> bool:
    """Whether `response` looks like what client.responses.create returns."""
    return isinstance(getattr(response, "output", None), list) and hasattr(response, "output_text")


def _function_calls(items: Any) -> list[Any]:
    return [item for item in items or [] if _field(item, "type") == "function_call"]


@exercise("07.1")
def previous_response(first: Any, follow_up: Any) -> Feedback:
    """The follow-up names the first response by its id, keeps the instructions, and has an answer."""
    fb = Feedback("07.1")
    if not fb.expect(
        _is_response(first) and bool(first.output_text),
        "first is a response with text",
        "keep the result of client.responses.create(...) for the first question in first",
    ):
        return fb
    if not fb.expect(
        _is_response(follow_up),
        "follow_up is a response",
        "keep the result of the second client.responses.create(...) in follow_up",
    ):
        return fb
    fb.expect(
        follow_up.previous_response_id == first.id,
        "follow_up continues first (previous_response_id is first's id)",
        "pass previous_response_id=first.id, and only the new question as input; first must be stored "
        "(store left at its default)",
    )
    fb.expect(
        bool(follow_up.instructions),
        "follow_up was sent with instructions",
        "instructions are not carried over from the previous response: pass them again",
    )
    fb.expect(
        follow_up.status == "completed" and bool(follow_up.output_text),
        "follow_up is complete and has text",
        "check follow_up.status; with max_output_tokens=50 the short answer fits",
    )
    return fb


@exercise("07.2")
def tool_round_trip(asked: Any, exercise_input: Any, answer: Any) -> Feedback:
    """The call went back with its result under the same call_id, and the model answered from it."""
    fb = Feedback("07.2")
    calls = _function_calls(getattr(asked, "output", None))
    if not fb.expect(
        _is_response(asked) and bool(calls),
        "asked is a response with a function_call item",
        "send the question with tools=[days_tool] and keep the response in asked",
    ):
        return fb
    fb.expect(
        _field(calls[0], "name") == TOOL_NAME,
        "the model asked for days_between",
        "check the tool you passed: its name is days_between",
    )
    if not fb.expect(
        isinstance(exercise_input, list)
        and all(_field(item, "type") or _field(item, "role") for item in exercise_input),
        "exercise_input is a list of items",
        "each entry is a message dict, an output item of asked, or a function_call_output dict",
    ):
        return fb
    sent_calls = _function_calls(exercise_input)
    fb.expect(
        bool(sent_calls),
        "the function_call item from asked is in exercise_input",
        "the model must see its own call: add the items of asked.output to exercise_input",
    )
    outputs = [item for item in exercise_input if _field(item, "type") == "function_call_output"]
    answered = {_field(item, "call_id") for item in outputs}
    wanted = {_field(call, "call_id") for call in calls}
    fb.expect(
        bool(outputs) and wanted <= answered,
        "every function_call has a function_call_output with the same call_id",
        "copy call.call_id into the output item (not call.id, which names the item itself)",
    )
    fb.expect(
        any(str(DAYS) in str(_field(item, "output") or "") for item in outputs),
        "the output carries the number of days that days_between computed",
        "run days_between with json.loads(call.arguments) and put the result in 'output' as a JSON string",
    )
    if not fb.expect(
        _is_response(answer),
        "answer is a response",
        "send exercise_input with tools=[days_tool] and keep the response in answer",
    ):
        return fb
    fb.expect(
        not _function_calls(answer.output) and str(DAYS) in answer.output_text,
        "the model answers in text, with the number from your function",
        "if answer.output_text is empty the model called the tool again: check the call_id and the output",
    )
    return fb


@exercise("07.3")
def typed_answer(reply: Any) -> Feedback:
    """The reply was parsed into the Contact model, with the details from the signature."""
    fb = Feedback("07.3")
    if not fb.expect(
        _is_response(reply) and hasattr(reply, "output_parsed"),
        "reply is what client.responses.parse returns",
        "use client.responses.parse(...), not create, and keep its result in reply",
    ):
        return fb
    text = getattr(reply, "text", None)
    text_format = getattr(text, "format", None)
    fb.expect(
        getattr(text_format, "type", None) == "json_schema",
        "the request asked for a JSON schema (text.format)",
        "pass your class as text_format=Contact; the SDK turns it into the schema",
    )
    contact = reply.output_parsed
    if not fb.expect(
        contact is not None and type(contact).__name__ == "Contact",
        "reply.output_parsed is a Contact",
        "output_parsed holds an instance of the class you passed as text_format",
    ):
        return fb
    fb.expect(
        all(getattr(contact, key, None) == value for key, value in CONTACT.items()),
        "the name and the email are the ones in the signature",
        "compare contact.name and contact.email with the signature text",
    )
    fb.expect(
        "data" in str(getattr(contact, "team", "")).lower(),
        "the team is the data team",
        "the signature says which team Dana leads",
    )
    return fb

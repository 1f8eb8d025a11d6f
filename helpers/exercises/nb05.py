"""Checks for notebooks/05_tools.ipynb."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..checks import Feedback, exercise

TOOL_NAME = "days_between"
PARAMETERS = ("start", "end")
DAYS = 45  # from 2026-01-15 to 2026-03-01


def _field(item: Any, key: str) -> Any:
    """A field of a message or tool call, whether it is a dict or an SDK object."""
    if isinstance(item, dict):
        return item.get(key)
    return getattr(item, key, None)


def _tool_calls(response: Any) -> list[Any]:
    """The tool calls of a chat completion's first choice; [] for anything else."""
    choices = getattr(response, "choices", None)
    if not choices:
        return []
    return list(choices[0].message.tool_calls or [])


def _arguments(tool_call: Any) -> dict | None:
    """A tool call's arguments as a dict, or None when they are not a JSON object."""
    function = _field(tool_call, "function")
    try:
        parsed = json.loads(_field(function, "arguments") or "")
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


@exercise("05.1")
def strict_schema(days_tool: Any, reply: Any) -> Feedback:
    """`days_tool` is a strict function tool for days_between, and the model called it."""
    fb = Feedback("05.1")
    function = days_tool.get("function") if isinstance(days_tool, dict) else None
    if not fb.expect(
        isinstance(days_tool, dict) and days_tool.get("type") == "function" and isinstance(function, dict),
        "days_tool is a dict with 'type': 'function' and a 'function' dict",
        "a tool has the shape {'type': 'function', 'function': {...}}",
    ):
        return fb
    fb.expect(
        function.get("name") == TOOL_NAME and bool(function.get("description")),
        "the function has its name and a description",
        "the model chooses tools by their description: give it the one from the exercise",
    )
    parameters = function.get("parameters")
    properties = parameters.get("properties") if isinstance(parameters, dict) else None
    fb.expect(
        isinstance(parameters, dict) and parameters.get("type") == "object" and isinstance(properties, dict),
        "'parameters' is a JSON Schema of type 'object' with 'properties'",
        "the parameters are described as one object whose properties are the function's arguments",
    )
    properties = properties if isinstance(properties, dict) else {}
    fb.expect(
        set(properties) == set(PARAMETERS)
        and all(
            isinstance(p, dict) and p.get("type") == "string" and p.get("description")
            for p in properties.values()
        ),
        "start and end are its properties, each a string with a description",
        "name the properties after the Python parameters; dates travel as strings",
    )
    required = parameters.get("required") if isinstance(parameters, dict) else None
    fb.expect(
        isinstance(required, list) and set(required) == set(PARAMETERS),
        "both parameters are required",
        "strict mode wants every property listed in 'required'",
    )
    fb.expect(
        isinstance(parameters, dict) and parameters.get("additionalProperties") is False,
        "no other properties are allowed",
        "strict mode wants 'additionalProperties' set to False on the object",
    )
    fb.expect(
        function.get("strict") is True,
        "strict mode is on",
        "'strict': True goes inside 'function', beside the name (not at the top of the tool)",
    )
    calls = _tool_calls(reply)
    if not fb.expect(
        bool(calls),
        "reply is a chat completion in which the model calls a tool",
        "send days_question with tools=[days_tool] and keep the result of create(...) in reply",
    ):
        return fb
    arguments = _arguments(calls[0])
    fb.expect(
        calls[0].function.name == TOOL_NAME and arguments is not None and set(arguments) == set(PARAMETERS),
        "the model called days_between with a start and an end",
        "check that your schema names the function and its parameters as the exercise says",
    )
    return fb


@exercise("05.2")
def round_trip(exercise_messages: Any, answer: Any) -> Feedback:
    """The tool results went back with the right ids, and the model answered from them."""
    fb = Feedback("05.2")
    if not fb.expect(
        isinstance(exercise_messages, list) and all(_field(m, "role") for m in exercise_messages),
        "exercise_messages is a list of messages",
        "each message has a role: a dict, or the assistant's message object from reply",
    ):
        return fb
    roles = [_field(m, "role") for m in exercise_messages]
    asking = [m for m in exercise_messages if _field(m, "role") == "assistant" and _field(m, "tool_calls")]
    if not fb.expect(
        bool(asking),
        "the assistant's message with its tool calls is in the list",
        "the model needs to see its own request: append reply.choices[0].message",
    ):
        return fb
    call_ids = [_field(call, "id") for call in _field(asking[0], "tool_calls")]
    tool_messages = [m for m in exercise_messages if _field(m, "role") == "tool"]
    answered = {_field(m, "tool_call_id") for m in tool_messages}
    fb.expect(
        bool(call_ids) and set(call_ids) <= answered,
        "every tool call has a tool message with its tool_call_id",
        "each tool message names the call it answers with 'tool_call_id', copied from tool_call.id",
    )
    first_tool = roles.index("tool") if "tool" in roles else -1
    fb.expect(
        first_tool > roles.index("assistant"),
        "the tool results come after the assistant's message",
        "the order is: question, the assistant's message, then the tool messages",
    )
    contents = [str(_field(m, "content") or "") for m in tool_messages]
    fb.expect(
        any(str(DAYS) in content for content in contents),
        "the tool result carries the number of days that days_between computed",
        "run days_between with the parsed arguments and put its result in the tool message's content",
    )
    choices = getattr(answer, "choices", None)
    if not fb.expect(
        bool(choices),
        "answer is the response of a chat completion",
        "send exercise_messages with tools=[days_tool] and keep the result in answer",
    ):
        return fb
    message = choices[0].message
    fb.expect(
        not message.tool_calls and str(DAYS) in (message.content or ""),
        "the model answers in text, with the number from your tool",
        "if the model asked for the tool again, check the tool message's content and tool_call_id",
    )
    return fb


def _outcome(run_tool: Callable[[str, str], Any], name: str, arguments: str) -> tuple[str | None, str]:
    """What run_tool gives for one case: (text, "") or (None, what went wrong instead)."""
    try:
        result = run_tool(name, arguments)
    except Exception as exc:  # a learner's run_tool may raise anything: that is what we check
        return None, f"it raised {type(exc).__name__}"
    if not isinstance(result, str):
        return None, f"it returned a {type(result).__name__}, not a str"
    return result, ""


@exercise("05.3")
def tool_runner(run_tool: Any) -> Feedback:
    """run_tool returns a string in every case, and its errors say what went wrong."""
    fb = Feedback("05.3")
    if not fb.expect_function(run_tool, "run_tool(name, arguments)"):
        return fb
    good, problem = _outcome(run_tool, TOOL_NAME, '{"start": "2026-01-15", "end": "2026-03-01"}')
    fb.expect(
        good is not None and str(DAYS) in good and "error" not in good.lower(),
        "a good call returns the result as a string" + (f" ({problem})" if problem else ""),
        "when nothing goes wrong, return the function's result as text, as before",
    )
    cases = [
        (
            "count_weekdays",
            '{"start": "2026-01-15", "end": "2026-03-01"}',
            "an unknown tool name",
            "count_weekdays",
        ),
        (TOOL_NAME, '{"start": "2026-01-15", "end": ', "arguments that are not valid JSON", None),
        (TOOL_NAME, '{"from": "2026-01-15", "to": "2026-03-01"}', "arguments with the wrong names", None),
        (
            TOOL_NAME,
            '{"start": "15 January", "end": "2026-03-01"}',
            "an error inside days_between",
            "15 January",
        ),
    ]
    mentions = []
    for name, arguments, what, must_mention in cases:
        text, problem = _outcome(run_tool, name, arguments)
        returned = text is not None and "error" in text.lower()
        fb.expect(
            returned,
            f"it returns an error message for {what}" + (f" ({problem})" if problem else ""),
            "catch the exception and return a string that says 'error' and why; the model reads it as the "
            "tool's result",
        )
        if must_mention:
            mentions.append(returned and must_mention in text)
    fb.expect(
        all(mentions),
        "the error messages say what went wrong (the unknown name, the bad value)",
        "put the exception's own message, or the name that was not found, into the text you return",
    )
    return fb

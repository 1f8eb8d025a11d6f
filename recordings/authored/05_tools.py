"""Authored replies for notebooks/05_tools.ipynb (see helpers/authoring.py).

Every reply here answers a gpt-5.4-mini request and is an authored example. Three of them reuse a
real exchange: the text and the tool call id of gpt-4o-mini's replies to "What is 1056 * 1316?" in the
course's source notes (seed 000, the workshop notebook of 2024-09-10): its wrong answer without tools,
its call of `multiply` (id, name and arguments), and its answer once it had the tool's result. Their
envelopes (completion ids, timestamps, fingerprints, usage, reasoning tokens) are authored, and the
lesson says the texts are gpt-4o-mini's, not gpt-5.4-mini's.

Requests that send `tools` also send reasoning_effort="low": OpenAI's migration guide says "Starting
with GPT-5.4, tool calling is not supported in Chat Completions with `reasoning: none`"
(https://developers.openai.com/api/docs/guides/migrate-to-responses). Their replies carry a few
reasoning tokens (REASONING); usage is otherwise counted by helpers.authoring.

A forced tool call (tool_choice "required" or a named function) finishes with "stop", not "tool_calls":
third-party reports of the real API, no official sentence (https://github.com/Future-House/aviary/pull/60,
https://github.com/Mirascope/mirascope/issues/256, https://github.com/ENTERPILOT/GoModel/pull/124).
"""

from __future__ import annotations

import hashlib
import json

from helpers.authoring import Script, chat, error, tool_call
from helpers.stub_server import Reply, StubRequest

SOURCE = "a real gpt-4o-mini exchange of 2024-09-10 in the course's source notes (seed 000, the workshop notebook)"
NO_TOOLS_REAL = f"authored: the text is the answer of {SOURCE}; the request here is to gpt-5.4-mini"
TOOL_CALL_REAL = (
    f"authored: the tool call's id, name and arguments are those of {SOURCE}; the envelope and reasoning "
    "tokens are written for gpt-5.4-mini"
)
FINAL_REAL = f"authored: the text is the answer of {SOURCE} once it had the multiply result"

MATH_QUESTION = "What is 1056 * 1316?"
REASONING = 12  # a few reasoning tokens, as a reply at effort "low" carries


def messages(request: StubRequest) -> list[dict]:
    return (request.json or {}).get("messages", [])


def question(request: StubRequest) -> str:
    """The first user message of a chat request."""
    return next((m.get("content") for m in messages(request) if m.get("role") == "user"), "")


def tool_results(request: StubRequest) -> list[str]:
    """The contents of the request's tool messages, in order."""
    return [m.get("content", "") for m in messages(request) if m.get("role") == "tool"]


def has_system(request: StubRequest) -> bool:
    return any(m.get("role") == "system" for m in messages(request))


def call_id(tag: str) -> str:
    """A stable, distinct tool call id in the API's format, for authored calls."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    number = int(hashlib.sha256(f"05_tools:{tag}".encode()).hexdigest(), 16)
    digits = []
    for _ in range(24):
        number, digit = divmod(number, len(alphabet))
        digits.append(alphabet[digit])
    return "call_" + "".join(digits)


def asks(
    text: str,
    *,
    tool_rounds: int | None = None,
    system: bool | None = None,
    tools: bool | None = None,
    tool_choice: object = "any",
):
    """A predicate: the request's first user message is `text`, and it matches the other conditions.

    Every request that sends tools must also send a reasoning effort above "none"; one that does not
    matches nothing here, so the lesson fails loudly while it is being authored.
    """

    def test(request: StubRequest) -> bool:
        body = request.json or {}
        if question(request) != text:
            return False
        if body.get("tools") and body.get("reasoning_effort") in (None, "none"):
            return False
        if tool_rounds is not None and len(tool_results(request)) != tool_rounds:
            return False
        if system is not None and has_system(request) != system:
            return False
        if tools is not None and bool(body.get("tools")) != tools:
            return False
        return tool_choice == "any" or body.get("tool_choice") == tool_choice

    return test


def strict_but_optional(request: StubRequest) -> bool:
    """A strict tool whose schema leaves a property out of `required`: the API refuses it."""
    for tool in (request.json or {}).get("tools") or []:
        function = tool.get("function", {})
        parameters = function.get("parameters", {})
        if function.get("strict") and set(parameters.get("properties", {})) - set(
            parameters.get("required", [])
        ):
            return True
    return False


def calls(*tool_calls: dict, finish_reason: str | None = None):
    """A reply that asks for tool calls, after a little reasoning."""
    return chat(tool_calls=list(tool_calls), reasoning_tokens=REASONING, finish_reason=finish_reason)


def says(text: str):
    """A text reply to a request that sent tools, after a little reasoning."""
    return chat(text, reasoning_tokens=REASONING)


def weather(city: str, unit: str | None, tag: str) -> dict:
    return tool_call(
        "get_weather", json.dumps({"city": city, "unit": unit}, separators=(",", ":")), call_id(tag)
    )


POST = "POST /v1/chat/completions"
script = Script()

# 1-4. The multiply example, reusing the real gpt-4o-mini exchange of the source notes.
script.add(
    POST,
    Reply(chat("1382976"), provenance=NO_TOOLS_REAL),
    when=asks(MATH_QUESTION, system=True, tools=False, tool_rounds=0),
)
script.add(
    POST,
    Reply(
        calls(tool_call("multiply", {"a": 1056, "b": 1316}, call_id="call_1vXSH7jPzjHCLYBlccyzewuB")),
        provenance=TOOL_CALL_REAL,
    ),
    when=asks(MATH_QUESTION, system=True, tools=True, tool_rounds=0),
)
script.add(
    POST,
    Reply(chat("1389696"), provenance=FINAL_REAL),
    when=asks(MATH_QUESTION, system=True, tools=False, tool_rounds=1),
)

# 5. The loop: two calls, one after the other.
LOOP_QUESTION = "What is 1056 * 1316 * 12?"
script.add(
    POST,
    calls(tool_call("multiply", {"a": 1056, "b": 1316}, call_id("loop-1"))),
    when=asks(LOOP_QUESTION, tool_rounds=0),
)
script.add(
    POST,
    calls(tool_call("multiply", {"a": 1389696, "b": 12}, call_id("loop-2"))),
    when=asks(LOOP_QUESTION, tool_rounds=1),
)
script.add(POST, says("16676352"), when=asks(LOOP_QUESTION, tool_rounds=2))

# 6. Two tools, two parallel calls.
CITIES = "What's the weather like in Paris and in Tokyo today?"
script.add(
    POST,
    calls(
        tool_call("get_weather", {"city": "Paris"}, call_id("paris")),
        tool_call("get_weather", {"city": "Tokyo"}, call_id("tokyo")),
    ),
    when=asks(CITIES, tool_rounds=0),
)
script.add(
    POST,
    says(
        "In Paris it's 14 °C with light rain, so take an umbrella. Tokyo is sunny and 23 °C, a lovely day "
        "to be outside."
    ),
    when=asks(CITIES, tool_rounds=2),
)

# 7. tool_choice. The forced calls finish with "stop" (third-party reports; see the docstring).
NAMED = {"type": "function", "function": {"name": "multiply"}}
script.add(
    POST,
    calls(tool_call("multiply", {"a": 1056, "b": 1316}, call_id("choice-auto"))),
    when=asks(MATH_QUESTION, system=False, tool_choice="auto"),
)
for choice, tag in [("required", "required"), (NAMED, "named")]:
    script.add(
        POST,
        calls(tool_call("multiply", {"a": 1056, "b": 1316}, call_id(f"choice-{tag}")), finish_reason="stop"),
        when=asks(MATH_QUESTION, system=False, tool_choice=choice),
    )
script.add(POST, says("1056 × 1316 = 1,389,696"), when=asks(MATH_QUESTION, system=False, tool_choice="none"))
script.add(POST, says("You're welcome! Have a great day."), when=asks("Thanks! That's all for today."))

# 8. Strict schemas: the refusal, then arguments that fit. The message has the wording of many public
# reports of the real API for strict schemas ("'required' is required to be supplied and to be an array
# including every key in properties. Missing '...'"); its function variant and the code are authored.
script.add(
    POST,
    error(
        400,
        "Invalid schema for function 'get_weather': In context=(), 'required' is required to be supplied and "
        "to be an array including every key in properties. Missing 'unit'.",
        "invalid_request_error",
        "tools[0].function.parameters",
        "invalid_function_parameters",
    ),
    when=strict_but_optional,
)
script.add(POST, calls(weather("Paris", None, "strict-paris")), when=asks("Is it cold in Paris?"))
script.add(
    POST,
    calls(weather("Cairo", "fahrenheit", "strict-cairo")),
    when=asks("How warm is it in Cairo, in Fahrenheit?"),
)

# 9. pydantic_function_tool and parse.
script.add(
    POST,
    calls(weather("Tokyo", None, "pydantic-tokyo")),
    when=asks("Should I wear shorts in Tokyo today?"),
)

# 10. A failing tool: the error goes back, the model retries.
COAT = "Do I need a coat in New York City today?"
script.add(
    POST,
    calls(tool_call("get_weather", {"city": "New York City"}, call_id("nyc-1"))),
    when=asks(COAT, tool_rounds=0),
)
script.add(
    POST,
    calls(tool_call("get_weather", {"city": "New York"}, call_id("nyc-2"))),
    when=asks(COAT, tool_rounds=1),
)
script.add(
    POST,
    says("Yes. It's 9 °C and windy in New York today, so a coat is a good idea."),
    when=asks(COAT, tool_rounds=2),
)

"""Authored replies for notebooks/07_responses_api.ipynb (see helpers/authoring.py).

Every reply to a model request is an authored example written for the course; none was produced
by gpt-5.4-mini. Usage is counted with the o200k_base tokenizer by the builders; a request that
names a `previous_response_id` is billed for the earlier turns of its chain too, as the migration
guide says (https://developers.openai.com/api/docs/guides/migrate-to-responses: "Even when using
`previous_response_id`, all previous input tokens for responses in the chain are billed as input
tokens in the API").

The web search reply answers a question whose answer does not change (the release date of Python
3.0) and cites the release page on python.org; no search ran.
"""

from __future__ import annotations

import hashlib

from helpers.authoring import (
    Script,
    function_call_item,
    message_item,
    reasoning_item,
    respond,
    url_citation,
    web_search_item,
)
from helpers.stub_server import Reply, StubRequest

# The first response gets a fixed id, so that the GET that retrieves it can name it.
FIRST_ID = "resp_" + hashlib.sha256(b"07_responses_api:first").hexdigest()[:48]
FOLLOW_UP = "Give me an everyday analogy for it."


def body(request: StubRequest) -> dict:
    return request.json if isinstance(request.json, dict) else {}


def chained(request: StubRequest) -> bool:
    """A request that continues a stored response by its id."""
    return bool(body(request).get("previous_response_id"))


def items_back(request: StubRequest) -> bool:
    """A stateless follow-up: the history sent back as a list of items."""
    given = body(request).get("input")
    return isinstance(given, list) and len(given) > 1 and given[-1].get("content") == FOLLOW_UP


def tool_round(rounds: int):
    """A predicate: the multiplication question, after `rounds` function_call_output items."""

    def test(request: StubRequest) -> bool:
        given = body(request).get("input")
        if not isinstance(given, list) or not given or given[0].get("content") != "What is 1056 * 1316?":
            return False
        return sum(item.get("type") == "function_call_output" for item in given) == rounds

    return test


def text_format(name: str):
    """A predicate: the structured-output request whose schema is called `name`."""

    def test(request: StubRequest) -> bool:
        return ((body(request).get("text") or {}).get("format") or {}).get("name") == name

    return test


ORDER_JSON = '{"customer":"Priya Nair","city":"Lyon","items":["3 notebooks","2 boxes of pens"]}'

SEARCH_ANSWER = (
    "Python 3.0 was released on December 3, 2008. "
    "([python.org](https://www.python.org/download/releases/3.0/))"
)

script = Script()

# 1. The first call, and its output items.
script.add(
    "POST /v1/responses",
    respond(
        "An API (application programming interface) is a set of rules that lets one program ask another "
        "for data or actions. You send a request in an agreed format, and the other program sends back a "
        "response.",
        id=FIRST_ID,
    ),
    when="What is an API?",
)
# Longer than the request's max_output_tokens=16: the builder cuts it there and marks it incomplete.
script.add(
    "POST /v1/responses",
    respond(
        "An HTTP request is a message that a client, such as your browser, sends to a server to ask for "
        "something. It names a method (GET to fetch, POST to send data), a URL, headers with extra details, "
        "and sometimes a body. The server answers with an HTTP response: a status code such as 200 or 404, "
        "headers, and usually content."
    ),
    when="Explain what an HTTP request is.",
)

# 2. A conversation, two ways.
script.add(
    "POST /v1/responses",
    respond(
        "An API is like a restaurant menu: it lists what you can order and how to ask for it. You never "
        "see the kitchen; you place your order and your dish arrives."
    ),
    when=chained,
)
script.add(
    "POST /v1/responses",
    respond(
        "Think of an API as a waiter: you say what you want, the waiter takes it to the kitchen and brings "
        "back your food. You never need to know how the kitchen works."
    ),
    when=items_back,
)

# 3. store: the first response, retrieved as the API stored it; and a response that is not stored.
script.add("GET /v1/responses/" + FIRST_ID, lambda request: Reply(script.responses[FIRST_ID]))
script.add(
    "POST /v1/responses",
    respond("Customer wants Friday delivery instead."),
    when="Summarise in five words:",
)

# 4. Streaming (the builder serves "stream": true requests as the API's named events).
script.add(
    "POST /v1/responses",
    respond("Moonlit paws on steel,\nwhiskers still before the strike;\none leaf falls, then none."),
    when="Write a haiku about a samurai cat.",
)
script.add(
    "POST /v1/responses",
    respond(
        "Keep items in order, such as the tasks of a to-do list.\n"
        "Collect results in a loop with append().\n"
        "Use it as a stack with append() and pop()."
    ),
    when="Name three uses of a Python list, one line each.",
)

# 5. Function tools: the call, then the answer once the result is back.
script.add(
    "POST /v1/responses",
    respond(None, function_call_item("multiply", {"a": 1056, "b": 1316}, call_id="call_Hq2VbN7xLm4TzR8wKc1YpD3s")),
    when=tool_round(0),
)
script.add("POST /v1/responses", respond("1056 × 1316 = 1,389,696."), when=tool_round(1))

# 6. Structured output: a schema written by hand, then one written by the SDK from a pydantic model.
script.add("POST /v1/responses", respond(ORDER_JSON), when=text_format("order"))
script.add("POST /v1/responses", respond(ORDER_JSON), when=text_format("Order"))

# 7. Reasoning at effort "low", with a summary (the request asks for summary "auto").
script.add(
    "POST /v1/responses",
    respond(
        None,
        reasoning_item(
            "**Setting up the equation**\n\nIf the ball costs x, the bat costs x + 1.00, so 2x + 1.00 = 1.10 "
            "and x = 0.05. The quick answer, 10 cents, would make the bat only 90 cents dearer."
        ),
        message_item("The ball costs $0.05, and the bat $1.05."),
        reasoning_tokens=192,
    ),
    when="How much does the ball cost?",
)

# 8. Web search: the search item, then the answer with a url_citation on its source link.
script.add(
    "POST /v1/responses",
    respond(
        None,
        web_search_item("Python 3.0 release date"),
        message_item(
            SEARCH_ANSWER,
            [
                url_citation(
                    SEARCH_ANSWER,
                    "([python.org](https://www.python.org/download/releases/3.0/))",
                    "https://www.python.org/download/releases/3.0/",
                    "Python 3.0 Release | Python.org",
                )
            ],
        ),
    ),
    when="When was Python 3.0 released?",
)

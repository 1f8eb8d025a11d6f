"""Authored replies for solutions/07_responses_api.ipynb: the exercises' requests, all authored.

No reply was produced by gpt-5.4-mini; usage is counted by the builders in helpers/authoring.py
(a `previous_response_id` request is billed for the earlier turn too, as the API bills it).
"""

from __future__ import annotations

from helpers.authoring import Script, function_call_item, respond
from helpers.stub_server import StubRequest

DAYS_QUESTION = "How many days are there from 2026-01-15 to 2026-03-01?"


def days_round(rounds: int):
    """A predicate: the days question, after `rounds` function_call_output items."""

    def test(request: StubRequest) -> bool:
        given = (request.json or {}).get("input")
        if not isinstance(given, list) or not given or given[0].get("content") != DAYS_QUESTION:
            return False
        return sum(item.get("type") == "function_call_output" for item in given) == rounds

    return test


script = Script()

# 07.1: a conversation kept on the server.
script.add("POST /v1/responses", respond("How about Sheldon?"), when="Suggest a name for a pet tortoise.")
script.add(
    "POST /v1/responses",
    respond("Sheldon plays on the tortoise's shell and sounds calm and unhurried, just like a tortoise."),
    when="Why does that name suit a tortoise?",
)

# 07.2: a tool round trip.
script.add(
    "POST /v1/responses",
    respond(
        None,
        function_call_item(
            "days_between", {"start": "2026-01-15", "end": "2026-03-01"}, call_id="call_Tz6pWq1RnK8cVb3LxY5mHf2J"
        ),
    ),
    when=days_round(0),
)
script.add(
    "POST /v1/responses",
    respond("There are 45 days from 2026-01-15 to 2026-03-01."),
    when=days_round(1),
)

# 07.3: a typed answer.
script.add(
    "POST /v1/responses",
    respond('{"name":"Dana Okafor","email":"dana.okafor@example.com","team":"data"}'),
    when="Dana Okafor",
)

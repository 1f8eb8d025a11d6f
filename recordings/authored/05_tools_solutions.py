"""Authored replies for solutions/05_tools.ipynb: the exercises' requests, all authored examples.

The requests send tools, so they also send reasoning_effort="low" (see 05_tools.py), and the replies
carry a few reasoning tokens.
"""

from __future__ import annotations

from helpers.authoring import Script, chat, tool_call
from helpers.stub_server import StubRequest

DAYS_QUESTION = "How many days are there from 2026-01-15 to 2026-03-01?"
REASONING = 12


def days_round(rounds: int):
    """A predicate: the days question, after `rounds` tool results, at a reasoning effort that allows tools."""

    def test(request: StubRequest) -> bool:
        body = request.json or {}
        messages = body.get("messages", [])
        return (
            bool(messages)
            and messages[0].get("content") == DAYS_QUESTION
            and body.get("reasoning_effort") not in (None, "none")
            and sum(m.get("role") == "tool" for m in messages) == rounds
        )

    return test


script = Script()
script.add(
    "POST /v1/chat/completions",
    chat(
        tool_calls=[
            tool_call(
                "days_between", {"start": "2026-01-15", "end": "2026-03-01"}, "call_Yq3LmT8vRk2WbN6cHx1ZpD4s"
            )
        ],
        reasoning_tokens=REASONING,
    ),
    when=days_round(0),
)
script.add(
    "POST /v1/chat/completions",
    chat("There are 45 days from 2026-01-15 to 2026-03-01.", reasoning_tokens=REASONING),
    when=days_round(1),
)

"""Authored replies for solutions/15_cost_at_scale.ipynb: the exercises' requests, all authored.

No reply was produced by gpt-5.4-mini; usage is counted by the builders in helpers/authoring.py.
Exercises 15.1 and 15.2 send nothing (their checks work offline), nor does 15.3's check (stand-ins);
the solution runs its `ask_flex_first` once, and flex answers it. The reply names the tier that served
it, as the SDK documents for `service_tier`.
"""

from __future__ import annotations

from helpers.authoring import Script, chat_on_tier
from helpers.stub_server import StubRequest


def flex(request: StubRequest) -> bool:
    """A request that asks for flex processing."""
    return (request.json or {}).get("service_tier") == "flex"


script = Script()

# 15.3: the solution classifies one review with flex first.
script.add("POST /v1/chat/completions", chat_on_tier("positive", "flex"), when=flex)

"""Authored replies for solutions/08_chat_memory.ipynb: the one request of the exercises.

Exercise 08.1 (trim) and 08.3 (the cost of a reply) send nothing; 08.2 summarises a support chat.
The reply is an authored example, not output of gpt-5.4-mini; usage is counted by the builders.
"""

from __future__ import annotations

from helpers.authoring import Script, chat
from helpers.stub_server import StubRequest


def summarising_support(request: StubRequest) -> bool:
    sent = (request.json or {}).get("messages") or []
    return bool(sent) and str(sent[0].get("content")).startswith("Summarise this support chat")


script = Script()
script.add(
    "POST /v1/chat/completions",
    chat(
        "Order 4411 arrived with a torn cover. The customer asked for a replacement before Friday; the agent "
        "agreed to send one by express post, due Thursday."
    ),
    when=summarising_support,
)

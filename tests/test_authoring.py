"""Authored replies look like the API's: real token counts, caps cut where the API cuts, Responses streams."""

from __future__ import annotations

import json

import httpx2
import pytest
from openai import OpenAI

from helpers.authoring import (
    Script,
    chat,
    count_tokens,
    function_call_item,
    message_item,
    reasoning_item,
    respond,
    stream,
    token_pieces,
    tool_call,
)
from helpers.stub_server import StubServer

SENTENCE = "Tokens are the pieces of text a model reads and writes; English averages about four characters each."


@pytest.fixture
def client_for():
    servers = []

    def make(script: Script) -> OpenAI:
        stub = StubServer(script).__enter__()
        servers.append(stub)
        return OpenAI(api_key="sk-fake-key-for-tests-000", base_url=stub.base_url, max_retries=0)

    yield make
    for stub in servers:
        stub.__exit__(None, None, None)


def test_token_counts_are_o200k_base():
    assert count_tokens("Hello, world!") == 4  # Hello | , | world | !
    assert count_tokens("") == 0
    pieces = token_pieces("naïve café 你好")
    assert "".join(pieces) == "naïve café 你好" and len(pieces) <= count_tokens("naïve café 你好")


def test_usage_counts_the_text_and_a_cap_cuts_exactly_there(client_for):
    client = client_for(Script().add("POST /v1/chat/completions", chat(SENTENCE, reasoning_tokens=3)))
    messages = [{"role": "user", "content": "What is a token?"}]
    whole = client.chat.completions.create(model="gpt-5.4-mini", messages=messages)
    assert whole.choices[0].finish_reason == "stop"
    assert whole.usage.completion_tokens == count_tokens(SENTENCE) + 3
    assert whole.usage.prompt_tokens == count_tokens("What is a token?") + 3 + 3  # message wrapping + priming
    cut = client.chat.completions.create(model="gpt-5.4-mini", messages=messages, max_completion_tokens=8)
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage.completion_tokens == 8  # reasoning counts against the cap too
    assert count_tokens(cut.choices[0].message.content) == 5 and SENTENCE.startswith(cut.choices[0].message.content)


def test_streamed_tool_calls_arrive_as_the_api_sends_them(client_for):
    call = tool_call("multiply", {"a": 1234, "b": 1126})
    client = client_for(Script().add("POST /v1/chat/completions", stream("", tool_calls=[call])))
    chunks = list(client.chat.completions.create(model="gpt-5.4-mini", messages=[], stream=True))
    deltas = [c.choices[0].delta.tool_calls[0] for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    assert deltas[0].id == call["id"] and deltas[0].function.name == "multiply"
    assert len(deltas) > 2 and all(d.id is None for d in deltas[1:])
    assert "".join(d.function.arguments for d in deltas) == call["function"]["arguments"]
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_responses_items_usage_and_the_empty_output_text_of_a_tool_call(client_for):
    script = Script()
    script.add("POST /v1/responses", respond(None, function_call_item("lookup", {"q": "x"})), when="tool please")
    script.add("POST /v1/responses", respond(None, reasoning_item("Thought briefly."), message_item(SENTENCE),
                                             reasoning_tokens=20))
    client = client_for(script)
    tool_only = client.responses.create(model="gpt-5.4-mini", input="tool please")
    assert tool_only.output_text == "" and tool_only.output[0].type == "function_call"
    answer = client.responses.create(model="gpt-5.4-mini", input="What is a token?", max_output_tokens=500)
    assert answer.output_text == SENTENCE and answer.status == "completed"
    assert answer.usage.output_tokens == count_tokens(SENTENCE) + 20
    assert answer.output[0].summary[0].text == "Thought briefly."
    cut = client.responses.create(model="gpt-5.4-mini", input="What is a token?", max_output_tokens=25)
    assert cut.status == "incomplete" and cut.incomplete_details.reason == "max_output_tokens"
    assert count_tokens(cut.output_text) == 5


def test_a_responses_stream_names_each_event_and_ends_without_done(client_for):
    client = client_for(Script().add("POST /v1/responses", respond(SENTENCE)))
    raw = httpx2.post(f"{client.base_url}responses", json={"model": "gpt-5.4-mini", "input": "hi", "stream": True})
    blocks = [block for block in raw.text.split("\n\n") if block.strip()]
    assert blocks[0].startswith("event: response.created\ndata: ")
    assert all(b.split("\n")[0] == "event: " + json.loads(b.split("data: ", 1)[1])["type"] for b in blocks)
    assert "[DONE]" not in raw.text
    events = list(client.responses.create(model="gpt-5.4-mini", input="hi", stream=True))
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == SENTENCE
    assert events[-1].type == "response.completed" and events[-1].response.output_text == SENTENCE

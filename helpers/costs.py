"""What a recording's calls would cost live: usage read from the recorded replies, priced from the table.

`course cost` prints it per recording and for the whole course (one learner running every lesson
and solution once). Streamed replies without a usage block are counted from the stream itself:
one token per content delta, and the request's prompt counted with the o200k_base tokenizer.
Built-in tool calls (web search) are added at their per-call price. Fine-tuning training is not
included: lesson 06 prices its job before starting it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .prices import TOOL_CALL_PRICES, price_of
from .recording import load_recording


@dataclass
class CallUsage:
    """The tokens of one recorded call."""

    model: str
    input: int = 0
    cached: int = 0
    output: int = 0
    reasoning: int = 0
    web_searches: int = 0

    @property
    def dollars(self) -> float:
        price = price_of(self.model)
        cached_price = price.cached_input if price.cached_input is not None else price.input
        fresh = self.input - self.cached
        tokens = (fresh * price.input + self.cached * cached_price + self.output * price.output) / 1_000_000
        return tokens + self.web_searches * TOOL_CALL_PRICES["web_search"]


def _from_usage(model: str, usage: dict) -> CallUsage:
    if "input_tokens" in usage:  # Responses API
        details, out_details = usage.get("input_tokens_details") or {}, usage.get("output_tokens_details") or {}
        return CallUsage(model, usage["input_tokens"], details.get("cached_tokens") or 0, usage["output_tokens"],
                         out_details.get("reasoning_tokens") or 0)
    details = usage.get("prompt_tokens_details") or {}
    out_details = usage.get("completion_tokens_details") or {}
    return CallUsage(model, usage.get("prompt_tokens", 0), details.get("cached_tokens") or 0,
                     usage.get("completion_tokens", 0), out_details.get("reasoning_tokens") or 0)


def _with_tool_calls(usage: CallUsage, response: dict) -> CallUsage:
    """Built-in tools bill per call on top of tokens: count the web searches a Responses reply ran."""
    usage.web_searches = sum(1 for item in response.get("output") or [] if item.get("type") == "web_search_call")
    return usage


def _events(text: str) -> list[dict]:
    events = []
    for line in text.splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            try:
                events.append(json.loads(line[5:]))
            except ValueError:
                continue
    return events


def call_usage(request_body: str, response_text: str) -> CallUsage | None:
    """The usage of one recorded call that names a model; None for calls that bill no tokens."""
    try:
        request = json.loads(request_body) if request_body else {}
    except ValueError:
        return None
    model = request.get("model") if isinstance(request, dict) else None
    if not isinstance(model, str) or "messages" not in request and "input" not in request:
        return None
    if response_text.lstrip().startswith(("data:", "event:")):
        events = _events(response_text)
        for event in reversed(events):
            usage = event.get("usage") or (event.get("response") or {}).get("usage")
            if usage:
                return _with_tool_calls(_from_usage(model, usage), event.get("response") or {})
        from .authoring import prompt_tokens
        from .stub_server import StubRequest

        deltas = sum(1 for e in events for c in e.get("choices") or [] if (c.get("delta") or {}).get("content"))
        prompt = prompt_tokens(StubRequest("POST", "/", {}, request_body.encode()))
        return CallUsage(model, prompt, 0, deltas)
    try:
        body = json.loads(response_text)
    except ValueError:
        return None
    if not isinstance(body, dict) or not body.get("usage"):
        return None
    return _with_tool_calls(_from_usage(model, body["usage"]), body)


def recording_usage(path: Path) -> list[CallUsage]:
    """Every billed call in one recording file."""
    calls = []
    for interaction in load_recording(path).get("interactions") or []:
        body = interaction["request"].get("body")
        response = interaction["response"]["body"].get("string", "")
        if isinstance(body, str) and isinstance(response, str) and interaction["response"]["status"]["code"] == 200:
            usage = call_usage(body, response)
            if usage is not None:
                calls.append(usage)
    return calls


def report(folder: Path) -> str:
    """The table `course cost` prints: tokens and dollars per recording, and the total."""
    lines = [f"{'recording':<32} {'calls':>5} {'input':>8} {'cached':>7} {'output':>7} {'reasoning':>9} "
             f"{'searches':>8} {'US$':>8}"]
    total = 0.0
    for path in sorted(folder.glob("*.yaml")):
        calls = recording_usage(path)
        dollars = sum(call.dollars for call in calls)
        total += dollars
        lines.append(
            f"{path.stem:<32} {len(calls):>5} {sum(c.input for c in calls):>8} {sum(c.cached for c in calls):>7} "
            f"{sum(c.output for c in calls):>7} {sum(c.reasoning for c in calls):>9} "
            f"{sum(c.web_searches for c in calls):>8} {dollars:>8.4f}"
        )
    lines.append(f"{'one learner, every notebook once':<32} {total:>{5 + 8 + 7 + 7 + 9 + 8 + 8 + 6}.4f}")
    return "\n".join(lines)

"""What a recording's calls would cost live: usage read from the recorded replies, priced from the table.

`course cost` prints it per recording and for the whole course (one learner running every lesson
and solution once); `course cost --learners N` adds the figure for a room of N. Streamed replies
without a usage block are counted from the stream itself: one token per content delta, and the
request's prompt counted with the o200k_base tokenizer. Built-in tool calls (web search) are added
at their per-call price. Fine-tuning training is billed apart, per trained token: the reports
price the job a recording ran (lesson 06's) on a line of its own, outside the total.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .prices import PRICES_AS_OF, PRICES_SOURCE, TOOL_CALL_PRICES, audio_cost_in_dollars, price_of, tier_price_of
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
    estimated: bool = False  # a stream that sent no usage block: counted from the request and the deltas
    tier: str | None = None  # the reply's service_tier ("flex", "priority", ...), or "batch"; None is standard
    seconds: float = 0.0  # audio transcribed: billed by the minute, not by the token

    @property
    def dollars(self) -> float:
        if self.seconds:
            return audio_cost_in_dollars(self.model, self.seconds)
        price = tier_price_of(self.model, self.tier)
        cached_price = price.cached_input if price.cached_input is not None else price.input
        fresh = self.input - self.cached
        tokens = (fresh * price.input + self.cached * cached_price + self.output * price.output) / 1_000_000
        return tokens + self.web_searches * TOOL_CALL_PRICES["web_search"]


def _from_usage(model: str, usage: dict) -> CallUsage:
    if usage.get("type") == "duration":  # a transcription: the seconds of audio it heard
        return CallUsage(model, seconds=float(usage.get("seconds") or 0))
    if "input_tokens" in usage:  # Responses API
        details, out_details = usage.get("input_tokens_details") or {}, usage.get("output_tokens_details") or {}
        return CallUsage(model, usage["input_tokens"], details.get("cached_tokens") or 0, usage["output_tokens"],
                         out_details.get("reasoning_tokens") or 0)
    details = usage.get("prompt_tokens_details") or {}
    out_details = usage.get("completion_tokens_details") or {}
    return CallUsage(model, usage.get("prompt_tokens", 0), details.get("cached_tokens") or 0,
                     usage.get("completion_tokens", 0), out_details.get("reasoning_tokens") or 0)


def _with_tool_calls(usage: CallUsage, response: dict) -> CallUsage:
    """Built-in tools bill per call on top of tokens: count the web searches a Responses reply ran.

    Also note the tier that served the reply, its `service_tier`: flex bills at batch rates. The reply
    names the tier that really served it, so it is read from the reply, not the request.
    """
    usage.web_searches = sum(1 for item in response.get("output") or [] if item.get("type") == "web_search_call")
    tier = response.get("service_tier")
    usage.tier = tier if isinstance(tier, str) else None
    return usage


def batch_usage(body: Any) -> CallUsage | None:
    """A finished batch's tokens (the Batch object's `usage`) at Batch API prices; None for anything else.

    A batch's requests run on OpenAI's side and bill when done: callers count each batch once, the
    first time a reply shows it `completed`.
    """
    if not (isinstance(body, dict) and body.get("object") == "batch" and body.get("status") == "completed"
            and isinstance(body.get("usage"), dict) and isinstance(body.get("model"), str)):
        return None
    usage = _from_usage(body["model"], body["usage"])
    usage.tier = "batch"
    return usage


def form_model(body: bytes | str) -> str | None:
    """The `model` field of a multipart upload (a transcription), or None."""
    raw = body.encode() if isinstance(body, str) else body
    found = re.search(rb'name="model"\r\n\r\n([^\r\n]+)\r\n', raw)
    return found.group(1).decode(errors="replace") if found else None


def _events(text: str) -> list[dict]:
    events = []
    for line in text.splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            try:
                events.append(json.loads(line[5:]))
            except ValueError:
                continue
    return events


def usage_of(request: dict, body: Any) -> CallUsage | None:
    """The usage of one whole (not streamed) reply to `request`; None for a reply that bills no tokens."""
    model = request.get("model")
    if not isinstance(model, str) or not isinstance(body, dict) or not isinstance(body.get("usage"), dict):
        return None
    return _with_tool_calls(_from_usage(model, body["usage"]), body)


def stream_usage(request: dict, events: list[dict], request_body: str | bytes = b"") -> CallUsage | None:
    """The usage of one streamed reply: from its last usage block, or else estimated from the stream.

    A chat stream sends usage only when asked (`stream_options={"include_usage": True}`); without it
    the prompt is counted with the o200k_base tokenizer and the reply at one token per content delta.
    """
    model = request.get("model")
    if not isinstance(model, str):
        return None
    for event in reversed(events):
        usage = event.get("usage") or (event.get("response") or {}).get("usage")
        if isinstance(usage, dict) and usage:
            return _with_tool_calls(_from_usage(model, usage), event.get("response") or event)
    if "messages" not in request:
        return None
    from .authoring import prompt_tokens
    from .stub_server import StubRequest

    body = request_body.encode() if isinstance(request_body, str) else request_body
    deltas = sum(1 for e in events for c in e.get("choices") or [] if (c.get("delta") or {}).get("content"))
    return CallUsage(model, prompt_tokens(StubRequest("POST", "/", {}, body)), 0, deltas, estimated=True)


def call_usage(request_body: str, response_text: str) -> CallUsage | None:
    """The usage of one recorded call that names a model; None for calls that bill no tokens."""
    try:
        request = json.loads(request_body) if request_body else {}
    except ValueError:
        return None
    if not isinstance(request, dict) or not {"messages", "input", "prompt"} & request.keys():
        return None
    if response_text.lstrip().startswith(("data:", "event:")):
        return stream_usage(request, _events(response_text), request_body)
    try:
        body = json.loads(response_text)
    except ValueError:
        return None
    return usage_of(request, body)


def json_or_none(text: Any) -> Any:
    """`text` (str or bytes) parsed as JSON, or None when it is not JSON."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def recording_usage(path: Path) -> list[CallUsage]:
    """Every billed call in one recording file, and each batch it saw complete, once."""
    calls, batches = [], set()
    for interaction in load_recording(path).get("interactions") or []:
        body = interaction["request"].get("body")
        response = interaction["response"]["body"].get("string", "")
        if not isinstance(response, str) or interaction["response"]["status"]["code"] != 200:
            continue
        usage = call_usage(body, response) if isinstance(body, str) else None
        reply = json_or_none(response)
        if usage is None and body and (model := form_model(body)):  # an upload: a transcription
            usage = usage_of({"model": model}, reply)
        if usage is None and (batch := batch_usage(reply)) and reply["id"] not in batches:
            batches.add(reply["id"])
            usage = batch
        if usage is not None:
            calls.append(usage)
    return calls


@dataclass
class TrainingRun:
    """A fine-tuning job a recording saw finish: its base model and the tokens it was billed for."""

    job: str
    model: str
    trained_tokens: int

    @property
    def dollars(self) -> float:
        price = price_of(self.model)
        if price.training is None:
            raise KeyError(f"helpers/prices.py has no training price for {self.model!r} (as of {PRICES_AS_OF}).")
        return self.trained_tokens * price.training / 1_000_000


def training_runs(path: Path) -> list[TrainingRun]:
    """The fine-tuning jobs one recording followed to `succeeded`, with their `trained_tokens`."""
    runs: dict[str, TrainingRun] = {}
    for interaction in load_recording(path).get("interactions") or []:
        text = interaction["response"]["body"].get("string", "")
        try:
            job = json.loads(text) if isinstance(text, str) and text.lstrip().startswith("{") else None
        except ValueError:
            continue
        if (isinstance(job, dict) and job.get("object") == "fine_tuning.job" and job.get("status") == "succeeded"
                and isinstance(job.get("trained_tokens"), int)):
            runs[job["id"]] = TrainingRun(job["id"], job["model"], job["trained_tokens"])
    return list(runs.values())


def training_note(folder: Path, learners: int = 1) -> list[str]:
    """The line that prices the recorded training jobs, which the totals leave out; none without a job."""
    lines = []
    for path in sorted(folder.glob("*.yaml")):
        for run in training_runs(path):
            price = price_of(run.model).training
            room = f", ${run.dollars * learners:.4f} for {learners} learners if each starts one" if learners > 1 else ""
            lines.append(
                f"Not in the total: {path.stem}'s fine-tuning job bills training apart, ${price:.2f} per million "
                f"trained tokens of {run.model}; the recorded job trained {run.trained_tokens:,} tokens: "
                f"${run.dollars:.4f} a learner{room}."
            )
    return lines


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
    return "\n".join(lines + training_note(folder))


def room_report(folder: Path, learners: int) -> str:
    """The table `course cost --learners N` prints: per recording, one learner's tokens and dollars and N's."""
    if learners < 1:
        raise ValueError(f"learners must be 1 or more, not {learners}.")
    room = f"{learners} learner{'s' * (learners != 1)}"
    lines = [
        "What a live run of every notebook costs, from the recordings' usage and helpers/prices.py.",
        f"Prices as of {PRICES_AS_OF}, from {PRICES_SOURCE}.",
        "",
        f"{'recording':<32} {'calls':>5} {'tokens':>8} {'US$ a learner':>15} {'US$ for ' + room:>20}",
    ]
    calls_total = tokens_total = 0
    total = 0.0
    for path in sorted(folder.glob("*.yaml")):
        calls = recording_usage(path)
        tokens = sum(c.input + c.output for c in calls)
        dollars = sum(call.dollars for call in calls)
        calls_total, tokens_total, total = calls_total + len(calls), tokens_total + tokens, total + dollars
        lines.append(f"{path.stem:<32} {len(calls):>5} {tokens:>8,} {dollars:>15.4f} {dollars * learners:>20.4f}")
    lines.append(f"{'every notebook once':<32} {calls_total:>5} {tokens_total:>8,} {total:>15.4f} "
                 f"{total * learners:>20.4f}")
    lines.append("Tokens are input plus output (reasoning included); each learner runs each notebook once.")
    return "\n".join(lines + training_note(folder, learners))

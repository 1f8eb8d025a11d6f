"""Building blocks for authored recordings (maintainers only; learners never see this).

When a response cannot be recorded live, a maintainer writes it here instead, in a script at
`recordings/authored/NAME.py` that defines `script = Script(...)`. `course author NAME` then serves
the script from a local stub server and runs the real notebook against it in record mode, so the
requests in the recording are exactly what the SDK sends, and every reply has been parsed by the
SDK once. The recording says `authored` for each such reply, and names its source where a reply
is a real response taken from the course's source material.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .stub_server import Reply, StubRequest

# Responses name the dated snapshot behind an alias, as the API does.
SNAPSHOTS = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
    "gpt-4.1": "gpt-4.1-2025-04-14",
    "gpt-5-mini": "gpt-5-mini-2025-08-07",
    "gpt-5-nano": "gpt-5-nano-2025-08-07",
    "gpt-5": "gpt-5-2025-08-07",
}
AUTHORED_AT = 1795219200  # 2026-11-21T00:00:00Z, the day these scripts were first written


def estimate_tokens(text: str) -> int:
    """About four characters a token: good enough for authored usage figures, which say they are authored."""
    return max(1, round(len(text) / 4))


def prompt_tokens(request: StubRequest) -> int:
    """An estimate of a chat request's prompt tokens: its text plus a few tokens a message."""
    body = request.json or {}
    total = 3
    for message in body.get("messages", []):
        content = message.get("content") or ""
        if isinstance(content, list):
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        total += 4 + estimate_tokens(str(content))
    if body.get("tools"):
        total += estimate_tokens(json.dumps(body["tools"]))
    return total


def last_text(request: StubRequest) -> str:
    """The last message's text for a chat request; the whole body otherwise."""
    messages = (request.json or {}).get("messages") if isinstance(request.json, dict) else None
    if not messages:
        return request.text
    content = messages[-1].get("content")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _digest(*parts: Any, length: int = 29) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    number = int(hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest(), 16)
    out = []
    for _ in range(length):
        number, digit = divmod(number, len(alphabet))
        out.append(alphabet[digit])
    return "".join(out)


def usage_block(prompt: int, completion: int, reasoning: int = 0) -> dict:
    """The `usage` object of a chat completion."""
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reasoning,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def tool_call(name: str, arguments: dict | str, call_id: str | None = None) -> dict:
    """One entry of `message.tool_calls`."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, separators=(",", ":"))
    return {
        "id": call_id or "call_" + _digest(name, args, length=24),
        "type": "function",
        "function": {"name": name, "arguments": args},
    }


@dataclass
class Choice:
    """One choice of an authored chat completion."""

    content: str | None = None
    tool_calls: list[dict] | None = None
    finish_reason: str | None = None
    logprobs: dict | None = None
    refusal: str | None = None

    def as_json(self, index: int) -> dict:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.content,
            "refusal": self.refusal,
            "annotations": [],
        }
        if self.tool_calls:
            message["tool_calls"] = self.tool_calls
        finish = self.finish_reason or ("tool_calls" if self.tool_calls else "stop")
        return {"index": index, "message": message, "logprobs": self.logprobs, "finish_reason": finish}

    def tokens(self) -> int:
        text = (self.content or "") + json.dumps(self.tool_calls or "")
        return estimate_tokens(text)


@dataclass
class Chat:
    """An authored chat completion; usage is estimated from the request unless given."""

    choices: list[Choice]
    usage: tuple[int, int] | None = None
    reasoning_tokens: int = 0
    id: str | None = None
    created: int | None = None
    model: str | None = None
    system_fingerprint: str | None = "auto"

    def body(self, request: StubRequest, serial: int) -> dict:
        requested = (request.json or {}).get("model", "gpt-4o-mini")
        model = self.model or SNAPSHOTS.get(requested, requested)
        prompt, completion = self.usage or (
            prompt_tokens(request),
            sum(choice.tokens() for choice in self.choices) + self.reasoning_tokens,
        )
        fingerprint = self.system_fingerprint
        if fingerprint == "auto":
            fingerprint = "fp_" + hashlib.sha256(model.encode()).hexdigest()[:10]
        return {
            "id": self.id or "chatcmpl-" + _digest(request.text, serial),
            "object": "chat.completion",
            "created": self.created or AUTHORED_AT + 37 * serial,
            "model": model,
            "choices": [choice.as_json(i) for i, choice in enumerate(self.choices)],
            "usage": usage_block(prompt, completion, self.reasoning_tokens),
            "service_tier": "default",
            "system_fingerprint": fingerprint,
        }


def chat(content: str | None = None, **kwargs: Any) -> Chat:
    """A one-choice chat completion: `chat("Hello!")`, `chat(tool_calls=[...])`, `chat("…", finish_reason="length")`."""
    choice_fields = {k: kwargs.pop(k) for k in ("tool_calls", "finish_reason", "logprobs", "refusal") if k in kwargs}
    return Chat([Choice(content, **choice_fields)], **kwargs)


def chat_n(*contents: str, **kwargs: Any) -> Chat:
    """A chat completion with several choices (the `n` parameter)."""
    return Chat([Choice(text) for text in contents], **kwargs)


# Roughly how the o200k tokenizer cuts text: a word with its leading space, up to three digits,
# punctuation with any line break after it. Streams arrive about one token a chunk.
_TOKEN = re.compile(r" ?[^\W\d_]+|\d{1,3}| ?[^\s\w]+\n*|\n+| +")


def token_pieces(text: str) -> list[str]:
    """Split text into token-sized deltas, as the API streams them."""
    pieces = _TOKEN.findall(text)
    assert "".join(pieces) == text, f"the splitter lost text in {text!r}"
    return pieces


def _padding(seed: str, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[byte % len(alphabet)] for byte in (digest * 2)[:length])


@dataclass
class Stream:
    """An authored streamed chat completion: `pieces` are the content deltas, in order.

    Usage counts one token a delta unless given; `prompt` sets only the prompt tokens, where a
    real figure for the same messages is known. Every chunk carries `obfuscation`, the random
    padding the API adds by default so that chunk sizes on the wire do not give the text away.
    """

    pieces: Sequence[str] = ()
    tool_calls: list[dict] | None = None
    finish_reason: str | None = None
    usage: tuple[int, int] | None = None
    id: str | None = None
    prompt: int | None = None

    def events(self, request: StubRequest, serial: int) -> list[dict]:
        body = request.json or {}
        requested = body.get("model", "gpt-4o-mini")
        model = SNAPSHOTS.get(requested, requested)
        with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base = {
            "id": self.id or "chatcmpl-" + _digest(request.text, serial),
            "object": "chat.completion.chunk",
            "created": AUTHORED_AT + 37 * serial,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": "fp_" + hashlib.sha256(model.encode()).hexdigest()[:10],
        }

        def chunk(delta: dict, finish: str | None = None) -> dict:
            event = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if with_usage:
                event["usage"] = None
            return event

        events = [chunk({"role": "assistant", "content": "", "refusal": None})]
        events += [chunk({"content": piece}) for piece in self.pieces]
        for index, call in enumerate(self.tool_calls or []):
            events.append(chunk({"tool_calls": [{"index": index, **call}]}))
        finish = self.finish_reason or ("tool_calls" if self.tool_calls else "stop")
        events.append(chunk({}, finish))
        if with_usage:
            prompt, completion = self.usage or (self.prompt or prompt_tokens(request), len(self.pieces))
            events.append({**base, "choices": [], "usage": usage_block(prompt, completion)})
        # The padding evens each chunk out to a size that is the same across one stream.
        width = max((len(piece) for piece in self.pieces), default=4) + 1 + serial % 5
        for index, event in enumerate(events):
            text = "".join(choice["delta"].get("content") or "" for choice in event["choices"])
            event["obfuscation"] = _padding(f"{request.text}|{serial}|{index}", max(1, width - len(text)))
        return events


def stream(text: str, **kwargs: Any) -> Stream:
    """A streamed reply of `text`, cut into token-sized deltas as the API sends them."""
    return Stream(token_pieces(text), **kwargs)


def error(status: int, message: str, type: str, param: str | None = None, code: str | None = None) -> Reply:
    """An API error reply, in the API's `{"error": {...}}` shape."""
    body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return Reply(body, status=status)


ReplyLike = Reply | Chat | Stream | dict | Callable[[StubRequest], Reply]


@dataclass
class Rule:
    """Replies for the requests to one endpoint that `when` accepts; played in order, then the last repeats."""

    endpoint: str
    when: Callable[[StubRequest], bool]
    replies: list[ReplyLike]
    provenance: str
    served: int = 0


@dataclass
class Script:
    """The authored replies of one recording, tried in the order they were added."""

    rules: list[Rule] = field(default_factory=list)
    serial: int = 0

    def add(
        self,
        endpoint: str,
        *replies: ReplyLike,
        when: str | Callable[[StubRequest], bool] | None = None,
        provenance: str = "authored",
    ) -> Script:
        """Answer `endpoint` ("POST /v1/chat/completions") with `replies`.

        `when` narrows the rule: a string the last message (or, for other endpoints, the body) must
        contain, or a predicate.
        """
        if isinstance(when, str):
            needle = when
            test: Callable[[StubRequest], bool] = lambda request: needle in last_text(request)  # noqa: E731
        else:
            test = when or (lambda request: True)
        self.rules.append(Rule(endpoint, test, list(replies), provenance))
        return self

    def __call__(self, request: StubRequest) -> Reply:
        path = request.path.split("?")[0]
        for rule in self.rules:
            method, _, rule_path = rule.endpoint.partition(" ")
            if method != request.method or not (path == rule_path or path.endswith(rule_path)):
                continue
            if not rule.when(request):
                continue
            reply = rule.replies[min(rule.served, len(rule.replies) - 1)]
            rule.served += 1
            self.serial += 1
            return self._render(reply, request, rule.provenance)
        raise LookupError(f"no authored reply for {request.method} {path}: {request.text[:300]}")

    def _render(self, reply: ReplyLike, request: StubRequest, provenance: str) -> Reply:
        if isinstance(reply, Chat):
            return Reply(reply.body(request, self.serial), provenance=provenance)
        if isinstance(reply, Stream):
            return Reply(events=reply.events(request, self.serial), provenance=provenance)
        if isinstance(reply, dict):
            return Reply(reply, provenance=provenance)
        if isinstance(reply, Reply):
            if isinstance(reply.body, (Chat, Stream)):  # a tagged builder: render it, keep tag, status, headers
                rendered = self._render(reply.body, request, reply.provenance)
                rendered.status, rendered.headers = reply.status, {**rendered.headers, **reply.headers}
                return rendered
            tag = provenance if reply.provenance == "authored" else reply.provenance
            return Reply(reply.body, reply.status, reply.events, reply.headers, tag)
        return self._render(reply(request), request, provenance)

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .stub_server import Reply, StubRequest

# Responses name the dated snapshot behind an alias, as the API does.
SNAPSHOTS = {
    "gpt-5.4-mini": "gpt-5.4-mini-2026-03-17",
    "gpt-5.4-nano": "gpt-5.4-nano-2026-03-17",
    "gpt-5.4": "gpt-5.4-2026-03-05",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
}
AUTHORED_AT = 1795219200  # 2026-11-21T00:00:00Z, the day these scripts were first written

# Every model the course uses tokenizes with o200k_base. bpe-openai ships that encoding inside its
# wheel, so authored usage figures are real token counts even offline (tiktoken would download it).
# It is loaded at first use: loading takes most of a second, and a kernel that only runs a
# lesson's checks never counts a token.


@cache
def _encoding() -> Any:
    import bpe_openai

    return bpe_openai.get_encoding("o200k_base")


# The chat format wraps each message in a few tokens, and the reply is primed with a few more
# (the counting recipe in the OpenAI cookbook, "How to count tokens with tiktoken", without the one
# token it adds per message for the role: lessons 08 and 12 say so where they compare counts).
TOKENS_PER_MESSAGE = 3
TOKENS_REPLY_PRIMING = 3


def count_tokens(text: str) -> int:
    """The number of o200k_base tokens in `text`."""
    return len(_encoding().encode(text)) if text else 0


def truncate_tokens(text: str, limit: int) -> str:
    """The first `limit` tokens of `text`, as a model cut off at its token cap would have written them."""
    tokens = _encoding().encode(text)
    return text if len(tokens) <= limit else _encoding().decode(tokens[: max(0, limit)])


def _content_text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def prompt_tokens(request: StubRequest) -> int:
    """A chat or Responses request's prompt tokens: its text plus the per-message wrapping.

    Images are not counted here; a script that sends images adds their tokens itself.
    """
    body = request.json or {}
    messages = list(body.get("messages") or [])
    if "input" in body:
        given = body["input"]
        messages = [{"content": given}] if isinstance(given, str) else list(given)
        if body.get("instructions"):
            messages.insert(0, {"content": body["instructions"]})
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        text = _content_text(message.get("content"))
        if message.get("type") == "function_call_output":
            text = str(message.get("output", ""))
        elif message.get("type") == "function_call":
            text = f"{message.get('name', '')}{message.get('arguments', '')}"
        total += TOKENS_PER_MESSAGE + count_tokens(text)
    if body.get("tools"):
        total += count_tokens(json.dumps(body["tools"]))
    for key in ("response_format", "text"):  # a JSON schema the model is held to is part of the prompt
        if isinstance(body.get(key), dict) and "schema" in json.dumps(body[key]):
            total += count_tokens(json.dumps(body[key]))
    return total


def output_cap(request: StubRequest) -> int | None:
    """The token cap the request set: `max_completion_tokens`, `max_output_tokens` or the old `max_tokens`."""
    body = request.json or {}
    for key in ("max_completion_tokens", "max_output_tokens", "max_tokens"):
        if isinstance(body.get(key), int):
            return body[key]
    return None


def last_text(request: StubRequest) -> str:
    """The last message's text for a chat or Responses request; the whole body otherwise."""
    body = request.json if isinstance(request.json, dict) else {}
    if isinstance(body.get("input"), str):
        return body["input"]
    messages = body.get("messages") or (body.get("input") if isinstance(body.get("input"), list) else None)
    if not messages:
        return request.text
    last = messages[-1]
    if last.get("type") == "function_call_output":
        return str(last.get("output", ""))
    return _content_text(last.get("content"))


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

    def capped(self, cap: int | None) -> Choice:
        """This choice as a model stopped at `cap` visible tokens would give it: cut, with finish "length"."""
        if cap is None or self.content is None or count_tokens(self.content) <= cap:
            return self
        return Choice(truncate_tokens(self.content, cap), self.tool_calls, "length", self.logprobs, self.refusal)

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
        calls = "".join(c["function"]["name"] + c["function"]["arguments"] for c in self.tool_calls or [])
        return count_tokens(self.content or "") + count_tokens(self.refusal or "") + count_tokens(calls)


@dataclass
class Chat:
    """An authored chat completion.

    Usage is counted with the o200k_base tokenizer: the request's messages for the prompt, each
    choice's text plus `reasoning_tokens` for the completion. A reply longer than the request's
    `max_completion_tokens` (less its reasoning) is cut there with finish_reason "length", as the
    API does. `usage` overrides the counts only for replies whose real figures are known.
    """

    choices: list[Choice]
    usage: tuple[int, int] | None = None
    reasoning_tokens: int = 0
    id: str | None = None
    created: int | None = None
    model: str | None = None
    cached_tokens: int = 0
    system_fingerprint: str | None = "auto"

    def body(self, request: StubRequest, serial: int) -> dict:
        requested = (request.json or {}).get("model", "gpt-5.4-mini")
        model = self.model or SNAPSHOTS.get(requested, requested)
        cap = output_cap(request)
        visible_cap = None if cap is None else max(0, cap - self.reasoning_tokens)
        choices = [choice.capped(visible_cap) for choice in self.choices]
        prompt, completion = self.usage or (
            prompt_tokens(request),
            sum(choice.tokens() + self.reasoning_tokens for choice in choices),
        )
        usage = usage_block(prompt, completion, self.reasoning_tokens * len(choices))
        usage["prompt_tokens_details"]["cached_tokens"] = self.cached_tokens
        fingerprint = self.system_fingerprint
        if fingerprint == "auto":
            fingerprint = "fp_" + hashlib.sha256(model.encode()).hexdigest()[:10]
        return {
            "id": self.id or "chatcmpl-" + _digest(request.text, serial),
            "object": "chat.completion",
            "created": self.created or AUTHORED_AT + 37 * serial,
            "model": model,
            "choices": [choice.as_json(i) for i, choice in enumerate(choices)],
            "usage": usage,
            "service_tier": "default",
            "system_fingerprint": fingerprint,
        }


def chat(content: str | None = None, **kwargs: Any) -> Chat:
    """A one-choice chat completion: `chat("Hello!")`, `chat(tool_calls=[...])`, `chat("…", reasoning_tokens=64)`."""
    choice_fields = {k: kwargs.pop(k) for k in ("tool_calls", "finish_reason", "logprobs", "refusal") if k in kwargs}
    return Chat([Choice(content, **choice_fields)], **kwargs)


def chat_n(*contents: str, **kwargs: Any) -> Chat:
    """A chat completion with several choices (the `n` parameter)."""
    return Chat([Choice(text) for text in contents], **kwargs)


def token_pieces(text: str) -> list[str]:
    """Split text into its o200k_base tokens, as the API streams them (a character split across
    tokens stays whole, in the delta that completes it)."""
    pieces: list[str] = []
    pending = b""
    for token in _encoding().encode(text):
        pending += _encoding().decode_bytes([token])
        try:
            pieces.append(pending.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        pending = b""
    assert "".join(pieces) == text, f"the splitter lost text in {text!r}"
    return pieces


def _padding(seed: str, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[byte % len(alphabet)] for byte in (digest * 2)[:length])


@dataclass
class Stream:
    """An authored streamed chat completion: `pieces` are the content deltas, in order.

    Tool calls stream as the API sends them: a first delta with the call's id and name, then the
    arguments a token at a time; a refusal streams in `delta.refusal`. Usage counts one token a
    delta plus `reasoning_tokens`; `prompt` sets only the prompt tokens, where a real figure for
    the same messages is known. A request's `max_completion_tokens` cuts the stream with finish
    "length". Every chunk carries `obfuscation`, the random padding the API adds by default so
    that chunk sizes on the wire do not give the text away.
    """

    pieces: Sequence[str] = ()
    tool_calls: list[dict] | None = None
    finish_reason: str | None = None
    usage: tuple[int, int] | None = None
    id: str | None = None
    prompt: int | None = None
    refusal: str = ""
    reasoning_tokens: int = 0

    def events(self, request: StubRequest, serial: int) -> list[dict]:
        body = request.json or {}
        requested = body.get("model", "gpt-5.4-mini")
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

        pieces, finish = list(self.pieces), self.finish_reason
        cap = output_cap(request)
        if cap is not None and len(pieces) > cap - self.reasoning_tokens:
            pieces, finish = pieces[: max(0, cap - self.reasoning_tokens)], "length"
        events = [chunk({"role": "assistant", "content": "", "refusal": None})]
        events += [chunk({"content": piece}) for piece in pieces]
        refusal = token_pieces(self.refusal) if self.refusal else []
        events += [chunk({"refusal": piece}) for piece in refusal]
        call_tokens = 0
        for index, call in enumerate(self.tool_calls or []):
            function = call["function"]
            opening = {"index": index, "id": call["id"], "type": "function",
                       "function": {"name": function["name"], "arguments": ""}}
            events.append(chunk({"tool_calls": [opening]}))
            for piece in token_pieces(function["arguments"]):
                events.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
            call_tokens += count_tokens(function["name"] + function["arguments"])
        finish = finish or ("tool_calls" if self.tool_calls else "stop")
        events.append(chunk({}, finish))
        if with_usage:
            completion = len(pieces) + len(refusal) + call_tokens + self.reasoning_tokens
            prompt, completion = self.usage or (self.prompt or prompt_tokens(request), completion)
            events.append({**base, "choices": [], "usage": usage_block(prompt, completion, self.reasoning_tokens)})
        # The padding evens each chunk out to a size that is the same across one stream.
        width = max((len(piece) for piece in pieces), default=4) + 1 + serial % 5
        for index, event in enumerate(events):
            text = "".join(choice["delta"].get("content") or "" for choice in event["choices"])
            event["obfuscation"] = _padding(f"{request.text}|{serial}|{index}", max(1, width - len(text)))
        return events


def stream(text: str, **kwargs: Any) -> Stream:
    """A streamed reply of `text`, cut into its tokens as the API sends them."""
    return Stream(token_pieces(text), **kwargs)


# The Responses API (client.responses.create): output items, a whole response, and its stream.


def message_item(text: str, annotations: list[dict] | None = None) -> dict:
    """An assistant `message` output item holding one `output_text` part."""
    part = {"type": "output_text", "text": text, "annotations": annotations or [], "logprobs": []}
    return {"type": "message", "id": "msg_" + _digest("msg", text, length=40), "role": "assistant",
            "status": "completed", "content": [part]}


def function_call_item(name: str, arguments: dict | str, call_id: str | None = None) -> dict:
    """A `function_call` output item: the model asks your code to run `name` with `arguments`."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, separators=(",", ":"))
    return {"type": "function_call", "id": "fc_" + _digest("fc", name, args, length=40),
            "call_id": call_id or "call_" + _digest(name, args, length=24), "name": name,
            "arguments": args, "status": "completed"}


def reasoning_item(*summary: str) -> dict:
    """A `reasoning` output item; its `summary` holds text only when the request asked for one."""
    return {"type": "reasoning", "id": "rs_" + _digest("rs", *summary, length=40),
            "summary": [{"type": "summary_text", "text": text} for text in summary]}


def web_search_item(query: str, sources: list[str] | None = None) -> dict:
    """A `web_search_call` output item: the search the built-in tool ran, and the pages it found."""
    action: dict[str, Any] = {"type": "search", "query": query}
    if sources is not None:
        action["sources"] = [{"type": "url", "url": url} for url in sources]
    return {"type": "web_search_call", "id": "ws_" + _digest("ws", query, length=40), "status": "completed",
            "action": action}


def url_citation(text: str, quoted: str, url: str, title: str) -> dict:
    """A `url_citation` annotation on the span of `text` where `quoted` stands."""
    start = text.index(quoted)
    return {"type": "url_citation", "start_index": start, "end_index": start + len(quoted), "url": url,
            "title": title}


def _item_tokens(item: dict) -> int:
    if item["type"] == "message":
        return sum(count_tokens(part.get("text", "")) for part in item["content"])
    if item["type"] == "function_call":
        return count_tokens(item["name"] + item["arguments"])
    if item["type"] == "reasoning":
        return 0  # summaries are written from the reasoning; the reasoning tokens are counted apart
    return 0


@dataclass
class Response:
    """An authored Responses API reply: its output items, in order.

    With `"stream": true` in the request it is served as the API's server-sent events (created,
    in_progress, each item added, its deltas and done, completed). Usage is counted with the
    o200k_base tokenizer plus `reasoning_tokens`; a message longer than `max_output_tokens` (less
    the reasoning) is cut there and the response is `incomplete`, as the API does.
    """

    output: list[dict]
    reasoning_tokens: int = 0
    usage: tuple[int, int] | None = None
    id: str | None = None
    cached_tokens: int = 0

    def body(self, request: StubRequest, serial: int, history: int = 0) -> dict:
        """The response object; `history` adds the tokens of the earlier turns a `previous_response_id` brings in."""
        given = request.json or {}
        requested = given.get("model", "gpt-5.4-mini")
        output = [json.loads(json.dumps(item)) for item in self.output]
        status, incomplete = "completed", None
        cap = output_cap(request)
        if cap is not None:
            room = max(0, cap - self.reasoning_tokens)
            for item in output:
                if item["type"] != "message":
                    continue
                for part in item["content"]:
                    if count_tokens(part["text"]) > room:
                        part["text"], item["status"] = truncate_tokens(part["text"], room), "incomplete"
                        status, incomplete = "incomplete", {"reason": "max_output_tokens"}
                    room -= count_tokens(part["text"])
        prompt, completion = self.usage or (
            prompt_tokens(request) + history, sum(_item_tokens(item) for item in output) + self.reasoning_tokens
        )
        reasoning = given.get("reasoning") or {}
        return {
            "id": self.id or "resp_" + _digest(request.text, serial, length=48),
            "object": "response",
            "created_at": AUTHORED_AT + 37 * serial,
            "status": status,
            "background": False,
            "completed_at": AUTHORED_AT + 37 * serial + 2,
            "error": None,
            "incomplete_details": incomplete,
            "instructions": given.get("instructions"),
            "max_output_tokens": given.get("max_output_tokens"),
            "max_tool_calls": None,
            "model": SNAPSHOTS.get(requested, requested),
            "output": output,
            "parallel_tool_calls": given.get("parallel_tool_calls", True),
            "previous_response_id": given.get("previous_response_id"),
            "reasoning": {"effort": reasoning.get("effort", "none"), "summary": reasoning.get("summary")},
            "service_tier": "default",
            "store": given.get("store", True),
            "temperature": given.get("temperature", 1.0),
            "text": given.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": given.get("tool_choice", "auto"),
            "tools": given.get("tools", []),
            "top_logprobs": 0,
            "top_p": given.get("top_p", 1.0),
            "truncation": "disabled",
            "usage": {
                "input_tokens": prompt,
                "input_tokens_details": {"cached_tokens": self.cached_tokens},
                "output_tokens": completion,
                "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
                "total_tokens": prompt + completion,
            },
            "user": None,
            "metadata": {},
        }

    def events(self, request: StubRequest, serial: int, history: int = 0) -> list[dict]:
        final = self.body(request, serial, history)
        opening = {**final, "status": "in_progress", "output": [], "usage": None, "completed_at": None,
                   "incomplete_details": None}
        events: list[dict] = [
            {"type": "response.created", "response": opening},
            {"type": "response.in_progress", "response": opening},
        ]
        for index, item in enumerate(final["output"]):
            events += _item_events(item, index)
        done = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
        events.append({"type": done, "response": final})
        for number, event in enumerate(events):
            event["sequence_number"] = number
        return events


def _item_events(item: dict, index: int) -> list[dict]:
    """The stream events that build one output item, as the API sends them."""
    where = {"output_index": index, "item_id": item["id"]}
    if item["type"] == "message":
        events = [{"type": "response.output_item.added", "output_index": index,
                   "item": {**item, "status": "in_progress", "content": []}}]
        for number, part in enumerate(item["content"]):
            empty = {**part, "text": "", "annotations": []}
            events.append({"type": "response.content_part.added", **where, "content_index": number, "part": empty})
            events += [{"type": "response.output_text.delta", **where, "content_index": number, "delta": piece,
                        "logprobs": []} for piece in token_pieces(part["text"])]
            for at, note in enumerate(part["annotations"]):
                events.append({"type": "response.output_text.annotation.added", **where, "content_index": number,
                               "annotation_index": at, "annotation": note})
            events.append({"type": "response.output_text.done", **where, "content_index": number,
                           "text": part["text"], "logprobs": []})
            events.append({"type": "response.content_part.done", **where, "content_index": number, "part": part})
    elif item["type"] == "function_call":
        events = [{"type": "response.output_item.added", "output_index": index,
                   "item": {**item, "arguments": "", "status": "in_progress"}}]
        events += [{"type": "response.function_call_arguments.delta", **where, "delta": piece}
                   for piece in token_pieces(item["arguments"])]
        events.append({"type": "response.function_call_arguments.done", **where, "arguments": item["arguments"]})
    elif item["type"] == "reasoning":
        events = [{"type": "response.output_item.added", "output_index": index, "item": {**item, "summary": []}}]
        for number, part in enumerate(item["summary"]):
            events.append({"type": "response.reasoning_summary_part.added", **where, "summary_index": number,
                           "part": {"type": "summary_text", "text": ""}})
            events += [{"type": "response.reasoning_summary_text.delta", **where, "summary_index": number,
                        "delta": piece} for piece in token_pieces(part["text"])]
            events.append({"type": "response.reasoning_summary_text.done", **where, "summary_index": number,
                           "text": part["text"]})
            events.append({"type": "response.reasoning_summary_part.done", **where, "summary_index": number,
                           "part": part})
    else:
        events = [{"type": "response.output_item.added", "output_index": index,
                   "item": {**item, "status": "in_progress"}}]
    events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    return events


def respond(text: str | None = None, *items: dict, **kwargs: Any) -> Response:
    """A Responses reply: `respond("Hello!")`, or output items (`respond(None, function_call_item(...))`)."""
    output = list(items) + ([message_item(text)] if text is not None else [])
    return Response(output, **kwargs)


def error(status: int, message: str, type: str, param: str | None = None, code: str | None = None) -> Reply:
    """An API error reply, in the API's `{"error": {...}}` shape."""
    body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return Reply(body, status=status)


ReplyLike = Reply | Chat | Stream | Response | dict | Callable[[StubRequest], Reply]


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
    # Every Responses object served, by id: a later `previous_response_id` bills its turns again (as
    # the API does), and a script can answer GET /v1/responses/{id} with `script.responses[id]`.
    responses: dict[str, dict] = field(default_factory=dict)

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

    def _history(self, request: StubRequest) -> int:
        """The tokens of the turns a request's `previous_response_id` chains in: earlier input and visible output.

        The migration guide: "Even when using `previous_response_id`, all previous input tokens for
        responses in the chain are billed as input tokens in the API."
        """
        earlier = self.responses.get((request.json or {}).get("previous_response_id") or "")
        if earlier is None:
            return 0
        usage = earlier["usage"]
        return usage["input_tokens"] + usage["output_tokens"] - usage["output_tokens_details"]["reasoning_tokens"]

    def _render(self, reply: ReplyLike, request: StubRequest, provenance: str) -> Reply:
        if isinstance(reply, Chat):
            return Reply(reply.body(request, self.serial), provenance=provenance)
        if isinstance(reply, Stream):
            return Reply(events=reply.events(request, self.serial), provenance=provenance)
        if isinstance(reply, Response):
            history = self._history(request)
            if (request.json or {}).get("stream"):
                events = reply.events(request, self.serial, history)
                self.responses[events[-1]["response"]["id"]] = events[-1]["response"]
                return Reply(events=events, provenance=provenance)
            body = reply.body(request, self.serial, history)
            self.responses[body["id"]] = body
            return Reply(body, provenance=provenance)
        if isinstance(reply, dict):
            return Reply(reply, provenance=provenance)
        if isinstance(reply, Reply):
            if isinstance(reply.body, (Chat, Stream, Response)):  # a tagged builder: render, keep tag, status, headers
                rendered = self._render(reply.body, request, reply.provenance)
                rendered.status, rendered.headers = reply.status, {**rendered.headers, **reply.headers}
                return rendered
            tag = provenance if reply.provenance == "authored" else reply.provenance
            return Reply(reply.body, reply.status, reply.events, reply.headers, tag)
        return self._render(reply(request), request, provenance)


# Builders added for the lessons after 09. Each lesson's helper inserts its builders only below its
# own heading (edit with a small str_replace under the heading, never rewrite the file).

# --- lesson 10 (raw HTTP) builders ---

# "openai-version: REST API version used for this request (currently 2020-10-01)", from "Debugging
# requests" in https://developers.openai.com/api/reference/overview
OPENAI_VERSION = "2020-10-01"


def api_headers(
    processing_ms: int,
    *,
    requests: tuple[int, int] | None = None,
    tokens: tuple[int, int] | None = None,
    resets: tuple[str, str] = ("1s", "6m0s"),
) -> dict[str, str]:
    """Response headers a reply of the API carries, beside the x-request-id the stub server adds.

    `requests` and `tokens` are (limit, remaining) for the x-ratelimit-* family; `resets` the time
    until each resets, in the guide's format ("1s", "6m0s"; real replies also show "12ms"). Names and
    formats: the "Rate limits in headers" table of https://developers.openai.com/api/docs/guides/rate-limits.
    The figures a script passes are examples: real limits depend on the account's tier and the model.
    """
    headers = {"openai-processing-ms": str(processing_ms), "openai-version": OPENAI_VERSION}
    if requests is not None and tokens is not None:
        headers |= {
            "x-ratelimit-limit-requests": str(requests[0]),
            "x-ratelimit-limit-tokens": str(tokens[0]),
            "x-ratelimit-remaining-requests": str(requests[1]),
            "x-ratelimit-remaining-tokens": str(tokens[1]),
            "x-ratelimit-reset-requests": resets[0],
            "x-ratelimit-reset-tokens": resets[1],
        }
    return headers

# --- lesson 11 (errors and retries) builders ---

# Failures of the network rather than of the API. `course author` meets them through the stub server
# (helpers.stub_server.HangUp) and stores each as a recorded failure (helpers/recording.py), which
# replay raises again: the SDK then retries, wraps and reports it as it did while recording.


def no_reply(after: float = 0.0) -> Reply:
    """A request the server never answers: it hangs up `after` seconds later, without a byte.

    With `after` longer than the client's timeout, the client times out first (APITimeoutError,
    from httpx2.ReadTimeout); with `after=0` it sees the connection close (APIConnectionError, from
    httpx2.RemoteProtocolError "Server disconnected without sending a response."). The SDK retries
    both: each attempt takes the rule's next reply, and the last one repeats.
    """
    from .stub_server import HangUp

    return Reply(HangUp(after))


@dataclass
class CutStream:
    """A streamed reply whose connection is lost after its first `after` events (see `cut_stream`)."""

    stream: Stream | Response
    after: int
    served: int = 0

    def __call__(self, request: StubRequest) -> Reply:
        from .stub_server import HangUp

        self.served += 1
        events = self.stream.events(request, self.served)  # a chat Stream's chunks, or a Response's named events
        return Reply(events=[*events[: self.after], HangUp()])


def cut_stream(reply: Stream | Response, after: int) -> CutStream:
    """`reply` streamed until its connection is lost, after `after` events: no end, no [DONE], no usage.

    The client's loop gets those events, then APIConnectionError (from httpx2.RemoteProtocolError),
    and the SDK does not retry a stream it has started to deliver (SDK README, "Handling errors").
    """
    if after < 0:
        raise ValueError(f"a stream is cut after 0 or more events, not {after}.")
    return CutStream(reply, after)

# --- lesson 13 (other endpoints) builders ---

# The length of a vector when the request sets no `dimensions` (embeddings guide, "How to get embeddings":
# https://developers.openai.com/api/docs/guides/embeddings).
EMBEDDING_LENGTHS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}


@cache
def _embedding_encoding() -> Any:
    """Embedding models of the third generation count tokens with cl100k_base (embeddings guide, FAQ)."""
    import bpe_openai

    return bpe_openai.get_encoding("cl100k_base")


def embedding_inputs(request: StubRequest) -> list[str]:
    """The texts of an embeddings request, in order: one string is one text."""
    given = (request.json or {}).get("input")
    if isinstance(given, str):
        return [given]
    if isinstance(given, list) and given and all(isinstance(text, str) for text in given):
        return list(given)
    raise LookupError(f"authored embeddings take a string or a list of strings as input, not {given!r:.80}")


def _float32(values: Sequence[float]) -> bytes:
    import struct

    return struct.pack(f"<{len(values)}f", *values)


def embeddings(vector_of: Callable[[str], Sequence[float]]) -> Callable[[StubRequest], Reply]:
    """An authored embeddings reply: `vector_of(text)` gives each input's vector at full length.

    Served as the embeddings guide describes the API: `dimensions` keeps the first that many numbers
    ("remove some numbers from the end of the sequence") and the vector comes back normalised to
    length 1; without `dimensions`, the model's default length. The numbers go out as the request
    asks: a list of floats, or with `encoding_format="base64"` (what the SDK asks for when you do not
    choose, openai/lib/_parsing/_embeddings.py) little-endian float32 in base64. Usage counts the
    inputs with cl100k_base; embeddings bill input tokens only.
    """

    def reply(request: StubRequest) -> Reply:
        import base64
        import math
        import struct

        body = request.json or {}
        model = body.get("model")
        if not isinstance(model, str):
            raise LookupError("an embeddings request names its model")
        texts = embedding_inputs(request)
        data = []
        for index, text in enumerate(texts):
            full = [float(number) for number in vector_of(text)]
            length = body.get("dimensions") or EMBEDDING_LENGTHS.get(model, len(full))
            if not isinstance(length, int) or not 1 <= length <= len(full):
                raise LookupError(f"the authored vector of {text!r:.60} has {len(full)} numbers, not {length}")
            kept = full[:length]
            norm = math.sqrt(sum(number * number for number in kept))
            if norm == 0:
                raise LookupError(f"the authored vector of {text!r:.60} is all zeros in its first {length} numbers")
            packed = _float32([number / norm for number in kept])
            if body.get("encoding_format") == "base64":
                vector: Any = base64.b64encode(packed).decode()
            else:
                vector = list(struct.unpack(f"<{length}f", packed))
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(len(_embedding_encoding().encode(text)) for text in texts)
        return Reply({"object": "list", "data": data, "model": model,
                      "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    return reply


# The categories of omni-moderation, as the API spells them (SDK openai/types/moderation.py), and those
# whose scores may also apply to images (its CategoryAppliedInputTypes); the others apply to text only.
MODERATION_CATEGORIES = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence",
    "violence/graphic",
)
IMAGE_MODERATION_CATEGORIES = frozenset(
    {"self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "violence", "violence/graphic"}
)


def moderation_result(text: str, scores: dict[str, float] | None = None, flagged: Sequence[str] = ()) -> dict:
    """One entry of a moderation reply's `results`, for a text input.

    `scores` sets the scores of some categories; the others get a tiny score (of the order of 1e-6,
    as real replies give a harmless text), derived from `text` so a script gives the same every run.
    `flagged` names the categories marked true: the API does not publish the thresholds behind its
    `categories`, so an authored result says which ones it flags.
    """
    scores = dict(scores or {})
    unknown = (set(scores) | set(flagged)) - set(MODERATION_CATEGORIES)
    if unknown:
        raise ValueError(f"not moderation categories: {sorted(unknown)}; known: {', '.join(MODERATION_CATEGORIES)}")
    digest = hashlib.sha256(text.encode()).digest()
    for number, name in enumerate(MODERATION_CATEGORIES):
        scores.setdefault(name, (1 + digest[number] / 32) * 1e-6)
    return {
        "categories": {name: name in flagged for name in MODERATION_CATEGORIES},
        "category_applied_input_types": {name: ["text"] for name in MODERATION_CATEGORIES},
        "category_scores": {name: scores[name] for name in MODERATION_CATEGORIES},
        "flagged": bool(flagged),
    }


def moderation(result_for: Callable[[str], dict]) -> Callable[[StubRequest], Reply]:
    """An authored moderation reply: one result per input text, `result_for(text)` (see `moderation_result`)."""

    def reply(request: StubRequest) -> Reply:
        body = request.json or {}
        given = body.get("input")
        texts = [given] if isinstance(given, str) else given
        if not isinstance(texts, list) or not texts or not all(isinstance(text, str) for text in texts):
            raise LookupError(f"authored moderation takes a string or a list of strings, not {given!r:.80}")
        if not isinstance(body.get("model"), str):
            raise LookupError("authored moderation answers requests that name their model")
        return Reply({"id": "modr-" + hashlib.sha256(request.body).hexdigest()[:32], "model": body["model"],
                      "results": [result_for(text) for text in texts]})

    return reply


def multipart_upload(request: StubRequest) -> tuple[dict[str, str], str, bytes]:
    """A multipart/form-data upload's plain fields, and its file's name and bytes."""
    import re

    found = re.search(r"boundary=\"?([^\";]+)", request.headers.get("content-type", ""))
    if found is None:
        raise LookupError("not a multipart/form-data upload")
    fields: dict[str, str] = {}
    filename, content = "", b""
    for part in request.body.split(b"--" + found.group(1).encode())[1:]:
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name is None:
            continue
        value = value.removesuffix(b"\r\n")
        named = re.search(rb'filename="([^"]*)"', head)
        if named is not None:
            filename, content = named.group(1).decode(), value
        else:
            fields[name.group(1).decode()] = value.decode()
    if not filename:
        raise LookupError("the upload has no file part")
    return fields, filename, content


def file_object(file_id: str, filename: str, size: int, purpose: str, created_at: int) -> dict:
    """A file object as the Files API returns it (SDK `FileObject`).

    Files of purpose `batch` expire 30 days after upload and all others stay until deleted (the
    `expires_after` docstring of `files.create`); `status` is deprecated but still sent.
    """
    expires = created_at + 30 * 86400 if purpose == "batch" else None
    return {"object": "file", "id": file_id, "purpose": purpose, "filename": filename, "bytes": size,
            "created_at": created_at, "expires_at": expires, "status": "processed", "status_details": None}


def file_upload(
    stored: dict[str, dict], file_id: str | None = None, created_at: int = AUTHORED_AT
) -> Callable[[StubRequest], Reply]:
    """Answer `POST /v1/files` with the object for the file really sent, and keep it in `stored` by id.

    `file_id` fixes the id (so a script can answer later requests for it); else it is drawn from the file.
    """

    def reply(request: StubRequest) -> Reply:
        fields, filename, content = multipart_upload(request)
        given = file_id or "file-" + _digest("file", filename, content, length=22)
        stored[given] = file_object(given, filename, len(content), fields.get("purpose", ""), created_at)
        return Reply(stored[given])

    return reply

# --- lesson 14 (images and audio) builders ---
# The Images API and the Audio API. An image reply carries the picture as base64 text (GPT image models
# never send a URL: SDK, openai/types/image.py) with token usage; a transcription or translation is JSON;
# speech is the audio file itself, with no usage block. Transcriptions and translations are uploads
# (multipart/form-data): `form_fields` reads them, and `uploaded` picks them out in a Script's `when`.

IMAGE_QUALITIES = ("low", "medium", "high", "xhigh", "max")  # what a reply names (SDK: ImagesResponse.quality)
SPEECH_MEDIA_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}  # the formats the course's stand-ins come in


@dataclass(frozen=True)
class UploadedFile:
    """One file field of a multipart request."""

    filename: str
    content_type: str
    data: bytes


def form_fields(request: StubRequest) -> dict[str, str | UploadedFile]:
    """The fields of a multipart/form-data request: text as str, files as UploadedFile; {} for any other request."""
    import re

    found = re.search(r'boundary="?([^";]+)', request.headers.get("content-type", ""))
    if not found or "multipart/form-data" not in request.headers.get("content-type", ""):
        return {}
    fields: dict[str, str | UploadedFile] = {}
    # Each part follows CRLF "--" boundary (the first one the start of the body); "--" after it closes the form.
    for part in (b"\r\n" + request.body).split(b"\r\n--" + found.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        text = head.decode("utf-8", errors="replace")
        name = re.search(r'\bname="([^"]*)"', text)
        filename = re.search(r'\bfilename="([^"]*)"', text)
        if name is None:
            continue
        if filename is None:
            fields[name.group(1)] = content.decode("utf-8", errors="replace")
        else:
            media = re.search(r"(?im)^content-type:\s*(\S+)", text)
            fields[name.group(1)] = UploadedFile(filename.group(1), media.group(1) if media else "", content)
    return fields


def uploaded(filename: str, model: str | None = None) -> Callable[[StubRequest], bool]:
    """A Script `when`: an upload of a file named `filename` (and, if given, with that `model` field)."""

    def test(request: StubRequest) -> bool:
        fields = form_fields(request)
        file = fields.get("file")
        return (isinstance(file, UploadedFile) and file.filename == filename
                and (model is None or fields.get("model") == model))

    return test


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, read from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image: it does not start with the PNG signature and IHDR chunk")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def image_generation(png: bytes, output_tokens: int) -> Callable[[StubRequest], Reply]:
    """An Images API reply (`client.images.generate`) carrying `png`, base64-encoded in `data[0].b64_json`.

    The reply's size is the PNG's own; a request for another size, or for a format other than PNG,
    is refused loudly, so an authored picture never contradicts its reply. Usage: the prompt's
    tokens counted with o200k_base (the image models' tokenizer is not documented: an
    approximation) and `output_tokens` image tokens, a figure the script must justify.
    """
    import base64

    width, height = png_size(png)

    def build(request: StubRequest) -> Reply:
        body = request.json or {}
        size, fmt, quality = body.get("size") or "auto", body.get("output_format") or "png", body.get("quality")
        if size not in ("auto", f"{width}x{height}"):
            raise ValueError(f"the request asks for {size}, the authored PNG is {width}x{height}")
        if fmt != "png":
            raise ValueError(f"the request asks for {fmt}; the authored image is a PNG")
        if quality not in IMAGE_QUALITIES:
            raise ValueError(f"quality {quality!r}: name the quality in the request, so the reply can repeat it")
        prompt = count_tokens(str(body.get("prompt", "")))
        return Reply({
            "created": AUTHORED_AT,
            "background": "opaque",
            "data": [{"b64_json": base64.b64encode(png).decode("ascii")}],
            "output_format": "png",
            "quality": quality,
            "size": f"{width}x{height}",
            "usage": {
                "input_tokens": prompt,
                "input_tokens_details": {"image_tokens": 0, "text_tokens": prompt},
                "output_tokens": output_tokens,
                "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0},
                "total_tokens": prompt + output_tokens,
            },
        })

    return build


def transcription(text: str, seconds: float, languages: Sequence[str] = ()) -> dict:
    """A transcription (`client.audio.transcriptions.create`, JSON format) billed by audio duration.

    `languages`: the codes gpt-transcribe detected (SDK: Transcription.languages); `seconds`: the
    length of the uploaded audio (SDK: UsageDuration, "Duration of the input audio in seconds").
    """
    body: dict[str, Any] = {"text": text, "usage": {"type": "duration", "seconds": seconds}}
    if languages:
        body["languages"] = [{"code": code} for code in languages]
    return body


def translation(text: str) -> dict:
    """A translation into English (`client.audio.translations.create`, JSON format): text only, no usage."""
    return {"text": text}


def speech(audio: bytes, response_format: str = "mp3") -> Callable[[StubRequest], Reply]:
    """A speech reply (`client.audio.speech.create`): the audio file's bytes, nothing else.

    The request must name the stand-in's format in `response_format`, so an authored file never has
    the wrong format for its request.
    """
    if response_format not in SPEECH_MEDIA_TYPES:
        raise ValueError(f"no media type known for {response_format!r}; known: {', '.join(SPEECH_MEDIA_TYPES)}")

    def build(request: StubRequest) -> Reply:
        asked = (request.json or {}).get("response_format")
        if asked != response_format:
            raise ValueError(f"the request asks for {asked}; the authored audio is {response_format}")
        return Reply(audio, headers={"content-type": SPEECH_MEDIA_TYPES[response_format]})

    return build


# --- lesson 15 (cost at scale) builders ---

# Prompt caching on models before GPT-5.6, as the prompt caching guide describes it
# (https://developers.openai.com/api/docs/guides/prompt-caching): a request whose prompt starts with the
# same tokens as a recent one reads that prefix from the cache, and "Caching is available for prompts
# containing 1024 tokens or more". Hits come "in increments of 128 tokens" (the OpenAI cookbook's
# Prompt_Caching_201.ipynb, which "applies only to models before GPT-5.6"; the guide no longer says so).
CACHE_MINIMUM_TOKENS = 1024
CACHE_STEP_TOKENS = 128


def encode(text: str) -> list[int]:
    """The o200k_base tokens of `text`."""
    return _encoding().encode(text)


def cacheable_prompt(request: StubRequest) -> list:
    """A chat request's prompt as a cache compares it: per message, its wrapping, then its text's tokens.

    The wrapping stands for the TOKENS_PER_MESSAGE tokens each message costs, and names the role, so
    two prompts share a message only where role and text agree.
    """
    prompt: list = []
    for message in (request.json or {}).get("messages") or []:
        role = message.get("role")
        prompt += [("message", role, n) for n in range(TOKENS_PER_MESSAGE)]
        prompt += _encoding().encode(_content_text(message.get("content")))
    return prompt


def shared_prefix(first: Sequence, second: Sequence) -> int:
    """How many leading items two sequences have in common."""
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


@dataclass
class PromptCache:
    """Authored cache hits: a chat request reads the longest prefix its prompt shares with an earlier request.

    `cache.chat("text")` is a reply rule: the chat completion "text", whose
    `usage.prompt_tokens_details.cached_tokens` counts the leading tokens the request shares with an
    earlier request to the same model (see `cacheable_prompt`), rounded down to a multiple of 128, and
    0 under 1024. Messages only: a script that sends tools or images counts theirs itself. Nothing
    expires, as a notebook's requests come within minutes of each other.
    """

    seen: list[tuple[Any, list]] = field(default_factory=list)

    def hit(self, request: StubRequest) -> int:
        """The tokens `request` reads from the cache; it is remembered for later requests."""
        model, prompt = (request.json or {}).get("model"), cacheable_prompt(request)
        shared = max((shared_prefix(prompt, earlier) for m, earlier in self.seen if m == model), default=0)
        self.seen.append((model, prompt))
        return 0 if shared < CACHE_MINIMUM_TOKENS else shared // CACHE_STEP_TOKENS * CACHE_STEP_TOKENS

    def chat(self, content: str, **kwargs: Any) -> Callable[[StubRequest], Chat]:
        """A reply rule: `chat(content, **kwargs)` with the cached tokens this request would read."""
        return lambda request: chat(content, cached_tokens=self.hit(request), **kwargs)


@dataclass
class TierChat(Chat):
    """A chat completion that names the processing tier that served it, as the reply's `service_tier` does."""

    service_tier: str = "default"

    def body(self, request: StubRequest, serial: int) -> dict:
        rendered = super().body(request, serial)
        rendered["service_tier"] = self.service_tier
        return rendered


def chat_on_tier(content: str | None, tier: str, **kwargs: Any) -> TierChat:
    """`chat(content)` served on `tier` ("flex", "default", "priority"): what the reply's `service_tier` says.

    The SDK: "the response body will include the `service_tier` value based on the processing mode
    actually used to serve the request".
    """
    choice_fields = {k: kwargs.pop(k) for k in ("tool_calls", "finish_reason", "logprobs", "refusal") if k in kwargs}
    return TierChat([Choice(content, **choice_fields)], service_tier=tier, **kwargs)


def multipart_fields(request: StubRequest) -> dict[str, tuple[str | None, bytes]]:
    """The fields of a multipart/form-data upload: name → (its filename, None for a plain field; its bytes)."""
    import re

    content_type = request.headers.get("content-type", "")
    boundary = re.search(r"boundary=\"?([^\";]+)", content_type)
    if boundary is None:
        raise ValueError(f"not a multipart upload (content-type {content_type!r})")
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in request.body.split(b"--" + boundary.group(1).encode()):
        head, blank, content = part.partition(b"\r\n\r\n")
        name = re.search(rb'[; ]name="([^"]*)"', head)
        if blank and name:
            filename = re.search(rb'filename="([^"]*)"', head)
            fields[name.group(1).decode()] = (filename.group(1).decode() if filename else None,
                                              content.removesuffix(b"\r\n"))
    return fields


BATCH_WINDOW = 24 * 3600  # the only completion window, "24h" (SDK BatchCreateParams)
BATCH_FILE_LIFETIME = 30 * 24 * 3600  # SDK files.create: "files with `purpose=batch` expire after 30 days"


@dataclass
class BatchJob:
    """One authored Batch API job: its input file's upload, the batch in each state, its results, clean-up.

        job = BatchJob(answer=lambda body: chat("positive"), polls=[("in_progress", 0, 60), ...])
        job.add_to(script)

    `answer(body)` is the reply (a `Chat`) to the request line with that `body`; output lines carry the
    usage the builders count, and the finished batch's `usage` sums them. `polls` are what each
    `batches.retrieve` finds, (status, requests completed, seconds after creation); the last repeats.
    Output lines come back in an order of their own: the batch guide warns that "the output line order
    may not match the input line order". The request lines are checked as the guide asks: a unique
    `custom_id` each, POST to the batch's endpoint, one model for the whole file.
    """

    answer: Callable[[dict], Chat]
    polls: Sequence[tuple[str, int, int]]
    batch_id: str = "batch_" + _digest("batch", length=32)
    input_file_id: str = "file-" + _digest("batch input", length=22)
    output_file_id: str = "file-" + _digest("batch output", length=22)
    created_at: int = AUTHORED_AT + 600
    validated_after: int = 40  # seconds in "validating"
    filename: str = ""
    content: bytes = b""
    batch_request: dict = field(default_factory=dict)
    polled: int = 0

    def add_to(self, script: Script) -> Script:
        """Answer the job's upload, creation, polls, download and deletions in `script`."""
        script.add("POST /v1/files", self.upload, when=self._is_batch_upload)
        script.add("POST /v1/batches", self.create)
        script.add(f"GET /v1/batches/{self.batch_id}", self.retrieve)
        script.add(f"GET /v1/files/{self.output_file_id}/content", self.results)
        for file_id in (self.input_file_id, self.output_file_id):
            script.add(f"DELETE /v1/files/{file_id}", {"id": file_id, "object": "file", "deleted": True})
        return script

    @staticmethod
    def _is_batch_upload(request: StubRequest) -> bool:
        try:
            purpose = multipart_fields(request).get("purpose")
        except ValueError:
            return False
        return purpose is not None and purpose[1] == b"batch"

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.content.decode("utf-8").splitlines() if line.strip()]

    def upload(self, request: StubRequest) -> Reply:
        self.filename, self.content = multipart_fields(request)["file"]
        ids = [line["custom_id"] for line in self.lines]
        models = {line["body"].get("model") for line in self.lines}
        if len(set(ids)) != len(ids) or len(models) != 1 or any(line["method"] != "POST" for line in self.lines):
            raise ValueError("a batch file needs a unique custom_id per line, POST requests and one model")
        uploaded = self.created_at - 30
        return Reply({"object": "file", "id": self.input_file_id, "purpose": "batch", "filename": self.filename,
                      "bytes": len(self.content), "created_at": uploaded,
                      "expires_at": uploaded + BATCH_FILE_LIFETIME, "status": "processed", "status_details": None})

    def create(self, request: StubRequest) -> Reply:
        self.batch_request = request.json or {}
        wanted = (self.input_file_id, "24h")
        if (self.batch_request.get("input_file_id"), self.batch_request.get("completion_window")) != wanted:
            raise ValueError(f"the batch must name {self.input_file_id} and completion_window '24h'")
        if any(line["url"] != self.batch_request.get("endpoint") for line in self.lines):
            raise ValueError("every line's url must be the batch's endpoint")
        return Reply(self._batch("validating", 0, 0))

    def retrieve(self, request: StubRequest) -> Reply:
        status, completed, at = self.polls[min(self.polled, len(self.polls) - 1)]
        self.polled += 1
        return Reply(self._batch(status, completed, at))

    def _outputs(self) -> list[dict]:
        """The output lines, in the order the output file holds them."""
        outputs = []
        for serial, line in enumerate(self.lines):
            reply = self.answer(line["body"])
            reply.created = reply.created or self.created_at + self.validated_after + serial
            body = reply.body(StubRequest("POST", line["url"], {}, json.dumps(line["body"]).encode()), serial)
            body.pop("service_tier", None)  # the guide's output line names no tier; Batch is not a service_tier
            response = {"status_code": 200, "request_id": "req_" + _digest("req", self.batch_id, serial, length=24),
                        "body": body}
            outputs.append({"id": "batch_req_" + _digest(self.batch_id, line["custom_id"], length=24),
                            "custom_id": line["custom_id"], "response": response, "error": None})
        return sorted(outputs, key=lambda output: _digest(output["custom_id"]))

    def results(self, request: StubRequest) -> Reply:
        text = "".join(json.dumps(output) + "\n" for output in self._outputs())
        return Reply(text.encode("utf-8"), headers={"content-type": "application/octet-stream"})

    def _usage(self) -> dict:
        usages = [output["response"]["body"]["usage"] for output in self._outputs()]
        given = sum(u["prompt_tokens"] for u in usages)
        made = sum(u["completion_tokens"] for u in usages)
        return {
            "input_tokens": given,
            "input_tokens_details": {"cached_tokens": sum(u["prompt_tokens_details"]["cached_tokens"] for u in usages)},
            "output_tokens": made,
            "output_tokens_details": {
                "reasoning_tokens": sum(u["completion_tokens_details"]["reasoning_tokens"] for u in usages)},
            "total_tokens": given + made,
        }

    def _batch(self, status: str, completed: int, at: int) -> dict:
        """The batch object as a poll `at` seconds after creation finds it."""
        begun, done = status != "validating", status == "completed"
        finishing = [t for s, _, t in self.polls if s in ("finalizing", "completed")]
        model = {line["body"]["model"] for line in self.lines}.pop()
        return {
            "id": self.batch_id,
            "object": "batch",
            "endpoint": self.batch_request.get("endpoint"),
            "errors": None,
            "input_file_id": self.input_file_id,
            "completion_window": "24h",
            "status": status,
            "output_file_id": self.output_file_id if done else None,
            "error_file_id": None,
            "created_at": self.created_at,
            "in_progress_at": self.created_at + self.validated_after if begun else None,
            "expires_at": self.created_at + BATCH_WINDOW,
            "finalizing_at": self.created_at + finishing[0] if status in ("finalizing", "completed") else None,
            "completed_at": self.created_at + at if done else None,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": len(self.lines) if begun else 0, "completed": completed, "failed": 0},
            "metadata": self.batch_request.get("metadata"),
            "model": SNAPSHOTS.get(model, model),
            "usage": self._usage() if done else None,
        }

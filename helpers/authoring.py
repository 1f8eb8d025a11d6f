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
# (the counting recipe in the OpenAI cookbook, "How to count tokens with tiktoken").
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

# --- lesson 11 (errors and retries) builders ---

# --- lesson 13 (other endpoints) builders ---

# --- lesson 14 (images and audio) builders ---

# --- lesson 15 (cost at scale) builders ---

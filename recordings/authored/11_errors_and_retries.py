"""Authored replies for notebooks/11_errors_and_retries.ipynb (see helpers/authoring.py).

Every reply and every error here is an authored example written for the course; none came from the
API. Each error's wording is that of a real reply reported in public (its source is named next to
it), with this course's model, request and key put in. Usage is counted with the o200k_base tokenizer
by the builders.

Three failures are not API replies but network ones, met by `course author` against the stub server
and stored as recorded failures (helpers/recording.py), which replay raises again:
- section 8's timeout: the stub holds the request (`no_reply(after=...)`) past the client's 1 ms;
- section 8's refused connection: the notebook's client points at 127.0.0.1:9, where nothing
  listens, so no rule here answers it: the authoring run's own connection is refused;
- section 9's broken stream: the stub closes the connection after a few chunks (`cut_stream`).
"""

from __future__ import annotations

import hashlib

from helpers.authoring import Script, api_headers, chat, cut_stream, error, no_reply, stream
from helpers.stub_server import Reply, StubRequest

script = Script()


def masked_key(request: StubRequest) -> str:
    """The key as a 401 shows it: its first 8 and last 4 characters, a star for each one between.

    As in real 401s, e.g. "Incorrect API key provided: YOUR_OPE************HERE."
    (https://github.com/continuedev/continue/issues/9479) and "your-ope*******-key"
    (https://github.com/Significant-Gravitas/AutoGPT/issues/4014).
    """
    key = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return key[:8] + "*" * max(0, len(key) - 12) + key[-4:]


def wrong_key(request: StubRequest) -> Reply:
    # The full 401 body, with type and code: https://github.com/chatanywhere/GPT_API_free/issues/62 and
    # https://github.com/dan1471/FREE-openai-api-keys/issues/48 (openai.AuthenticationError, 2025).
    return error(401, f"Incorrect API key provided: {masked_key(request)}. You can find your API key at "
                 "https://platform.openai.com/account/api-keys.", "invalid_request_error", None, "invalid_api_key")


def request_id(request: StubRequest) -> str:
    """A request ID in the 32-hex form older 5xx messages quote (it differs per request, not per run)."""
    return hashlib.sha256(request.body).hexdigest()[:32]


def server_error(request: StubRequest) -> Reply:
    # 500, worded as https://github.com/ai-genie/chatgpt-vscode/issues/100 (type server_error, code null).
    return error(500, "The server had an error processing your request. Sorry about that! You can retry your "
                 "request, or contact us through our help center at help.openai.com if you keep seeing this "
                 f"error. (Please include the request ID {request_id(request)} in your email.)", "server_error")


def overloaded(request: StubRequest) -> Reply:
    # 503, worded as https://github.com/ikechan8370/chatgpt-plugin/issues/125 (type server_error, code null).
    return error(503, "That model is currently overloaded with other requests. You can retry your request, or "
                 "contact us through our help center at help.openai.com if the error persists. (Please include "
                 f"the request ID {request_id(request)} in your message.)", "server_error")


# A 429 for going too fast, worded as https://github.com/feder-cr/invisible_playwright_mcp/issues/249
# (gpt-4o-mini; type "requests", code "rate_limit_exceeded"). The organisation id is shown as the
# recorder shows it after scrubbing; the limits are examples.
RATE_LIMITED = error(
    429, "Rate limit reached for gpt-5.4-mini in organization org-REDACTED on requests per min (RPM): Limit 500, "
    "Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to "
    "learn more.", "requests", None, "rate_limit_exceeded")

# 2. 401: the notebook's client carries a made-up key.
script.add("POST /v1/chat/completions", wrong_key, when="Say hello in French.")

# 3. 400: a tool result with no assistant tool call before it. Wording, param and code of real
# replies: https://github.com/run-llama/llama_index/issues/10493 ('param': 'messages.[0].role',
# 'code': None) and https://github.com/camel-ai/camel/issues/3339 (gpt-5-nano); older reports spell
# "preceeding" (https://github.com/smarter-sh/smarter/issues/264).
script.add("POST /v1/chat/completions", error(
    400, "Invalid parameter: messages with role 'tool' must be a response to a preceding message with "
    "'tool_calls'.", "invalid_request_error", "messages.[1].role", None), when="18 °C, cloudy")

# 4. 404: a snapshot date off by one. Wording, type and code: https://github.com/abi/screenshot-to-code/issues/459
# ("The model `gpt-4o-2024-11-20` does not exist or you do not have access to it.", model_not_found).
script.add("POST /v1/chat/completions", error(
    404, "The model `gpt-5.4-mini-2026-03-18` does not exist or you do not have access to it.",
    "invalid_request_error", None, "model_not_found"),
    when=lambda request: (request.json or {}).get("model") == "gpt-5.4-mini-2026-03-18")

# 6. 429 twice (the cell sets max_retries=0): a rate limit, and an account without credit. The
# insufficient_quota body: https://github.com/langchain-ai/chat-langchain/issues/428 (2025).
script.add("POST /v1/chat/completions", RATE_LIMITED, when="Name a prime number.")
script.add("POST /v1/chat/completions", error(
    429, "You exceeded your current quota, please check your plan and billing details. For more information on "
    "this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    "insufficient_quota", None, "insufficient_quota"), when="Name a colour.")

# 7. A 500 the SDK's retry gets past; then a 503 on all three attempts (1 + max_retries=2).
script.add("POST /v1/chat/completions", server_error, chat("Fast."), when="a synonym for 'quick'")
script.add("POST /v1/chat/completions", overloaded, overloaded, overloaded, when="a synonym for 'slow'")

# 8. No answer within the client's 1 ms, on both attempts (max_retries=1).
script.add("POST /v1/chat/completions", no_reply(after=1.0), when="Count to three.")

# 9. A stream whose connection is lost mid-sentence: after the role chunk and fifteen pieces of text.
STORY = ("The lighthouse keeper counted ships until the fog rolled in. That night, the only light "
         "on the coast was hers.")
script.add("POST /v1/chat/completions", cut_stream(stream(STORY), after=16),
           when="two-sentence story about a lighthouse")

# 10. The rate-limit headers, with the sample values of the "Rate limits in headers" table of
# https://developers.openai.com/api/docs/guides/rate-limits (60 / 59 requests, 150000 / 149984
# tokens, resets 1s and 6m0s); real values depend on the account's tier and the model.
script.add("POST /v1/chat/completions", Reply(
    chat("The Pacific Ocean."), headers=api_headers(321, requests=(60, 59), tokens=(150000, 149984))),
    when="Name a large ocean.")

# 11. A small batch: the second question meets two rate limits before its answer.
script.add("POST /v1/chat/completions", chat("Tokyo"), when="Capital of Japan?")
script.add("POST /v1/chat/completions", RATE_LIMITED, RATE_LIMITED, chat("Nairobi"), when="Capital of Kenya?")
script.add("POST /v1/chat/completions", chat("Santiago"), when="Capital of Chile?")

"""Authored replies for notebooks/10_raw_http.ipynb (see helpers/authoring.py).

Every reply is an authored example written for the course; none was produced by gpt-5.4-mini.
Usage is counted with the o200k_base tokenizer by the builders.

The lesson sends one chat request three ways: with the SDK, with `requests`, and with curl. The SDK
and `requests` calls are recorded; curl runs in a process of its own, which vcrpy does not see, so
its request is the same as the `requests` one and replays that reply (helpers/wire.py). Here the
rule serves the SDK its reply, then `requests` (and curl, the last reply repeating) theirs.

Headers (helpers.authoring.api_headers): x-request-id comes from the stub server; the others are in
the documented formats. openai-processing-ms and openai-version ("currently 2020-10-01"): "Debugging
requests" in https://developers.openai.com/api/reference/overview. The x-ratelimit-* family: "Rate
limits in headers" in https://developers.openai.com/api/docs/guides/rate-limits (read from the stored
history copy https://spybara.com/openai/api/history/docs/en/2026-06-24-2202..2026-06-26-1757/, whose
samples are 60, 150000, 59, 149984, "1s", "6m0s"); reset times in milliseconds ("12ms", "9ms") are in
real reply headers quoted at https://community.openai.com/t/how-to-get-rate-limit-reset-time-for-response-api/1268905.
The limits are examples (500 requests and 200,000 tokens a minute), not any account's: each call
here uses one request and about 30 tokens of them, and the reset times are what refills that at
those rates (60 s / 500 = 120 ms a request, 30 tokens at 200,000 a minute = 9 ms).
"""

from __future__ import annotations

from helpers.authoring import Script, api_headers, chat, error
from helpers.stub_server import Reply

RPM, TPM = 500, 200_000


def limits(calls: int, processing_ms: int) -> dict[str, str]:
    """The headers after the lesson's `calls`-th chat call of the minute."""
    return api_headers(processing_ms, requests=(RPM, RPM - calls), tokens=(TPM, TPM - 30 * calls),
                       resets=(f"{120 * calls}ms", f"{9 * calls}ms"))


typo = error(400, "Unrecognized request argument supplied: max_completion_token", "invalid_request_error")
typo.headers = api_headers(7)

script = Script()

# 8. A misspelled parameter sent by hand. The message, type, param and code are those of real replies
# of the API to a field it does not know: "Unrecognized request argument supplied: top_k" from
# https://api.openai.com/v1/chat/completions (https://github.com/xlinx/sd-webui-decadetw-auto-prompt-llm/issues/29),
# and the same for reasoning_effort (https://github.com/davidmigloz/langchain_dart/issues/712). Checked first:
# its last message is the same as the hello requests'.
script.add(
    "POST /v1/chat/completions",
    typo,
    when=lambda request: "max_completion_token" in (request.json or {}),
)

# 1, 2 and 5. The same request from the SDK, from `requests`, then (not recorded) from curl.
script.add(
    "POST /v1/chat/completions",
    Reply(chat("Hi there, glad you're here."), headers=limits(1, 412)),
    Reply(chat("Hello, and welcome aboard today!"), headers=limits(2, 388)),
    when="Say hello in five words.",
)

# 6. with_raw_response.
script.add(
    "POST /v1/chat/completions",
    Reply(chat("Goodbye, and take good care."), headers=limits(3, 405)),
    when="Say goodbye in five words.",
)

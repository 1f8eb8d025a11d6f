"""Authored replies for notebooks/02_parameters.ipynb (see helpers/authoring.py).

Every reply here is written for the course, to gpt-5.4-mini requests: no request of ours reached
the API. Usage is counted by the builders with the o200k_base tokenizer, and a reply longer than a
request's `max_completion_tokens` is cut there with finish_reason "length", as the API does. The
two 400 errors quote, word for word, the wire text (message, type, param, code) of real reports
named next to them; they are `authored` too, since no request of ours produced them.

Logprobs are written as the API sends them: one entry per token with its text, its natural-log
probability, its UTF-8 bytes and the `top_logprobs` candidates, likeliest first, the chosen
token among them. The tokens are real o200k_base tokens (the answer's own and the logit_bias ids).

What the sources say about the parameters used here (the lesson links the same sources):
- temperature, top_p, logprobs: "only supported when using GPT-5.4 with reasoning effort set to
  `none`" (https://developers.openai.com/api/docs/guides/latest-model, "GPT-5.4 parameter
  compatibility"); gpt-5.4-mini's default effort is "none" (same guide: "GPT 5.4 supports none
  (default), low, medium, high, and xhigh").
- n, stop, frequency/presence penalties, seed, logit_bias: no GPT-5.4 statement found; the SDK's
  `stop` docstring says only "Not supported with latest reasoning models `o3` and `o4-mini`". The
  replies to these requests show what such a reply looks like, not that gpt-5.4-mini accepts them.
- max_tokens: "deprecated in favor of `max_completion_tokens`, and is not compatible with
  o-series models" (SDK docstring, openai/types/chat/completion_create_params.py).
- verbosity: low / medium / high, default medium (same guide; SDK docstring).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from helpers.authoring import Script, chat, chat_n, error
from helpers.stub_server import StubRequest

# --- builders -------------------------------------------------------------------------------------


def token_entry(token: str, probability: float) -> dict:
    """One token of a logprobs list: text, log-probability and UTF-8 bytes."""
    return {"token": token, "logprob": round(math.log(probability), 8), "bytes": list(token.encode("utf-8"))}


def logprobs_block(steps: Sequence[tuple[str, float, Sequence[tuple[str, float]]]]) -> dict:
    """`choices[i].logprobs` from (chosen token, its probability, [(rival, probability), ...]) steps."""
    content = []
    for token, probability, rivals in steps:
        candidates = sorted([(token, probability), *rivals], key=lambda pair: -pair[1])
        entry = token_entry(token, probability)
        entry["top_logprobs"] = [token_entry(text, p) for text, p in candidates]
        content.append(entry)
    return {"content": content, "refusal": None}


def body_has(**expected: object) -> Callable[[StubRequest], bool]:
    """A `when` predicate: the request body has these top-level values."""

    def test(request: StubRequest) -> bool:
        body = request.json or {}
        return all(key in body and body[key] == value for key, value in expected.items())

    return test


def asks(text: str, **expected: object) -> Callable[[StubRequest], bool]:
    """A `when` predicate: the last message contains `text` and the body has these values."""
    has = body_has(**expected)

    def test(request: StubRequest) -> bool:
        messages = (request.json or {}).get("messages") or [{}]
        return text in str(messages[-1].get("content", "")) and has(request)

    return test


def schema_named(name: str) -> Callable[[StubRequest], bool]:
    """A `when` predicate: `parse` sent the pydantic class `name` as a json_schema response_format."""

    def test(request: StubRequest) -> bool:
        response_format = (request.json or {}).get("response_format") or {}
        return response_format.get("type") == "json_schema" and response_format["json_schema"]["name"] == name

    return test


# --- 1. length ----------------------------------------------------------------------------------

# One answer serves every cap: the builder cuts it at a request's max_completion_tokens.
HASH_MAP_FULL = (
    "A hash map stores key-value pairs so you can find a value quickly from its key. It runs each key "
    "through a hash function, which turns the key into a number, and uses that number to pick a slot "
    "(a \"bucket\") in an internal array. A lookup hashes the key again and goes straight to its "
    "bucket instead of searching every entry, so it takes about the same time however big the map "
    "gets.\n\n"
    "When two keys land in the same bucket (a collision), the map keeps a short list there or probes "
    "for the next free slot, and it grows its array when it gets too full."
)
# Wire text of the API's 400 for max_tokens on reasoning models, word for word as in real reports:
# gpt-5, full JSON: https://github.com/griptape-ai/ComfyUI-Griptape/issues/312; the same message
# for gpt-5.4 and gpt-5.4-mini: https://github.com/koosoli/ESPHomeDesigner/issues/379.
MAX_TOKENS_REFUSED = error(
    400,
    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    "invalid_request_error",
    "max_tokens",
    "unsupported_parameter",
)

# --- 2. structured outputs ----------------------------------------------------------------------

PYTHON_JSON = '{"name": "Python", "year": 1991, "creator": "Guido van Rossum"}'
PYTHON_STRUCTURED = (
    '{"name":"Python","year":1991,"creator":"Guido van Rossum",'
    '"paradigms":["object-oriented","imperative","functional","procedural"]}'
)
# A refusal arrives in message.refusal with content None; parse() then leaves message.parsed None
# (SDK openai/lib/_parsing/_completions.py, maybe_parse_content).
PRIVATE_DETAILS_REFUSAL = "I'm sorry, but I can't help with finding a private person's home address or phone number."

# --- 3. reasoning effort ------------------------------------------------------------------------

# The reasoning token counts are plausible figures chosen for the course, not measurements.
BALL_NONE = "The ball costs $0.05, because then the bat costs $1.05 and together they cost $1.10."
BALL_LOW = "The ball costs $0.05: the bat costs $1.05, which is $1.00 more, and $0.05 + $1.05 = $1.10."
BALL_HIGH = "The ball costs $0.05 (5 cents), since the bat then costs $1.05 and $0.05 + $1.05 = $1.10."
HASH_MAP_BRIEF = (
    "A hash map stores key-value pairs in an array of buckets: it hashes each key to pick a bucket, "
    "so a lookup goes straight there instead of scanning every entry. Keys that collide share a "
    "bucket or take the next free slot."
)
# Wire text of the API's 400 for a temperature other than 1 on a reasoning model, word for word as
# in real reports: https://github.com/holoviz/lumen/pull/1087 and
# https://getquicker.net/Common/Topics/ViewTopic/35659 (GPT-5, with param and code). The GPT-5.4
# guide says temperature at any effort other than "none" "will raise an error".
TEMPERATURE_REFUSED = error(
    400,
    "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
    "invalid_request_error",
    "temperature",
    "unsupported_value",
)

# --- 5. n, temperature and top_p (supported at effort "none", per the GPT-5.4 guide) ---------------

FRUITS_T0 = ["apple"] * 10
FRUITS_T1 = ["apple", "apple", "banana", "apple", "mango", "apple", "apple", "banana", "apple", "orange"]
FRUITS_T15 = ["mango", "apple", "kiwi", "banana", "pomegranate", "apple", "papaya", "lychee", "banana", "apple"]

# --- 6. stop (no GPT-5.4 statement found) ---------------------------------------------------------

NAMING_TWO_TIPS = (
    "1. **Be descriptive**: choose names that say what the value holds, such as `user_count` "
    "instead of `uc` or `x`.\n"
    "2. **Follow PEP 8**: use `snake_case` for variables and functions, and `UPPER_CASE` for "
    "constants.\n"
)

# --- 8. logprobs (supported at effort "none", per the GPT-5.4 guide) ------------------------------

JAPAN_STEPS = [
    ("The", 0.9862, [("Spring", 0.0112), ("Late", 0.0009)]),
    (" best", 0.9996, [(" ideal", 0.0003), (" most", 0.00005)]),
    (" time", 0.9321, [(" season", 0.0675), (" times", 0.0002)]),
    (" to", 0.99996, [(" for", 0.00003), (" of", 0.000005)]),
    (" visit", 0.999998, [(" go", 0.000001), (" travel", 0.0000005)]),
    (" Japan", 0.999999, [(" japan", 0.0000004), (" JAPAN", 0.0000001)]),
    (" is", 0.9985, [(" depends", 0.0011), (" generally", 0.0002)]),
    (" in", 0.6513, [(" during", 0.3229), (" spring", 0.0206)]),
    (" spring", 0.8807, [(" the", 0.0611), (" autumn", 0.0573)]),
    (",", 0.7311, [(" (", 0.1587), (" from", 0.0796)]),
    (" from", 0.9203, [(" especially", 0.0410), (" particularly", 0.0263)]),
    (" late", 0.9568, [(" March", 0.0302), (" mid", 0.0121)]),
    (" March", 0.9999, [(" February", 0.00008), (" Mar", 0.00001)]),
    (" to", 0.9946, [(" through", 0.0051), (" until", 0.0002)]),
    (" early", 0.6225, [(" May", 0.3486), (" mid", 0.0269)]),
    (" May", 0.9999, [(" April", 0.0001), (" June", 0.00001)]),
    (".", 0.5622, [(",", 0.4374), (" when", 0.0003)]),
]
JAPAN_TEXT = "".join(token for token, _, _ in JAPAN_STEPS)

# --- 9. logit_bias (no GPT-5.4 statement found): " the" 290, "The" 976, " The" 623 in o200k_base --

THE_BANNED = {"290": -100, "976": -100, "623": -100}
CAT_NO_THE = (
    "A ginger cat lay curled up in a warm patch of sunlight, purring softly as it dozed through a lazy afternoon."
)

# --- the script ---------------------------------------------------------------------------------

script = Script()
ADD = "POST /v1/chat/completions"

# 1. length: the deprecated name is refused; the same answer, cut at 20 tokens or whole at 300.
script.add(ADD, MAX_TOKENS_REFUSED, when=asks("hash map", max_tokens=20))
script.add(ADD, chat(HASH_MAP_BRIEF), when=asks("hash map", verbosity="low"))
script.add(ADD, chat(HASH_MAP_FULL), when=asks("hash map"))

# 2. JSON mode, then parse() into Language (cut at the cap when it is too small), then a refusal.
script.add(ADD, chat(PYTHON_JSON), when=asks("Python programming language", response_format={"type": "json_object"}))
script.add(ADD, chat(PYTHON_STRUCTURED),
           when=lambda request: asks("Python programming language")(request) and schema_named("Language")(request))
script.add(ADD, chat(refusal=PRIVATE_DETAILS_REFUSAL),
           when=lambda request: asks("home address")(request) and schema_named("Contact")(request))

# 3. reasoning effort: temperature refused above "none" first, then one answer per effort.
script.add(ADD, TEMPERATURE_REFUSED, when=asks("bat and a ball", temperature=0.2))
script.add(ADD, chat(BALL_NONE), when=asks("bat and a ball", reasoning_effort="none"))
script.add(ADD, chat(BALL_LOW, reasoning_tokens=136), when=asks("bat and a ball", reasoning_effort="low"))
script.add(ADD, chat(BALL_HIGH, reasoning_tokens=704), when=asks("bat and a ball", reasoning_effort="high"))

# 5. n with temperature and top_p: ten choices of one or two tokens each.
script.add(ADD, chat_n(*FRUITS_T0), when=asks("Name one fruit", temperature=0))
script.add(ADD, chat_n(*FRUITS_T1), when=asks("Name one fruit", temperature=1))
script.add(ADD, chat_n(*FRUITS_T15), when=asks("Name one fruit", temperature=1.5))
script.add(ADD, chat_n(*FRUITS_T0), when=asks("Name one fruit", top_p=0.1))

# 6. stop
script.add(ADD, chat(NAMING_TWO_TIPS), when=asks("naming variables", stop=["3."]))

# 7. seed: the same answer twice, from the same backend configuration.
script.add(ADD, chat("Sprocket"), chat("Sprocket"), when=asks("friendly robot", seed=42))

# 8. logprobs
script.add(ADD, chat(JAPAN_TEXT, logprobs=logprobs_block(JAPAN_STEPS)),
           when=asks("visit Japan", logprobs=True, top_logprobs=3))

# 9. logit_bias
script.add(ADD, chat(CAT_NO_THE), when=asks("cat sleeping in the sun", logit_bias=THE_BANNED))

"""Authored replies for notebooks/02_parameters.ipynb (see helpers/authoring.py).

Every reply here is written for the course: the source notes this course grew from hold no
recorded chat response that uses these parameters with today's models. The two 400 errors of the
reasoning model quote the API's published wire text (message, type, param, code) word for word,
but were not captured from a request of ours, so they are `authored` too.

Logprobs are written as the API sends them: one entry per token with its text, its natural-log
probability, its UTF-8 bytes and the `top_logprobs` candidates, likeliest first, the chosen
token among them. The tokens are real o200k_base tokens where that matters (the logit_bias ids).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from helpers.authoring import Chat, Choice, Script, chat, chat_n, error
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


def lacks(key: str) -> Callable[[StubRequest], bool]:
    """A `when` predicate: the request body does not set `key`."""
    return lambda request: key not in (request.json or {})


# --- 1. length ----------------------------------------------------------------------------------

HASH_MAP_CUT = "A hash map stores key-value pairs. To add a pair, it runs the key through a hash function"
HASH_MAP_FULL = (
    "A hash map stores key-value pairs so you can find a value quickly from its key. When you add a "
    "pair, the map runs the key through a hash function, which turns it into a number, and uses that "
    "number to pick a slot (a \"bucket\") in an internal array. To look a key up, it hashes the key "
    "again and goes straight to that bucket instead of searching every entry, which is why lookups "
    "take about the same time however big the map gets.\n\n"
    "Two different keys can land in the same bucket; this is called a collision. The map handles it "
    "by keeping a short list of entries in the bucket, or by probing for the next free slot, and it "
    "grows its array when it gets too full so that the buckets stay short."
)

# --- 3-4. temperature and top_p -----------------------------------------------------------------

FRUITS_T0 = ["apple"] * 10
FRUITS_T1 = ["apple", "apple", "banana", "apple", "mango", "apple", "apple", "banana", "apple", "orange"]
FRUITS_T15 = ["mango", "apple", "kiwi", "banana", "pomegranate", "apple", "papaya", "lychee", "banana", "apple"]

# --- 5. stop ------------------------------------------------------------------------------------

NAMING_TWO_TIPS = (
    "1. **Be descriptive**: choose names that say what the value holds, such as `user_count` "
    "instead of `uc` or `x`.\n"
    "2. **Follow PEP 8**: use `snake_case` for variables and functions, and `UPPER_CASE` for "
    "constants.\n"
)

# --- 6. penalties -------------------------------------------------------------------------------

OCEAN_PLAIN = (
    "The ocean covers more than seventy percent of the Earth's surface and holds most of the water "
    "on the planet. The ocean is home to an incredible variety of life, from tiny plankton to the "
    "largest animals on Earth. The ocean also shapes the weather and the climate, absorbing heat "
    "from the sun and carbon dioxide from the air. For many people, the ocean is a place of beauty, "
    "mystery and endless wonder."
)
OCEAN_PENALISED = (
    "Covering over seventy percent of Earth's surface, oceans hold most of our planet's water and "
    "regulate its climate. Beneath shimmering waves lies a vast world teeming with life, from "
    "microscopic plankton to colossal blue whales. Currents carry warmth across hemispheres, while "
    "coral reefs shelter countless species. For sailors, scientists and dreamers alike, these deep "
    "waters remain a source of mystery, wonder and inspiration."
)

# --- 8. logprobs --------------------------------------------------------------------------------

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

# --- 9. logit_bias: " the" 290, "The" 976, " The" 623 in o200k_base ----------------------------

THE_BANNED = {"290": -100, "976": -100, "623": -100}
CAT_PLAIN = "The cat lay stretched out in a warm patch of sunlight, its fur glowing as it drifted into a peaceful nap."
CAT_NO_THE = (
    "A ginger cat lay curled up in a warm patch of sunlight, purring softly as it dozed through a lazy afternoon."
)

# --- 10-11. JSON mode and structured outputs ---------------------------------------------------

PYTHON_JSON = '{"name": "Python", "year": 1991, "creator": "Guido van Rossum"}'
PYTHON_STRUCTURED = (
    '{"name":"Python","year":1991,"creator":"Guido van Rossum",'
    '"paradigms":["object-oriented","imperative","functional","procedural"]}'
)

# --- 12. reasoning model -----------------------------------------------------------------------

MAX_TOKENS_REFUSED = error(
    400,
    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    "invalid_request_error",
    "max_tokens",
    "unsupported_parameter",
)
TEMPERATURE_REFUSED = error(
    400,
    "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
    "invalid_request_error",
    "temperature",
    "unsupported_value",
)
BALL_ANSWER = "The ball costs $0.05 (5 cents), since $0.05 + $1.05 = $1.10 and the bat is exactly $1.00 more."

# --- the script ---------------------------------------------------------------------------------

script = Script()

# 1. length
script.add("POST /v1/chat/completions", chat(HASH_MAP_CUT, finish_reason="length", usage=(13, 20)),
           when=asks("hash map", max_tokens=20))
script.add("POST /v1/chat/completions", chat(HASH_MAP_FULL, usage=(13, 141)),
           when=asks("hash map", max_completion_tokens=300))

# 2. n
script.add(
    "POST /v1/chat/completions",
    chat_n("Purrfect Brew", "The Meowing Bean", "Whisker & Whistle Café", usage=(25, 15)),
    when=asks("coffee shop run by cats", n=3),
)

# 3-4. temperature and top_p: ten choices of one or two tokens each
script.add("POST /v1/chat/completions", chat_n(*FRUITS_T0, usage=(20, 10)), when=asks("Name one fruit", temperature=0))
script.add("POST /v1/chat/completions", chat_n(*FRUITS_T1, usage=(20, 10)), when=asks("Name one fruit", temperature=1))
script.add("POST /v1/chat/completions", chat_n(*FRUITS_T15, usage=(20, 13)),
           when=asks("Name one fruit", temperature=1.5))
script.add("POST /v1/chat/completions", chat_n(*FRUITS_T0, usage=(20, 10)), when=asks("Name one fruit", top_p=0.1))

# 5. stop
script.add("POST /v1/chat/completions", chat(NAMING_TWO_TIPS, usage=(23, 47)),
           when=asks("naming variables", stop=["3."]))

# 6. penalties
script.add("POST /v1/chat/completions", chat(OCEAN_PLAIN, usage=(15, 83)),
           when=asks("about the ocean", frequency_penalty=0))
script.add("POST /v1/chat/completions", chat(OCEAN_PENALISED, usage=(15, 78)),
           when=asks("about the ocean", frequency_penalty=1.5))

# 7. seed: the same answer twice, from the same backend configuration
script.add("POST /v1/chat/completions", chat("Sprocket", usage=(22, 3)), chat("Sprocket", usage=(22, 3)),
           when=asks("friendly robot", seed=42))

# 8. logprobs
script.add(
    "POST /v1/chat/completions",
    chat(JAPAN_TEXT, logprobs=logprobs_block(JAPAN_STEPS), usage=(22, len(JAPAN_STEPS))),
    when=asks("visit Japan", logprobs=True, top_logprobs=3),
)

# 9. logit_bias
script.add("POST /v1/chat/completions", chat(CAT_NO_THE, usage=(18, 25)),
           when=asks("cat sleeping in the sun", logit_bias=THE_BANNED))
script.add("POST /v1/chat/completions", chat(CAT_PLAIN, usage=(18, 24)),
           when=lambda request: asks("cat sleeping in the sun")(request) and lacks("logit_bias")(request))

# 10. JSON mode
script.add("POST /v1/chat/completions", chat(PYTHON_JSON, usage=(34, 20)),
           when=asks("Python programming language", response_format={"type": "json_object"}))

# 11. structured outputs (parse sends a json_schema response_format named after the class)
script.add(
    "POST /v1/chat/completions",
    chat(PYTHON_STRUCTURED, usage=(83, 36)),
    when=lambda request: asks("Python programming language")(request)
    and (request.json.get("response_format") or {}).get("type") == "json_schema"
    and request.json["response_format"]["json_schema"]["name"] == "Language",
)

# 12. reasoning model
# Wire text of the API's 400 for gpt-5-family models, word for word as quoted in public issue
# threads (e.g. langflow-ai/openrag#398); authored, since no request of ours produced them.
script.add("POST /v1/chat/completions", MAX_TOKENS_REFUSED, when=asks("bat and a ball", max_tokens=300))
script.add("POST /v1/chat/completions", TEMPERATURE_REFUSED, when=asks("bat and a ball", temperature=0.2))
script.add(
    "POST /v1/chat/completions",
    Chat([Choice("", finish_reason="length")], usage=(48, 100), reasoning_tokens=100),
    when=asks("bat and a ball", max_completion_tokens=100),
)
script.add(
    "POST /v1/chat/completions",
    Chat([Choice(BALL_ANSWER)], usage=(48, 222), reasoning_tokens=192),
    when=asks("bat and a ball", max_completion_tokens=2000, reasoning_effort="low"),
)

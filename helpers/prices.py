"""The price table: dollars per million tokens, with its date and source. The one place prices live."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

PRICES_AS_OF = "2026-11"
PRICES_SOURCE = "https://developers.openai.com/api/docs/pricing (Standard tier; fine-tuning section for training)"


@dataclass(frozen=True)
class Price:
    """Dollars per million tokens. `training` is per million trained tokens, where fine-tuning is offered."""

    input: float
    output: float
    cached_input: float | None = None
    training: float | None = None


# Only the models the course sends requests to (tests/test_currency.py holds the table to that).
PRICES: dict[str, Price] = {
    "gpt-5.4-mini": Price(0.75, 4.50, 0.075),
    # The fine-tuning lesson's base; training is offered on it until the platform closes to new jobs.
    "gpt-4.1-mini": Price(0.40, 1.60, 0.10, training=5.00),
}
# Fine-tuned models are billed at their own rates, not the base model's.
FINE_TUNED_PRICES: dict[str, Price] = {
    "gpt-4.1-mini": Price(0.80, 3.20, 0.20),
}
# Built-in tools of the Responses API bill per call on top of tokens: dollars per call.
TOOL_CALL_PRICES: dict[str, float] = {
    "web_search": 10.00 / 1000,
}


def price_of(model: str) -> Price:
    """The price of a model alias or dated snapshot (`gpt-5.4-mini-2026-03-17` → `gpt-5.4-mini`)."""
    if model.startswith("ft:"):
        base = model.split(":")[1]
        table = FINE_TUNED_PRICES
    else:
        base, table = model, PRICES
    for name in sorted(table, key=len, reverse=True):
        if base == name or base.startswith(name + "-2"):
            return table[name]
    known = ", ".join(sorted(PRICES))
    raise KeyError(f"No price for {model!r} in helpers/prices.py (as of {PRICES_AS_OF}). Known: {known}.")


def cost_in_dollars(model: str, input_tokens: int, output_tokens: int = 0) -> float:
    """What a call with these token counts costs at the listed prices."""
    price = price_of(model)
    return (input_tokens * price.input + output_tokens * price.output) / 1_000_000


# How gpt-5.4-mini bills an image, in prompt tokens (as of PRICES_AS_OF), from OpenAI's Images and vision
# guide, "Model sizing behavior" and "Patch-based image tokenization". The image is fitted within the
# detail level's largest side, then covered with 32 x 32 px patches; past the detail's patch budget it is
# scaled down until it fits; the patches are multiplied by the model's multiplier and rounded up. Older
# models (gpt-4o-mini, gpt-4o, gpt-4.1) counted 512-px tiles instead. The guide has changed: copies from
# mid-2026 gave gpt-5.4-mini a 1,536-patch budget and a 1.62 multiplier; the latest copy read (which also
# lists the gpt-5.6 models) gives the figures below. Check `usage.prompt_tokens` against them.
IMAGE_SOURCE = "https://developers.openai.com/api/docs/guides/images-vision#calculating-costs"
IMAGE_MODEL = "gpt-5.4-mini"
IMAGE_PATCH_SIDE = 32  # pixels
IMAGE_MULTIPLIER = Fraction("1.2")  # gpt-5.4-mini's row of the multiplier table
# detail: (largest side in pixels, patch budget). "auto" sizes as "high" on this model.
IMAGE_LIMITS: dict[str, tuple[int, int]] = {
    "low": (2048, 6144),  # the guide: "so it can use more tokens than high"
    "high": (2048, 2500),
    "original": (6000, 10000),
}


def _patches(width: int, height: int) -> int:
    return math.ceil(width / IMAGE_PATCH_SIDE) * math.ceil(height / IMAGE_PATCH_SIDE)


def image_tokens(width: int, height: int, detail: str = "auto") -> int:
    """Prompt tokens gpt-5.4-mini bills for one image of `width` x `height` px at `detail`.

    `detail` is "auto" (sized as "high"), "low", "high" or "original". Rounding follows the guide:
    the fit to the largest side is in whole pixels (the guide says "rounding to integer pixels",
    not which way; this rounds down), the scaled-down size is rounded down, and the tokens are
    rounded up. The guide warns that floating-point rounding in billing can make the real count
    differ from such an estimate by one token. Images are never enlarged.
    """
    if detail == "auto":
        detail = "high"
    if detail not in IMAGE_LIMITS:
        known = ", ".join(["auto", *IMAGE_LIMITS])
        raise ValueError(f"detail must be one of {known}, not {detail!r}.")
    if width < 1 or height < 1:
        raise ValueError(f"an image has at least one pixel a side, not {width} x {height}.")
    largest, budget = IMAGE_LIMITS[detail]
    if max(width, height) > largest:  # 1. fit within the largest side, keeping the proportions
        long_side = max(width, height)
        width, height = width * largest // long_side, height * largest // long_side
    if _patches(width, height) > budget:  # 2. over the patch budget: scale down to fit it
        shrink = math.sqrt(IMAGE_PATCH_SIDE**2 * budget / (width * height))
        across, down = width * shrink / IMAGE_PATCH_SIDE, height * shrink / IMAGE_PATCH_SIDE
        shrink *= min(math.floor(across) / across, math.floor(down) / down)
        # the guide keeps full precision until here; the tiny margin keeps 1599.9999… from becoming 1599
        width, height = math.floor(width * shrink + 1e-9), math.floor(height * shrink + 1e-9)
    return math.ceil(_patches(width, height) * IMAGE_MULTIPLIER)  # 3. times the multiplier, rounded up


# Prices added for the lessons after 09, each below its lesson's heading (with its source URL).

# --- lesson 13 (other endpoints) prices ---
# Embeddings bill input tokens only: text-embedding-3-small costs $0.02 per million (pricing page,
# "Embeddings"; the embeddings guide's "62,500 pages per dollar" at ~800 tokens a page is the same rate:
# https://developers.openai.com/api/docs/guides/embeddings). Moderation is free: "Moderation models are
# free models designed to detect harmful content" (https://developers.openai.com/api/docs/models/omni-moderation-latest).
PRICES["text-embedding-3-small"] = Price(0.02, 0.0)
PRICES["omni-moderation-latest"] = Price(0.0, 0.0)

# --- lesson 14 (images and audio) prices ---
# Image models bill tokens three ways: text input, image input (the pictures an edit sends) and image
# output. gpt-image-2.6-flare is "the smaller model" of GPT Image 2.6 (prompting guide:
# https://developers.openai.com/api/docs/guides/image-prompting?model=gpt-image-2.6). Its own model page
# was not among the docs read; its sibling's lists, per million tokens, text input $5.00 (cached $1.25),
# image input $8.00 (cached $2.00), image output $30.00
# (https://developers.openai.com/api/docs/models/gpt-image-2.6-sunburst), and summaries of the pricing
# page give both models the same prices. PRICES (below IMAGE_PRICES) takes its `input` from the text
# prompt and its `output` from the image: all that a generation from a prompt bills.


@dataclass(frozen=True)
class ImagePrice:
    """Dollars per million tokens of an image model, by kind of token."""

    text_input: float
    cached_text_input: float
    image_input: float
    cached_image_input: float
    image_output: float


IMAGE_PRICES: dict[str, ImagePrice] = {
    "gpt-image-2.6-flare": ImagePrice(5.00, 1.25, 8.00, 2.00, 30.00),
}
for _model, _price in IMAGE_PRICES.items():  # a generation from a prompt: text in, image out
    PRICES[_model] = Price(_price.text_input, _price.image_output, _price.cached_text_input)


def image_price_of(model: str) -> ImagePrice:
    """The token prices of an image model (alias or dated snapshot)."""
    for listed in sorted(IMAGE_PRICES, key=len, reverse=True):
        if model == listed or model.startswith(listed + "-2"):
            return IMAGE_PRICES[listed]
    known = ", ".join(sorted(IMAGE_PRICES))
    raise KeyError(f"No image price for {model!r} in helpers/prices.py (as of {PRICES_AS_OF}). Listed: {known}.")


# Speech: gpt-4o-mini-tts bills text input at $0.60 and audio output at $12.00 per million tokens
# (https://developers.openai.com/api/docs/models/gpt-4o-mini-tts). Its reply is the audio file alone:
# no usage block says how many audio tokens were billed.
PRICES["gpt-4o-mini-tts"] = Price(0.60, 12.00)

# Transcription and translation bill the minutes of audio uploaded: gpt-transcribe $0.0045 a minute
# (https://developers.openai.com/api/docs/models/gpt-transcribe), whisper-1 $0.006 a minute
# (https://developers.openai.com/api/docs/models/whisper-1). How a part of a minute is rounded is not
# documented. These requests are uploads, not JSON, so these models are listed here and not in PRICES.
AUDIO_MINUTE_PRICES: dict[str, float] = {
    "gpt-transcribe": 0.0045,
    "whisper-1": 0.006,
}


def audio_cost_in_dollars(model: str, seconds: float) -> float:
    """What `seconds` of uploaded audio cost to transcribe or translate with `model`, at its price per minute."""
    if model not in AUDIO_MINUTE_PRICES:
        known = ", ".join(sorted(AUDIO_MINUTE_PRICES))
        raise KeyError(
            f"No per-minute price for {model!r} in helpers/prices.py (as of {PRICES_AS_OF}). Listed: {known}."
        )
    return AUDIO_MINUTE_PRICES[model] * seconds / 60


# --- lesson 15 (cost at scale) prices ---

# The same tokens cost less, or more, on another processing tier. The pricing page has a table per
# tier: "Batch" (the Batch API: results within 24 hours), "Flex" (`service_tier="flex"`: "Tokens are
# priced at Batch API rates", the flex processing guide) and "Fast mode" (Priority processing, renamed
# on 2026-07-30; a reply served by it says `service_tier="priority"`, SDK docstring). Dollars per
# million tokens, as of PRICES_AS_OF. "standard" is PRICES above. Scale Tier is sold by contract: no row.
TIER_PRICES_SOURCE = "https://developers.openai.com/api/docs/pricing (Batch, Flex and Fast mode tables)"
TIER_PRICES: dict[str, dict[str, Price]] = {
    "batch": {"gpt-5.4-mini": Price(0.375, 2.25, 0.0375)},
    "flex": {"gpt-5.4-mini": Price(0.375, 2.25, 0.0375)},
    "priority": {"gpt-5.4-mini": Price(1.50, 9.00, 0.15)},
}
# What a request's or a reply's `service_tier` names → the tier whose table prices it. "auto" means
# the project's setting; a reply names the tier that really served it, so price replies, not requests.
TIER_ALIASES: dict[str | None, str] = {
    None: "standard", "auto": "standard", "default": "standard", "standard": "standard",
    "batch": "batch", "flex": "flex", "priority": "priority", "fast": "priority",
}


def tier_price_of(model: str, tier: str | None) -> Price:
    """The price of `model` on a processing tier: "standard", "batch", "flex", "priority", or a `service_tier`.

    A tier the table does not list raises KeyError with what it knows; so does a model without a row
    in that tier's table (the pricing page lists only some models for Flex and Fast mode).
    """
    name = TIER_ALIASES.get(tier)
    if name is None:
        known = ", ".join(sorted(k for k in TIER_ALIASES if k))
        raise KeyError(f"No prices for the processing tier {tier!r} in helpers/prices.py. Known: {known}.")
    if name == "standard":
        return price_of(model)
    table = TIER_PRICES[name]
    for listed in sorted(table, key=len, reverse=True):
        if model == listed or model.startswith(listed + "-2"):
            return table[listed]
    known = ", ".join(sorted(table)) or "none"
    raise KeyError(f"No {name} price for {model!r} in helpers/prices.py (as of {PRICES_AS_OF}). Listed: {known}.")

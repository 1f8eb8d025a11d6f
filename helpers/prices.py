"""The price table: dollars per million tokens, with its date and source. The one place prices live."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    """The price of a model alias or dated snapshot (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`)."""
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


# How gpt-4o-mini bills an image, in prompt tokens (as of PRICES_AS_OF): a fixed amount at low
# detail; at high detail the same plus a charge per 512-px tile, after the image is scaled to fit
# 2048 x 2048 and then to 768 px on its shorter side (never enlarged).
IMAGE_BASE_TOKENS = 2833
IMAGE_TILE_TOKENS = 5667


def image_tokens(width: int, height: int, detail: str = "high") -> int:
    """Prompt tokens gpt-4o-mini bills for one image of this size at `detail` ("low" or "high")."""
    if detail == "low":
        return IMAGE_BASE_TOKENS
    scale = min(1.0, 2048 / max(width, height))
    width, height = width * scale, height * scale
    scale = min(1.0, 768 / min(width, height))
    width, height = width * scale, height * scale
    return IMAGE_BASE_TOKENS + IMAGE_TILE_TOKENS * math.ceil(width / 512) * math.ceil(height / 512)

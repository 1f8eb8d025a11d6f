"""The price table and the image-token rule: the facts the cost lessons compute with."""

import pytest

from helpers.prices import cost_in_dollars, image_tokens, price_of


def test_snapshots_and_fine_tuned_models_find_their_prices():
    assert price_of("gpt-4o-mini-2024-07-18") == price_of("gpt-4o-mini")
    assert price_of("gpt-4.1-mini-2025-04-14") != price_of("gpt-4.1-2025-04-14")
    assert price_of("ft:gpt-4o-mini-2024-07-18:personal::abc").input == 2 * price_of("gpt-4o-mini").input
    with pytest.raises(KeyError, match="No price for 'davinci-002'"):
        price_of("davinci-002")


def test_cost_is_per_million_tokens():
    assert cost_in_dollars("gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.15 + 0.60)


@pytest.mark.parametrize(
    ("size", "detail", "tokens"),
    [
        ((6000, 4000), "low", 2833),  # low detail: one price at any size
        ((1000, 750), "high", 2833 + 4 * 5667),  # 2 x 2 tiles, no scaling
        ((512, 512), "high", 2833 + 5667),  # small images are never enlarged
        ((4000, 3000), "high", 2833 + 4 * 5667),  # fit 2048, then 768 on the short side: 1024 x 768
        ((800, 3000), "high", 2833 + 8 * 5667),  # fits 2048 as 546 x 2048, short side under 768: 2 x 4 tiles
    ],
)
def test_image_tokens_follow_the_tiling_rule(size, detail, tokens):
    width, height = size
    assert image_tokens(width, height, detail) == tokens

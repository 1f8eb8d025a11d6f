"""The price table and the image-token rule: the facts the cost lessons compute with."""

import pytest

from helpers.costs import call_usage
from helpers.prices import cost_in_dollars, image_tokens, price_of


def test_snapshots_and_fine_tuned_models_find_their_prices():
    assert price_of("gpt-5.4-mini-2026-03-17") == price_of("gpt-5.4-mini")
    assert price_of("gpt-4.1-mini-2025-04-14") == price_of("gpt-4.1-mini")
    assert price_of("ft:gpt-4.1-mini-2025-04-14:personal::abc").input == 2 * price_of("gpt-4.1-mini").input
    with pytest.raises(KeyError, match="No price for 'davinci-002'"):
        price_of("davinci-002")


def test_cost_is_per_million_tokens():
    assert cost_in_dollars("gpt-5.4-mini", 1_000_000, 1_000_000) == pytest.approx(0.75 + 4.50)


def test_a_recorded_call_costs_its_usage_at_the_listed_prices():
    request = '{"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "Hi"}]}'
    reply = ('{"usage": {"prompt_tokens": 1000, "completion_tokens": 100, "prompt_tokens_details": '
             '{"cached_tokens": 400}, "completion_tokens_details": {"reasoning_tokens": 60}}}')
    usage = call_usage(request, reply)
    assert (usage.input, usage.cached, usage.output, usage.reasoning) == (1000, 400, 100, 60)
    assert usage.dollars == pytest.approx((600 * 0.75 + 400 * 0.075 + 100 * 4.50) / 1e6)
    responses_stream = (
        'event: response.completed\ndata: {"type": "response.completed", "response": {"usage": '
        '{"input_tokens": 10, "output_tokens": 5, "input_tokens_details": {"cached_tokens": 0}, '
        '"output_tokens_details": {"reasoning_tokens": 0}}}}\n\n'
    )
    assert call_usage('{"model": "gpt-5.4-mini", "input": "Hi"}', responses_stream).output == 5
    assert call_usage('{"purpose": "fine-tune"}', "{}") is None


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

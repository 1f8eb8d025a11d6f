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
    searched = ('{"output": [{"type": "web_search_call"}, {"type": "message"}], "usage": {"input_tokens": 0, '
                '"output_tokens": 0}}')
    assert call_usage('{"model": "gpt-5.4-mini", "input": "Hi"}', searched).dollars == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("size", "detail", "tokens"),
    [
        ((1024, 1024), "high", 1229),  # the guide's example: 32 x 32 = 1024 patches, ceil(1024 x 1.2)
        ((2048, 2048), "high", 3000),  # the guide's example: 4096 patches, scaled down to 1600 x 1600 = 2500
        ((1000, 750), "high", 922),  # the lesson's figure: 32 x 24 = 768 patches, 921.6 rounded up
        ((640, 480), "auto", 360),  # auto sizes as high: 20 x 15 = 300 patches (in floats, 300 * 1.2 > 360)
        ((100, 100), "low", 20),  # never enlarged: 4 x 4 = 16 patches, 19.2 rounded up
        ((800, 3000), "high", 1383),  # fits 2048 as 546 x 2048: 18 x 64 = 1152 patches, under the budget
        ((4000, 3000), "high", 2942),  # 2048 x 1536 is 3072 patches; scaled to 1824 x 1368: 57 x 43 = 2451
        ((4000, 3000), "low", 3687),  # low fits the same 2048 x 1536, whose 3072 patches are within 6,144
        ((6000, 4000), "original", 11859),  # 23,500 patches scaled to 3888 x 2592: 122 x 81 = 9882
    ],
)
def test_image_tokens_follow_the_patch_rule(size, detail, tokens):
    width, height = size
    assert image_tokens(width, height, detail) == tokens


def test_image_tokens_refuse_an_unknown_detail():
    with pytest.raises(ValueError, match="detail must be one of auto, low, high, original"):
        image_tokens(640, 480, "medium")

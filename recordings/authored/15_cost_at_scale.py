"""Authored replies for notebooks/15_cost_at_scale.ipynb (see helpers/authoring.py).

Every reply is an authored example written for the course; none was produced by gpt-5.4-mini. Usage
is counted with the o200k_base tokenizer by the builders. The lesson's claims rest on OpenAI's guides,
and these replies follow the rules the guides give:

- Prompt caching (https://developers.openai.com/api/docs/guides/prompt-caching): the first question
  finds an empty cache; the second reads the prefix it shares with the first, rounded down to a
  multiple of 128 tokens, as `PromptCache` computes it (helpers/authoring.py cites the rules).
- The Batch API (https://developers.openai.com/api/docs/guides/batch): the uploaded file, the batch in
  the states the guide lists (validating, in_progress, finalizing, completed) with its request counts,
  the output file whose lines come back in an order of their own ("the output line order may not
  match the input line order"), and the deletions. `BatchJob` builds them; how long the authored batch
  takes (about 22 minutes) is an example, not a measurement.
- Flex processing (https://developers.openai.com/api/docs/guides/flex-processing): the reply names the
  tier that served it, `service_tier: "flex"` (SDK: "the response body will include the
  `service_tier` value based on the processing mode actually used").
"""

from __future__ import annotations

from helpers.authoring import BatchJob, PromptCache, Script, chat, chat_on_tier
from helpers.stub_server import StubRequest

# The reviews of section 4 (and the one of section 5) → the authored one-word answers.
SENTIMENTS = {
    "The rain jacket kept me dry on a six-hour hike. Worth every euro.": "positive",
    "The socks arrived with a hole in the heel, and nobody answered my email.": "negative",
    "Lovely colour, but the hoodie shrank a size in the first wash.": "mixed",
    "Fast delivery, and the chinos fit perfectly.": "positive",
    "The beanie itches, and the stitching came loose within a week.": "negative",
    "A good fleece for the price, though the zip feels cheap.": "mixed",
    "Warm and soft, but the sky blue fleece looks grey in daylight.": "mixed",
}


def flex(request: StubRequest) -> bool:
    """A request that asks for flex processing."""
    return (request.json or {}).get("service_tier") == "flex"


def review_answer(body: dict) -> object:
    """The authored reply to one request line of the batch: the review's sentiment."""
    return chat(SENTIMENTS[body["messages"][-1]["content"]])


cache = PromptCache()
script = Script()

# 1. Two customers' questions after the same 1,300-token system prompt (the shop's rules and catalogue).
# The answers agree with the catalogue the notebook builds: the navy hoodie (HD3) is back in 2 weeks,
# the other hoodies are in stock; grey wool socks (WS4) are 12.50 EUR and in stock, and an order under
# 60 EUR pays 4.90 EUR delivery.
script.add(
    "POST /v1/chat/completions",
    cache.chat("The navy hoodie (HD3, 49.00 EUR) comes in XL, but it is sold out and back in about 2 weeks. "
               "The black, white and grey hoodies are in stock in XL now."),
    when="navy hoodie in XL",
)
script.add(
    "POST /v1/chat/completions",
    cache.chat("Two pairs of grey wool socks (WS4) cost 25.00 EUR, and delivery adds 4.90 EUR as the order is "
               "under 60 EUR: 29.90 EUR in total."),
    when="grey wool socks",
)

# 4. The batch of six reviews: polled four times; (status, requests completed, seconds after creation).
job = BatchJob(
    answer=review_answer,
    polls=[("in_progress", 0, 75), ("in_progress", 4, 620), ("finalizing", 6, 1250), ("completed", 6, 1320)],
)
job.add_to(script)

# 5. One review, classified with flex processing.
script.add("POST /v1/chat/completions", chat_on_tier("mixed", "flex"), when=flex)

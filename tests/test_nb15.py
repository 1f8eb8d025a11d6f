"""Lesson 15: its checks judge by behaviour and never name the answer; its builders and tier prices follow the docs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from openai import OpenAI
from openai.resources.chat.completions.completions import Completions
from openai.resources.responses.responses import Responses

import helpers
from helpers.authoring import BatchJob, PromptCache, Script, chat, chat_on_tier
from helpers.exercises import nb15
from helpers.prices import price_of, tier_price_of
from helpers.stub_server import StubRequest, StubServer

MODEL = helpers.DEFAULT_MODEL
SYSTEM = "Catalogue:\n" + "\n".join(f"item {n}: a plain cotton shirt, size {n % 7}, 19.90 EUR" for n in range(120))
SDK_METHODS = (Completions.create, Responses.create)


@pytest.fixture(autouse=True)
def sdk_left_as_it_was() -> Iterator[None]:
    yield
    assert (Completions.create, Responses.create) == SDK_METHODS, "a check left the SDK patched"


def test_the_test_prompt_is_long_enough_to_cache():
    assert len(nb15.encode(SYSTEM)) > 1100


# 15.1 -------------------------------------------------------------------------------------------


def test_15_1_passes_a_stable_prefix_and_names_what_breaks_the_cache():
    def behind(customer, question, now):
        return [{"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"I am {customer}, it is {now}. {question}"}]

    assert helpers.check("15.1", behind, SYSTEM)

    def in_front(customer, question, now):
        return [{"role": "system", "content": f"Customer {customer} at {now}.\n{SYSTEM}"},
                {"role": "user", "content": question}]

    feedback = str(helpers.check("15.1", in_front, SYSTEM))
    assert "✗ two customers' requests share at least 1024 leading tokens" in feedback
    assert SYSTEM not in feedback  # the hint explains, it does not hand over a prompt

    def forgets_the_customer(customer, question, now):
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]

    assert "✗ the model still learns the customer's name and the time" in str(
        helpers.check("15.1", forgets_the_customer, SYSTEM))

    def trims_the_catalogue(customer, question, now):
        return [{"role": "system", "content": SYSTEM[:-40]},
                {"role": "user", "content": f"{customer} {now} {question}"}]

    assert "✗ the shop's rules and catalogue (SYSTEM) are in the prompt, whole" in str(
        helpers.check("15.1", trims_the_catalogue, SYSTEM))


def test_15_1_reports_a_crash_and_a_placeholder():
    def broken(customer, question, now):
        raise KeyError("role")

    assert "it raised KeyError" in str(helpers.check("15.1", broken, SYSTEM))
    assert "✗ build_messages is a function" in str(helpers.check("15.1", None, SYSTEM))


# 15.2 -------------------------------------------------------------------------------------------


def good_reader(text):
    answers, failed = {}, []
    for line in filter(str.strip, text.splitlines()):
        result = json.loads(line)
        if result["error"] or result["response"] is None:
            failed.append(result["custom_id"])
        else:
            answers[result["custom_id"]] = result["response"]["body"]["choices"][0]["message"]["content"]
    return answers, failed


def test_15_2_passes_a_reader_keyed_by_custom_id_that_lists_failures():
    assert helpers.check("15.2", good_reader)


def test_15_2_names_a_reader_that_trips_over_failed_lines_or_forgets_them():
    def blind(text):
        answers = {}
        for line in filter(str.strip, text.splitlines()):
            result = json.loads(line)
            answers[result["custom_id"]] = result["response"]["body"]["choices"][0]["message"]["content"]
        return answers, []

    feedback = str(helpers.check("15.2", blind))
    assert "✗ read_results(text) runs without an error" in feedback and "null" in feedback

    def forgetful(text):
        answers, _ = good_reader(text)
        return answers, []

    assert "✗ the custom_ids of the failed lines are listed" in str(helpers.check("15.2", forgetful))

    def by_position(text):
        answers, failed = good_reader(text)
        ids = sorted(answers)
        return dict(zip(ids, answers.values(), strict=True)), failed  # keys no longer follow their lines

    assert not helpers.check("15.2", by_position)

    def every_line(text):
        return [json.loads(line) for line in text.splitlines()]

    assert "✗ it returns two things: the answers and the failed custom_ids" in str(helpers.check("15.2", every_line))


def test_15_2_sample_lines_are_the_guide_shape():
    expired = nb15._expired_line("r", 0)
    assert expired["response"] is None and expired["error"]["code"] == "batch_expired"
    done = nb15._output_line("r", "positive", 0)
    assert done["response"]["status_code"] == 200 and done["response"]["body"]["object"] == "chat.completion"


# 15.3 -------------------------------------------------------------------------------------------

# The stand-ins of 15.3 answer before the client would send anything: this address is never reached.
OFFLINE = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", timeout=25, max_retries=0)
MESSAGES = lambda review: [{"role": "system", "content": "Classify."}, {"role": "user", "content": review}]  # noqa: E731


def flex_first(fallback=(openai.RateLimitError,), timeout=120, loop=False):
    def ask(review):
        while True:
            try:
                return OFFLINE.with_options(timeout=timeout).chat.completions.create(
                    model=MODEL, messages=MESSAGES(review), service_tier="flex")
            except fallback:
                try:
                    return OFFLINE.chat.completions.create(model=MODEL, messages=MESSAGES(review))
                except openai.RateLimitError:
                    if not loop:
                        raise

    return ask


def test_15_3_passes_flex_with_a_fallback_on_429_only():
    assert helpers.check("15.3", flex_first())

    def per_request_timeout(review):
        try:
            return OFFLINE.chat.completions.create(model=MODEL, messages=MESSAGES(review), service_tier="flex",
                                                   timeout=300)
        except openai.RateLimitError:
            return OFFLINE.chat.completions.create(model=MODEL, messages=MESSAGES(review), service_tier="auto")

    assert helpers.check("15.3", per_request_timeout)


def test_15_3_names_each_way_a_fallback_goes_wrong():
    def flex_only(review):
        return OFFLINE.with_options(timeout=120).chat.completions.create(
            model=MODEL, messages=MESSAGES(review), service_tier="flex")

    assert "✗ after a 429 on flex, it asks once more with standard processing" in str(
        helpers.check("15.3", flex_only))
    assert "✗ a refused request (400) reaches the caller" in str(
        helpers.check("15.3", flex_first(fallback=(openai.APIStatusError,))))
    assert "✗ the flex request may take longer than the client's 25 seconds" in str(
        helpers.check("15.3", flex_first(timeout=10)))
    endless = str(helpers.check("15.3", flex_first(loop=True)))
    assert "✗ when standard processing is busy too, the error reaches the caller" in endless and "loop" in endless

    def text_only(review):
        return flex_first()(review).choices[0].message.content

    assert "✗ it returns the chat completion" in str(helpers.check("15.3", text_only))


def test_15_3_hints_never_show_the_parameter_value():
    feedback = str(helpers.check("15.3", lambda review: OFFLINE.chat.completions.create(
        model=MODEL, messages=MESSAGES(review), timeout=120)))
    assert "✗ the request asks for flex processing" in feedback
    assert 'service_tier="flex"' not in feedback


# Builders and prices ------------------------------------------------------------------------------


def _chat_request(messages: list[dict], model: str = MODEL) -> StubRequest:
    return StubRequest("POST", "/v1/chat/completions", {}, json.dumps({"model": model, "messages": messages}).encode())


def test_prompt_cache_hits_follow_the_documented_rules():
    cache = PromptCache()
    ask = lambda question, model=MODEL: _chat_request(  # noqa: E731
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}], model)
    assert cache.hit(ask("first")) == 0  # nothing cached yet
    hit = cache.hit(ask("second"))
    assert hit >= 1024 and hit % 128 == 0 and hit <= len(nb15.encode(SYSTEM)) + 3
    assert cache.hit(ask("third", model="gpt-5.4-nano")) == 0  # another model has its own cache
    short = [{"role": "user", "content": "Hello there, short prompt."}]
    assert cache.hit(_chat_request(short)) == 0 and cache.hit(_chat_request(short)) == 0  # under 1024 tokens


def test_a_reply_on_a_tier_says_so_and_counts_its_usage():
    request = _chat_request([{"role": "user", "content": "Classify: fine."}])
    body = chat_on_tier("positive", "flex").body(request, serial=0)
    plain = chat("positive").body(request, serial=0)
    assert body["service_tier"] == "flex" and plain["service_tier"] == "default"
    assert body["usage"] == plain["usage"]


def test_tier_prices_halve_standard_for_batch_and_flex():
    standard = price_of(MODEL)
    for tier in ("batch", "flex"):
        price = tier_price_of(f"{MODEL}-2026-03-17", tier)
        assert (price.input, price.output, price.cached_input) == pytest.approx(
            (standard.input / 2, standard.output / 2, standard.cached_input / 2))
    assert tier_price_of(MODEL, "fast") == tier_price_of(MODEL, "priority")
    assert tier_price_of(MODEL, None) == tier_price_of(MODEL, "auto") == tier_price_of(MODEL, "default") == standard
    with pytest.raises(KeyError, match="processing tier 'scale'"):
        tier_price_of(MODEL, "scale")
    with pytest.raises(KeyError, match="No flex price for 'gpt-4.1-mini'"):
        tier_price_of("gpt-4.1-mini", "flex")


def _batch_file(tmp_path: Path, lines: list[dict]) -> Path:
    path = tmp_path / "requests.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _line(custom_id: str, text: str) -> dict:
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": MODEL, "messages": [{"role": "user", "content": text}], "max_completion_tokens": 5}}


def test_an_authored_batch_runs_through_the_sdk(tmp_path):
    job = BatchJob(answer=lambda body: chat(body["messages"][-1]["content"].upper()),
                   polls=[("in_progress", 1, 60), ("completed", 3, 300)])
    script = job.add_to(Script())
    lines = [_line(f"req-{n}", f"text {n}") for n in range(3)]
    with StubServer(script) as stub:
        client = OpenAI(api_key="sk-test", base_url=stub.base_url, timeout=5, max_retries=0)
        uploaded = client.files.create(file=_batch_file(tmp_path, lines), purpose="batch")
        assert (uploaded.purpose, uploaded.expires_at - uploaded.created_at) == ("batch", 30 * 24 * 3600)
        batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions",
                                      completion_window="24h")
        assert batch.status == "validating" and batch.expires_at - batch.created_at == 24 * 3600
        polled = [client.batches.retrieve(batch.id) for _ in range(3)]
        assert [b.status for b in polled] == ["in_progress", "completed", "completed"]
        assert polled[0].output_file_id is None and polled[0].request_counts.total == 3
        done = polled[-1]
        results = [json.loads(line) for line in client.files.content(done.output_file_id).text.splitlines()]
        assert sorted(r["custom_id"] for r in results) == ["req-0", "req-1", "req-2"]
        assert {r["custom_id"]: r["response"]["body"]["choices"][0]["message"]["content"] for r in results} == {
            "req-0": "TEXT 0", "req-1": "TEXT 1", "req-2": "TEXT 2"}
        usages = [r["response"]["body"]["usage"] for r in results]
        assert done.usage.input_tokens == sum(u["prompt_tokens"] for u in usages) > 0
        assert done.usage.output_tokens == sum(u["completion_tokens"] for u in usages)
        assert client.files.delete(done.output_file_id).deleted


def test_an_authored_batch_refuses_a_file_the_guide_forbids(tmp_path):
    job = BatchJob(answer=lambda body: chat("x"), polls=[("completed", 2, 60)])
    duplicate = [_line("same", "a"), _line("same", "b")]
    with StubServer(job.add_to(Script())) as stub:
        client = OpenAI(api_key="sk-test", base_url=stub.base_url, timeout=5, max_retries=0)
        with pytest.raises(openai.InternalServerError, match="unique custom_id"):
            client.files.create(file=_batch_file(tmp_path, duplicate), purpose="batch")

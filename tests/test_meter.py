"""The cost meter: what it counts, the line it shows, and the budget that stops live calls."""

from __future__ import annotations

import os
from collections.abc import Iterator

import nbformat
import pytest
from openai import OpenAI

from helpers import costs, meter, session, settings
from helpers.prices import price_of
from helpers.recording import save_recording
from helpers.stub_server import Reply, StubRequest, StubServer

from .conftest import FAKE_KEY

MODEL = "gpt-5.4-mini"
USAGE = {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200,
         "prompt_tokens_details": {"cached_tokens": 800}, "completion_tokens_details": {"reasoning_tokens": 50}}


def chunk(text: str | None, usage: dict | None = None) -> dict:
    choices = [{"index": 0, "delta": {"content": text}, "finish_reason": None}] if text is not None else []
    return {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": MODEL, "choices": choices,
            "usage": usage}


class Billing:
    """Answers chat (whole or streamed), Responses streams and model lists; counts what reached it."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: StubRequest) -> Reply:
        self.paths.append(request.path)
        if request.path.endswith("/models"):
            return Reply({"object": "list", "data": []})
        if request.path.endswith("/responses"):
            done = {"id": "r", "object": "response", "created_at": 1, "model": MODEL, "status": "completed",
                    "output": [], "usage": {"input_tokens": 40, "output_tokens": 10, "total_tokens": 50,
                                            "input_tokens_details": {"cached_tokens": 0},
                                            "output_tokens_details": {"reasoning_tokens": 0}}}
            started = {**done, "status": "in_progress", "usage": None}
            return Reply(events=[{"type": "response.created", "sequence_number": 0, "response": started},
                                 {"type": "response.completed", "sequence_number": 1, "response": done}])
        body = request.json
        if body.get("stream"):
            asked = (body.get("stream_options") or {}).get("include_usage")
            tail = [chunk(None, {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11})] if asked else []
            return Reply(events=[chunk("Hi"), chunk(" there")] + tail)
        return Reply({"id": "c", "object": "chat.completion", "created": 1, "model": MODEL, "usage": USAGE,
                      "choices": [{"index": 0, "finish_reason": "stop",
                                   "message": {"role": "assistant", "content": "ok"}}]})


@pytest.fixture
def live(course, monkeypatch) -> Iterator[tuple[OpenAI, Billing]]:
    """Live mode against the stub with a fake key; the meter starts from nothing."""
    responder = Billing()
    with StubServer(responder) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.delenv(meter.BUDGET_VARIABLE, raising=False)
        monkeypatch.setattr(meter, "_meter", meter._Meter())
        session.setup("01_x")
        yield OpenAI(max_retries=0, timeout=5), responder


def ask(client: OpenAI, **kwargs) -> None:
    client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hello"}], **kwargs)


def test_a_whole_reply_is_priced_from_its_usage_with_cached_and_reasoning_tokens(live):
    client, _ = live
    ask(client)
    price = price_of(MODEL)
    expected = (200 * price.input + 800 * price.cached_input + 200 * price.output) / 1_000_000
    assert meter.spent() == pytest.approx(expected)
    text = meter.line(meter._meter.cell, set(), meter.spent(), "live")
    assert text == (f"cost meter · 1 call · 1,000 in (800 cached) / 200 out (50 reasoning) tokens · "
                    f"{meter.dollars(expected)} · session {meter.dollars(expected)}")


def test_streams_count_their_usage_block_or_else_an_estimate_from_the_stream(live):
    client, _ = live
    for _ in client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hello"}],
                                            stream=True, stream_options={"include_usage": True}):
        pass
    assert [(c.input, c.output, c.estimated) for c in meter._meter.cell] == [(9, 2, False)]
    for _ in client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hello"}],
                                            stream=True):
        pass
    meter._finish_streams()  # what the end of the cell does
    estimated = meter._meter.cell[-1]
    assert estimated.estimated and estimated.output == 2 and estimated.input > 0
    assert "about " in meter.line(meter._meter.cell, set(), meter.spent(), "live")


def test_a_responses_stream_is_counted_from_its_completed_event(live):
    client, _ = live
    with client.responses.stream(model=MODEL, input="hello") as stream:
        for _ in stream:
            pass
    assert [(c.input, c.output) for c in meter._meter.cell] == [(40, 10)]


def test_the_budget_stops_billed_calls_before_they_are_sent_and_lets_free_ones_through(live, monkeypatch):
    client, responder = live
    monkeypatch.setenv(meter.BUDGET_VARIABLE, "0.0005")
    ask(client)  # $0.00111: the first call is allowed, it spends past the budget
    with pytest.raises(meter.BudgetSpent) as caught:
        ask(client)
    assert "not sent" in str(caught.value) and "$0.0011" in str(caught.value) and "$0.00050" in str(caught.value)
    assert responder.paths.count("/v1/chat/completions") == 1  # nothing reached the server
    client.models.list()  # names no model: not billed, not stopped
    assert responder.paths[-1] == "/v1/models"
    monkeypatch.setenv(meter.BUDGET_VARIABLE, "1")  # raised in os.environ: calls go again
    ask(client)
    assert "of $1.00 budget" in meter.line(meter._meter.cell, set(), meter.spent(), "live")


@pytest.mark.parametrize("value", ["ten", "-1", "nan", "inf"])
def test_a_budget_that_is_not_dollars_stops_setup_with_what_to_write(course, monkeypatch, value):
    save_recording(settings.recording_path("01_x"), {"version": 1, "interactions": []})
    monkeypatch.setenv(meter.BUDGET_VARIABLE, value)
    with pytest.raises(session.SetupError, match="(?s)not a number of dollars.*such as 0.50"):
        session.setup("01_x")


def test_replay_wording_and_a_model_without_a_price_are_said_not_hidden():
    calls = [costs.CallUsage(MODEL, 10, 0, 5), costs.CallUsage("mystery-model", 3, 0, 0)]
    text = meter.line(calls, {"mystery-model"}, 0.00003, "replay")
    assert text.startswith("cost meter (replay: what it would cost live) · 2 calls · 13 in / 5 out tokens")
    assert "mystery-model (no price in helpers/prices.py" in text


@pytest.mark.parametrize(("amount", "shown"), [(0, "$0"), (0.000073, "$0.000073"), (0.00124, "$0.0012"),
                                               (0.0426, "$0.043"), (0.5, "$0.50"), (12.3456, "$12.35")])
def test_dollars_show_two_significant_digits_of_small_amounts(amount, shown):
    assert meter.dollars(amount) == shown


def test_stopping_the_session_gives_the_sdk_back(course):
    from openai import _base_client

    save_recording(settings.recording_path("01_x"), {"version": 1, "interactions": []})
    session.setup("01_x")
    assert _base_client.BaseClient._build_request is not meter._real_build
    session.stop()
    assert _base_client.BaseClient._build_request is meter._real_build
    assert _base_client.BaseClient._process_response_data is meter._real_process


def meter_lines(path) -> list[str]:
    lines = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            if text.startswith("cost meter"):
                lines.append(text)
    return lines


@pytest.mark.parametrize("name", [p.stem for p in sorted(settings.RECORDINGS_DIR.glob("[0-9]*.yaml"))])
def test_every_notebook_that_makes_billed_calls_shows_the_meter_in_its_stored_outputs(name):
    folder = "solutions" if name.endswith("_solutions") else "notebooks"
    notebook = settings.REPO_ROOT / folder / f"{name.removesuffix('_solutions')}.ipynb"
    billed = costs.recording_usage(settings.recording_path(name))
    lines = meter_lines(notebook)
    if not billed:
        assert not lines, f"{notebook.name} shows the meter with no billed call in {name}.yaml"
        return
    assert lines, f"{notebook.name} makes billed calls but its stored outputs show no cost meter line"
    assert all(line.startswith("cost meter (replay: what it would cost live)") for line in lines)


def test_a_call_made_with_requests_is_metered_and_held_to_the_budget(live, monkeypatch):
    import requests

    _, responder = live
    body = {"model": MODEL, "messages": [{"role": "user", "content": "hello"}]}
    base = os.environ["OPENAI_BASE_URL"]
    requests.post(f"{base}/chat/completions", json=body, timeout=5)
    assert [(c.input, c.cached, c.output) for c in meter._meter.cell] == [(1000, 800, 200)]
    monkeypatch.setenv(meter.BUDGET_VARIABLE, "0.001")
    with pytest.raises(meter.BudgetSpent):
        requests.post(f"{base}/chat/completions", json=body, timeout=5)
    assert responder.paths.count("/v1/chat/completions") == 1


def test_flex_batches_and_transcriptions_are_priced_as_they_are_billed(monkeypatch):
    from types import SimpleNamespace

    from helpers.prices import audio_cost_in_dollars, tier_price_of

    monkeypatch.setattr(meter, "_meter", meter._Meter())
    flex = costs.usage_of({"model": MODEL}, {"service_tier": "flex",
                                             "usage": {"prompt_tokens": 1000, "completion_tokens": 0}})
    assert flex.dollars == pytest.approx(1000 * tier_price_of(MODEL, "flex").input / 1e6)
    assert flex.dollars < costs.CallUsage(MODEL, 1000).dollars
    assert "(flex prices)" in meter.line([flex], set(), flex.dollars, "live")

    batch = {"object": "batch", "id": "batch_1", "status": "completed", "model": MODEL,
             "usage": {"input_tokens": 100, "output_tokens": 10, "total_tokens": 110}}
    polled = SimpleNamespace(headers={"content-type": "application/json"}, request=None)
    for reply in ({**batch, "status": "in_progress", "usage": None}, batch, batch):  # polled until done, then again
        meter._observe(reply, polled)
    assert [(c.input, c.output, c.tier) for c in meter._meter.cell] == [(100, 10, "batch")]

    upload = (b'--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--b\r\n'
              b'Content-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\n\xff\xf3\r\n--b--\r\n')
    assert costs.form_model(upload) == "whisper-1"
    heard = costs.usage_of({"model": "whisper-1"}, {"text": "hi", "usage": {"type": "duration", "seconds": 30}})
    assert heard.dollars == pytest.approx(audio_cost_in_dollars("whisper-1", 30))
    assert meter.line([heard], set(), heard.dollars, "live").startswith("cost meter · 1 call · 30.0 s of audio ·")

"""Lesson 09's checks: they judge ported code by what it does, restore the SDK afterwards, and never name the answer."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from openai import OpenAI
from openai.resources.chat.completions.completions import Completions
from openai.resources.responses.responses import Responses
from openai.types.chat import ChatCompletion

import helpers
from helpers.authoring import Script, chat
from helpers.exercises import nb09
from helpers.stub_server import StubServer

MODEL = helpers.DEFAULT_MODEL
ANSWER = "A dictionary maps keys to values."
SDK_METHODS = (Completions.create, Responses.create)


@pytest.fixture(scope="module")
def client() -> Iterator[OpenAI]:
    script = Script().add("POST /v1/chat/completions", chat(ANSWER))
    with StubServer(script) as stub:
        yield OpenAI(api_key="sk-test", base_url=stub.base_url, timeout=5, max_retries=0)


@pytest.fixture(autouse=True)
def sdk_left_as_it_was() -> Iterator[None]:
    yield
    assert (Completions.create, Responses.create) == SDK_METHODS, "a check left the SDK patched"


def test_09_1_passes_a_faithful_port_and_names_what_a_half_port_got_wrong(client):
    def ported(prompt, model=MODEL):
        response = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt}], max_completion_tokens=nb09.CAP
        )
        return response.choices[0].message.content

    assert helpers.check("09.1", ported)

    def old_model_whole_reply(prompt, model="gpt-3.5-turbo"):
        return client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt}], max_completion_tokens=nb09.CAP
        )

    feedback = str(helpers.check("09.1", old_model_whole_reply))
    assert "✗ it asks a model that still answers" in feedback
    assert "✗ it returns the reply's text, as a str" in feedback

    def dict_lookup(prompt, model=MODEL):
        response = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt}], max_completion_tokens=nb09.CAP
        )
        return response.choices[0].message["content"]

    feedback = str(helpers.check("09.1", dict_lookup))
    assert "✗ get_completion(prompt) runs without an error" in feedback and "attributes" in feedback


def test_09_1_points_at_the_old_interface_without_sending_anything():
    def untouched(prompt, model="gpt-3.5-turbo"):
        response = openai.ChatCompletion.create(model=model, messages=[{"role": "user", "content": prompt}])
        return response.choices[0].message["content"]

    feedback = helpers.check("09.1", untouched)
    assert not feedback
    assert "openai.ChatCompletion" in str(feedback)


# The stand-ins of 09.2 answer before the client would send anything: this address is never reached.
OFFLINE = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", timeout=1, max_retries=0)


def _ask(catch: tuple[type[Exception], ...], *, model: str = MODEL, broad: bool = False):
    def ask(prompt):
        try:
            response = OFFLINE.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
            return response.choices[0].message.content
        except openai.RateLimitError:
            return nb09.BUSY
        except catch as e:
            return f"{nb09.BAD} {e}"
        except openai.OpenAIError as e:
            if broad:
                return f"{nb09.BAD} {e}"
            raise

    return ask


def test_09_2_wants_the_old_behaviour_for_each_status_and_sends_no_request():
    assert helpers.check("09.2", _ask((openai.BadRequestError, openai.NotFoundError)))

    only_400 = helpers.check("09.2", _ask((openai.BadRequestError,)))
    assert "✗ on an unknown model or file (404) it returns the bad-request note too" in str(only_400)

    too_broad = helpers.check("09.2", _ask((openai.BadRequestError, openai.NotFoundError), broad=True))
    assert "✗ an error the old code did not catch (a bad key, 401) still reaches the caller" in str(too_broad)

    retired = helpers.check("09.2", _ask((openai.BadRequestError, openai.NotFoundError), model="gpt-3.5-turbo"))
    assert "✗ it asks a model that still answers" in str(retired)

    for feedback in (only_400, too_broad):
        assert "NotFoundError" not in str(feedback) and "BadRequestError" not in str(feedback)


def test_09_2_names_the_missing_error_module():
    def old(prompt):
        try:
            return openai.ChatCompletion.create(model=MODEL, messages=[{"role": "user", "content": prompt}])
        except openai.error.RateLimitError:  # type: ignore[attr-defined]
            return nb09.BUSY

    feedback = str(helpers.check("09.2", old))
    assert "openai.error is gone" in feedback


def test_09_3_takes_attributes_and_a_plain_dict():
    reply = ChatCompletion.model_validate({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": MODEL,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": "Hi!", "refusal": None}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
    })
    assert helpers.check("09.3", reply, "Hi!", 11, "stop", reply.to_dict())
    assert helpers.check("09.3", reply, "Hi!", 11, "stop", reply.model_dump())
    feedback = helpers.check("09.3", reply, "Hi!", 11, "stop", reply)
    assert "✗ record is a plain dict that json.dumps accepts" in str(feedback)
    assert not helpers.check("09.3", reply.to_dict(), "Hi!", 11, "stop", reply.to_dict())

"""Lesson 13: its builders serve what the SDK expects, its authored vectors mean what the lesson says, and
its checks judge by behaviour, restore the SDK afterwards and never name the answer."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from openai import OpenAI
from openai.resources.chat.completions.completions import Completions
from openai.resources.embeddings import Embeddings
from openai.resources.files import Files
from openai.resources.moderations import Moderations

import helpers
from helpers import costs, settings
from helpers.authoring import (
    MODERATION_CATEGORIES,
    Script,
    embeddings,
    file_upload,
    moderation,
    moderation_result,
)
from helpers.exercises import nb13
from helpers.stub_server import StubServer

SDK_METHODS = (Files.list, Files.delete, Files.create, Embeddings.create, Moderations.create, Completions.create)
AUTHORED = settings.REPO_ROOT / "recordings" / "authored" / "13_other_endpoints.py"


@pytest.fixture(autouse=True)
def sdk_left_as_it_was() -> Iterator[None]:
    yield
    now = (Files.list, Files.delete, Files.create, Embeddings.create, Moderations.create, Completions.create)
    assert now == SDK_METHODS, "a check left the SDK patched"


@pytest.fixture(scope="module")
def lesson():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("authored_13_test", AUTHORED)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _client(stub: StubServer) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=stub.base_url, timeout=5, max_retries=0)


# --- builders -----------------------------------------------------------------------------------------

TOY = {"apple": [3.0, 4.0, 0.0, 12.0], "pear": [0.0, 2.0, 5.0, 0.0]}


def test_embeddings_shorten_normalise_and_reach_the_sdk_as_floats_by_default():
    stored = Script().add("POST /v1/embeddings", embeddings(lambda text: TOY[text]))
    with StubServer(stored) as stub:
        client = _client(stub)
        short = client.embeddings.create(model="text-embedding-3-small", input=["apple", "pear"], dimensions=2)
        floats = client.embeddings.create(model="text-embedding-3-small", input="apple", dimensions=4,
                                          encoding_format="float")
        sent = [request.json for request in stub.received]
    assert sent[0]["encoding_format"] == "base64"  # the SDK's default on the wire, decoded for the caller
    assert [item.index for item in short.data] == [0, 1]
    assert short.data[0].embedding == pytest.approx([0.6, 0.8])  # the first two numbers, length 1 again
    assert short.data[1].embedding == pytest.approx([0.0, 1.0])
    assert floats.data[0].embedding == pytest.approx([3 / 13, 4 / 13, 0, 12 / 13])
    assert short.usage.prompt_tokens == short.usage.total_tokens == 2  # cl100k_base: one token each


def test_embeddings_refuse_what_they_cannot_answer():
    stored = Script().add("POST /v1/embeddings", embeddings(lambda text: TOY[text]))
    with StubServer(stored) as stub:
        client = _client(stub)
        with pytest.raises(Exception, match="4 numbers, not 5"):
            client.embeddings.create(model="text-embedding-3-small", input="apple", dimensions=5)


def test_moderation_gives_one_result_per_input_with_every_category():
    results = {"kind": moderation_result("kind"),
               "threat": moderation_result("threat", {"violence": 0.8}, flagged=("violence",))}
    with StubServer(Script().add("POST /v1/moderations", moderation(results.__getitem__))) as stub:
        reply = _client(stub).moderations.create(model="omni-moderation-latest", input=["kind", "threat"])
    assert reply.model == "omni-moderation-latest" and reply.id.startswith("modr-")
    kind, threat = reply.results
    assert not kind.flagged and max(kind.category_scores.model_dump().values()) < 1e-4
    assert threat.flagged and threat.categories.violence and threat.category_scores.violence == 0.8
    assert list(threat.categories.model_dump(by_alias=True)) == list(MODERATION_CATEGORIES)
    with pytest.raises(ValueError, match="not moderation categories"):
        moderation_result("x", {"violent": 0.5})


def test_an_upload_is_answered_with_what_was_sent(tmp_path: Path):
    stored: dict[str, dict] = {}
    path = tmp_path / "requests.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    with StubServer(Script().add("POST /v1/files", file_upload(stored, "file-abc"))) as stub:
        uploaded = _client(stub).files.create(file=path, purpose="batch")
    shown = (uploaded.id, uploaded.filename, uploaded.bytes, uploaded.purpose)
    assert shown == ("file-abc", "requests.jsonl", 9, "batch")
    assert uploaded.expires_at == uploaded.created_at + 30 * 86400  # batch files expire after 30 days
    assert stored["file-abc"]["filename"] == "requests.jsonl"


def test_embeddings_are_priced_from_their_usage_and_moderation_bills_nothing():
    request = json.dumps({"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 4})
    reply = json.dumps({"object": "list", "data": [], "model": "text-embedding-3-small",
                        "usage": {"prompt_tokens": 1_000_000, "total_tokens": 1_000_000}})
    usage = costs.call_usage(request, reply)
    assert usage is not None and usage.dollars == pytest.approx(0.02)
    moderated = json.dumps({"id": "modr-1", "model": "omni-moderation-latest", "results": []})
    assert costs.call_usage(json.dumps({"model": "omni-moderation-latest", "input": "a"}), moderated) is None


# --- the authored vectors mean what the lesson says -----------------------------------------------------


def _unit(vector: np.ndarray, size: int) -> np.ndarray:
    return vector[:size] / np.linalg.norm(vector[:size])


def _ranking(lesson, query: str, size: int) -> list[str]:  # noqa: ANN001
    sentences = list(lesson.SENTENCES)
    matrix = np.array([_unit(lesson.vector_of(text), size) for text in sentences])
    scores = matrix @ _unit(lesson.vector_of(query), size)
    return [sentences[i] for i in np.argsort(-scores)]


def test_each_sentence_is_closest_to_its_own_topic(lesson):
    sentences = list(lesson.SENTENCES)
    for size in (64, 16):
        matrix = np.array([_unit(lesson.vector_of(text), size) for text in sentences])
        similarity = matrix @ matrix.T
        np.fill_diagonal(similarity, -1)
        for index in range(len(sentences)):
            assert similarity[index].argmax() // 3 == index // 3, (size, sentences[index])


def test_the_lesson_queries_rank_as_its_prose_says(lesson):
    login = _ranking(lesson, "I can't log in", 64)[:3]
    assert set(login) == set(list(lesson.SENTENCES)[:3]) and all("log in" not in text for text in login)
    refund_times = "Refunds reach your card five to ten days after we receive the item."
    assert _ranking(lesson, "When will my refund arrive?", 64)[0] == refund_times
    at_16 = _ranking(lesson, "When will my refund arrive?", 16)
    assert at_16[2] == refund_times and set(at_16[:3]) == set(list(lesson.SENTENCES)[9:])


# --- 13.1 -----------------------------------------------------------------------------------------------

# The stand-ins of 13.1 and 13.3 answer before the client would send anything: this address is never reached.
OFFLINE = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", timeout=1, max_retries=0)


def test_13_1_wants_every_file_of_the_purpose_and_no_other():
    def faithful(purpose):
        ids = [item.id for item in OFFLINE.files.list(purpose=purpose)]
        for file_id in ids:
            OFFLINE.files.delete(file_id)
        return ids

    def filters_itself(purpose):
        ids = [item.id for item in OFFLINE.files.list() if item.purpose == purpose]
        for file_id in ids:
            OFFLINE.files.delete(file_id)
        return ids

    assert helpers.check("13.1", faithful)
    assert helpers.check("13.1", filters_itself)

    def everything(purpose):
        return [OFFLINE.files.delete(item.id).id for item in OFFLINE.files.list()]

    assert "✗ it leaves files of other purposes alone" in str(helpers.check("13.1", everything))

    def objects(purpose):
        return [OFFLINE.files.delete(item).id for item in OFFLINE.files.list(purpose=purpose)]

    assert "✗ it passes each file's id to delete" in str(helpers.check("13.1", objects))

    def fixed(purpose):
        return faithful("user_data")

    assert "✗ it works for another purpose too" in str(helpers.check("13.1", fixed))


# --- 13.2 -----------------------------------------------------------------------------------------------

SENTENCES = ["Refunds take a week.", "We ship to France.", "Reset your password here."]
FEATURES = {
    "Refunds take a week.": [1, 0, 0, 0.2],
    "We ship to France.": [0, 1, 0, 0.2],
    "Reset your password here.": [0, 0, 1, 0.2],
    nb13.QUERY: [0.9, 0.3, 0, 0.2],
}


@pytest.fixture(scope="module")
def search_client() -> Iterator[OpenAI]:
    with StubServer(Script().add("POST /v1/embeddings", embeddings(lambda text: FEATURES[text]))) as stub:
        yield _client(stub)


def test_13_2_ranks_with_the_returned_vector_and_says_what_is_off(search_client):
    client = search_client
    reply = client.embeddings.create(model=nb13.EMBEDDING_MODEL, input=SENTENCES, dimensions=4)
    vectors = np.array([item.embedding for item in reply.data])

    def search(query, k=3, dimensions=4, pairs=False, backwards=False):
        response = client.embeddings.create(model=nb13.EMBEDDING_MODEL, input=query, dimensions=dimensions)
        scores = vectors[:, :dimensions] @ np.array(response.data[0].embedding)
        order = np.argsort(scores if backwards else -scores)[:k]
        return [(SENTENCES[i], scores[i]) if pairs else SENTENCES[i] for i in order]

    assert helpers.check("13.2", search, SENTENCES, vectors)
    feedback = str(helpers.check("13.2", lambda q, k=3: search(q, k, backwards=True), SENTENCES, vectors))
    assert "✗ it returns the 2 most similar" in feedback
    feedback = str(helpers.check("13.2", lambda q, k=3: search(q, k, pairs=True), SENTENCES, vectors))
    assert "not pairs" in feedback
    feedback = str(helpers.check("13.2", lambda q, k=3: search(q, k, dimensions=3), SENTENCES, vectors))
    assert "✗ it uses the model and dimensions of the sentences' vectors" in feedback
    assert "Refunds take a week." not in feedback  # a hint never names the answer
    assert "✗ sentences and vectors are those of section 4" in str(helpers.check("13.2", search, SENTENCES, None))


# --- 13.3 -----------------------------------------------------------------------------------------------


def _gate(moderate: bool = True, stop: bool = True, order_first: bool = True):  # noqa: ANN202
    def answer(user_text):
        def ask():
            reply = OFFLINE.chat.completions.create(model=helpers.DEFAULT_MODEL,
                                                    messages=[{"role": "user", "content": user_text}])
            return reply.choices[0].message.content

        text = None if order_first else ask()
        if moderate:
            result = OFFLINE.moderations.create(model=nb13.MODERATION_MODEL, input=user_text).results[0]
            if result.flagged and stop:
                return nb13.REFUSAL
        return text if text is not None else ask()

    return answer


def test_13_3_moderates_first_and_keeps_flagged_text_from_the_model():
    assert helpers.check("13.3", _gate())
    leaky = str(helpers.check("13.3", _gate(stop=False)))
    assert "✗ a flagged text never reaches the model" in leaky and "✗ on a flagged text it returns the refusal" in leaky
    assert "✗ it sends the user's text to moderation once" in str(helpers.check("13.3", _gate(moderate=False)))
    late = str(helpers.check("13.3", _gate(order_first=False)))
    assert "✗ then it sends the text to the model, as the user message" in late

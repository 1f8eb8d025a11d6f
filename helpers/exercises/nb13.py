"""Checks for notebooks/13_other_endpoints.ipynb.

13.1 and 13.3 run the learner's function against stand-ins built here (a project's files; moderation
and chat replies), so they send no request and work the same in every mode. 13.2 runs the learner's
search once and watches the one real embeddings request it sends (answered by the recording in
replay mode), then ranks the sentences itself from the vector that came back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
from openai.pagination import SyncCursorPage
from openai.resources.chat.completions.completions import Completions
from openai.resources.embeddings import Embeddings
from openai.resources.files import Files
from openai.resources.moderations import Moderations
from openai.resources.responses.responses import Responses
from openai.types import FileDeleted, FileObject, ModerationCreateResponse
from openai.types.chat import ChatCompletion

from ..authoring import chat, moderation_result
from ..checks import Feedback, exercise, first_line, patched
from ..recording import RecordingMismatch
from ..stub_server import StubRequest

EMBEDDING_MODEL = "text-embedding-3-small"
MODERATION_MODEL = "omni-moderation-latest"
QUERY = "How do I get my money back?"  # exercise 13.2 asks search(QUERY, k=2)
TOP = 2
REFUSAL = "Sorry, I can't help with that."  # what answer() returns for a flagged text (13.3)
STAND_IN_TEXT = "Refunds take five to ten days."

# 13.1's project: two files of purpose user_data, one for batch, one for fine-tuning.
PROJECT_FILES = [
    ("file-Ud1aNotes", "meeting_notes.txt", "user_data"),
    ("file-Bt2aInput", "requests.jsonl", "batch"),
    ("file-Ud3aFaq", "faq_export.csv", "user_data"),
    ("file-Ft4aTrain", "commits.jsonl", "fine-tune"),
]




def _error_hint(exc: BaseException) -> str:
    """A hint for an exception the learner's code raised."""
    if isinstance(exc, RecordingMismatch) and exc.diffs:
        where = ", ".join(f"{diff.where} (yours {diff.yours})" for diff in exc.diffs[:3])
        return f"in replay mode the request must be the one the exercise describes; yours differs at {where}"
    if isinstance(exc, _Refused):
        return str(exc)
    return f"it raised {type(exc).__name__}: {first_line(exc)}"


class _Refused(Exception):
    """Raised by a stand-in for a call the exercise does not need."""




def _given(value: Any) -> bool:
    """A keyword the learner passed (the SDK's own defaults are omit / NOT_GIVEN sentinels)."""
    return value is not None and type(value).__name__ not in ("Omit", "NotGiven")


# --- 13.1 ---------------------------------------------------------------------------------------------


def _run_cleanup(delete_files: Callable[[str], Any], purpose: str) -> tuple[Any, Exception | None, list[Any]]:
    """Run delete_files(purpose) against the stand-in project; return its result, its error, the deletions."""
    deleted: list[Any] = []
    objects = [FileObject(id=file_id, bytes=100, created_at=1795219200 + n, filename=name, object="file",
                          purpose=kind, status="processed") for n, (file_id, name, kind) in enumerate(PROJECT_FILES)]

    def listing(self: Files, *, purpose: Any = None, **kwargs: Any) -> SyncCursorPage[FileObject]:
        kept = [item for item in objects if not _given(purpose) or item.purpose == purpose]
        return SyncCursorPage[FileObject](data=kept, has_more=False)

    def deleting(self: Files, file_id: Any, **kwargs: Any) -> FileDeleted:
        deleted.append(file_id)
        return FileDeleted(id=str(getattr(file_id, "id", file_id)), deleted=True, object="file")

    def refused(self: Files, *args: Any, **kwargs: Any) -> Any:
        raise _Refused("the exercise only needs client.files.list and client.files.delete")

    try:
        with patched(Files, "list", listing), patched(Files, "delete", deleting), patched(Files, "create", refused):
            return delete_files(purpose), None, deleted
    except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
        return None, exc, deleted


@exercise("13.1")
def file_cleanup(delete_files: Any) -> Feedback:
    """delete_files(purpose) deletes every file of that purpose, and only those, and returns their ids."""
    fb = Feedback("13.1")
    if not fb.expect_function(delete_files, "delete_files(purpose)"):
        return fb
    result, exc, deleted = _run_cleanup(delete_files, "user_data")
    if not fb.expect(exc is None, "delete_files(\"user_data\") runs without an error", _error_hint(exc) if exc else ""):
        return fb
    if not fb.expect(all(isinstance(item, str) for item in deleted), "it passes each file's id to delete",
                     "client.files.delete takes the id (a str), not the file object: use its .id"):
        return fb
    wanted = {file_id for file_id, _, kind in PROJECT_FILES if kind == "user_data"}
    fb.expect(wanted <= set(deleted), "it deletes every file of that purpose",
              "list the files (client.files.list, which can filter by purpose) and delete each one")
    fb.expect(set(deleted) <= wanted, "it leaves files of other purposes alone",
              "pass purpose=purpose to client.files.list, or skip the files whose .purpose differs")
    fb.expect(len(deleted) == len(set(deleted)), "it deletes each file once", "one delete per file is enough")
    fb.expect(isinstance(result, list) and sorted(map(str, result)) == sorted(deleted)
              and all(isinstance(item, str) for item in result),
              "it returns the list of ids it deleted", "collect each file's .id in a list and return it")
    result, exc, deleted = _run_cleanup(delete_files, "batch")
    fb.expect(exc is None and deleted == ["file-Bt2aInput"], "it works for another purpose too",
              "use the purpose argument, not a fixed \"user_data\"")
    return fb


# --- 13.2 ---------------------------------------------------------------------------------------------


@exercise("13.2")
def semantic_search(search: Any, sentences: Any, vectors: Any) -> Feedback:
    """search(query, k) embeds the query like the sentences and returns the k most similar, best first."""
    fb = Feedback("13.2")
    try:
        matrix = np.asarray(vectors, dtype=float)
    except (TypeError, ValueError):
        matrix = np.zeros((0, 0))
    if not fb.expect(isinstance(sentences, list) and matrix.ndim == 2 and len(sentences) == matrix.shape[0] > 0,
                     "sentences and vectors are those of section 4",
                     "run the cells of section 4 first: pass sentences and vectors, one vector per sentence"):
        return fb
    if not fb.expect_function(search, "search(query, k=3)"):
        return fb
    sent: list[tuple[dict, Any]] = []
    original = Embeddings.create

    def watched(self: Embeddings, **kwargs: Any) -> Any:
        reply = original(self, **kwargs)
        sent.append((kwargs, reply))
        return reply

    try:
        with patched(Embeddings, "create", watched):
            result = search(QUERY, k=TOP)
    except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
        fb.expect(False, f"search({QUERY!r}, k={TOP}) runs without an error", _error_hint(exc))
        return fb
    if not fb.expect(len(sent) == 1, "it embeds the query with one request",
                     "call client.embeddings.create once, for the query only: the sentences' vectors are ready"):
        return fb
    kwargs, reply = sent[0]
    fb.expect(kwargs.get("input") in (QUERY, [QUERY]), "the query goes in as the input",
              "pass the query itself as input=")
    same = kwargs.get("model") == EMBEDDING_MODEL and kwargs.get("dimensions") == matrix.shape[1]
    fb.expect(same, "it uses the model and dimensions of the sentences' vectors",
              f"embed the query exactly as the sentences were ({EMBEDDING_MODEL}, dimensions={matrix.shape[1]}): "
              "vectors of different models or lengths cannot be compared")
    query = np.asarray(reply.data[0].embedding, dtype=float)
    if query.shape[0] != matrix.shape[1]:
        return fb
    ranked = [sentences[i] for i in np.argsort(-(matrix @ query), kind="stable")[:TOP]]
    if isinstance(result, list) and result and all(isinstance(item, (tuple, list)) for item in result):
        hint = "return the sentences themselves (str), not pairs with their scores"
    elif isinstance(result, list) and sorted(map(str, result)) == sorted(ranked):
        hint = "the right sentences: now sort them by similarity, highest first"
    elif isinstance(result, list) and len(result) != TOP:
        hint = "return k sentences: use the k argument"
    else:
        hint = "score every sentence by its similarity to the query's vector (a dot product: the vectors have length 1)"
    fb.expect(result == ranked, f"it returns the {TOP} most similar sentences, most similar first", hint)
    return fb


# --- 13.3 ---------------------------------------------------------------------------------------------


def _stand_in_chat(kwargs: dict) -> ChatCompletion:
    request = StubRequest("POST", "/v1/chat/completions", {}, json.dumps(kwargs, default=str).encode())
    return ChatCompletion.model_validate(chat(STAND_IN_TEXT).body(request, serial=0))


def _run_gate(answer: Callable[[str], Any], text: str, flag: bool) -> tuple[Any, Exception | None, list[tuple]]:
    """Run answer(text) with moderation answering flagged or not; return its result, its error and the calls."""
    calls: list[tuple[str, dict]] = []

    def moderating(self: Moderations, **kwargs: Any) -> ModerationCreateResponse:
        calls.append(("moderation", kwargs))
        given = kwargs.get("input")
        texts = [given] if isinstance(given, str) else list(given or [""])
        flagged = ("violence",) if flag else ()
        results = [moderation_result(str(item), {"violence": 0.81} if flag else None, flagged) for item in texts]
        return ModerationCreateResponse.model_validate(
            {"id": "modr-standin", "model": str(kwargs.get("model")), "results": results})

    def chatting(self: Completions, **kwargs: Any) -> ChatCompletion:
        calls.append(("chat", kwargs))
        return _stand_in_chat(kwargs)

    def refused(self: Responses, *args: Any, **kwargs: Any) -> Any:
        raise _Refused("the exercise asks for client.chat.completions.create; the Responses API is lesson 07's")

    try:
        with (patched(Moderations, "create", moderating), patched(Completions, "create", chatting),
              patched(Responses, "create", refused)):
            return answer(text), None, calls
    except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
        return None, exc, calls


@exercise("13.3")
def moderation_gate(answer: Any) -> Feedback:
    """answer(text) moderates the text first: a flagged text gets the refusal and never reaches the model."""
    fb = Feedback("13.3")
    if not fb.expect_function(answer, "answer(user_text)"):
        return fb
    text = "When will my refund arrive?"
    result, exc, calls = _run_gate(answer, text, flag=False)
    if not fb.expect(exc is None, "on a harmless text it runs without an error", _error_hint(exc) if exc else ""):
        return fb
    kinds = [kind for kind, _ in calls]
    moderated = [kwargs for kind, kwargs in calls if kind == "moderation"]
    fb.expect(len(moderated) == 1 and moderated[0].get("input") in (text, [text]),
              "it sends the user's text to moderation once",
              "call client.moderations.create(model=..., input=user_text) first")
    fb.expect(bool(moderated) and moderated[0].get("model") == MODERATION_MODEL,
              f"it names the moderation model, {MODERATION_MODEL}", f"pass model={MODERATION_MODEL!r}")
    chats = [kwargs for kind, kwargs in calls if kind == "chat"]
    last = (chats[0].get("messages") or [{}])[-1] if chats else {}
    fb.expect(kinds == ["moderation", "chat"] and last.get("content") == text,
              "then it sends the text to the model, as the user message",
              "after moderation, call client.chat.completions.create with the text as the user message")
    fb.expect(result == STAND_IN_TEXT, "it returns the model's reply",
              "return response.choices[0].message.content")

    result, exc, calls = _run_gate(answer, "I will smash your shop windows.", flag=True)
    if not fb.expect(exc is None, "on a flagged text it runs without an error", _error_hint(exc) if exc else ""):
        return fb
    fb.expect(result == REFUSAL, "on a flagged text it returns the refusal",
              f"when moderation.results[0].flagged is true, return {REFUSAL!r}")
    fb.expect("chat" not in [kind for kind, _ in calls], "a flagged text never reaches the model",
              "return before calling the model when the text is flagged")
    return fb

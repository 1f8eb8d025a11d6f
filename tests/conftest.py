"""Fixtures for the helpers tests, and a per-notebook summary line for nbval runs."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import nbval.kernel
import pytest

from helpers import session, settings
from helpers.stub_server import Reply, StubRequest, StubServer

from .tools import retrying_kernel_start

# nbval starts one kernel a notebook; a kernel that loses the race for its ports gets one more try.
nbval.kernel.start_new_kernel = retrying_kernel_start(nbval.kernel.start_new_kernel)

# Fixtures shaped like real credentials, assembled at run time so secret scanners do not flag them.
FAKE_KEY = "sk-" + "test" + "0123456789abcdefghij" * 2
FAKE_ORG = "org-" + "abcdefghijklmnopqrstuvwx"


def chat_body(text: str, model: str = "gpt-4o-mini") -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": None, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def chunk(text: str | None, finish: str | None = None) -> dict:
    delta = {"content": text} if text is not None else {}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


class EchoAPI:
    """A tiny OpenAI-compatible responder: echoes the last message, counts calls, streams on request."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = defaultdict(int)

    def __call__(self, request: StubRequest) -> Reply:
        path = request.path.split("?")[0]
        self.calls[path] += 1
        count = self.calls[path]
        if path.endswith("/chat/completions"):
            body = request.json
            text = f"{body['messages'][-1]['content']} #{count}"
            if body.get("stream"):
                return Reply(events=[chunk(word) for word in text.split(" ")] + [chunk(None, "stop")])
            if "leak the key" in text:
                return Reply({"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}, status=401)
            return Reply(chat_body(text))
        if path.endswith("/files"):
            return Reply(
                {"id": f"file-{count}", "object": "file", "bytes": len(request.body), "created_at": 1700000000,
                 "filename": "train.jsonl", "purpose": "fine-tune", "status": "processed"}
            )
        if path.endswith("/fine_tuning/jobs/ftjob-1"):
            status = ["queued", "running", "succeeded"][min(count, 3) - 1]
            return Reply({"object": "fine_tuning.job", "id": "ftjob-1", "status": status, "model": "gpt-4o-mini",
                          "created_at": 1700000000, "training_file": "file-1", "hyperparameters": {},
                          "result_files": [], "seed": 1, "organization_id": FAKE_ORG})
        return Reply({"error": {"message": "not found"}}, status=404)


@pytest.fixture(autouse=True)
def environment_put_back() -> Iterator[None]:
    """Every test leaves os.environ as it found it: setup() loads .env files into it, and the kernels
    nbval starts later in the same worker inherit whatever a test left behind."""
    saved = dict(os.environ)
    yield
    for name in set(os.environ) - set(saved):
        del os.environ[name]
    os.environ.update(saved)


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A clean course folder: its own recordings, no .env, no key, no mode; sessions stopped after."""
    monkeypatch.setattr(settings, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(settings, "RECORDINGS_DIR", tmp_path / "recordings")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSE_MODE", "COURSE_MODEL", "OPENAI_ORG_ID"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    session.stop()


@pytest.fixture
def api() -> Iterator[tuple[StubServer, EchoAPI]]:
    """The stub server on 127.0.0.1 with the echo responder."""
    responder = EchoAPI()
    with StubServer(responder) as stub:
        yield stub, responder


def saved_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001
    """After an nbval run, one line per notebook: how many cells passed and failed."""
    per_notebook: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            path = report.nodeid.split("::")[0]
            if report.when == "call" and path.endswith(".ipynb"):
                per_notebook[path][0 if outcome == "passed" else 1] += 1
    if per_notebook:
        terminalreporter.write_sep("-", "nbval, per notebook")
        for path in sorted(per_notebook):
            passed, failed = per_notebook[path]
            mark = "ok  " if not failed else "FAIL"
            terminalreporter.write_line(f"{mark} {path}: {passed} cells passed, {failed} failed")


"""Authored replies for notebooks/06_fine_tuning.ipynb (see helpers/authoring.py).

The learner's new job cannot be real: recording it needs a key and a paid training run. Its replies
(upload, job, four polls, events, chat answers, delete) are authored, in the wire format of the
installed SDK's types. The wording of its first two events follows the real events in the course's
source notes ("Created fine-tuning job: …", "Validating training file: …").

One reply holds real data: `jobs.list` returns, as an older job of the account, the real
fine-tuning job of 2023-10-20 quoted in the course's source notes (gpt-3.5-turbo-0613,
ftjob-zrGoLkWiCO6YTVSEf3XMUz4T), exactly as it was printed there, except its organization id,
which is redacted here as the recording serializer would redact it.
"""

from __future__ import annotations

import hashlib
import re

from helpers.authoring import AUTHORED_AT, Script, chat
from helpers.stub_server import Reply, StubRequest

BASE_MODEL = "gpt-4o-mini-2024-07-18"
FILE_ID = "file-7qLmT3vXcN9pR2sWkY8aBd"
RESULT_FILE_ID = "file-Qz5nW8rTb3KcM1vYhP6dLs"
JOB_ID = "ftjob-Hk4sVn2QpX8mRt6LwC1yJe9B"
FINE_TUNED_MODEL = f"ft:{BASE_MODEL}:personal:commits:Bx7Qm2Lp"
UPLOADED_AT = AUTHORED_AT + 540
CREATED = AUTHORED_AT + 600
N_EPOCHS = 3
TOTAL_STEPS = 36  # 12 examples × 3 epochs, batch size 1
TRAINED_TOKENS = 1833  # 611 tokens an epoch: a little above the notebook's 4-characters estimate (578)
SEED = 804129553
SYSTEM = "You write git commit messages."

JOB_LIST_REAL = (
    "authored list; its second job is real: the fine-tuning job ftjob-zrGoLkWiCO6YTVSEf3XMUz4T of "
    "2023-10-20 (gpt-3.5-turbo-0613), as printed in the course's source notes, organization id redacted"
)
EVENTS_AUTHORED = (
    "authored; the first two event messages follow the wording of real events in the course's source notes"
)

# The real job, from the course's source notes (seed 001), field for field.
REAL_2023_JOB = {
    "object": "fine_tuning.job",
    "id": "ftjob-zrGoLkWiCO6YTVSEf3XMUz4T",
    "model": "gpt-3.5-turbo-0613",
    "created_at": 1697813747,
    "finished_at": 1697815710,
    "fine_tuned_model": "ft:gpt-3.5-turbo-0613:personal::8BliK0o7",
    "organization_id": "org-REDACTED",  # a real organization id in the notes; never in the repository
    "result_files": ["file-LiTPyInDa5rZukMjHGYjRTwi"],
    "status": "succeeded",
    "validation_file": None,
    "training_file": "file-elRQ1zlqUWLuscMJttWWgdCn",
    "hyperparameters": {"n_epochs": 10},
    "trained_tokens": 2600,
    "error": None,
}


def _id(prefix: str, *parts: object, length: int = 24) -> str:
    """A stable, realistic-looking id (base62) for an authored object."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    number = int(hashlib.sha256(repr(parts).encode()).hexdigest(), 16)
    out = []
    for _ in range(length):
        number, digit = divmod(number, len(alphabet))
        out.append(alphabet[digit])
    return prefix + "".join(out)


def uploaded_file(request: StubRequest) -> Reply:
    """The file object for the multipart upload, with the name and size of the file really sent."""
    boundary = re.search(r"boundary=\"?([^\";]+)", request.headers.get("content-type", "")).group(1)
    for part in request.body.split(b"--" + boundary.encode()):
        head, _, content = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            filename = re.search(rb'filename="([^"]+)"', head).group(1).decode()
            size = len(content.removesuffix(b"\r\n"))
            break
    else:
        raise LookupError("the upload has no file part")
    return Reply(
        {
            "object": "file",
            "id": FILE_ID,
            "purpose": "fine-tune",
            "filename": filename,
            "bytes": size,
            "created_at": UPLOADED_AT,
            "expires_at": None,
            "status": "processed",
            "status_details": None,
        }
    )


def job(status: str) -> dict:
    """The new job as the API shows it in one state."""
    started = status not in ("validating_files", "queued")
    done = status == "succeeded"
    hyperparameters = {
        "batch_size": 1 if started else "auto",
        "learning_rate_multiplier": 1.8 if started else "auto",
        "n_epochs": N_EPOCHS,
    }
    return {
        "object": "fine_tuning.job",
        "id": JOB_ID,
        "model": BASE_MODEL,
        "created_at": CREATED,
        "finished_at": CREATED + 515 if done else None,
        "fine_tuned_model": FINE_TUNED_MODEL if done else None,
        "organization_id": "org-REDACTED",
        "result_files": [RESULT_FILE_ID] if done else [],
        "status": status,
        "validation_file": None,
        "training_file": FILE_ID,
        "hyperparameters": hyperparameters,
        "trained_tokens": TRAINED_TOKENS if done else None,
        "error": None,
        "user_provided_suffix": "commits",
        "seed": SEED,
        "estimated_finish": CREATED + 420 if status == "running" else None,
        "integrations": [],
        "metadata": None,
        "method": {"type": "supervised", "supervised": {"hyperparameters": hyperparameters}},
    }


def _event(offset: int, message: str, metrics: dict | None = None) -> dict:
    return {
        "object": "fine_tuning.job.event",
        "id": _id("ftevent-", JOB_ID, offset, message),
        "created_at": CREATED + offset,
        "level": "info",
        "message": message,
        "data": metrics or {},
        "type": "metrics" if metrics else "message",
    }


def _step(offset: int, step: int, loss: float, accuracy: float) -> dict:
    metrics = {"step": step, "train_loss": loss, "total_steps": TOTAL_STEPS, "train_mean_token_accuracy": accuracy}
    return _event(offset, f"Step {step}/{TOTAL_STEPS}: training loss={loss:.2f}", metrics)


# The whole log, oldest first; each poll sees the events up to a moment in it.
TIMELINE = [
    _event(0, f"Created fine-tuning job: {JOB_ID}"),
    _event(0, f"Validating training file: {FILE_ID}"),
    _event(38, "Files validated, moving job to queued state"),
    _event(212, "Fine-tuning job started"),
    _step(260, 1, 3.47, 0.41),
    _step(302, 12, 0.92, 0.78),
    _event(305, "Checkpoint created at step 12"),
    _step(341, 24, 0.18, 0.95),
    _event(344, "Checkpoint created at step 24"),
    _step(380, 36, 0.04, 0.99),
    _event(395, "New fine-tuned model created"),
    _event(397, "Evaluating model against our usage policies"),
    _event(512, "Usage policy evaluations completed, model is now enabled for sampling"),
    _event(515, "The job has successfully completed"),
]


def events_until(offset: int) -> dict:
    """`list_events` as seen at `offset` seconds after creation: newest first."""
    seen = [event for event in TIMELINE if event["created_at"] <= CREATED + offset]
    return {"object": "list", "data": list(reversed(seen)), "has_more": False}


def jobs_list() -> Reply:
    return Reply(
        {"object": "list", "data": [job("succeeded"), REAL_2023_JOB], "has_more": False},
        provenance=JOB_LIST_REAL,
    )


def for_model(prefix: str, text: str):
    """A predicate: a chat request to a model whose name starts with `prefix`, about `text`."""

    def test(request: StubRequest) -> bool:
        body = request.json or {}
        return str(body.get("model", "")).startswith(prefix) and body["messages"][-1]["content"] == text

    return test


NEW_CHANGE = "The upload page crashed on empty files; now it rejects them with a clear error message."

script = Script()
script.add("POST /v1/files", uploaded_file)
script.add("POST /v1/fine_tuning/jobs", job("validating_files"))
script.add(f"GET /v1/fine_tuning/jobs/{JOB_ID}", job("queued"), job("running"), job("running"), job("succeeded"))
script.add(
    f"GET /v1/fine_tuning/jobs/{JOB_ID}/events",
    events_until(40),
    events_until(262),
    events_until(350),
    events_until(515),
    provenance=EVENTS_AUTHORED,
)
script.add("GET /v1/fine_tuning/jobs", jobs_list())
script.add(
    "POST /v1/chat/completions",
    chat("fix(upload): reject empty files with a clear error"),
    when=for_model("ft:", NEW_CHANGE),
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "Fix crash on upload page when handling empty files\n\n"
        "- Add validation to reject empty files before processing\n"
        "- Show a clear error message to the user instead of crashing"
    ),
    when=for_model(BASE_MODEL, NEW_CHANGE),
)
script.add(f"DELETE /v1/files/{FILE_ID}", {"id": FILE_ID, "object": "file", "deleted": True})

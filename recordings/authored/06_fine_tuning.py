"""Authored replies for notebooks/06_fine_tuning.ipynb (see helpers/authoring.py).

The learner's job cannot be real: recording it needs a key, a paid training run and an organisation
that may still start fine-tuning jobs. Its replies (two uploads, the job in four states, its events,
its checkpoints, the chat answers, the deletions) are authored, in the wire format of the installed
SDK's types.

Event messages use the wording real jobs write: "Validating training file: … and validation file: …",
"Files validated, moving job to queued state", "Fine-tuning job started" (real SDK outputs in public
repositories), "Step N/M: training loss=…, validation loss=…", "New fine-tuned model created: ft:…"
and "The job has successfully completed" (the OpenAI cookbook, How_to_finetune_chat_models.ipynb).
`list_events` serves them newest first, `limit` at a time, and pages with `after=` as the API's
cursor pagination does (SDK `SyncCursorPage`), at the moment of the latest `jobs.retrieve` poll.

One reply holds real data: `jobs.list` returns, as an older job of the account, the real
fine-tuning job of 2023-10-20 quoted in the course's source notes (gpt-3.5-turbo-0613,
ftjob-zrGoLkWiCO6YTVSEf3XMUz4T), exactly as it was printed there, except its organization id,
which is redacted here as the recording serializer would redact it.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import parse_qsl, urlsplit

from helpers.authoring import AUTHORED_AT, Script, chat, count_tokens
from helpers.stub_server import Reply, StubRequest

BASE_MODEL = "gpt-4.1-mini-2025-04-14"
TRAINING_FILE_ID = "file-7qLmT3vXcN9pR2sWkY8aBd"
VALIDATION_FILE_ID = "file-Vd3kP9sLq2WmX7cTn4RbYh"
FILE_IDS = {"commits.jsonl": TRAINING_FILE_ID, "commits_validation.jsonl": VALIDATION_FILE_ID}
RESULT_FILE_ID = "file-Qz5nW8rTb3KcM1vYhP6dLs"
JOB_ID = "ftjob-Hk4sVn2QpX8mRt6LwC1yJe9B"
FINE_TUNED_MODEL = f"ft:{BASE_MODEL}:personal:commits:Bx7Qm2Lp"
UPLOADED_AT = AUTHORED_AT + 540
CREATED = AUTHORED_AT + 600
N_EPOCHS = 3  # what "auto" resolves to in this authored job, once training starts
EXAMPLES = 12
TOTAL_STEPS = EXAMPLES * N_EPOCHS  # batch size 1
# The training file's tokens counted as the lesson counts them (o200k_base, 3 a message, 3 an example),
# times the epochs: the authored job reports exactly that; `uploaded_file` checks the count still holds.
COUNTED_TOKENS = 552
TRAINED_TOKENS = COUNTED_TOKENS * N_EPOCHS
SEED = 804129553

JOB_LIST_REAL = (
    "authored list; its second job is real: the fine-tuning job ftjob-zrGoLkWiCO6YTVSEf3XMUz4T of "
    "2023-10-20 (gpt-3.5-turbo-0613), as printed in the course's source notes, organization id redacted"
)
EVENTS_AUTHORED = (
    "authored; event messages in the wording real jobs write (OpenAI cookbook How_to_finetune_chat_models, "
    "public SDK outputs)"
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


def _training_tokens(content: bytes) -> int:
    """The lesson's count of a chat training file: role and text of each message, 3 a message, 3 an example."""
    total = 0
    for line in content.decode("utf-8").splitlines():
        total += 3
        for message in json.loads(line)["messages"]:
            total += 3 + count_tokens(message["role"]) + count_tokens(message["content"])
    return total


def uploaded_file(request: StubRequest) -> Reply:
    """The file object for the multipart upload, with the name and size of the file really sent."""
    boundary = re.search(r"boundary=\"?([^\";]+)", request.headers.get("content-type", "")).group(1)
    for part in request.body.split(b"--" + boundary.encode()):
        head, _, content = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            filename = re.search(rb'filename="([^"]+)"', head).group(1).decode()
            content = content.removesuffix(b"\r\n")
            break
    else:
        raise LookupError("the upload has no file part")
    if FILE_IDS[filename] == TRAINING_FILE_ID and _training_tokens(content) != COUNTED_TOKENS:
        raise ValueError(f"the training file now counts {_training_tokens(content)} tokens: update COUNTED_TOKENS")
    return Reply(
        {
            "object": "file",
            "id": FILE_IDS[filename],
            "purpose": "fine-tune",
            "filename": filename,
            "bytes": len(content),
            "created_at": UPLOADED_AT,
            "expires_at": None,
            "status": "processed",
            "status_details": None,
        }
    )


def job(status: str) -> dict:
    """The new job as the API shows it in one state: hyperparameters stay "auto" until training starts."""
    started = status not in ("validating_files", "queued")
    done = status == "succeeded"
    hyperparameters = {
        "batch_size": 1 if started else "auto",
        "learning_rate_multiplier": 1.8 if started else "auto",
        "n_epochs": N_EPOCHS if started else "auto",
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
        "validation_file": VALIDATION_FILE_ID,
        "training_file": TRAINING_FILE_ID,
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


# step: (training loss, validation loss, train accuracy, valid accuracy); authored figures.
LOSSES = {
    1: (3.47, 3.61, 0.41, 0.38),
    6: (1.88, 2.05, 0.62, 0.58),
    12: (0.92, 1.12, 0.78, 0.74),
    18: (0.41, 0.71, 0.90, 0.83),
    24: (0.18, 0.52, 0.95, 0.86),
    30: (0.09, 0.49, 0.98, 0.87),
    36: (0.04, 0.50, 0.99, 0.87),
}
FULL_VALID = {12: (1.09, 0.75), 24: (0.55, 0.85), 36: (0.51, 0.86)}  # full_valid_loss, full_valid_mean_token_accuracy


def _step(offset: int, step: int) -> dict:
    train, valid, train_accuracy, valid_accuracy = LOSSES[step]
    metrics = {"step": step, "train_loss": train, "valid_loss": valid, "total_steps": TOTAL_STEPS,
               "train_mean_token_accuracy": train_accuracy, "valid_mean_token_accuracy": valid_accuracy}
    return _event(offset, f"Step {step}/{TOTAL_STEPS}: training loss={train:.2f}, validation loss={valid:.2f}",
                  metrics)


# The whole log, oldest first.
TIMELINE = [
    _event(0, f"Created fine-tuning job: {JOB_ID}"),
    _event(0, f"Validating training file: {TRAINING_FILE_ID} and validation file: {VALIDATION_FILE_ID}"),
    _event(38, "Files validated, moving job to queued state"),
    _event(212, "Fine-tuning job started"),
    _step(230, 1),
    _step(248, 6),
    _step(266, 12),
    _step(284, 18),
    _step(302, 24),
    _step(320, 30),
    _step(338, 36),
    _event(395, f"New fine-tuned model created: {FINE_TUNED_MODEL}"),
    _event(515, "The job has successfully completed"),
]
# Each `jobs.retrieve` is one poll: the job's state, and how many seconds after creation it happens.
# The second poll finds six new events, more than the lesson's page of 5, so its loop reads two pages.
POLLS = [("queued", 40), ("running", 305), ("running", 330), ("succeeded", 520)]
clock = {"polls": 0, "now": 0}


def retrieve(request: StubRequest) -> Reply:
    """The job at the next poll; moves the clock the events are read at."""
    status, now = POLLS[min(clock["polls"], len(POLLS) - 1)]
    clock["polls"] += 1
    clock["now"] = now
    return Reply(job(status))


def events_page(request: StubRequest) -> Reply:
    """One page of `list_events` at the current poll: newest first, `limit` events after the `after` cursor."""
    query = dict(parse_qsl(urlsplit(request.path).query))
    limit = int(query.get("limit", 20))  # the API's default page size (OpenAPI spec)
    logged = [event for event in reversed(TIMELINE) if event["created_at"] <= CREATED + clock["now"]]
    start = 0
    if "after" in query:
        start = next(i for i, event in enumerate(logged) if event["id"] == query["after"]) + 1
    page = logged[start : start + limit]
    return Reply({"object": "list", "data": page, "has_more": start + limit < len(logged)})


def _checkpoint(step: int, offset: int) -> dict:
    train, valid, train_accuracy, valid_accuracy = LOSSES[step]
    full_loss, full_accuracy = FULL_VALID[step]
    return {
        "object": "fine_tuning.job.checkpoint",
        "id": _id("ftckpt_", JOB_ID, step),
        "created_at": CREATED + offset,
        "fine_tuned_model_checkpoint": f"{FINE_TUNED_MODEL}:ckpt-step-{step}",
        "fine_tuning_job_id": JOB_ID,
        "step_number": step,
        "metrics": {
            "step": float(step),
            "train_loss": train,
            "train_mean_token_accuracy": train_accuracy,
            "valid_loss": valid,
            "valid_mean_token_accuracy": valid_accuracy,
            "full_valid_loss": full_loss,
            "full_valid_mean_token_accuracy": full_accuracy,
        },
    }


CHECKPOINTS = {
    "object": "list",
    "data": [_checkpoint(36, 392), _checkpoint(24, 304), _checkpoint(12, 268)],
    "has_more": False,
}


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


FIRST_CHANGE = "The upload page crashed on empty files; now it rejects them."
# Held-out changes → (base model's reply, fine-tuned model's reply); all authored.
HELD_OUT = {
    "Sessions now expire after 30 minutes without activity.": (
        "Expire sessions after 30 minutes of inactivity",
        "feat(auth): expire sessions after 30 minutes of inactivity",
    ),
    "Replaced the hand-written date parsing with the dateutil library.": (
        "Replace custom date parsing with dateutil\n\n"
        "- Remove the hand-written parser\n- Use dateutil.parser for all date inputs",
        "refactor(dates): use dateutil instead of custom parsing",
    ),
    "Added an index on orders.created_at; the monthly report went from 40 s to 2 s.": (
        "perf(db): add index on orders.created_at",
        "perf(orders): index created_at to speed up monthly report",
    ),
    "Documented the environment variables the worker reads.": (
        "Add documentation for worker environment variables",
        "docs(worker): document environment variables",
    ),
    "Fixed the CSV export, which dropped the last row of every file.": (
        "Fix CSV export dropping the last row\n\nThe export loop stopped one row early; it now writes every row.",
        "fix(export): keep last row in CSV export\n\nThe loop stopped one row early.",
    ),
}

script = Script()
script.add("POST /v1/files", uploaded_file)
script.add("POST /v1/fine_tuning/jobs", job("validating_files"))
script.add(f"GET /v1/fine_tuning/jobs/{JOB_ID}", retrieve)
script.add(f"GET /v1/fine_tuning/jobs/{JOB_ID}/events", events_page, provenance=EVENTS_AUTHORED)
script.add(f"GET /v1/fine_tuning/jobs/{JOB_ID}/checkpoints", CHECKPOINTS)
script.add("GET /v1/fine_tuning/jobs", jobs_list())
script.add("POST /v1/chat/completions", chat("fix(upload): reject empty files"), when=for_model("ft:", FIRST_CHANGE))
for change, (base_reply, tuned_reply) in HELD_OUT.items():
    script.add("POST /v1/chat/completions", chat(base_reply), when=for_model(BASE_MODEL, change))
    script.add("POST /v1/chat/completions", chat(tuned_reply), when=for_model("ft:", change))
for file_id in (TRAINING_FILE_ID, VALIDATION_FILE_ID):
    script.add(f"DELETE /v1/files/{file_id}", {"id": file_id, "object": "file", "deleted": True})

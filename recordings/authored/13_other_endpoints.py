"""Authored replies for notebooks/13_other_endpoints.ipynb (see helpers/authoring.py).

No reply here was produced by OpenAI's models or services; each is an example written for the
course, in the wire format of the pinned SDK's types.

- Models: `id`, `created` and `owned_by` come from a real GET /v1/models answer of 2026-05-06
  (recordings/authored/data/models-2026-05-06.tsv); `shutdown_date` is authored as null: the
  pinned SDK's notes announce no shutdown for these models.
- Files: the upload answers with the name and size of the file the notebook really sent; the
  project's older file in the list is authored.
- Embeddings: the vectors are authored to encode meaning honestly, from hand-chosen topic features
  (below). Each text is a weighted mix of features; each feature is a fixed direction; a little
  noise, drawn from the text itself, makes every vector different. The five main features live in
  the first 16 numbers and the six finer ones in numbers 17 to 64, as the embeddings guide says
  the real models front-load what matters ("shorten embeddings ... without the embedding losing
  its concept-representing properties"): a 16-number vector keeps the topics and loses the finer
  distinctions. Real vectors of text-embedding-3-small have 1536 numbers by default; the lesson
  asks for 64 (and 16) so the recordings stay small. The builder shortens and normalises them as
  the guide describes, and counts usage with cl100k_base (the guide's FAQ).
- Moderation: authored scores in the shape of a real reply (13 categories, tiny scores for a
  harmless text); which categories a threatening text flags is authored too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from helpers.authoring import (
    AUTHORED_AT,
    Script,
    embeddings,
    file_object,
    file_upload,
    moderation,
    moderation_result,
)
from helpers.stub_server import Reply

MODELS_TSV = Path(__file__).with_name("data") / "models-2026-05-06.tsv"
MODELS_FROM_REAL_LIST = (
    "authored: id, created and owned_by from a real GET /v1/models answer of 2026-05-06 (published in the "
    "test recordings of posit-dev/chatlas); shutdown_date null, as no shutdown is announced"
)


def model_object(model_id: str) -> dict:
    """The model object of `model_id`, from the real list of 2026-05-06."""
    for row in MODELS_TSV.read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#") and row.split("\t")[0] == model_id:
            _, created, owned_by = row.split("\t")
            return {"id": model_id, "object": "model", "created": int(created), "owned_by": owned_by,
                    "shutdown_date": None}
    raise LookupError(f"{model_id} is not in {MODELS_TSV.name}")


# --- embeddings: topic features, and the texts the lesson and its solutions embed ---------------------

FULL_LENGTH = 1536  # text-embedding-3-small's default length (embeddings guide)
MAIN = ("general", "account", "payment", "delivery", "returns")  # in numbers 1-16
FINE = ("security", "money", "waiting", "email", "places", "damage")  # in numbers 17-64


def _directions() -> dict[str, np.ndarray]:
    """Each feature's fixed direction: orthonormal within its band, with a faint tail over the rest."""
    rng = np.random.default_rng(13)
    main_band, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    fine_band, _ = np.linalg.qr(rng.normal(size=(48, 48)))
    directions = {}
    for number, name in enumerate(MAIN + FINE):
        vector = np.zeros(FULL_LENGTH)
        if name in MAIN:
            vector[:16] = main_band[:, number]
        else:
            vector[16:64] = fine_band[:, number - len(MAIN)]
        vector[64:] = rng.normal(scale=0.004, size=FULL_LENGTH - 64)
        directions[name] = vector
    return directions


DIRECTIONS = _directions()

# The twelve help-desk sentences of the lesson's search, three per topic, and each one's features.
# Every text shares the "general" feature a little: unrelated sentences are not opposites.
SENTENCES = {
    "Reset your password from the sign-in page with the 'Forgot password' link.":
        {"account": 1.0, "security": 0.55, "email": 0.25},
    "Two-factor authentication asks for a code from your phone at every sign-in.":
        {"account": 0.7, "security": 1.0},
    "After five wrong passwords, your account is locked for 15 minutes.":
        {"account": 0.9, "security": 0.7, "waiting": 0.35},
    "We accept Visa, Mastercard and PayPal.": {"payment": 1.0, "money": 0.45},
    "Invoices are emailed on the first day of each month.": {"payment": 0.8, "money": 0.5, "email": 0.6},
    "A declined card usually means your bank blocked the payment.":
        {"payment": 1.0, "money": 0.35, "security": 0.35},
    "Standard delivery takes three to five working days.": {"delivery": 1.0, "waiting": 0.7},
    "Track your parcel with the link in your dispatch email.": {"delivery": 1.0, "email": 0.6},
    "We ship to every country of the European Union.": {"delivery": 0.9, "places": 0.8},
    "Return any item within 30 days for a full refund.": {"returns": 1.0, "money": 0.55, "waiting": 0.25},
    "Refunds reach your card five to ten days after we receive the item.":
        {"returns": 0.75, "money": 0.85, "payment": 0.35, "waiting": 0.5},
    "Damaged goods are exchanged free of charge.": {"returns": 0.9, "damage": 1.0},
}
QUERIES = {
    "I can't log in": {"account": 0.9, "security": 0.5},  # section 4
    "When will my refund arrive?": {"returns": 0.7, "money": 0.6, "waiting": 0.8},  # section 6
    "How do I get my money back?": {"returns": 0.8, "money": 1.0},  # exercise 13.2
}
ONE_SENTENCE = {  # section 3: the first vector
    "The parcel arrived two days late.": {"delivery": 0.95, "waiting": 0.6},
}
FEATURES = {**SENTENCES, **QUERIES, **ONE_SENTENCE}
GENERAL = 0.45  # how much of the shared "general" feature every text has


def vector_of(text: str) -> np.ndarray:
    """The full-length authored vector of `text`: its features, the shared one, and noise from the text."""
    if text not in FEATURES:
        raise LookupError(f"no authored features for {text!r}: add it to FEATURES in {Path(__file__).name}")
    vector = GENERAL * DIRECTIONS["general"]
    for name, weight in FEATURES[text].items():
        vector = vector + weight * DIRECTIONS[name]
    noise = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))
    scale = np.where(np.arange(FULL_LENGTH) < 64, 0.06, 0.003)
    return vector + noise.normal(size=FULL_LENGTH) * scale


# --- moderation ---------------------------------------------------------------------------------------

THREAT = "Refund me today or I will find you and smash your shop windows."
MODERATION_RESULTS = {
    "Thanks for the quick refund, the new blender works great.": moderation_result(
        "Thanks for the quick refund, the new blender works great."),
    THREAT: moderation_result(THREAT, {
        "harassment": 0.41, "harassment/threatening": 0.58, "violence": 0.77, "illicit/violent": 0.03,
        "illicit": 0.02, "hate": 0.0004,
    }, flagged=("harassment/threatening", "violence")),
}


def moderation_for(text: str) -> dict:
    if text not in MODERATION_RESULTS:
        raise LookupError(f"no authored moderation result for {text!r}")
    return MODERATION_RESULTS[text]


# --- files --------------------------------------------------------------------------------------------

UPLOAD_ID = "file-Jr5tQx8WbN2cLm7Ya4HsDv"
UPLOADED: dict[str, dict] = {}
OLDER_FILE = file_object("file-4Wq9dLmZr8TkVc2Ns7PbXe", "faq_export.csv", 18432, "user_data", AUTHORED_AT - 6 * 86400)


def files_page(request) -> Reply:  # noqa: ANN001
    """GET /v1/files: the project's files of the asked purpose, newest first."""
    files = sorted([*UPLOADED.values(), OLDER_FILE], key=lambda item: item["created_at"], reverse=True)
    return Reply({"object": "list", "data": files, "has_more": False})


def stored_file(request) -> Reply:  # noqa: ANN001
    return Reply(UPLOADED[request.path.split("?")[0].rsplit("/", 1)[-1]])


def deleted_file(request) -> Reply:  # noqa: ANN001
    file_id = request.path.split("?")[0].rsplit("/", 1)[-1]
    UPLOADED.pop(file_id)
    return Reply({"id": file_id, "object": "file", "deleted": True})


script = Script()
for name in ("gpt-5.4-mini", "text-embedding-3-small", "omni-moderation-latest"):
    script.add(f"GET /v1/models/{name}", Reply(model_object(name), provenance=MODELS_FROM_REAL_LIST))
script.add("POST /v1/files", file_upload(UPLOADED, UPLOAD_ID, created_at=AUTHORED_AT + 120))
script.add("GET /v1/files", files_page)
script.add(f"GET /v1/files/{UPLOAD_ID}", stored_file)
script.add(f"DELETE /v1/files/{UPLOAD_ID}", deleted_file)
script.add("POST /v1/embeddings", embeddings(vector_of))
script.add("POST /v1/moderations", moderation(moderation_for))

"""Authored replies for notebooks/01_chat_basics.ipynb (see helpers/authoring.py).

Two replies are real: the haiku responses of gpt-4o-mini from September 2024, recorded in the
workshop notes this course grew from. The models list is a real /v1/models answer of
2026-05-06. Everything else is written for the course and marked `authored` in the recording.
"""

from pathlib import Path

from helpers.authoring import Script, chat
from helpers.stub_server import Reply

HAIKU_REAL = (
    "real: gpt-4o-mini response of 2024-09-10 from the course's source notes; "
    "body as the SDK printed it, in wire format"
)
HAIKU_TEXT_REAL = (
    "real text: a gpt-4o-mini haiku from the course's source notes (2024-09-10); its line breaks, "
    "id and usage are authored"
)
MODELS_REAL = (
    "real: GET /v1/models answer of 2026-05-06, published in the test recordings of the "
    "open-source project posit-dev/chatlas"
)

haiku_recorded = {
    "id": "chatcmpl-A5yRAL35y156KgXeY6uUBbLNHD4qh",
    "object": "chat.completion",
    "created": 1725987324,
    "model": "gpt-4o-mini-2024-07-18",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Silent pawsteps glide, \nMoonlight dances on the blade— \nFeline honor blinds. ",
                "refusal": None,
            },
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 37, "completion_tokens": 20, "total_tokens": 57},
    "system_fingerprint": "fp_483d39d857",
}


def models_list() -> dict:
    rows = Path(__file__).with_name("data").joinpath("models-2026-05-06.tsv").read_text().splitlines()
    data = []
    for row in rows:
        if row and not row.startswith("#"):
            model_id, created, owned_by = row.split("\t")
            data.append({"id": model_id, "object": "model", "created": int(created), "owned_by": owned_by})
    return {"object": "list", "data": data}


TUTOR_API = (
    "An API (application programming interface) is a set of rules that lets one program ask another "
    "for data or actions. You send a request in an agreed format, and you get back a response."
)

script = Script()
script.add(
    "POST /v1/chat/completions",
    Reply(haiku_recorded, provenance=HAIKU_REAL),
    Reply(
        chat(
            "Silent paws tread soft,\nMoonlight gleams on sharpened claws—\nHonor in each pounce.",
            usage=(37, 19),
        ),
        provenance=HAIKU_TEXT_REAL,
    ),
    when="Samurai cat",
)
script.add("GET /v1/models", Reply(models_list(), provenance=MODELS_REAL))
script.add(
    "POST /v1/chat/completions",
    chat(
        "Think of a restaurant menu: you pick from a fixed list, the waiter takes your order to the "
        "kitchen, and a dish comes back. You never walk into the kitchen, just as your code never sees "
        "inside the service it calls."
    ),
    when=lambda request: request.json["messages"][-1]["content"] == "Give me an everyday analogy for it."
    and len(request.json["messages"]) > 2,
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "I'm happy to give an analogy, but I'm not sure what \"it\" refers to. Which idea would you "
        "like me to explain?"
    ),
    when="Give me an everyday analogy for it.",
)
script.add("POST /v1/chat/completions", chat(TUTOR_API), when="What is an API?")

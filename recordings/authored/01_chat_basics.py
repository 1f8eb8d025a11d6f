"""Authored replies for notebooks/01_chat_basics.ipynb (see helpers/authoring.py).

Every reply to a model request is an authored example (the requests name gpt-5.4-mini). The two
chat haiku reuse the text of real gpt-4o-mini replies of 2024-09-10 from the workshop notes this
course grew from, and say so in their provenance. The models list is a real /v1/models answer of
2026-05-06. Usage is counted by the builders with the o200k_base tokenizer.
"""

from pathlib import Path

from helpers.authoring import Script, chat, respond
from helpers.stub_server import Reply

HAIKU_FROM_NOTES = (
    "authored: text of a real gpt-4o-mini reply of 2024-09-10 from the course's source notes; "
    "id, model and usage authored for gpt-5.4-mini"
)
HAIKU_TEXT_FROM_NOTES = (
    "authored: text of a real gpt-4o-mini haiku of 2024-09-10 from the course's source notes; "
    "its line breaks, id, model and usage authored for gpt-5.4-mini"
)
MODELS_REAL = (
    "real: GET /v1/models answer of 2026-05-06, published in the test recordings of the "
    "open-source project posit-dev/chatlas"
)


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
    Reply(chat("Silent pawsteps glide, \nMoonlight dances on the blade— \nFeline honor blinds. "),
          provenance=HAIKU_FROM_NOTES),
    Reply(chat("Silent paws tread soft,\nMoonlight gleams on sharpened claws—\nHonor in each pounce."),
          provenance=HAIKU_TEXT_FROM_NOTES),
    when="Samurai cat",
)
# The same request through the Responses API: instructions + input instead of a message list.
script.add(
    "POST /v1/responses",
    respond("Whiskers in moonlight,\na blade sheathed in silent fur—\nthe mouse bows its head."),
    when="Samurai cat",
)
# A developer message: the role that takes over from system with o1 models and newer
# (docstring of ChatCompletionDeveloperMessageParam in the pinned SDK).
script.add(
    "POST /v1/chat/completions",
    chat("Un haïku est un court poème japonais de trois vers."),
    when="What is a haiku?",
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

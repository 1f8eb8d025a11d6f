"""Authored replies for notebooks/03_streaming.ipynb (see helpers/authoring.py).

One reply holds real data: the text of a streamed gpt-4o-mini haiku recorded in the workshop notes
this course grew from (seed 000, the notebook whose other responses date from 2024-09-10). The
notes show only the printed text, so its line breaks, chunk boundaries, id and timestamps are
authored. Everything else is written for the course and marked `authored` in the recording.

Every chunk carries an `obfuscation` string, as the API sends by default
(`stream_options.include_obfuscation` is true unless a request turns it off); the shared `Stream`
builder adds it.
"""

from helpers.authoring import Script, Stream, stream
from helpers.stub_server import Reply, StubRequest

HAIKU_STREAM_REAL = (
    "real text, chunking authored: the streamed gpt-4o-mini haiku for this request in the course's "
    "source notes (seed 000, same notebook as the 2024-09-10 responses); line breaks, chunk "
    "boundaries, id and timestamps authored"
)


def is_basho(request: StubRequest, *, with_usage: bool) -> bool:
    body = request.json or {}
    asked = bool((body.get("stream_options") or {}).get("include_usage"))
    return "Samurai cat" in str(body.get("messages")) and asked == with_usage


HAIKU_REAL = "Silent paws in dusk,\nMoonlit blade gleams in the night—\nFierce heart, whiskers twitch."
BASHO_PROMPT_TOKENS = 37  # the real non-streamed response to these messages reported 37 (notebook 01)

BROWSER = (
    "When you type a web address and press Enter, the browser first has to find the site. It asks a DNS "
    "server to turn the name, such as example.com, into an IP address. It then opens a connection to that "
    "address and, for https, agrees on encryption keys with the server in a TLS handshake. Next it sends an "
    "HTTP request: a short message that names the page it wants and the formats it understands. The server "
    "answers with a status code, some headers and the page's HTML. The browser reads the HTML from top to "
    "bottom, and every image, stylesheet or script it mentions starts another request. Finally it works out "
    "the layout, paints the page on the screen and runs the scripts, which may fetch more data while you "
    "are already reading."
)

STREAMING_Q = "What does streaming change for someone waiting for an answer?"
EXAMPLE_Q = "Give me an everyday example of that."

script = Script()
script.add(
    "POST /v1/chat/completions",
    Reply(stream(HAIKU_REAL), provenance=HAIKU_STREAM_REAL),
    stream("Soft paws on cold steel,\nthe moon bows to his drawn blade—\na purr, then silence."),
    when=lambda request: is_basho(request, with_usage=False),
)
script.add(
    "POST /v1/chat/completions",
    stream("Whiskers sharp as steel,\nhe guards the shrine of moonlight—\nno mouse dares to breathe.",
             prompt=BASHO_PROMPT_TOKENS),
    stream("Armor of orange fur,\nthe ronin cat walks at dawn—\ncherry petals fall.",
             prompt=BASHO_PROMPT_TOKENS),
    when=lambda request: is_basho(request, with_usage=True),
)
script.add("POST /v1/chat/completions", stream(BROWSER), when="web address")
script.add(
    "POST /v1/chat/completions",
    stream("Le streaming affiche la réponse pendant que le modèle est encore en train de l'écrire."),
    when="Translate into French",
)
script.add(
    "POST /v1/chat/completions",
    stream("Streaming zeigt die Antwort, während das Modell sie noch schreibt."),
    when="Translate into German",
)
script.add(
    "POST /v1/chat/completions",
    stream("El streaming muestra la respuesta mientras el modelo todavía la está escribiendo."),
    when="Translate into Spanish",
)
script.add(
    "POST /v1/chat/completions",
    Stream(["ストリーミング", "では", "、", "モデル", "が", "まだ", "書", "いている", "途中", "の", "回答",
             "が", "表示", "されます", "。"]),
    when="Translate into Japanese",
)
script.add(
    "POST /v1/chat/completions",
    stream(
        "They see the first words after a moment instead of a blank screen until the whole answer is "
        "ready. The total time is the same, but the wait feels much shorter, and they can start reading, "
        "or stop a reply that is going the wrong way, right away."
    ),
    when=lambda request: (request.json or {}).get("messages", [{}])[-1].get("content") == STREAMING_Q,
)
script.add(
    "POST /v1/chat/completions",
    stream(
        "It is like a friend telling you a story on the phone instead of mailing you a letter: you hear "
        "the first sentence right away and follow along as they talk, rather than waiting days for the "
        "finished page."
    ),
    # Only with the earlier turns: "that" means nothing without them, and the notebook says so.
    when=lambda request: (request.json or {}).get("messages", [{}])[-1].get("content") == EXAMPLE_Q
    and len(request.json["messages"]) >= 4,
)

"""Authored replies for notebooks/03_streaming.ipynb (see helpers/authoring.py).

Every reply is an authored example (the requests name gpt-5.4-mini). One reuses the text of a
streamed gpt-4o-mini haiku recorded in the workshop notes this course grew from (seed 000, the
notebook whose other responses date from 2024-09-10), and says so in its provenance; the notes
show only the printed text, so its line breaks, chunk boundaries, id and timestamps are authored.
Usage is counted by the builders with the o200k_base tokenizer.

Every chunk carries an `obfuscation` string, as the API sends by default
(`stream_options.include_obfuscation` is true unless a request turns it off); the shared `Stream`
builder adds it.
"""

from helpers.authoring import Script, Stream, stream, tool_call
from helpers.stub_server import Reply, StubRequest

HAIKU_FROM_NOTES = (
    "authored: text of a real streamed gpt-4o-mini haiku of 2024-09-10 from the course's source notes "
    "(seed 000); line breaks, chunk boundaries, id, model and timestamps authored for gpt-5.4-mini"
)


def is_basho(request: StubRequest, *, with_usage: bool) -> bool:
    body = request.json or {}
    asked = bool((body.get("stream_options") or {}).get("include_usage"))
    return "Samurai cat" in str(body.get("messages")) and asked == with_usage


HAIKU_FROM_NOTES_TEXT = "Silent paws in dusk,\nMoonlit blade gleams in the night—\nFierce heart, whiskers twitch."

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

# Section 10 sends these two, in this order; in replay its chat box answers exactly these (its hint
# lists the notebook's `questions`), each time from a fresh conversation.
STREAMING_Q = "What does streaming change for someone waiting for an answer?"
EXAMPLE_Q = "Give me an everyday example of that."

script = Script()
script.add(
    "POST /v1/chat/completions",
    Reply(stream(HAIKU_FROM_NOTES_TEXT), provenance=HAIKU_FROM_NOTES),
    stream("Soft paws on cold steel,\nthe moon bows to his drawn blade—\na purr, then silence."),
    when=lambda request: is_basho(request, with_usage=False),
)
script.add(
    "POST /v1/chat/completions",
    stream("Whiskers sharp as steel,\nhe guards the shrine of moonlight—\nno mouse dares to breathe."),
    stream("Armor of orange fur,\nthe ronin cat walks at dawn—\ncherry petals fall."),
    when=lambda request: is_basho(request, with_usage=True),
)
# Section 5 times this answer; section 6 sends the same request and stops reading early.
script.add("POST /v1/chat/completions", stream(BROWSER), when="web address")
# Tools with gpt-5.4-mini in Chat Completions need an effort above "none": "Starting with GPT-5.4, tool
# calling is not supported in Chat Completions with `reasoning: none`"
# (https://developers.openai.com/api/docs/guides/migrate-to-responses). So the request says
# reasoning_effort="low" and the reply carries a few reasoning tokens.
script.add(
    "POST /v1/chat/completions",
    stream(
        "",
        tool_calls=[tool_call("get_weather", {"city": "Kyoto"}), tool_call("get_weather", {"city": "Osaka"})],
        reasoning_tokens=24,
    ),
    when=lambda request: bool((request.json or {}).get("tools")),
)
script.add(
    "POST /v1/chat/completions",
    stream("", refusal="I'm sorry, but I can't help with writing a phishing email."),
    when="phishing",
)
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

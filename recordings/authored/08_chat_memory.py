"""Authored replies for notebooks/08_chat_memory.ipynb (see helpers/authoring.py).

Every reply is an authored example written for the course; none was produced by gpt-5.4-mini.
Usage is counted by the builders with the o200k_base tokenizer and the cookbook's per-message
tokens, so the lesson's own token count agrees with it exactly (the lesson says so). A request
with `previous_response_id` is billed for the earlier turn too, as the API bills it: "Even when
using `previous_response_id`, all previous input tokens for responses in the chain are billed as
input tokens in the API" (https://developers.openai.com/api/docs/guides/migrate-to-responses).

The chat app of section 6 answers, in replay, exactly the requests its dry run sends: the four
`questions` in order from a fresh `Chat`, the last two after "Answer in French." is added to the
system prompt, with one summarising request before the fourth (its memory is then over budget).
"""

from __future__ import annotations

from helpers.authoring import Script, chat, respond, stream
from helpers.stub_server import StubRequest

INTRO = "Hi! I'm Ada, and I'm planning a trip to Lisbon in May."
REMIND = "Remind me: what's my name?"
SUMMARY_INSTRUCTION = "Summarise this conversation in at most 40 words."
APP_INTRO = "Hi! I'm Sam, and I'm going hiking in the Alps in July."


def messages(request: StubRequest) -> list[dict]:
    return list((request.json or {}).get("messages") or [])


def last(request: StubRequest) -> str:
    sent = messages(request)
    return str(sent[-1].get("content")) if sent else ""


def streamed(request: StubRequest) -> bool:
    return bool((request.json or {}).get("stream"))


def about(request: StubRequest, needle: str) -> bool:
    """Whether any message of the request mentions `needle`."""
    return any(needle in str(message.get("content")) for message in messages(request))


def summarising(request: StubRequest) -> bool:
    sent = messages(request)
    return bool(sent) and str(sent[0].get("content")).startswith(SUMMARY_INSTRUCTION)


def in_french(request: StubRequest) -> bool:
    sent = messages(request)
    return bool(sent) and str(sent[0].get("content")).endswith("Answer in French.")


script = Script()

# Section 1: two requests that stand alone.
script.add(
    "POST /v1/chat/completions",
    chat(
        "Hi Ada! Lisbon in May is a lovely choice: warm days, long evenings and jacaranda trees coming into "
        "bloom. Would you like ideas for where to stay or what to see?"
    ),
    when=lambda request: last(request) == INTRO and not streamed(request),
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "I don't know: this is the first message I've seen from you, so you haven't told me your name or your "
        "destination yet. Tell me, and I'll gladly help you plan."
    ),
    when=lambda request: last(request) == "What's my name, and where am I going?",
)

# Section 2: the loop resends the whole history; section 3 reads the usage of these replies.
script.add(
    "POST /v1/chat/completions",
    chat(
        "For Lisbon in May, pack light layers, a light jacket for cool evenings and comfortable shoes for the "
        "steep cobbled hills. Add sunscreen and sunglasses: the days are often sunny."
    ),
    when=lambda request: last(request) == "What should I pack?" and about(request, "Lisbon"),
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "Take the train from Rossio station to Sintra, under an hour away, to see its hilltop palaces and "
        "forest gardens."
    ),
    when=lambda request: last(request) == "Suggest one day trip from there.",
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "Walk, and use the trams and the metro: one rechargeable Viva Viagem card pays for both. Tram 28 is a "
        "scenic ride through the old quarters."
    ),
    when=lambda request: last(request) == "How do I get around the city?",
)

# Sections 4 and 5: the same question after trimming (the name is gone) and after summarising (kept).
script.add(
    "POST /v1/chat/completions",
    chat(
        "Ada is planning a trip to Lisbon in May. The assistant suggested packing light layers, a jacket "
        "for cool evenings, comfortable shoes and sun protection, and a day trip to Sintra by train."
    ),
    when=lambda request: summarising(request) and about(request, "Lisbon"),
)
script.add(
    "POST /v1/chat/completions",
    chat("You're Ada, and you're off to Lisbon in May. Enjoy the trams!"),
    when=lambda request: last(request) == REMIND and about(request, "Summary of the earlier conversation"),
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "I'm sorry, I don't know your name: you haven't told me in this conversation. Tell me, and I'll use "
        "it from now on."
    ),
    when=lambda request: last(request) == REMIND,
)

# Section 6: the app's dry run, streamed; the app in replay plays these same requests.
script.add(
    "POST /v1/chat/completions",
    stream(
        "Hi Sam! The Alps in July means long days, open mountain huts and wildflowers on the high trails. "
        "Do you have a region in mind?"
    ),
    when=lambda request: streamed(request) and last(request) == APP_INTRO,
)
script.add(
    "POST /v1/chat/completions",
    stream(
        "Pack broken-in boots, warm layers and a waterproof jacket for sudden storms, plus sunscreen and "
        "sunglasses for the high altitude. Add a refillable bottle and a small first-aid kit."
    ),
    when=lambda request: streamed(request) and last(request) == "What should I pack?",
)
script.add(
    "POST /v1/chat/completions",
    stream(
        "Prenez une remontée mécanique et faites le tour d'un lac d'altitude : deux ou trois heures de marche "
        "facile, avec de belles vues sur les sommets."
    ),
    when=lambda request: streamed(request) and in_french(request) and last(request) == "Suggest one easy day hike.",
)
script.add(
    "POST /v1/chat/completions",
    chat(
        "Sam is going hiking in the Alps in July. The assistant suggested packing broken-in boots, warm "
        "layers, a waterproof jacket, sun protection, a refillable bottle and a first-aid kit."
    ),
    when=lambda request: summarising(request) and about(request, "Alps"),
)
script.add(
    "POST /v1/chat/completions",
    stream("Vous vous appelez Sam, et vous partez randonner dans les Alpes en juillet."),
    when=lambda request: streamed(request) and in_french(request)
    and last(request) == "Remind me: what's my name and where am I going?",
)

# Section 7: the same memory kept on the server with previous_response_id.
script.add(
    "POST /v1/responses",
    respond(
        "Hi Ada! Lisbon in May is a lovely choice: warm days, long evenings and jacaranda trees coming into "
        "bloom. Would you like ideas for where to stay or what to see?"
    ),
    when=INTRO,
)
script.add("POST /v1/responses", respond("You're Ada, and you're planning a trip to Lisbon in May."), when=REMIND)

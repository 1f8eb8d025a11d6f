"""Checks for notebooks/14_images_and_audio.ipynb.

14.1 runs the learner's pricing function on stand-in Images API replies built here, so it sends no
request. 14.2 and 14.3 run the learner's function once and watch the HTTP requests it sends and the
JSON replies it gets (real requests, answered by the recording in replay mode), at the one place
every client of the SDK sends through: `httpx2.Client.send`.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from openai.types import ImagesResponse

from .. import settings
from ..authoring import UploadedFile, form_fields
from ..checks import Feedback, exercise, first_line
from ..currency import shutdown_dates
from ..prices import image_price_of
from ..recording import RecordingMismatch, api_path
from ..stub_server import StubRequest

IMAGE_MODEL = "gpt-image-2.6-flare"  # the lesson's image model, whose prices the stand-ins use
SPEECH_MODEL = "gpt-4o-mini-tts"
INSTRUCTION = "Translate the user's text into English. Reply with the translation only."  # exercise 14.2's
CAP = 100  # exercise 14.2's max_completion_tokens
FRENCH_CLIP = "booking_fr.mp3"  # in audio/: what exercise 14.2's check translates
ENGLISH = "I would like to book a table for four on Friday evening."  # what exercise 14.3's check speaks
VOICE = "coral"


# 14.1 ------------------------------------------------------------------------------------------


def _images_response(text_tokens: int, image_tokens: int, output_tokens: int) -> ImagesResponse:
    """An Images API reply as the SDK parses it, with this usage (the picture itself left out)."""
    return ImagesResponse.model_validate({
        "created": 1795219200, "data": [{"b64_json": ""}], "output_format": "png", "quality": "low",
        "size": "1024x1024",
        "usage": {"input_tokens": text_tokens + image_tokens,
                  "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
                  "output_tokens": output_tokens, "total_tokens": text_tokens + image_tokens + output_tokens,
                  "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0}},
    })


def _dollars(text_tokens: int, image_tokens: int, output_tokens: int) -> float:
    price = image_price_of(IMAGE_MODEL)
    return (text_tokens * price.text_input + image_tokens * price.image_input
            + output_tokens * price.image_output) / 1_000_000


def _close(got: Any, want: float) -> bool:
    return isinstance(got, (int, float)) and not isinstance(got, bool) and math.isclose(got, want, rel_tol=1e-6)


@exercise("14.1")
def image_cost_check(image_cost: Any) -> Feedback:
    """image_cost(result) prices an Images API reply: text in, image in, image out, each at its own price."""
    fb = Feedback("14.1")
    if not fb.expect_function(image_cost, "image_cost(result)"):
        return fb
    generations = [(23, 0, 272), (61, 0, 4160)]  # a prompt and a picture: low square, high square
    edit = (40, 1260, 1056)  # an edit: a prompt and a picture in, a picture out
    results: dict[tuple[int, int, int], Any] = {}
    for tokens in [*generations, edit]:
        try:
            results[tokens] = image_cost(_images_response(*tokens))
        except Exception as exc:  # the learner's code may fail in any way: say how, do not crash
            hint = f"it raised {type(exc).__name__}: {first_line(exc)}. "
            if isinstance(exc, TypeError) and "subscriptable" in str(exc):
                hint += "The reply is an object: read its fields as attributes, from result.usage"
            else:
                hint += "The counts are in result.usage"
            fb.expect(False, "image_cost(result) runs on an Images API reply", hint)
            return fb
    first = results[generations[0]]
    if not fb.expect(isinstance(first, (int, float)) and not isinstance(first, bool),
                     "it returns dollars, as a number", "return a float, such as 0.0083, not a string"):
        return fb
    if any(_close(results[t] / 1_000_000, _dollars(*t)) for t in generations if isinstance(results[t], (int, float))):
        hint = "prices are dollars per million tokens: divide by 1_000_000"
    else:
        hint = ("a picture from a prompt bills its text tokens (usage.input_tokens_details.text_tokens) at "
                "price.text_input and usage.output_tokens at price.image_output")
    fb.expect(all(_close(results[t], _dollars(*t)) for t in generations),
              "it prices a picture made from a prompt: text in, image out", hint)
    fb.expect(_close(results[edit], _dollars(*edit)), "it prices an edit's input pictures at the image input price",
              "an edit's usage.input_tokens_details.image_tokens cost price.image_input each, not the text price")
    return fb


# 14.2 and 14.3: watch the requests --------------------------------------------------------------


@dataclass
class Exchange:
    """One request the learner's code sent, and the JSON reply it got (None for other replies)."""

    method: str
    path: str
    json: Any = None
    form: dict[str, str | UploadedFile] = field(default_factory=dict)
    reply: Any = None


def _exchange(request: httpx2.Request) -> Exchange:
    content = request.read()
    headers = {name.lower(): value for name, value in request.headers.items()}
    exchange = Exchange(request.method, api_path(request.url.path))
    if "json" in headers.get("content-type", ""):
        try:
            exchange.json = json.loads(content)
        except ValueError:
            exchange.json = None
    else:
        exchange.form = form_fields(StubRequest(request.method, exchange.path, headers, content))
    return exchange


@contextmanager
def _watched() -> Iterator[list[Exchange]]:
    """Every request sent through any SDK client while inside, with its JSON reply; the SDK is left as it was."""
    original = httpx2.Client.send
    sent: list[Exchange] = []

    def send(self: httpx2.Client, request: httpx2.Request, *args: Any, **kwargs: Any) -> httpx2.Response:
        exchange = _exchange(request)
        sent.append(exchange)
        response = original(self, request, *args, **kwargs)
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                exchange.reply = json.loads(response.read())
            except ValueError:
                exchange.reply = None
        return response

    httpx2.Client.send = send  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        httpx2.Client.send = original  # type: ignore[method-assign]




def _error_hint(exc: BaseException) -> str:
    if isinstance(exc, RecordingMismatch) and exc.diffs:
        where = ", ".join(f"{diff.where} (yours {diff.yours})" for diff in exc.diffs[:3])
        return f"in replay mode the requests must be the ones the exercise describes; yours differs at {where}"
    if isinstance(exc, RecordingMismatch):
        return "in replay mode the requests must be the ones the exercise describes: " + first_line(exc)
    if isinstance(exc, AttributeError) and "'dict'" in str(exc):
        return "replies are objects: reach their fields with attributes, not [\"...\"]"
    return f"it raised {type(exc).__name__}: {first_line(exc)}"


def _run(function: Callable[..., Any], *args: Any) -> tuple[Any, BaseException | None, list[Exchange]]:
    with _watched() as sent:
        try:
            return function(*args), None, sent
        except Exception as exc:  # the learner's code may fail in any way: report it, do not crash
            return None, exc, sent


def _to(sent: list[Exchange], path: str) -> list[Exchange]:
    return [exchange for exchange in sent if exchange.path == path]


@exercise("14.2")
def to_english_check(to_english: Any) -> Feedback:
    """to_english(path) transcribes with a model that stays, then translates the transcript with a chat model."""
    fb = Feedback("14.2")
    if not fb.expect_function(to_english, "to_english(path)"):
        return fb
    clip = settings.REPO_ROOT / "audio" / FRENCH_CLIP
    result, exc, sent = _run(to_english, clip)
    if not fb.expect(exc is None, "to_english(path) runs without an error", _error_hint(exc) if exc else ""):
        return fb
    fb.expect(not _to(sent, "/v1/audio/translations"), "it does without the translations endpoint",
              "the point is to stop needing client.audio.translations: transcribe the file, then translate the text")
    transcriptions = _to(sent, "/v1/audio/transcriptions")
    if not fb.expect(len(transcriptions) == 1, "it sends one transcription request",
                     "call client.audio.transcriptions.create(model=TRANSCRIBE_MODEL, file=path) once"):
        return fb
    upload = transcriptions[0]
    model = upload.form.get("model")
    shutdown = shutdown_dates().get(model) if isinstance(model, str) else None
    fb.expect(isinstance(model, str) and shutdown is None, "it transcribes with a model that has no shutdown date",
              f"{model} shuts down on {shutdown}: use TRANSCRIBE_MODEL" if shutdown else "pass model=TRANSCRIBE_MODEL")
    file = upload.form.get("file")
    fb.expect(isinstance(file, UploadedFile) and file.filename == FRENCH_CLIP and file.data == clip.read_bytes(),
              "it uploads the clip it is given", "pass the path itself: file=path")
    chats = _to(sent, "/v1/chat/completions")
    if not fb.expect(len(chats) == 1, "it sends one chat request to translate the transcript",
                     "after the transcription, call client.chat.completions.create(model=MODEL, ...) once"):
        return fb
    transcript = (upload.reply or {}).get("text")
    messages = (chats[0].json or {}).get("messages") or []
    fb.expect(len(messages) == 2 and messages[0] == {"role": "system", "content": INSTRUCTION}
              and messages[1] == {"role": "user", "content": transcript},
              "the instruction is the system message, the transcript the user message",
              "messages=[{\"role\": \"system\", \"content\": INSTRUCTION}, "
              "{\"role\": \"user\", \"content\": transcript.text}]")
    fb.expect((chats[0].json or {}).get("max_completion_tokens") == CAP and "max_tokens" not in (chats[0].json or {}),
              f"the translation is capped with max_completion_tokens={CAP}", f"pass max_completion_tokens={CAP}")
    choices = (chats[0].reply or {}).get("choices") or [{}]
    text = (choices[0].get("message") or {}).get("content")
    fb.expect(isinstance(result, str) and result == text, "it returns the translation's text, as a str",
              "return reply.choices[0].message.content")
    return fb


def _looks_like_mp3(data: bytes) -> bool:
    """An ID3 tag, or an MPEG audio frame's sync bits, at the start: what an MP3 file begins with."""
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


@exercise("14.3")
def speak_check(speak: Any) -> Feedback:
    """speak(text, path) saves the text spoken by the speech model as an MP3 file at path, and returns path."""
    fb = Feedback("14.3")
    if not fb.expect_function(speak, "speak(text, path)"):
        return fb
    with tempfile.TemporaryDirectory(prefix="course-14.3-") as folder:
        target = Path(folder) / "english.mp3"
        result, exc, sent = _run(speak, ENGLISH, target)
        if not fb.expect(exc is None, "speak(text, path) runs without an error", _error_hint(exc) if exc else ""):
            return fb
        speeches = _to(sent, "/v1/audio/speech")
        if not fb.expect(len(speeches) == 1, "it sends one request to the speech endpoint",
                         "call client.audio.speech.create (or its with_streaming_response) once"):
            return fb
        body = speeches[0].json or {}
        fb.expect(body.get("model") == SPEECH_MODEL and body.get("input") == ENGLISH,
                  "it asks the speech model to read the text it is given",
                  "model=SPEECH_MODEL, input=text")
        fb.expect(body.get("voice") == VOICE and body.get("response_format") == "mp3" and "instructions" not in body,
                  f"it asks for voice {VOICE!r} and an MP3, with no instructions",
                  f"voice=\"{VOICE}\", response_format=\"mp3\", and leave instructions out")
        saved = target.read_bytes() if target.is_file() else b""
        fb.expect(_looks_like_mp3(saved), "the file at path holds the MP3 the API sent",
                  "write the reply's bytes to path: response.stream_to_file(path) inside with_streaming_response"
                  if not saved else "the file does not start like an MP3: write the reply's bytes as they are")
        fb.expect(isinstance(result, (str, Path)) and Path(result) == target, "it returns the path",
                  "return path at the end of the function")
    return fb

"""Lesson 14: its checks judge by what the learner's code does, its clips are what the script makes, and
binary uploads and replies (MP3 in, MP3 out) survive a recording's round trip byte for byte."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from openai import OpenAI

import helpers
from helpers import cli, session, settings
from helpers.authoring import (
    Script,
    UploadedFile,
    chat,
    form_fields,
    image_generation,
    png_size,
    speech,
    transcription,
    translation,
    uploaded,
)
from helpers.exercises import nb14
from helpers.prices import AUDIO_MINUTE_PRICES, audio_cost_in_dollars, image_price_of, price_of
from helpers.recording import load_recording
from helpers.stub_server import StubRequest, StubServer

from .conftest import FAKE_KEY

AUDIO = settings.REPO_ROOT / "audio"
FRENCH = "Je voudrais réserver une table pour quatre, vendredi soir."
MODEL = helpers.DEFAULT_MODEL
SEND = httpx2.Client.send


def _load(path: Path, name: str):  # noqa: ANN202
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


make_clips = _load(AUDIO / "make_clips.py", "make_clips")


@pytest.fixture(autouse=True)
def sdk_left_as_it_was() -> Iterator[None]:
    yield
    assert httpx2.Client.send is SEND, "a check left httpx2.Client.send patched"


# 14.1 -----------------------------------------------------------------------------------------------

def test_14_1_passes_a_price_by_kind_of_token_and_names_what_a_rough_one_misses():
    price = image_price_of(nb14.IMAGE_MODEL)

    def by_kind(result):
        details = result.usage.input_tokens_details
        return (details.text_tokens * price.text_input + details.image_tokens * price.image_input
                + result.usage.output_tokens * price.image_output) / 1_000_000

    assert helpers.check("14.1", by_kind)

    def all_input_as_text(result):  # right for a prompt, wrong for an edit
        return (result.usage.input_tokens * price.text_input + result.usage.output_tokens * price.image_output) / 1e6

    feedback = str(helpers.check("14.1", all_input_as_text))
    assert "✓ it prices a picture made from a prompt" in feedback
    assert "✗ it prices an edit's input pictures at the image input price" in feedback

    def per_token(result):  # forgot that prices are per million
        return by_kind(result) * 1_000_000

    assert "divide by 1_000_000" in str(helpers.check("14.1", per_token))
    assert "✗ it returns dollars, as a number" in str(helpers.check("14.1", lambda result: f"${by_kind(result)}"))
    assert "read its fields as attributes" in str(helpers.check("14.1", lambda result: result["usage"]))
    assert not helpers.check("14.1", None)


# 14.2 and 14.3 ----------------------------------------------------------------------------------------

ENGLISH = nb14.ENGLISH


@pytest.fixture(scope="module")
def client() -> Iterator[OpenAI]:
    script = (
        Script()
        .add("POST /v1/audio/transcriptions", transcription(FRENCH, 3.855, ("fr",)), when=uploaded("booking_fr.mp3"))
        .add("POST /v1/audio/transcriptions", transcription("Un autre fichier.", 1.0, ("fr",)))
        .add("POST /v1/audio/translations", translation("I would like to reserve a table."))
        .add("POST /v1/chat/completions", chat(ENGLISH))
        .add("POST /v1/audio/speech", speech((AUDIO / "request_en.mp3").read_bytes(), "mp3"),
             when=lambda request: (request.json or {}).get("response_format") == "mp3")
        .add("POST /v1/audio/speech", speech(b"RIFF....WAVEfmt ", "wav"))
    )
    with StubServer(script) as stub:
        yield OpenAI(api_key="sk-test", base_url=stub.base_url, timeout=5, max_retries=0)


def _to_english(client: OpenAI, model: str = "gpt-transcribe", whole_reply: bool = False):  # noqa: ANN202
    def to_english(path):
        transcript = client.audio.transcriptions.create(model=model, file=path)
        reply = client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "system", "content": nb14.INSTRUCTION}, {"role": "user", "content": transcript.text}],
            max_completion_tokens=nb14.CAP,
        )
        return reply if whole_reply else reply.choices[0].message.content

    return to_english


def test_14_2_passes_a_transcription_then_a_translation_by_a_chat_model(client):
    assert helpers.check("14.2", _to_english(client))


@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # translations.create, on purpose
def test_14_2_names_the_retiring_model_and_the_endpoint_it_must_do_without(client):
    feedback = str(helpers.check("14.2", _to_english(client, model="whisper-1")))
    assert "✗ it transcribes with a model that has no shutdown date" in feedback
    assert "2027-02-26" in feedback  # the hint says when, from the SDK's own notes

    def translated(path):
        return client.audio.translations.create(model="whisper-1", file=path).text

    feedback = str(helpers.check("14.2", translated))
    assert "✗ it does without the translations endpoint" in feedback
    assert "✗ it sends one transcription request" in feedback


def test_14_2_wants_the_text_and_the_described_messages(client):
    feedback = str(helpers.check("14.2", _to_english(client, whole_reply=True)))
    assert "✗ it returns the translation's text, as a str" in feedback

    def no_system_message(path):
        text = client.audio.transcriptions.create(model="gpt-transcribe", file=path).text
        reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": text}],
                                               max_completion_tokens=nb14.CAP)
        return reply.choices[0].message.content

    feedback = str(helpers.check("14.2", no_system_message))
    assert "✗ the instruction is the system message, the transcript the user message" in feedback

    def uploads_bytes_without_a_name(path):
        return client.audio.transcriptions.create(model="gpt-transcribe", file=Path(path).read_bytes()).text

    assert "✗ it uploads the clip it is given" in str(helpers.check("14.2", uploads_bytes_without_a_name))


def _speak(client: OpenAI, response_format: str = "mp3", write: bool = True):  # noqa: ANN202
    def speak(text, path):
        with client.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="coral", input=text, response_format=response_format
        ) as response:
            if write:
                response.stream_to_file(path)
        return path

    return speak


def test_14_3_passes_an_mp3_streamed_to_the_path(client):
    assert helpers.check("14.3", _speak(client))


def test_14_3_looks_at_the_request_and_at_the_file(client):
    feedback = str(helpers.check("14.3", _speak(client, response_format="wav")))
    assert "✗ it asks for voice 'coral' and an MP3, with no instructions" in feedback
    assert "✗ the file at path holds the MP3 the API sent" in feedback
    feedback = str(helpers.check("14.3", _speak(client, write=False)))
    assert "✗ the file at path holds the MP3 the API sent" in feedback and "stream_to_file" in feedback


def test_a_failing_function_is_reported_not_raised():
    def broken(path):
        raise FileNotFoundError("no such clip")

    assert "it raised FileNotFoundError: no such clip" in str(helpers.check("14.2", broken))


# The builders of the authored replies ---------------------------------------------------------------

def _upload(filename: str, data: bytes, model: str) -> StubRequest:
    body = (b"--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model.encode()
            + b"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename.encode()
            + b"\"\r\nContent-Type: audio/mpeg\r\n\r\n" + data + b"\r\n--B--\r\n")
    return StubRequest("POST", "/v1/audio/transcriptions", {"content-type": "multipart/form-data; boundary=B"}, body)


def test_form_fields_reads_text_and_binary_file_fields_exactly():
    data = b"\xff\xf3--B\r\n\r\nnot a boundary: only CRLF--B is\r\n\x00"
    fields = form_fields(_upload("clip.mp3", data, "gpt-transcribe"))
    assert fields == {"model": "gpt-transcribe", "file": UploadedFile("clip.mp3", "audio/mpeg", data)}
    assert uploaded("clip.mp3", "gpt-transcribe")(_upload("clip.mp3", data, "gpt-transcribe"))
    assert not uploaded("clip.mp3", "whisper-1")(_upload("clip.mp3", data, "gpt-transcribe"))
    assert form_fields(StubRequest("POST", "/v1/chat/completions", {"content-type": "application/json"}, b"{}")) == {}


def test_an_authored_picture_never_contradicts_its_reply():
    png = (settings.REPO_ROOT / "imgs" / "sample_a.png").read_bytes()
    assert png_size(png) == (640, 480)
    build = image_generation(png, output_tokens=272)

    def ask(**body) -> StubRequest:  # noqa: ANN003
        return StubRequest("POST", "/v1/images/generations", {}, json.dumps({"prompt": "a plot", **body}).encode())

    reply = build(ask(size="640x480", quality="low")).body
    assert reply["size"] == "640x480" and reply["quality"] == "low" and reply["usage"]["output_tokens"] == 272
    assert list(reply["data"][0]) == ["b64_json"]  # GPT image models send no URL
    for wrong in ({"size": "1024x1024", "quality": "low"}, {"quality": "low", "output_format": "webp"}, {}):
        with pytest.raises(ValueError):
            build(ask(**wrong))
    with pytest.raises(ValueError):
        png_size(b"GIF89a")


def test_authored_speech_must_be_in_the_format_the_request_asks_for():
    build = speech(b"ID3", "mp3")
    ok = StubRequest("POST", "/v1/audio/speech", {}, b'{"input": "hi", "response_format": "mp3"}')
    assert build(ok).body == b"ID3" and build(ok).headers["content-type"] == "audio/mpeg"
    with pytest.raises(ValueError):
        build(StubRequest("POST", "/v1/audio/speech", {}, b'{"input": "hi"}'))
    with pytest.raises(ValueError):
        speech(b"", "ogg")


def test_the_authored_transcripts_are_the_sentences_the_clips_were_made_from():
    texts = {clip.file: clip.text for clip in make_clips.CLIPS}
    lesson = cli._load_script("14_images_and_audio")
    solutions = cli._load_script("14_images_and_audio_solutions")
    english = lesson(_upload("booking_en.mp3", (AUDIO / "booking_en.mp3").read_bytes(), "gpt-transcribe")).body
    french = solutions(_upload("booking_fr.mp3", (AUDIO / "booking_fr.mp3").read_bytes(), "gpt-transcribe")).body
    assert english["text"] == texts["booking_en.mp3"] and french["text"] == texts["booking_fr.mp3"]
    assert texts["request_en.mp3"] == ENGLISH  # exercise 14.3's stand-in says the words the check speaks


# The clips ---------------------------------------------------------------------------------------------

def test_every_clip_is_a_small_mp3_the_script_lists():
    listed = {clip.file for clip in make_clips.CLIPS}
    assert listed == {path.name for path in AUDIO.glob("*.mp3")}, "audio/ and make_clips.CLIPS disagree"
    for name in listed:
        data = (AUDIO / name).read_bytes()
        assert nb14._looks_like_mp3(data), f"audio/{name} does not start like an MP3"
        assert 2_000 < len(data) < 16_000, f"audio/{name} is {len(data):,} bytes: keep clips to a few seconds"


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("lame")),
                    reason="espeak-ng and lame make the clips; a maintainer's machine has them, CI need not")
def test_the_script_makes_the_same_clips(tmp_path):
    for path in make_clips.main([str(tmp_path)]):
        assert path.read_bytes() == (AUDIO / path.name).read_bytes(), (
            f"audio/{path.name} is out of date: run python audio/make_clips.py, then course author 14")


# Prices ---------------------------------------------------------------------------------------------------

def test_audio_and_image_prices():
    assert audio_cost_in_dollars("gpt-transcribe", 60) == pytest.approx(AUDIO_MINUTE_PRICES["gpt-transcribe"])
    assert audio_cost_in_dollars("whisper-1", 30) == pytest.approx(0.003)
    with pytest.raises(KeyError, match="Listed: gpt-transcribe, whisper-1"):
        audio_cost_in_dollars("gpt-4o-transcribe", 1)
    assert image_price_of("gpt-image-2.6-flare-2026-11-04") == image_price_of("gpt-image-2.6-flare")
    assert price_of("gpt-image-2.6-flare").output == image_price_of("gpt-image-2.6-flare").image_output
    with pytest.raises(KeyError, match="No image price"):
        image_price_of("gpt-image-1-mini")


# Binary bodies through a recording -----------------------------------------------------------------------

def test_an_audio_upload_and_an_audio_reply_record_and_replay_byte_for_byte(course, tmp_path):
    clip = AUDIO / "booking_en.mp3"
    reply = (AUDIO / "confirmation_en.mp3").read_bytes()
    script = (Script()
              .add("POST /v1/audio/transcriptions", transcription("Book a table.", 3.9, ("en",)),
                   when=uploaded(clip.name, "gpt-transcribe"))
              .add("POST /v1/audio/speech", speech(reply, "mp3")))

    def calls(client: OpenAI, out: Path) -> str:
        text = client.audio.transcriptions.create(model="gpt-transcribe", file=clip).text
        with client.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="coral", input="Booked.", response_format="mp3"
        ) as response:
            response.stream_to_file(out)
        return text

    with StubServer(script) as stub:
        os.environ.update(OPENAI_API_KEY=FAKE_KEY, OPENAI_BASE_URL=stub.base_url, COURSE_MODE="record")
        session.setup("binary")
        assert calls(OpenAI(timeout=5, max_retries=0), tmp_path / "live.mp3") == "Book a table."
        session.stop()
        cli.promote("binary", "authored", "a test against the stub server")
    stored = load_recording(settings.recording_path("binary"))["interactions"]
    assert stored[1]["response"]["body"]["string"] == reply  # kept as bytes (YAML !!binary), not as text

    os.environ.pop("OPENAI_API_KEY")
    os.environ.update(COURSE_MODE="replay", OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    session.setup("binary")
    assert calls(OpenAI(timeout=5, max_retries=0), tmp_path / "replayed.mp3") == "Book a table."
    assert (tmp_path / "replayed.mp3").read_bytes() == reply
    spoken = OpenAI(timeout=5, max_retries=0).audio.speech.create(
        model="gpt-4o-mini-tts", voice="coral", input="Booked.", response_format="mp3")
    assert spoken.content == reply

"""Authored replies for solutions/14_images_and_audio.ipynb: the exercises' requests, all authored.

Exercise 14.1 needs no reply: its check prices stand-in usage blocks. Exercise 14.2 transcribes the
French clip and translates the transcript with a chat model; 14.3 speaks the translation. The
transcript is the sentence espeak-ng spoke (audio/make_clips.py), the translation is written for
the course, and the speech is audio/request_en.mp3, espeak-ng reading the translation: none of it
came from gpt-transcribe, gpt-5.4-mini or gpt-4o-mini-tts.
"""

from __future__ import annotations

from pathlib import Path

from helpers.authoring import Script, chat, speech, transcription, uploaded

AUDIO = Path(__file__).resolve().parents[2] / "audio"
ENGLISH = "I would like to book a table for four on Friday evening."

script = Script()

# 14.2: transcribe the French clip (3.855 s long: audio/README.md) with a model that stays, then translate.
# The solution runs to_english() once and the check runs it again: the same two requests twice.
script.add("POST /v1/audio/transcriptions",
           transcription("Je voudrais réserver une table pour quatre, vendredi soir.", seconds=3.855,
                         languages=("fr",)),
           when=uploaded("booking_fr.mp3", "gpt-transcribe"))
script.add("POST /v1/chat/completions", chat(ENGLISH), when="Je voudrais réserver une table pour quatre")

# 14.3: speak the translation into an MP3 file.
script.add("POST /v1/audio/speech", speech((AUDIO / "request_en.mp3").read_bytes(), "mp3"), when=ENGLISH)

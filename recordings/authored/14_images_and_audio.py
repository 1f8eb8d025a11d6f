"""Authored replies for notebooks/14_images_and_audio.ipynb (see helpers/authoring.py).

Every reply is an authored example written for the course; no model produced any of them:
- the picture is a flat drawing made below with Pillow (1024 x 1024 px, about 4 KB), not an image
  from gpt-image-2.6-flare;
- the transcript and the translation are the sentences audio/make_clips.py gave espeak-ng to speak,
  so they are what the clips say, not what gpt-transcribe or whisper-1 wrote;
- the speech is audio/confirmation_en.mp3: espeak-ng's voice reading the request's text, not
  gpt-4o-mini-tts's.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from helpers.authoring import Script, image_generation, speech, transcription, translation, uploaded

AUDIO = Path(__file__).resolve().parents[2] / "audio"

# How many image tokens a low-quality 1024 x 1024 picture bills. OpenAI's image generation guide listed
# 272 for this size and quality in its gpt-image-1 version ("Cost and latency",
# https://developers.openai.com/api/docs/guides/image-generation; seen in a quotation of that table) and
# publishes no such table for gpt-image-2.6-flare: 272 is an authored figure in the range of the last
# published one. The lesson says so and tells learners to read `usage.output_tokens` for the real count.
IMAGE_OUTPUT_TOKENS = 272


def boat_png() -> bytes:
    """A paper boat on a pond under the sun, in six flat colours: a 1024 x 1024 PNG of about 4 KB."""
    side = 1024
    picture = Image.new("P", (side, side))
    colours = [(0xD8, 0xEE, 0xF7), (0x3B, 0x7D, 0xB8), (0xF6, 0xC3, 0x3F), (0xFA, 0xFA, 0xF5), (0xC9, 0xCF, 0xD4),
               (0x2C, 0x62, 0x94)]  # sky, pond, sun, paper, paper in shade, ripple
    picture.putpalette([value for colour in colours for value in colour])
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 0, side, 560], fill=0)
    draw.rectangle([0, 560, side, side], fill=1)
    draw.ellipse([740, 110, 900, 270], fill=2)
    draw.polygon([(300, 600), (724, 600), (640, 700), (384, 700)], fill=3)  # hull
    draw.polygon([(512, 360), (512, 600), (360, 600)], fill=4)  # sail, shaded side
    draw.polygon([(512, 360), (664, 600), (512, 600)], fill=3)  # sail, lit side
    for y in (760, 830, 900):
        draw.rectangle([200, y, 420, y + 8], fill=5)
        draw.rectangle([600, y + 30, 860, y + 38], fill=5)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


script = Script()

# 2. One picture, low quality, square.
script.add("POST /v1/images/generations", image_generation(boat_png(), IMAGE_OUTPUT_TOKENS), when="paper boat")

# 3. The English clip, transcribed. `seconds` is the clip's length (3.891 s: audio/README.md);
# `languages` is what gpt-transcribe returns as detected (SDK: Transcription.languages).
script.add("POST /v1/audio/transcriptions",
           transcription("Please book a table for four on Friday at seven thirty.", seconds=3.891, languages=("en",)),
           when=uploaded("booking_en.mp3", "gpt-transcribe"))

# 4. The French clip, translated into English: whisper-1 replies with text only.
script.add("POST /v1/audio/translations",
           translation("I would like to reserve a table for four, Friday evening."),
           when=uploaded("booking_fr.mp3", "whisper-1"))

# 5. The confirmation, spoken: the stand-in file is espeak-ng reading the same sentence.
script.add("POST /v1/audio/speech", speech((AUDIO / "confirmation_en.mp3").read_bytes(), "mp3"),
           when="Your table for four is booked")

"""Authored replies for solutions/04_vision.ipynb: the lesson's replies plus the exercise's.

Like the lesson's, the reply is written for the course, and its usage follows gpt-5.4-mini's patch
rule (helpers.prices.image_tokens): at low detail each 640 x 480 sample is 20 x 15 = 300 patches,
360 tokens, the same as at auto, plus the text.
"""

from pathlib import Path
from runpy import run_path

lesson = run_path(str(Path(__file__).with_name("04_vision.py")))
script = lesson["script"]
SAMPLES_LOW = [("sample_a.png", "low"), ("sample_b.png", "low")]
script.add(
    "POST /v1/chat/completions",
    lesson["answer"](
        "Sample A has the heavier tail: its points fall along a shallower line and reach much larger sizes, "
        "up to about 10² G₀. Sample B drops steeply and ends near 1 G₀."
    ),
    when=lesson["asks"]("Which sample has the heavier tail?", SAMPLES_LOW),
)

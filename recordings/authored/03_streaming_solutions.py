"""Authored replies for solutions/03_streaming.ipynb: the lesson's replies plus the exercises'."""

from pathlib import Path
from runpy import run_path

lesson = run_path(str(Path(__file__).with_name("03_streaming.py")))
script = lesson["script"]
script.add(
    "POST /v1/chat/completions",
    lesson["stream"](
        "A token is a small piece of text, often a word or part of a word, that a language model reads and "
        "writes one at a time. Models count your prompt and their answer in tokens, and that is also how "
        "you are billed."
    ),
    when="What is a token?",
)

"""Authored replies for solutions/01_chat_basics.ipynb: the lesson's replies plus the exercise's."""

from pathlib import Path
from runpy import run_path

from helpers.authoring import chat

script = run_path(str(Path(__file__).with_name("01_chat_basics.py")))["script"]
script.add(
    "POST /v1/chat/completions",
    chat(
        "A library is code you add to your own program and call directly, like a toolbox on your desk. "
        "A web API is the agreed way to ask another program, usually on someone else's machine, to do "
        "something for you."
    ),
    when="How is that different from a library?",
)

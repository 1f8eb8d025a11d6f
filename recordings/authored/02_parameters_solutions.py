"""Authored replies for solutions/02_parameters.ipynb: the lesson's replies plus the exercises'.

Every reply is written for the course (see 02_parameters.py for the sources on each parameter).
"""

from pathlib import Path
from runpy import run_path

from helpers.authoring import chat

lesson = run_path(str(Path(__file__).with_name("02_parameters.py")))
script, asks, schema_named = lesson["script"], lesson["asks"], lesson["schema_named"]
ADD = "POST /v1/chat/completions"
TAGLINE = '"Flaky, buttery, and nothing but croissants."'

# Exercise 1: the model stops as it is about to write "---"; the blank line before it stays.
# stop has no GPT-5.4 statement in the docs (see 02_parameters.py): an authored example.
script.add(ADD, chat(TAGLINE + "\n\n"), when=asks("tagline for a bakery", stop="---"))

# Exercise 1, the other answer: stop at the first line break.
script.add(ADD, chat(TAGLINE), when=asks("tagline for a bakery", stop="\n"))

# Exercise 2: structured outputs into the Meetup class.
script.add(
    ADD,
    chat('{"topic":"Testing data pipelines with pytest","city":"Lisbon","date":"2026-03-14","attendees":40}'),
    when=lambda request: asks("Python meetup is in Lisbon")(request) and schema_named("Meetup")(request),
)

"""Authored replies for solutions/02_parameters.ipynb: the lesson's replies plus the exercises'."""

from pathlib import Path
from runpy import run_path

from helpers.authoring import chat

lesson = run_path(str(Path(__file__).with_name("02_parameters.py")))
script, asks = lesson["script"], lesson["asks"]

# Exercise 1: the model stops as it is about to write "---"; the blank line before it stays.
script.add(
    "POST /v1/chat/completions",
    chat('"Flaky, buttery, and nothing but croissants."\n\n', usage=(27, 11)),
    when=asks("tagline for a bakery", stop="---"),
)

# Exercise 1, the other answer: stop at the first line break.
script.add(
    "POST /v1/chat/completions",
    chat('"Flaky, buttery, and nothing but croissants."', usage=(27, 10)),
    when=asks("tagline for a bakery", stop="\n"),
)

# Exercise 2: structured outputs into the Meetup class.
script.add(
    "POST /v1/chat/completions",
    chat(
        '{"topic":"Testing data pipelines with pytest","city":"Lisbon","date":"2026-03-14","attendees":40}',
        usage=(151, 27),
    ),
    when=lambda request: asks("Python meetup is in Lisbon")(request)
    and (request.json.get("response_format") or {}).get("json_schema", {}).get("name") == "Meetup",
)

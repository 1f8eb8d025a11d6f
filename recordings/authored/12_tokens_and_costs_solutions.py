"""Authored replies for solutions/12_tokens_and_costs.ipynb: the one request its exercise 3 sends, authored.

No reply was produced by gpt-5.4-mini; usage is counted by the builders in helpers/authoring.py.
Exercises 12.1 and 12.2 send nothing, and the check of 12.3 runs the learner's class against stand-ins;
the solution then uses its Budget once for real, and a second call is refused before it is sent.
"""

from __future__ import annotations

from helpers.authoring import Script, chat

script = Script()

# 12.3: one question asked through the learner's Budget.
script.add(
    "POST /v1/chat/completions",
    chat("Cut what you repeat: instructions and examples sent with every request are paid for every time."),
    when="fewer tokens",
)

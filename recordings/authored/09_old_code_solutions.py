"""Authored replies for solutions/09_old_code.ipynb: the exercises' requests, all authored.

No reply was produced by gpt-5.4-mini; usage is counted by the builders in helpers/authoring.py.
Exercise 09.2 needs no reply: its check runs the learner's function against stand-ins.
"""

from __future__ import annotations

from helpers.authoring import Script, chat

script = Script()

# 09.1: the ported get_completion() helper; the solution prints its answer, then the check sends
# the same request once more.
script.add(
    "POST /v1/chat/completions",
    chat("A dictionary maps keys to values, so you can look up a user's settings by their username."),
    when="Name one use of a Python dictionary, in one sentence.",
)

# 09.3 works on the completion of the lesson's section 3, which the solution rebuilds.
script.add("POST /v1/chat/completions", chat("你好!有什麼我可以幫你的嗎?"), when="Hello")

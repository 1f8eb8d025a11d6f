"""Authored replies for notebooks/12_tokens_and_costs.ipynb (see helpers/authoring.py).

Every reply is an authored example written for the course; none was produced by gpt-5.4-mini. Usage
is counted with the o200k_base tokenizer by the builders: each message's text plus 3 tokens of
wrapping, and 3 that prime the reply (helpers/authoring.py, prompt_tokens). The lesson compares that
figure with the OpenAI cookbook's recipe, which also counts each message's role, and says so.

Section 8 shows the course's budget: its request is refused by the meter before it is sent, so it
needs no reply here.
"""

from __future__ import annotations

from helpers.authoring import Script, chat

script = Script()

# 4. A short request whose prompt tokens the lesson counts three ways. The answer follows OpenAI's rule
# of thumb "1 token ≈ ¾ of a word" for English
# (https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them).
script.add(
    "POST /v1/chat/completions",
    chat("About 1.3 tokens: in English, a token is roughly three quarters of a word."),
    when="typical English word",
)

# 5. A small puzzle at reasoning_effort="low", to show reasoning tokens inside completion_tokens. The
# answer is right (9:40 + 2 h 35 min = 12:15); the reasoning token count is a plausible figure chosen
# for the course, not a measurement.
script.add("POST /v1/chat/completions", chat("12:15", reasoning_tokens=64), when="train leaves at 9:40")

"""Authored replies for notebooks/09_old_code.ipynb (see helpers/authoring.py).

Every reply is an authored example written for the course; none was produced by gpt-5.4-mini.
Usage is counted with the o200k_base tokenizer by the builders.

The requests port two snippets of the course's source notes (recordings are not needed for the
errors the lesson shows: today's SDK raises those itself, before any request):
- a 2023 guide in Traditional Chinese: `openai.ChatCompletion.create(model="gpt-3.5-turbo",
  messages=[system "response by Traditional Chinese", user "Hello"])`, ported to
  `client.chat.completions.create(model=MODEL, ..., max_completion_tokens=50)`;
- a 2023 tutorial in Traditional Chinese: `openai.Completion.create(engine='text-davinci-003',
  prompt='嗨', ...)`, ported to a chat request and to a Responses request with today's model.
  Its real 2023 reply (',大家好!\\n\\nHi, everyone!') is quoted in the lesson's prose only; the
  replies here are authored.
"""

from __future__ import annotations

from helpers.authoring import Script, chat, respond

script = Script()

# 3. The guide's "Translate" example, ported: same messages, today's client and model.
script.add("POST /v1/chat/completions", chat("你好!有什麼我可以幫你的嗎?"), when="Hello")

# 5. The tutorial's text-davinci-003 prompt, ported to a chat model and to the Responses API.
script.add("POST /v1/chat/completions", chat("嗨!很高興見到你。今天想聊些什麼?"), when="嗨")
script.add("POST /v1/responses", respond("嗨!有什麼我可以幫你的嗎?"), when="嗨")

"""Authored replies for solutions/11_errors_and_retries.ipynb: the exercises' requests, all authored.

Exercises 11.1 and 11.2 need no reply: their checks build the errors themselves. Exercise 11.3 streams
one answer whose connection is lost midway (a recorded failure, met by `course author` when the stub
server closes the connection; see helpers/recording.py). No text here came from the API.
"""

from __future__ import annotations

from helpers.authoring import Script, cut_stream, stream

script = Script()

# 11.3: the check calls stream_text(PROMPT) once; the solution shows one call of its own before it.
NIGHT = ("At night the lighthouse turns its beam across the black water, one slow sweep every ten "
         "seconds. Ships far out read it like a clock and keep clear of the rocks.")
script.add("POST /v1/chat/completions", cut_stream(stream(NIGHT), after=15),
           when="Describe a lighthouse at night in two sentences.")

"""Authored replies for solutions/10_raw_http.ipynb: the exercises' requests, all authored.

No reply was produced by gpt-5.4-mini; usage is counted by the builders in helpers/authoring.py.
Exercises 10.1 and 10.2 send nothing: their checks run the learner's function on values and stand-in
replies. Headers as in 10_raw_http.py (formats from the API reference and the rate limits guide).
"""

from __future__ import annotations

from helpers.authoring import Script, api_headers, respond
from helpers.stub_server import Reply

script = Script()

# 10.3: the Responses API by hand, with `requests`.
script.add(
    "POST /v1/responses",
    Reply(
        respond("GET: it asks a server to send back a resource."),
        headers=api_headers(436, requests=(500, 499), tokens=(200_000, 199_970), resets=("120ms", "9ms")),
    ),
    when="Name one HTTP method.",
)

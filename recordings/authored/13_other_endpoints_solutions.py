"""Authored replies for solutions/13_other_endpoints.ipynb: the exercises' requests, all authored.

Exercises 13.1 and 13.3 need no reply: their checks run the learner's function against stand-ins.
Exercise 13.2 embeds the lesson's twelve sentences and a query: the vectors come from the same
hand-chosen features as the lesson's (recordings/authored/13_other_endpoints.py, which explains
them), so the solution finds what the lesson would.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from helpers.authoring import Script, embeddings

_spec = importlib.util.spec_from_file_location("authored_13_lesson", Path(__file__).with_name("13_other_endpoints.py"))
lesson = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson)

script = Script()
# 13.2: the sentences once, then the query: the solution prints its answer, and the check asks again.
script.add("POST /v1/embeddings", embeddings(lesson.vector_of))

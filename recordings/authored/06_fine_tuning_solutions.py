"""Authored replies for solutions/06_fine_tuning.ipynb: the lesson's replies plus exercise 3's.

Exercises 1 and 2 send no request. Exercise 3 finds the fine-tuned model in `jobs.list` (whose
second job is the real 2023 job, see 06_fine_tuning.py) and asks it for one commit message.
"""

from pathlib import Path
from runpy import run_path

from helpers.authoring import chat

lesson = run_path(str(Path(__file__).with_name("06_fine_tuning.py")))
script = lesson["script"]
script.add(
    "POST /v1/chat/completions",
    chat("feat(settings): add dark mode toggle"),
    when=lesson["for_model"]("ft:", "Added a dark mode toggle to the settings page."),
)

"""The currency guard: shutdown dates read from the SDK's notes, and the course's models checked against them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat
import pytest

from helpers import currency, prices, settings
from helpers.recording import save_recording

NOTES = '''ChatModel = Literal["a-model", "b-model"]
"""Deprecated values:

- "old-model", "old-model-2024-01-01":
  Announced shutdown date: 2026-12-11. See
  https://example.invalid for details.
- "gone-model": Announced shutdown date:
  2025-01-01. See https://example.invalid.
- "odd-model": Not a supported model ID. Retained for SDK compatibility.
"""
'''


def _recording(folder: Path, name: str, *models: str) -> None:
    interactions = [
        {"provenance": "authored", "request": {"method": "POST", "uri": "http://x/v1/chat/completions",
                                               "body": f'{{"model": "{model}", "messages": []}}', "headers": {}},
         "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}}}
        for model in models
    ]
    save_recording(folder / f"{name}.yaml", {"interactions": interactions, "version": 1})


def test_notes_are_read_model_by_model():
    dates = currency.shutdown_dates(NOTES)
    assert dates == {
        "old-model": dt.date(2026, 12, 11),
        "old-model-2024-01-01": dt.date(2026, 12, 11),
        "gone-model": dt.date(2025, 1, 1),
    }


def test_the_pinned_sdk_has_notes_and_the_default_model_has_no_shutdown():
    dates = currency.shutdown_dates()
    assert dates["gpt-4o-mini"] == dt.date(2027, 1, 14)  # a note the SDK is known to carry
    assert settings.DEFAULT_MODEL not in dates


def test_report_fails_past_a_shutdown_and_warns_before_one(tmp_path: Path):
    _recording(tmp_path, "01_x", "old-model", "fresh-model")
    _recording(tmp_path, "02_y", "ft:gone-model:personal::abc")
    rows = currency.course_models(tmp_path, NOTES)
    assert [(r.model, r.shutdown) for r in rows] == [
        ("ft:gone-model:personal::abc", dt.date(2025, 1, 1)),  # a fine-tuned model retires with its base
        ("old-model", dt.date(2026, 12, 11)),
        ("fresh-model", None),
    ]
    text, expired = currency.report(rows, dt.date(2026, 11, 21))
    assert expired == 1 and "2025-01-01 PASSED" in text
    text, expired = currency.report(rows[1:], dt.date(2026, 11, 21))
    assert expired == 0
    assert "current until 2026-12-11" in text and "Warning: a model shuts down within 90 days" in text
    text, _ = currency.report(rows[2:], dt.date(2026, 11, 21))
    assert "no model it uses has an announced shutdown date" in text


# What make test enforces on the real course.
ROWS = currency.course_models()
TODAY = dt.date.today()


def test_no_model_the_course_uses_is_past_its_shutdown():
    _, expired = currency.report(ROWS, TODAY)
    assert expired == 0, currency.report(ROWS, TODAY)[0]


@pytest.mark.parametrize("row", [r for r in ROWS if r.shutdown is not None], ids=lambda r: r.model)
def test_a_lesson_using_a_model_that_retires_within_60_days_tells_the_learner_the_date(row):
    if row.days_left(TODAY) > 60:
        pytest.skip(f"{row.model} retires on {row.shutdown}, more than 60 days away")
    for name in row.recordings:
        folder = "solutions" if name.endswith("_solutions") else "notebooks"
        notebook = settings.REPO_ROOT / folder / f"{name.removesuffix('_solutions')}.ipynb"
        text = "\n".join(cell.source for cell in nbformat.read(notebook, as_version=4).cells)
        lesson = settings.REPO_ROOT / "notebooks" / notebook.name
        lesson_text = "\n".join(cell.source for cell in nbformat.read(lesson, as_version=4).cells)
        assert str(row.shutdown) in text or str(row.shutdown) in lesson_text, (
            f"{name} sends requests to {row.model}, which shuts down on {row.shutdown}: the lesson must say so"
        )


def test_the_price_table_lists_exactly_the_models_the_course_uses():
    used = {currency.base_model(row.model) for row in ROWS}
    for model in used:
        if model not in prices.AUDIO_MINUTE_PRICES:  # transcription bills by the minute of audio
            prices.price_of(model)  # raises with a clear message when a model has no price
    listed = set(prices.PRICES) | set(prices.AUDIO_MINUTE_PRICES)
    unused = {name for name in listed if not any(m == name or m.startswith(name + "-2") for m in used)}
    assert not unused, f"helpers/prices.py lists models no lesson uses: {sorted(unused)}"
    retired = {name for name in listed if (d := currency.shutdown_dates().get(name)) and d < TODAY}
    assert not retired, f"helpers/prices.py lists retired models: {sorted(retired)}"


def test_the_readme_states_the_default_model_and_the_date_the_course_is_current_until():
    readme = (settings.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"**{settings.DEFAULT_MODEL}**" in readme
    until = currency.current_until(ROWS)
    assert until is not None and f"current until **{until}**" in readme, "README: update the date (make models)"

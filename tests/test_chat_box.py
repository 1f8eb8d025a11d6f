"""Lesson 03's chat box works for a room in replay mode: after Run All, after a miss, by Enter and by Send.

The lesson runs top to bottom in a real kernel (replay mode, no key), then one more cell types into
the box the way the browser does: setting the Text widget's value is what pressing Enter sends, and
`send_button.click()` is a click on Send. No browser redirects the box's `with transcript:` output
here, so what the box prints arrives as that last cell's output instead; the widgets' settings are
read from the widget state the run records.
"""

from __future__ import annotations

import pytest

from helpers import settings

from .tools import run_with_probe, widgets_of

LESSON = settings.REPO_ROOT / "notebooks" / "03_streaming.ipynb"
NOT_RECORDED = (
    "This message is not in the recording: in replay mode the box answers only the questions listed above; "
    "add a key to .env to chat freely."
)

# After Run All: the first recorded question (Enter), a message the recording lacks (Enter), then the
# recorded follow-up (the Send button, with the Enter watcher taken off so that only the click sends).
PROBE = """
import json
found = {}
message_box.value = questions[0]
found["after_first"] = [dict(m) for m in box_history]
message_box.value = "Tell me a joke about penguins."
found["after_miss"] = [dict(m) for m in box_history]
message_box.unobserve(on_send, names="value")
message_box.value = questions[1]
send_button.click()
found["after_send_button"] = [dict(m) for m in box_history]
found.update(lesson_history=history, questions=questions, box_value=message_box.value)
print("\\nPROBE", json.dumps(found))
"""


@pytest.fixture(scope="module")
def run() -> tuple[dict, str, dict]:
    """Run All on the lesson in replay, then the probe: its findings, what it printed, the widgets."""
    return run_with_probe(LESSON, PROBE)


def test_a_recorded_question_is_answered_after_run_all(run):
    found, shown, _ = run
    lesson = found["lesson_history"]
    assert len(lesson) == 5, "the lesson's cells held a two-turn conversation before the box was used"
    assert found["after_first"] == lesson[:3], "the box starts from its own system message, not the lesson's history"
    assert f"You: {found['questions'][0]}\n{lesson[2]['content']}" in shown


def test_a_miss_leaves_the_history_unchanged_and_says_why(run):
    found, shown, _ = run
    assert found["after_miss"] == found["after_first"]
    assert f"You: Tell me a joke about penguins.\n{NOT_RECORDED}" in shown
    assert "differs from the closest recorded request" not in shown


def test_the_follow_up_still_works_after_a_miss_with_the_send_button(run):
    found, shown, _ = run
    assert found["after_send_button"] == found["lesson_history"]
    assert found["lesson_history"][4]["content"] in shown
    assert found["box_value"] == "", "the message box is emptied once its message is sent"


def test_the_box_lists_the_questions_it_can_answer(run):
    found, _, widgets = run
    (hint,) = [state["value"] for state in widgets_of(widgets, "HTMLModel") if "In replay mode, try" in state["value"]]
    assert all(question in hint for question in found["questions"])


def test_enter_sends_and_the_transcript_scrolls(run):
    _, _, widgets = run
    (text_box,) = widgets_of(widgets, "TextModel")
    assert text_box["continuous_update"] is False, "so that value changes on Enter, not on every key"
    (transcript,) = widgets_of(widgets, "OutputModel")
    layout = widgets[transcript["layout"].removeprefix("IPY_MODEL_")]
    assert layout["height"] and layout["overflow"] == "auto", "a fixed height that scrolls: nothing is cut off"

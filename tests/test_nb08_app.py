"""Lesson 08's chat app works for a room in replay mode: after Run All, after a miss, by Enter and by Send,
with the system prompt edited as the hint says, and its cost line follows every answer.

As in tests/test_chat_box.py (lesson 03's box, which this app grows from): the lesson runs top to
bottom in one real kernel for the whole module (replay mode, no key), then one more cell uses the
app the way the browser does. Setting the Text widget's value is what pressing Enter sends,
`send_button.click()` is a click on Send, and setting the Textarea's value is typing in the system
prompt. With no browser to redirect the app's `with transcript:` output, what the app prints arrives
as that last cell's output; the widgets' settings are read from the widget state the run records.
"""

from __future__ import annotations

import pytest

from helpers import settings

from .tools import run_with_probe, widgets_of

LESSON = settings.REPO_ROOT / "notebooks" / "08_chat_memory.ipynb"
NOT_RECORDED = (
    "This message is not in the recording: in replay mode the app answers only the messages listed above; "
    "add a key to .env to chat freely."
)
MISS = "Tell me a joke about penguins."

# After Run All: the first question (Enter); a message the recording lacks (Enter); the second
# question (the Send button, with the Enter watcher taken off so that only the click sends); the third
# with the system prompt as it was (a miss: the recording holds it with the edit); then the edit the
# hint asks for, and the third and fourth questions (Enter). The fourth summarises first.
PROBE = f"""
import json
MISS = {MISS!r}
found = {{}}

def snapshot():
    return {{"memory": [dict(m) for m in app_chat.memory], "status": status_line.value,
            "requests": app_chat.requests, "dollars": app_chat.dollars}}

found["start"] = snapshot()
found["prompt_at_start"] = system_box.value
message_box.value = questions[0]
found["after_first"] = snapshot()
message_box.value = MISS
found["after_miss"] = snapshot()
message_box.unobserve(on_send, names="value")
message_box.value = questions[1]
send_button.click()
found["after_send_button"] = snapshot()
found["box_value"] = message_box.value
message_box.observe(on_send, names="value")
message_box.value = questions[2]
found["unedited_prompt"] = snapshot()
system_box.value = system_box.value + " " + edit
message_box.value = questions[2]
found["after_edit"] = snapshot()
message_box.value = questions[3]
found["after_summary"] = snapshot()
found.update(questions=questions, edit=edit, lesson_memory=demo.memory, lesson_status=demo.status(),
             lesson_requests=demo.requests, lesson_dollars=demo.dollars, system_prompt=SYSTEM_PROMPT)
print("\\nPROBE", json.dumps(found))
"""


@pytest.fixture(scope="module")
def run() -> tuple[dict, str, dict]:
    """Run All on the lesson in replay, then the probe: its findings, what it printed, the widgets."""
    return run_with_probe(LESSON, PROBE)


def test_a_recorded_message_is_answered_after_run_all_in_a_conversation_of_its_own(run):
    found, shown, _ = run
    lesson = found["lesson_memory"]
    assert found["start"]["memory"] == [], "the app starts afresh, not from the lesson's conversation"
    first = found["after_first"]["memory"]
    assert [m["content"] for m in first[:1]] == [found["questions"][0]] and first[1]["role"] == "assistant"
    assert f"You: {found['questions'][0]}\n{first[1]['content']}\n" in shown
    assert lesson[-1]["content"] != first[1]["content"], "the lesson's Chat and the app's are separate"


def test_a_miss_leaves_the_memory_and_the_cost_unchanged_and_says_why(run):
    found, shown, _ = run
    assert found["after_miss"] == found["after_first"]
    assert f"You: {MISS}\n{NOT_RECORDED}" in shown
    assert "differs from the closest recorded request" not in shown


def test_send_works_after_a_miss_and_empties_the_box(run):
    found, shown, _ = run
    memory = found["after_send_button"]["memory"]
    assert len(memory) == 4 and memory[:2] == found["after_first"]["memory"]
    assert memory[2]["content"] == found["questions"][1] and memory[3]["content"] in shown
    assert found["box_value"] == "", "the message box is emptied once its message is sent"


def test_the_edited_system_prompt_is_what_the_next_request_sends(run):
    found, shown, _ = run
    # With the prompt unedited, the third question is not the recorded request: the prompt is part of it.
    assert found["unedited_prompt"] == found["after_send_button"]
    assert f"You: {found['questions'][2]}\n{NOT_RECORDED}" in shown
    edited = found["after_edit"]["memory"]
    assert edited[:4] == found["after_send_button"]["memory"]
    assert edited[-2]["content"] == found["questions"][2]
    assert f"You: {found['questions'][2]}\n{edited[-1]['content']}\n" in shown


def test_over_budget_the_app_summarises_and_keeps_the_newest_turn(run):
    found, shown, _ = run
    memory = found["after_summary"]["memory"]
    assert memory == found["lesson_memory"], "the app held the same conversation as the lesson's dry run"
    assert memory[0]["role"] == "system" and memory[0]["content"].startswith("Summary of the earlier conversation")
    assert memory[1:3] == found["after_edit"]["memory"][-2:], "the newest turn before the summary is kept word for word"
    assert f"You: {found['questions'][3]}\n(memory over" in shown


def test_the_cost_line_follows_every_answer_and_only_answers(run):
    found, _, _ = run
    start, first, miss = found["start"], found["after_first"], found["after_miss"]
    assert "requests: 0" in start["status"] and "$0.00000" in start["status"]
    assert first["requests"] == 1 and first["dollars"] > 0 and "requests: 1" in first["status"]
    assert f"${first['dollars']:.5f}" in first["status"] and first["status"] != start["status"]
    assert miss["status"] == first["status"]
    final = found["after_summary"]
    assert final["requests"] == found["lesson_requests"] == 5, "four answers and one summary"
    assert final["dollars"] == pytest.approx(found["lesson_dollars"])
    assert final["status"] == found["lesson_status"]


def test_the_app_lists_what_it_can_answer_and_the_edit(run):
    found, _, widgets = run
    (hint,) = [state["value"] for state in widgets_of(widgets, "HTMLModel") if "In replay mode, try" in state["value"]]
    assert all(question in hint for question in found["questions"]) and found["edit"] in hint


def test_the_system_prompt_is_editable_enter_sends_and_the_transcript_scrolls(run):
    found, _, widgets = run
    assert found["prompt_at_start"] == found["system_prompt"], "the box starts with the lesson's system prompt"
    (prompt_box,) = widgets_of(widgets, "TextareaModel")
    assert not prompt_box.get("disabled"), "the learner can edit it"
    assert prompt_box["value"] == f"{found['system_prompt']} {found['edit']}", "the edit reached the widget's model"
    (text_box,) = widgets_of(widgets, "TextModel")
    assert text_box["continuous_update"] is False, "so that value changes on Enter, not on every key"
    (transcript,) = widgets_of(widgets, "OutputModel")
    layout = widgets[transcript["layout"].removeprefix("IPY_MODEL_")]
    assert layout["height"] and layout["overflow"] == "auto", "a fixed height that scrolls: nothing is cut off"

"""Exercise checks say what is right and wrong, and never give the answer away."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import helpers
from helpers.prices import price_of

ROOT = Path(__file__).resolve().parents[1]


def completion(finish_reason: str = "stop", prompt: int = 37, completion_tokens: int = 20):
    choice = SimpleNamespace(finish_reason=finish_reason, message=SimpleNamespace(content="text"))
    usage = SimpleNamespace(prompt_tokens=prompt, completion_tokens=completion_tokens)
    return SimpleNamespace(choices=[choice], usage=usage)


TUTOR = {"role": "system", "content": "tutor"}
QUESTION = {"role": "user", "content": "What is an API?"}


def test_01_1_accepts_a_full_history_and_rejects_a_missing_answer():
    good = [TUTOR, QUESTION, {"role": "assistant", "content": "An API is..."},
            {"role": "user", "content": "How is that different from a library?"}]
    assert helpers.check("01.1", good, completion())
    missing = [TUTOR, QUESTION, {"role": "user", "content": "How is that different from a library?"}]
    feedback = helpers.check("01.1", missing, completion())
    assert not feedback
    assert "✗ the model's first answer is in it" in str(feedback)
    assert "Hint:" in str(feedback)


def test_01_2_checks_the_arithmetic_without_printing_the_answer():
    price = price_of(helpers.DEFAULT_MODEL)
    response = completion(prompt=37, completion_tokens=20)
    right = (37 * price.input + 20 * price.output) / 1e6
    assert helpers.check("01.2", response, right)
    wrong = helpers.check("01.2", response, 37 * price.input + 20 * price.output)
    assert not wrong
    assert f"{right}" not in str(wrong) and f"{right:.8f}" not in str(wrong)
    assert not helpers.check("01.2", response, None)
    assert not helpers.check("01.2", response, (37 * 0.15 + 20 * 0.60) / 1e6)  # gpt-4o-mini's old prices


def test_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match=r"01\.1, 01\.2.*15\.1"):
        helpers.check("99.9")


def test_a_check_imports_its_own_lessons_checks_and_no_others():
    probe = ("import sys, helpers\n"
             "from tests.test_checks import TUTOR, QUESTION, completion\n"
             "helpers.check('01.1', [TUTOR, QUESTION], completion())\n"
             "print(sorted(m for m in sys.modules if m.startswith('helpers.exercises.')))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['helpers.exercises.nb01']"


def _response(**fields):
    base = {"id": "resp_1", "output": [], "output_text": "", "status": "completed", "instructions": None,
            "previous_response_id": None}
    return SimpleNamespace(**{**base, **fields})


def test_07_1_wants_the_follow_up_chained_to_the_first_response_with_its_instructions():
    first = _response(id="resp_first", output_text="An API is a contract.")
    chained = _response(previous_response_id="resp_first", instructions="tutor", output_text="Like a menu.")
    assert helpers.check("07.1", first, chained)
    unchained = helpers.check("07.1", first, _response(id="resp_3", instructions="tutor", output_text="Huh?"))
    assert not unchained and "previous_response_id=first.id" in str(unchained)
    no_instructions = helpers.check("07.1", first, _response(previous_response_id="resp_first", output_text="x"))
    assert not no_instructions and "instructions are not carried over" in str(no_instructions)


def test_07_2_catches_a_result_sent_back_under_the_item_id_instead_of_the_call_id():
    call = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "days_between",
            "arguments": '{"start": "2026-01-15", "end": "2026-03-01"}'}
    asked = _response(output=[call])
    answer = _response(output=[{"type": "message"}], output_text="45 days.")
    good = helpers.check("07.2", asked, [call, {"type": "function_call_output", "call_id": "call_1", "output": "45"}],
                         answer)
    assert good, str(good)
    bad = helpers.check("07.2", asked, [call, {"type": "function_call_output", "call_id": "fc_1", "output": "45"}],
                        answer)
    assert not bad


def test_a_missing_function_gets_a_hint_that_fits_what_was_passed():
    placeholder = helpers.checks.Feedback("04.2")
    assert not placeholder.expect_function(None, "image_tokens(width, height, detail)")
    assert placeholder.hints == ["define it with def image_tokens(width, height, detail): in place of the None"]
    called = helpers.checks.Feedback("04.2")
    assert not called.expect_function(765, "image_tokens(width, height, detail)")
    assert "pass the function itself" in called.hints[0] and "not what it returns" in called.hints[0]
    assert helpers.checks.Feedback("04.2").expect_function(len, "image_tokens(width, height, detail)")

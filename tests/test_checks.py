"""Exercise checks say what is right and wrong, and never give the answer away."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import helpers


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
    response = completion(prompt=37, completion_tokens=20)
    right = 37 * 0.15 / 1e6 + 20 * 0.60 / 1e6
    assert helpers.check("01.2", response, right)
    wrong = helpers.check("01.2", response, 37 * 0.15 + 20 * 0.60)
    assert not wrong
    assert f"{right}" not in str(wrong) and f"{right:.8f}" not in str(wrong)
    assert not helpers.check("01.2", response, None)


def test_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="01.1"):
        helpers.check("99.9")

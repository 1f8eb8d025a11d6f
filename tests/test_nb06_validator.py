"""Exercise 06.1's check reads any training file a learner can make: bad bytes, blank lines, huge files."""

from __future__ import annotations

import json
from pathlib import Path

import helpers


def example(commit: str = "fix(cart): handle empty cart", role: object = "assistant") -> bytes:
    messages = [{"role": "user", "content": "Fixed a crash when the cart is empty"}, {"role": role, "content": commit}]
    return json.dumps({"messages": messages}).encode()


def write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def point(feedback, words: str) -> bool:
    """Whether the one point whose text contains `words` passed."""
    [ok] = [ok for ok, what in feedback.points if words in what]
    return ok


def test_a_byte_that_is_not_utf8_is_reported_with_its_line_and_the_rest_is_still_checked(tmp_path):
    lines = [example() for _ in range(12)]
    lines[2] = example("feat(menu): add caf\u00e9").replace(b"\\u00e9", b"\xe9")  # as Windows-1252 saves it
    lines[6] = example(role="bot")
    feedback = helpers.check("06.1", write(tmp_path / "draft.jsonl", lines))
    assert not feedback
    assert "line 3: not UTF-8" in feedback.hints[0]
    assert not point(feedback, "role of the chat format")  # line 7, after the bad byte, was checked too
    assert point(feedback, "at least 10 valid examples")  # the ten readable lines still count


def test_blank_lines_are_reported_and_never_counted_as_examples(tmp_path):
    eight_and_two_blank = [example() for _ in range(4)] + [b""] + [example() for _ in range(4)] + [b"   "]
    feedback = helpers.check("06.1", write(tmp_path / "draft.jsonl", eight_and_two_blank))
    assert not point(feedback, "at least 10")
    assert point(feedback, "JSON object")  # a blank line is not reported as broken JSON
    assert feedback.hints[0].startswith("lines 5, 10: blank")
    assert "this file has 8" in feedback.hints[1]

    ten_and_one_blank = [example() for _ in range(10)] + [b""]
    feedback = helpers.check("06.1", write(tmp_path / "draft.jsonl", ten_and_one_blank))
    assert point(feedback, "at least 10") and not point(feedback, "blank")
    assert helpers.check("06.1", write(tmp_path / "draft.jsonl", ten_and_one_blank[:10]))


def test_a_file_broken_on_every_line_gets_short_feedback(tmp_path):
    broken = example()[:-1]  # the closing brace is missing
    feedback = helpers.check("06.1", write(tmp_path / "big.jsonl", [broken] * 20_000))
    assert not feedback
    assert len(str(feedback)) < 2_000
    assert feedback.hints[0].startswith("lines 1, 2, 3, 4, 5 and 19,995 more: not valid JSON yet;")
    assert all(len(hint) < 200 for hint in feedback.hints)


def test_each_hint_names_the_problem_it_found_and_never_quotes_the_file(tmp_path):
    no_messages = json.dumps({"conversation": []}).encode()
    feedback = helpers.check("06.1", write(tmp_path / "draft.jsonl", [no_messages] + [example()] * 10))
    assert feedback.hints[0] == "line 1: JSON, but not an object with a non-empty 'messages' list"

    odd_roles = [example(role=["assistant"]), example(role="x" * 1_000_000)] + [example()] * 10
    feedback = helpers.check("06.1", write(tmp_path / "draft.jsonl", odd_roles))
    assert not point(feedback, "role of the chat format")
    assert feedback.hints[0] == "lines 1, 2: a role the chat format does not have"
    assert len(str(feedback)) < 2_000

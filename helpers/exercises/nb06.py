"""Checks for notebooks/06_fine_tuning.ipynb."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from ..checks import Feedback, exercise
from ..prices import price_of

ROLES = {"system", "user", "assistant"}
MIN_EXAMPLES = 10
BIGGER_RUN_MODEL = "gpt-4.1-mini-2025-04-14"
BIGGER_RUN_EPOCHS = 8
# type(scope): summary, with the types of the Conventional Commits convention.
COMMIT_LINE = re.compile(r"^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\([\w.-]+\))?!?: \S")


def _lines_with_problems(lines: list[str]) -> dict[str, list[int]]:
    """For each rule of chat fine-tuning data, the numbers of the lines that break it."""
    found: dict[str, list[int]] = {"json": [], "role": [], "content": [], "answer": []}
    for number, line in enumerate(lines, start=1):
        try:
            example = json.loads(line)
        except ValueError:
            found["json"].append(number)
            continue
        messages = example.get("messages") if isinstance(example, dict) else None
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            found["json"].append(number)
            continue
        if any(m.get("role") not in ROLES for m in messages):
            found["role"].append(number)
        if any(not isinstance(m.get("content"), str) or not m["content"].strip() for m in messages):
            found["content"].append(number)
        if messages[-1].get("role") != "assistant":
            found["answer"].append(number)
    return found


def _where(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


@exercise("06.1")
def fix_training_file(path: Any) -> Feedback:
    """The draft file, fixed in place: every line valid, no example dropped."""
    fb = Feedback("06.1")
    file = Path(path) if isinstance(path, (str, Path)) else None
    if not fb.expect(file is not None and file.is_file(), "the file exists",
                     "pass draft_path, the file the exercise cell writes"):
        return fb
    lines = file.read_text(encoding="utf-8").splitlines()
    found = _lines_with_problems(lines)
    fb.expect(not found["json"], "every line is a JSON object with a 'messages' list",
              f"line {_where(found['json'])} is not valid JSON yet: count its brackets and braces")
    fb.expect(not found["role"], "every message has the role system, user or assistant",
              f"line {_where(found['role'])} still has a role the API does not know")
    fb.expect(not found["content"], "every message has some text in 'content'",
              f"line {_where(found['content'])} still has an empty message: write the answer you want learned")
    fb.expect(not found["answer"], "every example ends with the assistant's answer",
              f"line {_where(found['answer'])} asks a question but gives no answer to learn from")
    fb.expect(len(lines) >= MIN_EXAMPLES, f"it still has at least {MIN_EXAMPLES} examples",
              "fix the broken examples rather than deleting them: the API needs at least 10")
    return fb


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


@exercise("06.2")
def budget_bigger_run(cost: Any, tokens: Any) -> Feedback:
    """The training cost of the dataset for 8 epochs on gpt-4.1-mini, from the token estimate."""
    fb = Feedback("06.2")
    if not fb.expect(isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0,
                     "the token estimate is a positive whole number",
                     "pass estimated_tokens, from section 5, as the second argument"):
        return fb
    if not fb.expect(isinstance(cost, (int, float)) and not isinstance(cost, bool),
                     "bigger_run_cost is a number", "compute it in dollars, as a float"):
        return fb
    price = price_of(BIGGER_RUN_MODEL)
    expected = tokens * BIGGER_RUN_EPOCHS * price.training / 1_000_000
    ok = fb.expect(_close(cost, expected), "it matches the tokens, the epochs and the model's training price")
    if not ok:
        per_epoch = cost / tokens / price.training * 1_000_000
        if _close(cost, tokens * BIGGER_RUN_EPOCHS * price_of("gpt-4o-mini").training / 1_000_000):
            fb.hints.insert(0, "that is the price of the lesson's base model; the team wants gpt-4.1-mini")
        elif any(_close(cost, tokens * BIGGER_RUN_EPOCHS * rate / 1_000_000) for rate in (price.input, price.output)):
            fb.hints.insert(0, "training has its own price: use the .training field of price_of(...)")
        elif _close(per_epoch, 1) or _close(per_epoch, 3):
            fb.hints.insert(0, "every epoch trains on every token again: count all 8 of them")
        elif _close(cost, expected * 1_000_000):
            fb.hints.insert(0, "the prices are per million tokens")
        else:
            fb.hints.insert(0, "start from the estimate in section 5: the same sum, with this run's epochs and model")
    return fb


@exercise("06.3")
def use_fine_tuned_model(reply: Any) -> Feedback:
    """A commit message from the fine-tuned model, in the house style."""
    fb = Feedback("06.3")
    choices = getattr(reply, "choices", None)
    if not fb.expect(bool(choices), "reply is the response of a chat completion",
                     "assign the result of client.chat.completions.create(...) to reply"):
        return fb
    fb.expect(str(getattr(reply, "model", "")).startswith("ft:"), "it came from your fine-tuned model",
              "pass model=job.fine_tuned_model, not the base model")
    fb.expect(choices[0].finish_reason == "stop", "the answer is complete (finish_reason 'stop')",
              "with max_tokens=60 a one-line answer should finish; check what you sent")
    text = (choices[0].message.content or "").strip()
    fb.expect("\n" not in text and bool(COMMIT_LINE.match(text)),
              "the answer is one line in the type(scope): summary style",
              "send SYSTEM as the system message, as in training; if it is right and the style still "
              "misses, the model needs more examples")
    return fb

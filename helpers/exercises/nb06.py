"""Checks for notebooks/06_fine_tuning.ipynb."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from ..checks import Feedback, exercise
from ..prices import price_of

# The roles the lesson's validator accepts: the chat format's, with `tool` for tool-use examples.
CHAT_ROLES = {"system", "user", "assistant", "tool"}
MIN_EXAMPLES = 10
BIGGER_RUN_MODEL = "gpt-4.1-mini-2025-04-14"
BIGGER_RUN_EXAMPLES = 600
BIGGER_RUN_EPOCHS = 4
# type(scope): summary, with the types of the Conventional Commits convention.
COMMIT_LINE = re.compile(r"^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\([\w.-]+\))?!?: \S")


def _blank(content: Any) -> bool:
    return not (content.strip() if isinstance(content, str) else content)


def _lines_with_problems(lines: list[str]) -> dict[str, list[int]]:
    """For each check of the lesson's validator (the API's rules and its advice), the lines that fail it."""
    found: dict[str, list[int]] = {"json": [], "role": [], "content": [], "weight": [], "answer": []}
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
        if any(m.get("role") not in CHAT_ROLES for m in messages):
            found["role"].append(number)
        # Content may be absent only on an assistant message that carries tool_calls; blank is advice.
        if any(
            _blank(m.get("content")) and not (m.get("content") is None and m.get("role") == "assistant"
                                               and m.get("tool_calls"))
            for m in messages
        ):
            found["content"].append(number)
        if any(m.get("role") == "assistant" and m.get("weight", 1) not in (0, 1) for m in messages):
            found["weight"].append(number)
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
    fb.expect(not found["role"], "every message has a role of the chat format",
              f"line {_where(found['role'])} still has a role the chat format does not have")
    fb.expect(not found["content"], "every message has some text (or, for an assistant, tool_calls)",
              f"line {_where(found['content'])} still has an empty message: write the answer you want learned")
    fb.expect(not found["weight"], "every weight is 0 or 1",
              f"line {_where(found['weight'])} has a weight other than 0 or 1")
    fb.expect(not found["answer"], "every example ends with the assistant's answer",
              f"line {_where(found['answer'])} asks a question but gives no answer to learn from")
    fb.expect(len(lines) >= MIN_EXAMPLES, f"it still has at least {MIN_EXAMPLES} examples",
              "fix the broken examples rather than deleting them: the API needs at least 10")
    return fb


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


@exercise("06.2")
def budget_bigger_run(cost: Any, tokens: Any, examples: Any) -> Feedback:
    """The training cost of 600 examples like the lesson's, for 4 epochs on the base model."""
    fb = Feedback("06.2")
    counts = (tokens, examples)
    if not fb.expect(all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in counts),
                     "the token count and the number of examples are positive whole numbers",
                     "pass training_tokens and len(examples), from sections 5 and 2, after the cost"):
        return fb
    if not fb.expect(isinstance(cost, (int, float)) and not isinstance(cost, bool),
                     "bigger_run_cost is a number", "compute it in dollars, as a float"):
        return fb
    price = price_of(BIGGER_RUN_MODEL)
    per_example = tokens / examples
    expected = per_example * BIGGER_RUN_EXAMPLES * BIGGER_RUN_EPOCHS * price.training / 1_000_000
    ok = fb.expect(_close(cost, expected), "it matches the tokens, the examples, the epochs and the training price")
    if not ok:
        def run(n_examples: float, epochs: int, rate: float) -> float:
            return per_example * n_examples * epochs * rate / 1_000_000

        if _close(cost, tokens * BIGGER_RUN_EPOCHS * price.training / 1_000_000):
            fb.hints.insert(0, "that prices the lesson's own examples; the team has 600 of about the same length")
        elif any(_close(cost, run(BIGGER_RUN_EXAMPLES, BIGGER_RUN_EPOCHS, rate))
                 for rate in (price.input, price.output)):
            fb.hints.insert(0, "training has its own price: use the .training field of price_of(...)")
        elif _close(cost, run(BIGGER_RUN_EXAMPLES, 1, price.training)):
            fb.hints.insert(0, "every epoch trains on every token again: count all 4 of them")
        elif _close(cost, expected * 1_000_000):
            fb.hints.insert(0, "the prices are per million tokens")
        else:
            fb.hints.insert(0, "tokens per example × 600 examples × 4 epochs × the training price per token")
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
              "with max_completion_tokens=60 a one-line answer should finish; check what you sent")
    text = (choices[0].message.content or "").strip()
    fb.expect("\n" not in text and bool(COMMIT_LINE.match(text)),
              "the answer is one line in the type(scope): summary style",
              "send SYSTEM as the system message, as in training; if it is right and the style still "
              "misses, the model needs more examples")
    return fb

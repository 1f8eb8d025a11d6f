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
# A tuple, not a set: a role that is a list or a dict must fail the test, not raise TypeError.
CHAT_ROLES = ("system", "user", "assistant", "tool")
MIN_EXAMPLES = 10
BIGGER_RUN_MODEL = "gpt-4.1-mini-2025-04-14"
BIGGER_RUN_EXAMPLES = 600
BIGGER_RUN_EPOCHS = 4
# type(scope): summary, with the types of the Conventional Commits convention.
COMMIT_LINE = re.compile(r"^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\([\w.-]+\))?!?: \S")
# What can be wrong with a line: the API's rules and the course's advice, labelled as in the lesson.
API_RULES = ("utf8", "json", "messages", "role", "missing", "weight")
ADVICE = ("blank", "empty", "answer")


def _blank(content: Any) -> bool:
    return not (content.strip() if isinstance(content, str) else content)


def _line_problems(raw: bytes) -> set[str]:
    """The checks of the lesson's validator that one line of the file fails (a blank line fails only "blank")."""
    if not raw.strip():
        return {"blank"}
    try:
        example = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {"utf8"}
    except (ValueError, RecursionError):
        return {"json"}
    messages = example.get("messages") if isinstance(example, dict) else None
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return {"messages"}
    found = set()
    for m in messages:
        content = m.get("content")
        if m.get("role") not in CHAT_ROLES:
            found.add("role")
        # Content may be absent only on an assistant message that carries tool_calls; blank is advice.
        if content is None and not (m.get("role") == "assistant" and m.get("tool_calls")):
            found.add("missing")
        elif content is not None and _blank(content):
            found.add("empty")
        if m.get("role") == "assistant" and m.get("weight", 1) not in (0, 1):
            found.add("weight")
    if messages[-1].get("role") != "assistant":
        found.add("answer")
    return found


def _lines_with_problems(raw_lines: list[bytes]) -> tuple[dict[str, list[int]], int]:
    """For each check of the lesson's validator, the lines that fail it; and the number of valid examples."""
    found: dict[str, list[int]] = {key: [] for key in API_RULES + ADVICE}
    valid = 0
    for number, raw in enumerate(raw_lines, start=1):
        problems = _line_problems(raw)
        for key in problems:
            found[key].append(number)
        valid += "blank" not in problems and not problems.intersection(API_RULES)
    return found, valid


def _where(numbers: list[int], shown: int = 5) -> str:
    """'line 4', 'lines 2, 6', or the first few and a count: a hint stays one short line however big the file."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    listed = ", ".join(str(n) for n in numbers[:shown])
    rest = len(numbers) - shown
    return f"lines {listed}" + (f" and {rest:,} more" if rest > 0 else "")


@exercise("06.1")
def fix_training_file(path: Any) -> Feedback:
    """The draft file, fixed in place: every line valid, no example dropped."""
    fb = Feedback("06.1")
    file = Path(path) if isinstance(path, (str, Path)) else None
    if not fb.expect(file is not None and file.is_file(), "the file exists",
                     "pass draft_path, the file the exercise cell writes"):
        return fb
    # Bytes, split line by line: a byte that is not UTF-8 is one line's problem, not a crash.
    found, valid = _lines_with_problems(file.read_bytes().splitlines())
    # Hints name line numbers only, never the file's text, so they stay short whatever the file holds.
    unreadable = [
        (found["utf8"], "not UTF-8 text; write the file with encoding=\"utf-8\""),
        (found["json"], "not valid JSON yet; count its brackets, braces and quotes"),
        (found["messages"], "JSON, but not an object with a non-empty 'messages' list"),
    ]
    fb.expect(not any(numbers for numbers, _ in unreadable),
              "every line is UTF-8 text: a JSON object with a 'messages' list",
              next((f"{_where(numbers)}: {hint}" for numbers, hint in unreadable if numbers), ""))
    fb.expect(not found["blank"], "no line is blank",
              f"{_where(found['blank'])}: blank; delete blank lines, they are not examples")
    fb.expect(not found["role"], "every message has a role of the chat format",
              f"{_where(found['role'])}: a role the chat format does not have")
    fb.expect(not (found["missing"] or found["empty"]),
              "every message has some text (or, for an assistant, tool_calls)",
              f"{_where(sorted(set(found['missing'] + found['empty'])))}: a message with no text; "
              "give it some (for an answer, the commit message to learn)")
    fb.expect(not found["weight"], "every weight is 0 or 1",
              f"{_where(found['weight'])}: a weight other than 0 or 1")
    fb.expect(not found["answer"], "every example ends with the assistant's answer",
              f"{_where(found['answer'])}: no assistant answer at the end; add the commit message to learn")
    fb.expect(valid >= MIN_EXAMPLES, f"it has at least {MIN_EXAMPLES} valid examples",
              f"the API needs at least {MIN_EXAMPLES} valid examples and this file has {valid}: "
              "fix the broken lines rather than deleting them")
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

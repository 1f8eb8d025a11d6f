"""Checks for notebooks/04_vision.ipynb."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..checks import Feedback, exercise
from ..prices import image_tokens as image_tokens_rule

QUESTION = "Which sample has the heavier tail?"


def _image_parts(content: list) -> list[Any]:
    return [part for part in content if isinstance(part, dict) and part.get("type") == "image_url"]


def _text_parts(content: list) -> list[str]:
    return [
        str(part.get("text", "")) for part in content if isinstance(part, dict) and part.get("type") == "text"
    ]


@exercise("04.1")
def compare_at_low_detail(low_detail_message: Any, low_reply: Any) -> Feedback:
    """A user message with the question, two labelled images at detail low, and the reply to it."""
    fb = Feedback("04.1")
    is_message = isinstance(low_detail_message, dict) and low_detail_message.get("role") == "user"
    if not fb.expect(is_message, "low_detail_message is a dict with the 'user' role",
                     "a message is a dict: {'role': 'user', 'content': [...]}"):
        return fb
    content = low_detail_message.get("content")
    if not fb.expect(isinstance(content, list) and bool(content), "its content is a list of parts",
                     "with images, content is a list of {'type': ...} dicts, as in section 6"):
        return fb
    texts = _text_parts(content)
    fb.expect(any(QUESTION in text for text in texts), "it asks the question of section 6",
              "copy the text parts of `comparison`, word for word")
    fb.expect("Sample A:" in texts and "Sample B:" in texts, "each image has its label",
              "keep the 'Sample A:' and 'Sample B:' text parts, each just before its image")
    images = _image_parts(content)
    urls = [part.get("image_url", {}).get("url", "") if isinstance(part.get("image_url"), dict) else ""
            for part in images]
    fb.expect(len(images) == 2 and len(set(urls)) == 2 and all(urls), "it holds two different images",
              "one image_url part for each sample, each with its own data URL")
    details = [part["image_url"].get("detail") for part in images if isinstance(part.get("image_url"), dict)]
    fb.expect(len(details) == 2 and all(detail == "low" for detail in details),
              "both images have detail 'low'", "detail goes inside the image_url dict, next to url")
    choices = getattr(low_reply, "choices", None)
    fb.expect(bool(choices), "low_reply is the response of a chat completion",
              "assign the result of client.chat.completions.create(...) to low_reply")
    return fb


# Sizes the check tries, grouped by the rule each group tests (gpt-5.4-mini's patch rule, helpers.prices).
_CASES: list[tuple[str, list[tuple[int, int, str]]]] = [
    ("the course figure and the samples match the bills in sections 5 and 6",
     [(1000, 750, "high"), (640, 480, "high"), (1000, 750, "low"), (640, 480, "low")]),
    ("auto is billed as high", [(640, 480, "auto"), (1920, 1080, "auto")]),
    ("a small image is never enlarged", [(100, 100, "high"), (512, 512, "low"), (300, 700, "high")]),
    ("a side over 2048 px shrinks to 2048, keeping the proportions",
     [(800, 3000, "high"), (2500, 1000, "high"), (3000, 500, "low")]),
    ("an image over the 2,500-patch budget of high shrinks to fit it",
     [(2048, 2048, "high"), (4000, 3000, "high"), (1800, 2400, "high")]),
    ("low has a larger budget, so a large image costs more at low than at high",
     [(4000, 3000, "low"), (2048, 2048, "low")]),
]


@exercise("04.2")
def predict_image_tokens(image_tokens: Callable[[int, int, str], Any]) -> Feedback:
    """image_tokens(width, height, detail) gives gpt-5.4-mini's bill for every size tried."""
    fb = Feedback("04.2")
    if not fb.expect_function(image_tokens, "image_tokens(width, height, detail)"):
        return fb
    try:
        first = image_tokens(1000, 750, "high")
    except Exception as exc:  # a learner's function can fail in any way
        fb.expect(False, f"image_tokens(1000, 750, 'high') runs (it raised {type(exc).__name__}: {exc})",
                  "call it yourself on that size and read the error")
        return fb
    is_whole = isinstance(first, int) and not isinstance(first, bool)
    if not fb.expect(is_whole, "it returns a whole number of tokens",
                     "tokens are counted: round up with math.ceil, and return an int"):
        return fb
    for rule, cases in _CASES:
        wrong = []
        for width, height, detail in cases:
            try:
                got = image_tokens(width, height, detail)
            except Exception as exc:  # report, do not crash the check
                got = f"{type(exc).__name__}"
            if got != image_tokens_rule(width, height, detail):
                wrong.append(f"{width} × {height} {detail!r} gave {got}")
        hint = f"check the rule for this case: {wrong[0]}" if wrong else ""
        fb.expect(not wrong, rule, hint)
    return fb

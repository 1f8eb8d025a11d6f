"""Exercise checks: `helpers.check("01.1", ...)` says what is right, what is not, and gives a hint.

A check never prints the answer. Each lesson's checks live in `helpers/exercises/nbNN.py`,
registered with `@exercise("NN.K")`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Checker = Callable[..., "Feedback"]
_CHECKS: dict[str, Checker] = {}


@dataclass
class Feedback:
    """The outcome of one check: a line per point, and a hint for the first point missed."""

    exercise: str
    points: list[tuple[bool, str]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    def expect(self, ok: bool, what: str, hint: str = "") -> bool:
        """Record one point; when it fails, keep its hint."""
        self.points.append((bool(ok), what))
        if not ok and hint:
            self.hints.append(hint)
        return bool(ok)

    def expect_function(self, value: Any, signature: str) -> bool:
        """The first point of most checks: the learner replaced the placeholder with a function.

        `signature` is how the lesson asks for it, e.g. "delete_files(purpose)".
        """
        name = signature.split("(", 1)[0]
        hint = (f"define it with def {signature}: in place of the None" if value is None
                else f"pass the function itself, defined with def {signature}:, not what it returns")
        return self.expect(callable(value), f"{name} is a function", hint)

    @property
    def passed(self) -> bool:
        return bool(self.points) and all(ok for ok, _ in self.points)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [f"Exercise {self.exercise}: " + ("all correct, well done." if self.passed else "not yet.")]
        lines += [f"  {'✓' if ok else '✗'} {what}" for ok, what in self.points]
        if self.hints:
            lines.append(f"  Hint: {self.hints[0]}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def exercise(number: str) -> Callable[[Checker], Checker]:
    """Register a check under an exercise number such as "01.1"."""

    def register(function: Checker) -> Checker:
        _CHECKS[number] = function
        return function

    return register


def check(number: str, *args: Any, **kwargs: Any) -> Feedback:
    """Check your answer to exercise `number`; the notebook says what to pass."""
    if number not in _CHECKS:
        _load_lesson_checks(number)
    if number not in _CHECKS:
        from .exercises import load_all

        load_all()
        known = ", ".join(sorted(_CHECKS)) or "none yet"
        raise KeyError(f"There is no exercise {number!r}. Exercises with checks: {known}.")
    return _CHECKS[number](*args, **kwargs)


def _load_lesson_checks(number: str) -> None:
    """Import the one module with lesson NN's checks (exercise "NN.K"): a notebook pays for its own
    lesson's checks only, and a fault in another lesson's module cannot reach it."""
    lesson = number.split(".", 1)[0]
    if not (lesson.isdigit() and len(lesson) == 2):
        return
    module = f"{__package__}.exercises.nb{lesson}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise


# Tools the lessons' checks share: they run the learner's function against stand-ins, never the API.


def first_line(exc: BaseException, with_type: bool = False) -> str:
    """The first line of an exception's message (its class name when it has none), for a hint."""
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if with_type else text.splitlines()[0]


@contextmanager
def patched(owner: Any, name: str, replacement: Any) -> Iterator[None]:
    """Replace `owner.name` while inside, and always put the original back."""
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


class WrongEndpoint(Exception):
    """The learner's code called the Responses API where the exercise watches Chat Completions."""


@contextmanager
def chat_completions_only(handler: Callable[[Any, dict], Any]) -> Iterator[None]:
    """Route every `client.chat.completions.create(...)` through `handler(resource, kwargs)` while inside;
    `client.responses.create` raises WrongEndpoint. `create` takes keywords only: kwargs are the request."""
    from openai.resources.chat.completions.completions import Completions
    from openai.resources.responses.responses import Responses

    def watched(self: Any, **kwargs: Any) -> Any:
        return handler(self, kwargs)

    def refused(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise WrongEndpoint("the check watches Chat Completions: call client.chat.completions.create")

    with patched(Completions, "create", watched), patched(Responses, "create", refused):
        yield

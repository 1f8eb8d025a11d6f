"""Is the course current? Every model its recordings send a request to, with its shutdown date.

The dates come from the pinned SDK's own notes ("Deprecated values" in
`openai/types/shared/chat_model.py`, and in the image, transcription and speech model lists, each with
an announced shutdown date), so moving the `openai` pin refreshes them. `course models` prints the
table; `make test` fails once a date has passed and warns for any within WARN_DAYS.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import openai
import openai.types.audio.speech_model as speech_model
import openai.types.audio_model as audio_model
import openai.types.image_model as image_model
import openai.types.shared.chat_model as chat_model

from . import settings
from .costs import form_model, json_or_none
from .recording import load_recording

WARN_DAYS = 90
# The notes wrap their lines anywhere, "Announced shutdown" included.
NOTE_MODULES = (chat_model, image_model, audio_model, speech_model)
_NOTE = re.compile(r"^- (.+?):\s+Announced\s+shutdown\s+date:\s+(\d{4}-\d{2}-\d{2})", re.MULTILINE | re.DOTALL)


def shutdown_dates(source: str | None = None) -> dict[str, dt.date]:
    """Model id → announced shutdown date, read from the SDK's "Deprecated values" notes."""
    texts = [source] if source is not None else [
        Path(module.__file__).read_text(encoding="utf-8") for module in NOTE_MODULES]
    dates: dict[str, dt.date] = {}
    for text in texts:
        notes = text.split('"""Deprecated values:', 1)
        if len(notes) < 2:
            continue
        for entry in re.split(r"\n(?=- )", notes[1]):
            found = _NOTE.search(" ".join(entry.split("\n")))
            if found:
                for model in re.findall(r'"([^"]+)"', found.group(1)):
                    dates[model] = dt.date.fromisoformat(found.group(2))
    return dates


def base_model(model: str) -> str:
    """The model a request really depends on: a fine-tuned model retires with its base."""
    return model.split(":")[1] if model.startswith("ft:") else model


def models_in_recordings(folder: Path | None = None) -> dict[str, list[str]]:
    """Model id → the recordings whose requests name it (request bodies' `model`)."""
    used: dict[str, list[str]] = {}
    for path in sorted((folder or settings.RECORDINGS_DIR).glob("*.yaml")):
        for interaction in load_recording(path).get("interactions") or []:
            if interaction["response"]["status"]["code"] == 404:  # lesson 11's model that does not exist
                continue
            body = interaction["request"].get("body")
            sent = json_or_none(body)
            # a JSON request names its model; an upload (a transcription) names it in a form field
            model = sent.get("model") if isinstance(sent, dict) else form_model(body) if body else None
            if isinstance(model, str):
                names = used.setdefault(model, [])
                if path.stem not in names:
                    names.append(path.stem)
    return used


@dataclass(frozen=True)
class ModelStatus:
    """One model the course uses, and how long it has."""

    model: str
    shutdown: dt.date | None
    recordings: tuple[str, ...]

    def days_left(self, today: dt.date) -> int | None:
        return None if self.shutdown is None else (self.shutdown - today).days


def course_models(folder: Path | None = None, source: str | None = None) -> list[ModelStatus]:
    """Every model the recordings use, soonest shutdown first."""
    dates = shutdown_dates(source)
    rows = [
        ModelStatus(model, dates.get(base_model(model)), tuple(names))
        for model, names in models_in_recordings(folder).items()
    ]
    return sorted(rows, key=lambda row: (row.shutdown or dt.date.max, row.model))


def current_until(rows: list[ModelStatus]) -> dt.date | None:
    """The first announced shutdown among the course's models: the course is current until then."""
    dates = [row.shutdown for row in rows if row.shutdown is not None]
    return min(dates) if dates else None


def report(rows: list[ModelStatus], today: dt.date) -> tuple[str, int]:
    """The table `course models` prints, and how many models are already past their shutdown."""
    width = max([len("model"), *(len(row.model) for row in rows)])
    lines = [f"{'model':<{width}}  {'announced shutdown':<20}  used by"]
    expired = 0
    for row in rows:
        days = row.days_left(today)
        if days is None:
            when = "none announced"
        elif days < 0:
            when, expired = f"{row.shutdown} PASSED", expired + 1
        else:
            when = f"{row.shutdown} ({days} d)" + (" !" if days <= WARN_DAYS else "")
        lines.append(f"{row.model:<{width}}  {when:<20}  {', '.join(row.recordings)}")
    until = current_until(rows)
    lines.append("")
    if until is None:
        lines.append("The course is current: no model it uses has an announced shutdown date.")
    else:
        lines.append(f"The course is current until {until}: the first announced shutdown among its models.")
    if expired:
        lines.append(
            f"{expired} model(s) are past their shutdown: live requests to them fail. Move the lessons "
            "to a current model (helpers/settings.py, the lesson, its authored script), re-author and re-record."
        )
    elif until is not None and (until - today).days <= WARN_DAYS:
        lines.append(
            f"Warning: a model shuts down within {WARN_DAYS} days ({until}). Plan the move now; the lesson "
            "that uses it must tell learners that date."
        )
    files = ", ".join(Path(module.__file__).relative_to(Path(openai.__file__).parent.parent).as_posix()
                      for module in NOTE_MODULES)
    lines.append(f"(Dates from the notes in openai {openai_version()}'s {files}.)")
    return "\n".join(lines), expired


def openai_version() -> str:
    import openai

    return openai.__version__

"""The course's facts, each in one place: where things live, the models, the modes."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RECORDINGS_DIR = Path(os.environ.get("COURSE_RECORDINGS_DIR", REPO_ROOT / "recordings"))
NOTEBOOK_DIRS = ("notebooks", "solutions")

# The model every lesson uses unless it is about another one: current (the pinned SDK announces no
# shutdown date for it), cheap, fast, and a reasoning model whose effort goes down to "none".
# In live mode a learner may set COURSE_MODEL in .env. `course models` lists every model the
# recordings use, with its shutdown date.
DEFAULT_MODEL = "gpt-5.4-mini"

MODE_VARIABLE = "COURSE_MODE"
MODEL_VARIABLE = "COURSE_MODEL"
MODES = ("auto", "live", "record", "replay")

# OpenAI() refuses to start without a key; in replay nothing is sent, so any placeholder will do.
REPLAY_PLACEHOLDER_KEY = "sk-replay-no-key-needed"


def recording_path(name: str) -> Path:
    """The recording file of one notebook (`01_chat_basics`, `01_chat_basics_solutions`)."""
    return RECORDINGS_DIR / f"{name}.yaml"


def staging_path(name: str) -> Path:
    """Where record mode writes, until `course record` has seen the whole notebook succeed."""
    return RECORDINGS_DIR / f"{name}.yaml.partial"

"""The course's facts, each in one place: where things live, the models, the modes."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RECORDINGS_DIR = Path(os.environ.get("COURSE_RECORDINGS_DIR", REPO_ROOT / "recordings"))
NOTEBOOK_DIRS = ("notebooks", "solutions")

# The model every lesson uses unless it is about another one. Cheap, fast, and it accepts every
# sampling parameter the lessons teach. In live mode a learner may set COURSE_MODEL in .env.
DEFAULT_MODEL = "gpt-4o-mini"
# A reasoning model, for the lessons that show how those differ.
REASONING_MODEL = "gpt-5-mini"

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

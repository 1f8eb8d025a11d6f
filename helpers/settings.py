"""The course's facts, each in one place: where things live, the models, the modes."""

from __future__ import annotations

import os
import tomllib
from importlib import metadata
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

# Where the course is published. Every badge, the Colab install and every raw file URL is built from
# these (helpers/colab.py writes them into the notebooks and the README; tests/test_launch.py checks).
PUBLIC_REPOSITORY = "openai-api-workshop/course"
PUBLIC_URL = f"https://github.com/{PUBLIC_REPOSITORY}"
DISTRIBUTION = "openai-api-workshop"  # the name in pyproject.toml


def _course_version() -> str:
    """The course's version: pyproject.toml in a checkout, the installed metadata elsewhere (Colab)."""
    pyproject = REPO_ROOT / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION:
            return project["version"]
    return metadata.version(DISTRIBUTION)


# The release the badges open and Colab installs: the git tag of this version. A tag, not a branch,
# so a lesson, its helpers and its recordings always come from one commit, also in a copy a learner
# saved weeks ago. Publishing a version means pushing this tag.
COURSE_REF = f"v{_course_version()}"
# What the first cell of a notebook installs on Colab; COURSE_COLAB_SOURCE overrides it with a git
# URL (git+https://github.com/you/course@branch) or a folder holding a checkout.
COLAB_SOURCE = f"git+{PUBLIC_URL}@{COURSE_REF}"
COLAB_SOURCE_VARIABLE = "COURSE_COLAB_SOURCE"


def colab_url(path: str) -> str:
    """Open a notebook of the published course (`notebooks/01_chat_basics.ipynb`) in Colab."""
    return f"https://colab.research.google.com/github/{PUBLIC_REPOSITORY}/blob/{COURSE_REF}/{path}"


def binder_url(path: str) -> str:
    """Open JupyterLab on Binder at a file or folder of the published course (`notebooks`)."""
    return f"https://mybinder.org/v2/gh/{PUBLIC_REPOSITORY}/{COURSE_REF}?urlpath=lab/tree/{path}"


def raw_url(path: str) -> str:
    """A file of the course on main, as a URL anyone (and the API) can fetch: lesson 04's figure.

    main, not the release tag: a URL inside a recorded request must not change with each release.
    """
    return f"https://raw.githubusercontent.com/{PUBLIC_REPOSITORY}/main/{path}"


# OpenAI() refuses to start without a key; in replay nothing is sent, so any placeholder will do.
REPLAY_PLACEHOLDER_KEY = "sk-replay-no-key-needed"


def recording_path(name: str) -> Path:
    """The recording file of one notebook (`01_chat_basics`, `01_chat_basics_solutions`)."""
    return RECORDINGS_DIR / f"{name}.yaml"


def staging_path(name: str) -> Path:
    """Where record mode writes, until `course record` has seen the whole notebook succeed."""
    return RECORDINGS_DIR / f"{name}.yaml.partial"

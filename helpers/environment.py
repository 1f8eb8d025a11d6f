"""Generate environment.yml (conda-forge, for Binder and conda users) from pyproject.toml.

    python -m helpers.environment > environment.yml

pyproject.toml is the one list of dependencies. Exact pins (==) and dependencies with markers go
through pip, so conda never has to solve for a version conda-forge may not carry; the rest are
conda-forge packages of the same names and bounds. tests/test_dependencies.py fails when the
committed file differs from this output.

Binder builds it with repo2docker's conda buildpack, which (read in jupyterhub/repo2docker,
repo2docker/buildpacks/conda/__init__.py):
- takes the Python version only from a `python=X.Y` line (a `python>=X.Y` line is not read, and
  the build falls back to repo2docker's default Python), so the line pins the oldest Python that
  pyproject.toml allows, the one the course is tested on;
- sees `-e .` as a local pip requirement, so it installs the environment after copying the whole
  repository, and mamba runs pip in the folder of environment.yml (mamba-org/mamba,
  libmamba/src/api/install.cpp and utils.cpp): `.` is the course.
tests/test_launch.py checks both.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def oldest_python(requires_python: str) -> str:
    """The `X.Y` a `requires-python` such as ">=3.11" starts from: what Binder and the dev container run."""
    lower = [spec.version for spec in SpecifierSet(requires_python) if spec.operator == ">="]
    if not lower:
        raise ValueError(f"requires-python = {requires_python!r} has no lower bound (>=X.Y) to pin Binder's Python to")
    return ".".join(lower[0].split(".")[:2])


def render(pyproject: Path = PYPROJECT) -> str:
    """The environment.yml text for the dependencies in `pyproject`."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    conda, pip = [], []
    for line in project["dependencies"]:
        requirement = Requirement(line)
        pinned = any(spec.operator == "==" for spec in requirement.specifier)
        if requirement.marker:  # only pip understands environment markers
            pip.append(f"{requirement.name}{requirement.specifier}; {requirement.marker}")
        else:
            (pip if pinned else conda).append(f"{requirement.name}{requirement.specifier}")
    python = oldest_python(project["requires-python"])
    lines = [
        "# Generated from pyproject.toml by `make environment.yml`: edit pyproject.toml, not this file.",
        f"name: {project['name']}",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={python}",
        "  - pip",
        *(f"  - {dep}" for dep in conda),
        "  - pip:",
        *(f"      - {dep}" for dep in pip),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())

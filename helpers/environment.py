"""Generate environment.yml (conda-forge, for Binder and conda users) from pyproject.toml.

    python -m helpers.environment > environment.yml

pyproject.toml is the one list of dependencies. Exact pins (==) and dependencies with markers go
through pip, so conda never has to solve for a version conda-forge may not carry; the rest are
conda-forge packages of the same names and bounds. tests/test_dependencies.py fails when the
committed file differs from this output.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


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
    python = project["requires-python"]
    lines = [
        "# Generated from pyproject.toml by `make environment.yml`: edit pyproject.toml, not this file.",
        f"name: {project['name']}",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python{python}",
        "  - pip",
        *(f"  - {dep}" for dep in conda),
        "  - pip:",
        *(f"      - {dep}" for dep in pip),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())

"""Every way to open the course points at one repository and one release, and each launcher builds it right.

The repository and the release are in helpers/settings.py (PUBLIC_REPOSITORY, COURSE_REF); badges and
setup cells are written from them by `python -m helpers.colab`. Binder is jupyterhub/repo2docker's
conda buildpack reading environment.yml; Codespaces and Dev Containers read .devcontainer/.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import json5
import nbformat
import pytest
import yaml

from helpers import cli, colab, environment, settings

ROOT = settings.REPO_ROOT
NOTEBOOKS = cli.find_notebooks([])
REGENERATE = "run `python -m helpers.colab` to write them from helpers/settings.py"
# A link into a repository by its owner/name: Colab's GitHub opener, Binder, raw files.
REPOSITORY_LINK = re.compile(
    r"(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh|raw\.githubusercontent\.com)/([\w.-]+/[\w.-]+)"
)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


# --- one repository, one release ---------------------------------------------------------------


def test_the_release_is_the_tag_of_the_version_in_pyproject():
    assert settings.COURSE_REF == f"v{pyproject()['version']}"
    assert settings.COLAB_SOURCE == f"git+https://github.com/{settings.PUBLIC_REPOSITORY}@{settings.COURSE_REF}"
    assert settings.DISTRIBUTION == pyproject()["name"]


def test_pyproject_links_to_the_public_repository():
    """Fails until pyproject.toml has the [project.urls] the lead adds (see the report)."""
    urls = pyproject().get("urls", {})
    assert urls.get("Repository") == settings.PUBLIC_URL, f"[project.urls] Repository = {settings.PUBLIC_URL!r}"
    elsewhere = {name: url for name, url in urls.items() if not url.startswith(settings.PUBLIC_URL)}
    assert not elsewhere, f"[project.urls] point outside {settings.PUBLIC_URL}: {elsewhere}"


def _texts() -> list[Path]:
    return [*NOTEBOOKS, ROOT / "README.md", ROOT / "imgs" / "README.md", *sorted((ROOT / "docs").glob("*.md")),
            *sorted((ROOT / "recordings").glob("*.yaml")), *sorted((ROOT / "recordings" / "authored").glob("*.py"))]


def test_every_link_into_a_repository_names_the_public_one():
    """A renamed repository shows up here everywhere at once, recordings included (re-author those)."""
    found = {(rel(path), name) for path in _texts() for name in REPOSITORY_LINK.findall(path.read_text("utf-8"))}
    assert found, "no badge or raw link found at all?"
    others = sorted((path, name) for path, name in found if name != settings.PUBLIC_REPOSITORY)
    assert not others, f"links to a repository other than {settings.PUBLIC_REPOSITORY}: {others}"


def test_readme_badges_open_the_first_lesson_and_the_lessons_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert colab.readme_badges(rel(NOTEBOOKS[0])) in readme, REGENERATE
    assert "?urlpath=lab/tree/notebooks)" in colab.readme_badges(), "Binder opens JupyterLab on notebooks/"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=rel)
def test_first_code_cell_is_the_setup_cell_every_notebook_shares(notebook):
    first = next(cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code")
    assert first.source == colab.setup_cell(cli.recording_name(notebook)), REGENERATE


def test_the_setup_cell_differs_between_notebooks_only_in_the_name():
    a, b = (colab.setup_cell(name) for name in ("01_a", "02_b_solutions"))
    assert a.replace("01_a", "NAME") == b.replace("02_b_solutions", "NAME")
    assert settings.COLAB_SOURCE in a and settings.COLAB_SOURCE_VARIABLE in a


def test_lesson_04_fetches_its_figure_from_the_public_repository():
    lesson = nbformat.read(ROOT / "notebooks" / "04_vision.ipynb", as_version=4)
    figure = settings.raw_url("imgs/switching_figure.png")
    assert any(cell.source.strip() == f'FIGURE_URL = "{figure}"' for cell in lesson.cells if cell.cell_type == "code")
    assert (ROOT / "imgs" / "switching_figure.png").is_file()
    readme = (ROOT / "imgs" / "README.md").read_text(encoding="utf-8")
    assert f"`{settings.raw_url('imgs/')}<file>`" in readme


def test_writing_the_badges_again_would_change_nothing():
    stale = [rel(path) for path in colab.write(dry_run=True)]
    assert not stale, f"{stale} are not in step with helpers/settings.py: {REGENERATE}"


def test_badges_go_after_the_title_when_a_cell_has_none():
    assert colab.with_badges("# 01 · Title\n\nText.", "B1\nB2") == "# 01 · Title\n\nB1\nB2\n\nText."
    assert colab.with_badges("# T\n\n[![Open in Colab](x)](old)\n[![Launch Binder](y)](old)\n\nText.", "NEW") == (
        "# T\n\nNEW\n\nText."
    )


# --- Binder: repo2docker's conda buildpack ------------------------------------------------------
# Read in github.com/jupyterhub/repo2docker at 808ae6bb (repo2docker/buildpacks/conda/__init__.py,
# base.py, utils.py, app.py and the other buildpacks' detect()): the Python version comes only from a
# dependency `python=X.Y` (else its default, 3.10, with a warning); a pip line pointing at a local path
# (`-e .`) makes it build the environment after the repository is copied in; binder/ or .binder/ would
# replace the root's environment.yml; the buildpacks tried before conda (Docker, Julia, Nix, R) would
# take over on the files listed below.


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_binder_reads_a_python_version_and_it_is_the_oldest_the_course_supports():
    pythons = [d for d in _environment()["dependencies"] if isinstance(d, str) and re.match(r"python\b(?!-)", d)]
    oldest = environment.oldest_python(pyproject()["requires-python"])
    assert pythons == [f"python={oldest}"], f"repo2docker only reads python=X.Y; found {pythons}"


def test_binder_installs_the_course_itself_from_the_copied_repository():
    pip = next(dep["pip"] for dep in _environment()["dependencies"] if isinstance(dep, dict))
    assert "-e ." in pip


def test_nothing_takes_the_binder_build_away_from_environment_yml():
    for name in ("binder", ".binder", "Dockerfile", "Project.toml", "JuliaProject.toml", "REQUIRE", "default.nix",
                 "DESCRIPTION", "runtime.txt"):
        assert not (ROOT / name).exists(), f"{name} would change what repo2docker builds"


def test_oldest_python_reads_the_lower_bound():
    assert environment.oldest_python(">=3.11") == "3.11"
    assert environment.oldest_python(">=3.12.1,<4") == "3.12"
    with pytest.raises(ValueError, match="no lower bound"):
        environment.oldest_python("<4")


# --- Codespaces and Dev Containers --------------------------------------------------------------


def _devcontainer() -> dict:
    return json5.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))


def _readme_commands() -> list[str]:
    """The commands of the README's first code block, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\w*\n(.*?)```", readme, re.DOTALL)
    assert block, "the README has no code block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.split("#", 1)[0].strip()]


def test_dev_container_sets_up_and_opens_lab_with_the_readme_commands():
    config, commands = _devcontainer(), _readme_commands()
    assert config["postCreateCommand"] == "make setup" and "make setup" in commands, (
        f"the dev container must set up with the README's command; the README says {commands}"
    )
    lab = list(config["postAttachCommand"].values())
    assert lab == ["make lab"] and "make lab" in commands


def test_dev_container_runs_the_python_binder_runs_and_forwards_jupyterlab():
    config = _devcontainer()
    oldest = environment.oldest_python(pyproject()["requires-python"])
    assert config["image"] == f"mcr.microsoft.com/devcontainers/python:{oldest}"
    assert 8888 in config["forwardPorts"]
    assert config["portsAttributes"]["8888"]["label"] == "JupyterLab"

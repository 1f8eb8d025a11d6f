"""The course hangs together: every notebook has its recording, its badges, its solutions, its provenance."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from helpers import cli, colab, settings
from helpers.recording import SECRET_PATTERNS, load_recording

NOTEBOOKS = cli.find_notebooks([])
SETUP_CALL = re.compile(r"""helpers\.setup\(\s*["']([^"']+)["']\s*\)""")


def rel(path: Path) -> str:
    return path.relative_to(settings.REPO_ROOT).as_posix()


def code_cells(path: Path) -> list:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=rel)
def test_notebook_sets_up_its_own_recording(notebook):
    first = code_cells(notebook)[0].source
    found = SETUP_CALL.search(first)
    assert found, f"{rel(notebook)}: the first code cell must call helpers.setup(\"NAME\")"
    assert found.group(1) == cli.recording_name(notebook), "the setup name must match the notebook's file"
    assert settings.recording_path(found.group(1)).is_file()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=rel)
def test_stored_outputs_show_replay_and_no_errors(notebook):
    cells = code_cells(notebook)
    banner = "".join(out.get("text", "") for out in cells[0].outputs)
    assert banner.startswith(f"replay mode: responses come from recordings/{cli.recording_name(notebook)}.yaml")
    for cell in cells:
        assert all(out.output_type != "error" for out in cell.outputs), f"{rel(notebook)} stores an error"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=rel)
def test_notebook_has_badges_to_itself_and_a_lesson_has_solutions(notebook):
    head = next(cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "markdown").source
    assert colab.notebook_badges(rel(notebook)) in head, (
        f"{rel(notebook)}: its Colab and Binder badges must open it at {settings.COURSE_REF} of "
        f"{settings.PUBLIC_REPOSITORY}: run `python -m helpers.colab`"
    )
    if notebook.parent.name == "notebooks":
        assert (settings.REPO_ROOT / "solutions" / notebook.name).is_file()


RECORDINGS = sorted(settings.RECORDINGS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda p: p.name)
def test_recording_says_where_every_reply_came_from(recording):
    data = load_recording(recording)
    provenance = data["metadata"]["provenance"]
    assert provenance["source"] in {"live", "authored"}
    assert provenance["date"] and provenance["openai"] and provenance["host"]
    for interaction in data["interactions"]:
        assert interaction["provenance"].startswith(("authored", "real", "live")), interaction["provenance"]


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda p: p.name)
def test_recording_holds_no_secret(recording):
    text = recording.read_text(encoding="utf-8")
    for pattern, _replacement in SECRET_PATTERNS:
        leftovers = [m for m in pattern.findall(text) if "REDACTED" not in json.dumps(m)]
        assert not leftovers, f"{recording.name}: {leftovers[:3]}"
    assert "authorization" not in text.lower()


def test_every_recording_belongs_to_a_notebook():
    names = {cli.recording_name(nb) for nb in NOTEBOOKS}
    orphans = [p.name for p in RECORDINGS if p.stem not in names]
    assert not orphans, f"recordings with no notebook: {orphans}"


def test_max_tokens_appears_in_one_code_cell_only_where_lesson_02_teaches_its_deprecation():
    uses = [
        (rel(nb), index)
        for nb in NOTEBOOKS
        for index, cell in enumerate(code_cells(nb))
        if re.search(r"\bmax_tokens\s*=", cell.source)
    ]
    assert len(uses) == 1 and uses[0][0] == "notebooks/02_parameters.ipynb", (
        f"max_tokens is deprecated: use max_completion_tokens. Found in {uses}"
    )


def test_every_client_a_notebook_creates_gives_up_in_bounded_time():
    clients = [
        (rel(nb), found.group(0))
        for nb in NOTEBOOKS
        for cell in code_cells(nb)
        for found in re.finditer(r"\b(?:Async)?OpenAI\([^)]*\)", cell.source)
    ]
    assert clients, "no notebook creates a client?"
    unbounded = [(path, call) for path, call in clients if "timeout=" not in call or "max_retries=" not in call]
    assert not unbounded, f"set timeout= and max_retries= so no cell hangs (SDK default: 600 s, 2 retries): {unbounded}"

"""`course record`: a notebook's recording changes only when the whole notebook ran."""

from __future__ import annotations

import os

import nbformat
import pytest

from helpers import cli, settings
from helpers.recording import load_recording

from .conftest import FAKE_KEY


def write_notebook(path, *cells: str) -> None:  # noqa: ANN001
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


SETUP = "import helpers\nMODEL = helpers.setup('{name}')"
ASK = (
    "from openai import OpenAI\n"
    "OpenAI().chat.completions.create(model=MODEL, messages=[{{'role': 'user', 'content': '{text}'}}])"
)


@pytest.fixture
def kernel_env(course, api, monkeypatch):
    """Kernels started by `course` inherit these: the temp recordings, the stub, a fake key."""
    stub, _ = api
    monkeypatch.setenv("COURSE_RECORDINGS_DIR", str(settings.RECORDINGS_DIR))
    return {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": stub.base_url}


def test_recording_names_follow_the_notebook_folders(tmp_path):
    assert cli.recording_name(tmp_path / "notebooks" / "02_parameters.ipynb") == "02_parameters"
    assert cli.recording_name(tmp_path / "solutions" / "02_parameters.ipynb") == "02_parameters_solutions"


def test_a_notebook_that_fails_half_way_leaves_the_old_recording_intact(course, kernel_env, capsys):
    notebook = course / "notebooks" / "09_demo.ipynb"
    write_notebook(notebook, SETUP.format(name="09_demo"), ASK.format(text="first"))
    assert cli._record_one(notebook, "live", "test", kernel_env)
    before = settings.recording_path("09_demo").read_text()
    assert load_recording(settings.recording_path("09_demo"))["interactions"][0]["provenance"] == "authored"

    write_notebook(notebook, SETUP.format(name="09_demo"), ASK.format(text="second"), "raise RuntimeError('boom')")
    assert not cli._record_one(notebook, "live", "test", kernel_env)
    assert "left as it was" in capsys.readouterr().out
    assert settings.recording_path("09_demo").read_text() == before
    assert not settings.staging_path("09_demo").exists()


def test_record_refuses_to_start_without_a_key(course, monkeypatch, capsys):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    write_notebook(course / "notebooks" / "09_demo.ipynb", "1")
    assert cli.main(["record", "09_demo"]) == 2
    assert "needs a real key" in capsys.readouterr().out
    assert os.environ.get("OPENAI_API_KEY") is None


def test_an_unknown_notebook_name_is_explained(course):
    with pytest.raises(SystemExit, match="no notebook called '42_nothing'"):
        cli.find_notebooks(["42_nothing"])

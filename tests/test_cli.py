"""`course record`: a notebook's recording changes only when the whole notebook ran."""

from __future__ import annotations

import os
from contextlib import contextmanager

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from helpers import cli, settings
from helpers.recording import load_recording, save_recording

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


def runs_with(env: dict[str, str]):
    @contextmanager
    def runs(_notebook):  # noqa: ANN001, ANN202
        yield env, "test"

    return runs


def test_a_notebook_that_fails_half_way_leaves_the_old_recording_intact(course, kernel_env, capsys):
    notebook = course / "notebooks" / "09_demo.ipynb"
    write_notebook(notebook, SETUP.format(name="09_demo"), ASK.format(text="first"))
    assert cli.record_group([notebook], "live", runs_with(kernel_env))
    before = settings.recording_path("09_demo").read_text()
    assert load_recording(settings.recording_path("09_demo"))["interactions"][0]["provenance"] == "authored"

    write_notebook(notebook, SETUP.format(name="09_demo"), ASK.format(text="second"), "raise RuntimeError('boom')")
    assert not cli.record_group([notebook], "live", runs_with(kernel_env))
    assert "Nothing was replaced" in capsys.readouterr().out
    assert settings.recording_path("09_demo").read_text() == before
    assert not settings.staging_path("09_demo").exists()


INTERACTION = {
    "request": {"method": "GET", "uri": "http://x/v1/models", "body": None, "headers": {}},
    "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}},
}


@pytest.fixture
def quick_runs(course, monkeypatch):
    """Stand-ins for the kernel: a notebook whose source says FAIL fails, any other stages one interaction;
    storing outputs writes a marker into the notebook, or fails when told to."""
    outputs = {"fail": False}

    def execute(notebook, mode, extra_env=None):  # noqa: ANN001, ANN202
        if "FAIL" in notebook.read_text():
            raise CellExecutionError("Traceback", "RuntimeError", "boom")
        save_recording(settings.staging_path(cli.recording_name(notebook)), {"version": 1, "interactions": [
            {**INTERACTION, "request": {**INTERACTION["request"], "body": notebook.read_text()[-40:]}}]})

    def store_outputs(notebooks):  # noqa: ANN001, ANN202
        if outputs["fail"]:
            return False
        for notebook in notebooks:
            notebook.write_text(notebook.read_text() + " ")
        return True

    monkeypatch.setattr(cli, "execute", execute)
    monkeypatch.setattr(cli, "store_outputs", store_outputs)
    return outputs


def test_a_lesson_and_its_solutions_are_replaced_together_or_not_at_all(course, quick_runs):
    lesson, solutions = course / "notebooks" / "09_demo.ipynb", course / "solutions" / "09_demo.ipynb"
    write_notebook(lesson, "lesson")
    write_notebook(solutions, "answer")
    assert cli.record_group([lesson, solutions], "live", runs_with({}))
    files = [settings.recording_path("09_demo"), settings.recording_path("09_demo_solutions"), lesson, solutions]
    before = [path.read_text() for path in files]

    write_notebook(lesson, "lesson, changed")
    write_notebook(solutions, "FAIL")
    assert not cli.record_group([lesson, solutions], "live", runs_with({}))
    assert [path.read_text() for path in files[:2]] == before[:2]  # the lesson's recording too

    write_notebook(solutions, "answer, changed")
    notebooks_now = [lesson.read_text(), solutions.read_text()]
    quick_runs["fail"] = True  # storing outputs fails after the recordings were promoted
    assert not cli.record_group([lesson, solutions], "live", runs_with({}))
    assert [path.read_text() for path in files[:2]] == before[:2]
    assert [lesson.read_text(), solutions.read_text()] == notebooks_now
    assert not any(settings.staging_path(n).exists() for n in ("09_demo", "09_demo_solutions"))


def test_an_interruption_after_promoting_puts_everything_back(course, quick_runs, monkeypatch):
    lesson = course / "notebooks" / "09_demo.ipynb"
    write_notebook(lesson, "lesson")
    assert cli.record_group([lesson], "live", runs_with({}))
    before = settings.recording_path("09_demo").read_text()
    write_notebook(lesson, "lesson, changed")

    def interrupted(_notebooks):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "store_outputs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cli.record_group([lesson], "live", runs_with({}))
    assert settings.recording_path("09_demo").read_text() == before


def test_a_recordings_folder_outside_the_course_works(course, quick_runs, tmp_path_factory, monkeypatch, capsys):
    outside = tmp_path_factory.mktemp("elsewhere") / "recordings"
    monkeypatch.setattr(settings, "RECORDINGS_DIR", outside)
    notebook = course / "notebooks" / "09_demo.ipynb"
    write_notebook(notebook, "first")
    assert cli.record_group([notebook], "live", runs_with({}))
    assert (outside / "09_demo.yaml").is_file()
    assert str(outside / "09_demo.yaml") in capsys.readouterr().out


def test_record_refuses_to_start_without_a_key(course, monkeypatch, capsys):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    write_notebook(course / "notebooks" / "09_demo.ipynb", "1")
    assert cli.main(["record", "09_demo"]) == 2
    assert "needs a real key" in capsys.readouterr().out
    assert os.environ.get("OPENAI_API_KEY") is None


def test_an_unknown_notebook_name_is_explained(course):
    with pytest.raises(SystemExit, match="no notebook called '42_nothing'"):
        cli.find_notebooks(["42_nothing"])

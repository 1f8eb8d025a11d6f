"""The parts of the browser run (tests/browser.py) that need no browser: reading a notebook's cells
after Run All, finding lesson 03's recorded replies, and the page texts it looks for."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path

from tests import browser


def code(source: str, count: int | None = 1, *outputs: dict, shown: tuple[str, ...] = ()) -> dict:
    """A cell as REPORT_JS returns it."""
    return {"type": "code", "source": source, "execution_count": count, "outputs": list(outputs), "shown": list(shown)}


STDERR = {"output_type": "stream", "ename": None, "evalue": None}
ERROR = {"output_type": "error", "ename": "ValueError", "evalue": "\x1b[31mbad value\x1b[0m\nmore"}
MARKDOWN = {"type": "markdown", "source": "# Title", "execution_count": None, "outputs": [], "shown": []}


def test_a_clean_run_has_no_problems_and_stderr_is_not_an_error():
    cells = [MARKDOWN, code("import helpers"), code("warn()", 2, STDERR), code("   \n", None)]
    assert browser.problems(cells) == []


def test_an_error_output_is_named_by_cell_and_exception_without_colour_codes():
    cells = [MARKDOWN, code("x = 1"), code("\n\nraise ValueError('bad value')", 2, ERROR), code("after()", None)]
    assert browser.problems(cells) == ["cell 3 (raise ValueError('bad value')) shows an error: ValueError: bad value"]


def test_a_cell_that_did_not_run_is_reported_once_nothing_else_is():
    cells = [code("a()"), code("b()", None), code("c()", None)]
    assert browser.problems(cells) == ["cell 2 (b()) did not run"]


def test_what_the_page_shows_counts_too():
    cells = [code("show(widget)", 1, shown=("Error displaying widget:\n  model not found",))]
    assert browser.problems(cells) == ["cell 1 (show(widget)) shows: Error displaying widget: model not found"]


def test_long_first_lines_are_shortened():
    assert browser.first_line("\n" + "x" * 100, width=10) == "xxxxxxxxx…"


def test_the_recorded_reply_is_the_text_between_two_questions():
    stored = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["You: One?\n", "First answer,\n", "two lines.\n\n",
                                                             "You: Two?\n", "Second answer.\n\n"]}]}]}
    assert browser.recorded_reply(stored, "One?") == "First answer,\ntwo lines."
    assert browser.recorded_reply(stored, "Two?") == "Second answer."
    with pytest.raises(LookupError, match="Three"):
        browser.recorded_reply(stored, "Three?")


def test_lesson_03_stores_a_reply_for_every_question_its_chat_box_lists():
    """The browser run types the box's questions and expects these replies: they must be stored."""
    lesson = json.loads((browser.REPO / browser.CHAT_LESSON).read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in lesson["cells"] if cell["cell_type"] == "code"]
    assert any('widgets.HTML("In replay mode, try: "' in source for source in sources), "the hint the run looks for"
    (cell,) = [source for source in sources if "\nquestions = [" in source]
    (questions,) = [ast.literal_eval(node.value) for node in ast.parse(cell).body
                    if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "questions"]
    assert len(questions) >= 2
    for question in questions:
        assert browser.recorded_reply(lesson, question)


def test_every_lesson_then_every_solution_and_a_prefix_picks():
    paths = browser.notebook_paths([])
    lessons = [path for path in paths if path.startswith("notebooks/")]
    assert paths[: len(lessons)] == lessons and len(paths) == 2 * len(lessons) >= 14
    assert browser.notebook_paths(["03"]) == ["notebooks/03_streaming.ipynb", "solutions/03_streaming.ipynb"]


@pytest.mark.parametrize(("where", "text"), [
    ("lab/static", "notebook:run-all-cells"),  # the command Run > Run All Cells runs
    ("lab/static", "Javascript Error: %1"),  # an output that failed to render
    ("labextensions/@jupyter-widgets/jupyterlab-manager/static", "Error displaying widget"),
    ("labextensions/@jupyter-widgets/jupyterlab-manager/static", "Loading widget..."),
])
def test_the_texts_the_browser_run_looks_for_are_in_the_installed_jupyterlab(where, text):
    """If an upgrade renames one, the browser run would stop seeing what it looks for: fail here first."""
    folders = [Path(base) / where for base in jupyter_path() if (Path(base) / where).is_dir()]
    assert folders, f"no {where} folder in {jupyter_path()}"
    assert any(text in file.read_text(errors="ignore") for folder in folders for file in folder.glob("*.js"))

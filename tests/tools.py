"""Small pieces more than one test module needs: running a lesson in a kernel with a probe cell, uv, and a
kernel start that survives a lost port race."""

from __future__ import annotations

import functools
import importlib.util
import json
import shutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import settings


def _ignore_widget_comms(msg: dict) -> None:
    """No frontend here. Left to itself, nbclient mimics the Output widget by sending updates on the
    shell channel while it waits there for the cell's reply; in some runs here that reply came
    a whole cell timeout late (600 s with `course`'s settings). Ignoring widget comms avoids it."""


def run_with_probe(lesson: Path, probe: str) -> tuple[dict, str, dict]:
    """Run All on `lesson` in replay with no key, then `probe`, a cell that prints "\\nPROBE " and a JSON
    object last. Returns that object, what the probe printed before it, and the widgets' state."""
    nb = nbformat.read(lesson, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(nb, timeout=30, startup_timeout=30, kernel_name="python3",
                            resources={"metadata": {"path": str(lesson.parent)}})
    client.comm_open_handlers = {"jupyter.widget": _ignore_widget_comms}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.MODE_VARIABLE, "replay")
        patch.setenv("OPENAI_API_KEY", "")  # the kernel inherits this environment
        client.execute()
    printed = "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.output_type == "stream")
    shown, _, found = printed.rpartition("\nPROBE ")
    return json.loads(found), shown, dict(client.widget_state)


def widgets_of(widgets: dict, model: str) -> list[dict]:
    """The states of the widgets of one model (e.g. "TextModel") in a run's widget state."""
    return [state for state in widgets.values() if state.get("_model_name") == model]


def uv_command() -> list[str]:
    """The uv the set-up installed into this venv, or the one on PATH."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    on_path = shutil.which("uv")
    assert on_path, "uv is neither on PATH nor in this venv: run `make setup`"
    return [on_path]


def retrying_kernel_start(start: Callable[..., Any]) -> Callable[..., Any]:
    """`start` (nbval's kernel start) with one more try when the new kernel dies before it answers.

    Jupyter picks a kernel's ports, frees them, then lets the kernel bind them; another process can take
    one in between (jupyter/jupyter_client#154), and two xdist workers start kernels side by side. This
    happened once in about a thousand starts here. A second failure is real and raised; a retry says so."""

    @functools.wraps(start)
    def start_with_one_retry(*args: Any, **kwargs: Any) -> Any:
        try:
            return start(*args, **kwargs)
        except RuntimeError as error:
            if "died" not in str(error):
                raise
            warnings.warn(f"a kernel died as it started ({error}); started another", stacklevel=2)
            return start(*args, **kwargs)

    return start_with_one_retry

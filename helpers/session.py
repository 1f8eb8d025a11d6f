"""`setup()`: the one call at the top of every notebook."""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import openai
from dotenv import dotenv_values
from openai import _base_client
from vcr.record_mode import RecordMode

from . import errors, meter, settings, wire
from .recording import (
    RecordingDamaged,
    RecordingMismatch,
    ReplayUnavailable,
    check_recording,
    count_authored,
    open_cassette,
)


class SetupError(RuntimeError):
    """setup() cannot prepare the notebook; the message says why and what to do."""


@dataclass
class Session:
    """What setup() decided for this kernel."""

    notebook: str
    mode: str
    model: str
    recording: Path | None = None
    replies: int = 0
    authored: int = 0
    has_key: bool = False  # a key was found, and replay was chosen anyway (COURSE_MODE=replay)


_active: dict = {"context": None, "cassette": None, "session": None, "hooks": False}


def _colab_key() -> str | None:
    try:
        from google.colab import userdata  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return userdata.get("OPENAI_API_KEY")
    except Exception:  # Colab raises its own types when the secret is missing or not shared
        return None


_QUOTES = "\"'\u201c\u201d\u2018\u2019"  # straight and curly quotes, as editors and chat apps paste them


def clean_key(raw: str, where: str) -> str:
    """The key without the spaces and quotes a copy-paste leaves around it; refuses one still broken.

    The message names the problem and its position, never the key.
    """
    key = raw.strip().strip(_QUOTES).strip()
    for position, char in enumerate(key, start=1):
        if char.isspace() or not char.isascii() or not char.isprintable():
            what = "a space" if char.isspace() else f"the character {char!r}"
            raise SetupError(
                f"OPENAI_API_KEY (from {where}) has {what} at position {position} of {len(key)}: a key is one "
                "word of plain letters, digits, '-' and '_'.\n"
                "Copy the key again from the OpenAI dashboard into .env as OPENAI_API_KEY=sk-..., then run "
                "this cell again."
            )
    return key


def find_key() -> str | None:
    """The learner's key: environment, then .env (already loaded into it), then Colab secrets.

    Spaces and quotes around it are removed (and the cleaned key put back in the environment, where
    OpenAI() reads it); a key with a space or a non-ASCII character inside is refused.
    """
    raw = os.environ.get("OPENAI_API_KEY", "")
    where = ".env or the environment"
    if not raw.strip() or raw.strip() == settings.REPLAY_PLACEHOLDER_KEY:
        raw, where = _colab_key() or "", "Colab secrets"
    if not raw.strip():
        return None
    key = clean_key(raw, where)
    os.environ["OPENAI_API_KEY"] = key
    return key


def load_env_file() -> None:
    """Load .env without overriding the learner's own environment, but take a changed .env on re-run.

    A variable setup() loaded from .env earlier is refreshed from the file; one that was already in
    the environment before (exported in the shell) is left alone.
    """
    path = settings.REPO_ROOT / ".env"
    loaded: dict[str, str] = _active.setdefault("from_dotenv", {})
    values = {name: value for name, value in dotenv_values(path).items() if value is not None} if path.is_file() else {}
    for name, value in values.items():
        current = os.environ.get(name)
        if current is None or current == settings.REPLAY_PLACEHOLDER_KEY or loaded.get(name) == current:
            os.environ[name] = value
            loaded[name] = value
    for name in [n for n in loaded if n not in values]:  # removed from .env since: unset what we set
        if os.environ.get(name) == loaded.pop(name):
            del os.environ[name]


def choose_mode(key: str | None) -> str:
    """auto means live with a key and replay without; COURSE_MODE forces one of the others."""
    mode = os.environ.get(settings.MODE_VARIABLE, "auto").strip().lower() or "auto"
    if mode not in settings.MODES:
        raise SetupError(
            f"{settings.MODE_VARIABLE}={mode!r} is not a mode this course knows.\n"
            f"Use one of {', '.join(settings.MODES)} (or leave it unset for auto)."
        )
    if mode == "auto":
        return "live" if key else "replay"
    if mode in ("live", "record") and not key:
        raise SetupError(
            f"{mode} mode needs an OpenAI API key, and none was found.\n"
            "Put OPENAI_API_KEY=sk-... in the .env file at the top of the course (see .env.example),\n"
            f"or unset {settings.MODE_VARIABLE} to run from the recordings."
        )
    return mode


def _stop_recording() -> None:
    context, cassette = _active["context"], _active["cassette"]
    if context is not None:
        context.__exit__(None, None, None)
    _active["context"] = _active["cassette"] = None
    del cassette


def _save_after_cell(*_args) -> None:
    cassette = _active["cassette"]
    if cassette is not None and cassette.record_mode != RecordMode.NONE and cassette.dirty:
        cassette._save()


def _show_short(shell, etype, value, tb, tb_offset=None):
    """A few lines instead of a traceback for the errors a learner can act on; %tb shows the rest."""
    shell._get_exc_info((etype, value, tb))  # sets sys.last_traceback: what %tb in a later cell shows
    if isinstance(value, RecordingMismatch):
        message = f"{etype.__name__}: {value.explain()}"
    elif isinstance(value, ReplayUnavailable):
        message = f"{etype.__name__}: {value.reason}"
    elif isinstance(value, (SetupError, meter.BudgetSpent, meter.BudgetInvalid)):
        message = f"{etype.__name__}: {value}"
    elif isinstance(value, json.JSONDecodeError) and not errors.from_the_sdk(tb):
        message = None  # the learner's own json.loads: their traceback is the useful one
    else:
        message = errors.explain(value)
    if message is None:  # the full traceback, and a note when another provider's answer is the likely cause
        current = _active["session"]
        errors.show_traceback(shell, (etype, value, tb), tb_offset, current.mode if current else None)
        return
    shell._showtraceback(etype, value, [message])


def _shell():
    """The IPython shell running this code, or None outside IPython."""
    try:
        return get_ipython()  # type: ignore[name-defined]  # noqa: F821
    except NameError:
        return None


def _install_kernel_hooks() -> None:
    """In a notebook kernel: short messages instead of tracebacks, and saving after each cell."""
    if _active["hooks"]:
        return
    shell = _shell()
    if shell is None:
        return
    shown_short = (RecordingMismatch, ReplayUnavailable, SetupError, meter.BudgetSpent, meter.BudgetInvalid,
                   openai.APIError, *errors.PROVIDER_SHAPED)
    shell.set_custom_exc(shown_short, _show_short)
    shell.events.register("post_run_cell", _save_after_cell)
    _active["hooks"] = True


_real_retry_timeout = _base_client.BaseClient._calculate_retry_timeout


def _no_retry_wait(on: bool) -> None:
    """Replayed answers arrive at once; a recorded 429 or 500 should not make the SDK sleep."""
    replacement = (lambda *args, **kwargs: 0.0) if on else _real_retry_timeout
    _base_client.BaseClient._calculate_retry_timeout = replacement


_real_sleep = time.sleep


def _sleep_skipping_cells(seconds: float) -> None:
    """time.sleep, except that a wait written in a notebook cell returns at once."""
    caller = sys._getframe(1).f_code.co_filename
    if caller.startswith("<ipython-input") or "ipykernel_" in caller:
        return
    _real_sleep(seconds)


def _instant_waits_in_cells(on: bool) -> None:
    """In replay the answer a polling loop waits for is already in the recording: don't wait for it."""
    time.sleep = _sleep_skipping_cells if on else _real_sleep


def _ask_for_gzip() -> None:
    """vcrpy can decode gzip but not zstd or brotli, so while recording ask only for gzip."""
    import httpx2._client
    import requests.utils

    httpx2._client.ACCEPT_ENCODING = "gzip"
    requests.utils.DEFAULT_ACCEPT_ENCODING = "gzip"


def banner(session: Session) -> str:
    """One line that says how this notebook will get its answers, and from which host when it is not OpenAI's.

    The host comes from OPENAI_BASE_URL without any user:password or query (an Azure `?api-key=`).
    """
    where = ""
    if session.recording is not None:
        recording = session.recording
        inside = recording.is_relative_to(settings.REPO_ROOT)
        where = (recording.relative_to(settings.REPO_ROOT) if inside else recording).as_posix()
    tail = f"model {session.model} · openai {openai.__version__}"
    limit = meter.budget()  # setup() has checked it is a number
    if limit is not None:
        tail += f" · budget {meter.dollars(limit)} ({meter.BUDGET_VARIABLE})"
    base = errors.base_url()
    if session.mode == "replay":
        if session.replies == 1:
            kind = "its one reply is an authored example, not live API output" if session.authored else (
                "its one reply is real API output")
        elif session.authored == session.replies:
            kind = f"all {session.replies} replies are authored examples, not live API output"
        elif session.authored:
            kind = f"{session.authored} of {session.replies} replies are authored examples, the rest real"
        else:
            kind = f"all {session.replies} replies are real API output"
        against = f" against {base.host} (OPENAI_BASE_URL)" if base and base.host and not base.openai else ""
        from .colab import on_colab  # at use, as in _setup(): `python -m helpers.colab` imports helpers first

        if session.has_key:
            to_run_live = "remove COURSE_MODE=replay from .env (or the environment) to run live"
        elif on_colab():
            to_run_live = "add OPENAI_API_KEY to Colab's Secrets (the key icon), let this notebook read it, to run live"
        else:
            to_run_live = "add OPENAI_API_KEY to .env to run live"
        return f"replay mode: responses come from {where} ({kind}); {to_run_live}{against} · {tail}"
    if base is not None and base.host is None:
        return f"{session.mode} mode: {errors.BAD_BASE_URL} · {tail}"
    if base is None or base.host == "api.openai.com":
        server = ""
    elif base.openai:
        server = f"the OpenAI API at {base.host} (OPENAI_BASE_URL)"
    else:
        server = f"{base.host} (OPENAI_BASE_URL)"
    if session.mode == "record":
        source = f" from {server}" if server else ""
        return f"record mode: live responses{source} are being saved to {where} · {tail}"
    if base is not None and server:
        versus = "" if base.openai else ", not api.openai.com"
        return f"live mode: requests go to {server}{versus}; your key is never shown · {tail}"
    return f"live mode: requests go to the OpenAI API with your key (never shown) · {tail}"


def setup(notebook: str) -> str:
    """Prepare a notebook: load .env, find the key, choose the mode, print a banner.

    `notebook` names the recording (`"01_chat_basics"`, or `"01_chat_basics_solutions"` for a
    solutions notebook). Returns the model the lessons use. Safe to call again: it starts over.
    If it fails, the notebook sends no request at all until a later call succeeds.
    """
    try:
        return _setup(notebook)
    except SetupError:
        _block_requests(
            "setup() did not finish (its message is above the first failed cell), so this notebook sends no "
            "request: nothing reaches the network.\nFix what it said, then run the setup cell again."
        )
        raise


def _block_requests(reason: str) -> None:
    """Make every HTTP request of the SDK (and `requests`) fail at once with `reason`."""
    _stop_recording()
    context = open_cassette(settings.RECORDINGS_DIR / ".no-recording.yaml", replay=True, refuse=reason)
    _active["cassette"] = context.__enter__()
    _active["context"] = context
    _install_kernel_hooks()


def _setup(notebook: str) -> str:
    from .colab import prepare  # here, not at the top: `python -m helpers.colab` imports helpers first

    prepare(notebook)  # on Colab: the course's recordings and pictures beside the notebook
    load_env_file()
    key = find_key()
    mode = choose_mode(key)
    try:
        meter.budget()
    except meter.BudgetInvalid as exc:
        raise SetupError(str(exc)) from None
    _stop_recording()

    model = settings.DEFAULT_MODEL
    if mode == "live":
        model = os.environ.get(settings.MODEL_VARIABLE, "").strip() or model

    recording = None
    replies = authored = 0
    if mode == "replay":
        recording = settings.recording_path(notebook)
        if not recording.is_file():
            raise SetupError(
                f"There is no recording for {notebook!r} at {recording}.\n"
                "Check the name passed to helpers.setup(); restore a deleted one with "
                f"`git checkout recordings/{notebook}.yaml`; or add OPENAI_API_KEY to .env to run live."
            )
        try:
            replies, authored = count_authored(check_recording(recording))
        except RecordingDamaged as exc:
            raise SetupError(str(exc)) from None
        if not key:
            os.environ["OPENAI_API_KEY"] = settings.REPLAY_PLACEHOLDER_KEY
        context = open_cassette(recording, replay=True)
    elif mode == "record":
        recording = settings.staging_path(notebook)
        recording.unlink(missing_ok=True)
        _ask_for_gzip()
        context = open_cassette(recording, replay=False, secrets=(key or "",))
    else:
        context = None

    # Replay, and authoring against the local stub, already hold the answers a loop would wait for.
    _instant_waits_in_cells(mode == "replay" or os.environ.get("COURSE_INSTANT_WAITS") == "1")
    _no_retry_wait(mode == "replay")
    if context is not None:
        _active["cassette"] = context.__enter__()
        _active["context"] = context
        solutions = settings.recording_path(f"{notebook}_solutions")
        if mode == "replay" and not notebook.endswith("_solutions") and solutions.is_file():
            # A learner who solves an exercise in the lesson sends the solution's requests.
            try:
                check_recording(solutions)
                _active["cassette"].add_fallback(solutions)
            except RecordingDamaged as exc:
                print(f"Note: the lesson runs, but worked exercise answers will not replay: {exc}")
    # Lesson 10's curl, a process of its own, replays from here too.
    wire.serve_recording_to_programs(notebook, mode, lambda: _active["cassette"])
    _install_kernel_hooks()
    meter.start(mode, _shell())  # one line of tokens and dollars under each cell that made billed calls

    session = Session(notebook, mode, model, recording, replies, authored, has_key=bool(key))
    _active["session"] = session
    print(banner(session))
    return model


def current() -> Session | None:
    """The session setup() started in this process, if any."""
    return _active["session"]


def stop() -> None:
    """Save what record mode holds and undo every patch: the process talks to the network again."""
    _save_after_cell()
    _stop_recording()
    _instant_waits_in_cells(False)
    _no_retry_wait(False)
    meter.stop(_shell())
    wire.stop()
    _active["session"] = None
    _active["from_dotenv"] = {}


atexit.register(_save_after_cell)

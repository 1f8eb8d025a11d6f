"""setup(): finding the key, choosing the mode, the banner."""

from __future__ import annotations

import os
import time

import pytest

from helpers import session, settings
from helpers.recording import save_recording

from .conftest import FAKE_KEY


def make_recording(name: str) -> None:
    save_recording(settings.recording_path(name), {"version": 1, "interactions": []})


def test_no_key_means_replay_with_a_placeholder_key(course, capsys):
    make_recording("01_x")
    model = session.setup("01_x")
    banner = capsys.readouterr().out
    assert model == settings.DEFAULT_MODEL
    assert banner.startswith("replay mode: responses come from recordings/01_x.yaml (all 0 replies are authored")
    assert banner.count("\n") == 1
    assert os.environ["OPENAI_API_KEY"] == settings.REPLAY_PLACEHOLDER_KEY


def test_the_replay_banner_says_how_many_replies_are_authored_examples(course, capsys):
    interaction = {"request": {"method": "GET", "uri": "http://x/v1/models", "body": None, "headers": {}},
                   "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}}}
    mixed = [{"provenance": tag, **interaction} for tag in ("authored", "authored: text of a real reply", "real: x")]
    save_recording(settings.recording_path("01_x"), {"version": 1, "interactions": mixed})
    session.setup("01_x")
    assert "(2 of 3 replies are authored examples, the rest real)" in capsys.readouterr().out
    save_recording(settings.recording_path("01_x"), {"version": 1, "interactions": mixed[2:]})
    session.setup("01_x")
    assert "(its one reply is real API output)" in capsys.readouterr().out


def test_a_key_in_dotenv_means_live_and_is_never_printed(course, capsys):
    (course / ".env").write_text(f"OPENAI_API_KEY={FAKE_KEY}\nCOURSE_MODEL=gpt-4.1-mini\n")
    try:
        model = session.setup("01_x")
        out = capsys.readouterr().out
        assert out.startswith("live mode:")
        assert FAKE_KEY not in out and FAKE_KEY[:12] not in out
        assert model == "gpt-4.1-mini"  # a learner may choose the model live
    finally:
        os.environ.pop("COURSE_MODEL", None)


def test_the_model_cannot_be_changed_in_replay(course, monkeypatch):
    make_recording("01_x")
    monkeypatch.setenv("COURSE_MODEL", "gpt-4.1-mini")
    assert session.setup("01_x") == settings.DEFAULT_MODEL


def test_course_mode_forces_replay_even_with_a_key(course, monkeypatch, capsys):
    make_recording("01_x")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("COURSE_MODE", "replay")
    session.setup("01_x")
    assert capsys.readouterr().out.startswith("replay mode")
    assert os.environ["OPENAI_API_KEY"] == FAKE_KEY  # a real key is left alone


def test_an_unknown_mode_is_explained(course, monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "playback")
    with pytest.raises(session.SetupError, match=r"(?s)'playback' is not a mode.*auto, live, record, replay"):
        session.setup("01_x")


@pytest.mark.parametrize("mode", ["live", "record"])
def test_live_and_record_without_a_key_say_what_to_do(course, monkeypatch, mode):
    monkeypatch.setenv("COURSE_MODE", mode)
    with pytest.raises(session.SetupError, match=r"(?s)needs an OpenAI API key.*\.env"):
        session.setup("01_x")


def test_a_missing_recording_is_explained(course):
    with pytest.raises(session.SetupError, match="no recording for '99_nothing'"):
        session.setup("99_nothing")


def test_waits_in_notebook_cells_are_instant_in_replay_only(course):
    import time

    make_recording("01_x")
    cell = compile("import time\ntime.sleep(5)\n", "/tmp/ipykernel_123/456.py", "exec")
    session.setup("01_x")
    started = time.monotonic()
    exec(cell, {})
    assert time.monotonic() - started < 1
    started = time.monotonic()
    time.sleep(0.2)  # a wait outside a cell still waits
    assert time.monotonic() - started >= 0.2
    session.stop()
    assert time.sleep is session._real_sleep


def test_live_after_replay_restores_the_sdk_retry_waits(course, monkeypatch):
    from openai import _base_client

    make_recording("01_x")
    real = session._real_retry_timeout
    session.setup("01_x")
    assert _base_client.BaseClient._calculate_retry_timeout is not real
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    session.setup("01_x")  # the learner added a key and ran setup again
    assert _base_client.BaseClient._calculate_retry_timeout is real
    assert time.sleep is session._real_sleep


@pytest.mark.parametrize("written", [f' "{FAKE_KEY}" ', f"\u201c{FAKE_KEY}\u201d", f"'{FAKE_KEY}'\t"])
def test_quotes_and_spaces_around_a_key_are_removed(course, capsys, written):
    (course / ".env").write_text(f"OPENAI_API_KEY={written}\n", encoding="utf-8")
    session.setup("01_x")
    assert capsys.readouterr().out.startswith("live mode:")
    assert os.environ["OPENAI_API_KEY"] == FAKE_KEY


@pytest.mark.parametrize("broken", [FAKE_KEY[:20] + " " + FAKE_KEY[20:], FAKE_KEY[:20] + "\u2011" + FAKE_KEY[21:]])
def test_a_key_broken_inside_is_refused_without_showing_it(course, broken):
    (course / ".env").write_text(f"OPENAI_API_KEY={broken}\n", encoding="utf-8")
    with pytest.raises(session.SetupError, match="at position 21") as caught:
        session.setup("01_x")
    assert FAKE_KEY[:12] not in str(caught.value) and FAKE_KEY[24:] not in str(caught.value)
    assert "Copy the key again" in str(caught.value)


def test_setup_again_takes_the_key_from_a_fixed_env_file(course, capsys):
    make_recording("01_x")
    session.setup("01_x")  # no .env yet: replay, with the placeholder key in the environment
    assert capsys.readouterr().out.startswith("replay mode")
    (course / ".env").write_text(f"OPENAI_API_KEY={FAKE_KEY}x\n")
    session.setup("01_x")
    assert os.environ["OPENAI_API_KEY"] == FAKE_KEY + "x"
    (course / ".env").write_text(f"OPENAI_API_KEY={FAKE_KEY}\n")  # the learner corrects a typo
    session.setup("01_x")
    assert os.environ["OPENAI_API_KEY"] == FAKE_KEY and capsys.readouterr().out.count("live mode") == 2


def test_a_key_exported_in_the_shell_wins_over_env_file(course, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    (course / ".env").write_text("OPENAI_API_KEY=sk-from-the-file-0000000000000000\n")
    session.setup("01_x")
    session.setup("01_x")
    assert os.environ["OPENAI_API_KEY"] == FAKE_KEY


GOOD = {"version": 1, "interactions": [{
    "provenance": "authored",
    "request": {"method": "GET", "uri": "http://x/v1/models", "body": None, "headers": {}},
    "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": '{"data": []}'}},
}]}


def _damage(path, how: str) -> None:  # noqa: ANN001
    text = path.read_text()
    if how == "cut short":
        path.write_text(text[: text.index("response:")])
    elif how == "not YAML":
        path.write_text(text + "\n  - [unclosed: {\n")
    elif how == "conflicted":
        path.write_text("<<<<<<< HEAD\n" + text + "=======\nversion: 1\n>>>>>>> theirs\n")
    elif how == "not text":
        path.write_bytes(b"\xff\xfe" + text.encode())


@pytest.mark.parametrize("how", ["cut short", "not YAML", "conflicted", "not text"])
def test_a_damaged_recording_is_named_with_its_fix_and_nothing_reaches_the_network(course, monkeypatch, how):
    path = settings.recording_path("01_x")
    save_recording(path, GOOD)
    _damage(path, how)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("COURSE_MODE", "replay")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(session.SetupError) as caught:
        session.setup("01_x")
    message = str(caught.value)
    assert message.startswith("recordings/01_x.yaml ") and "git checkout recordings/01_x.yaml" in message
    assert "make record NB=01_x" in message
    if how in ("not YAML", "conflicted"):
        assert " line " in message
    import openai

    from helpers.recording import ReplayUnavailable

    with pytest.raises(ReplayUnavailable, match="sends no request"):  # blocked, not a connection attempt
        openai.OpenAI(max_retries=0).models.list()


def test_a_broken_solutions_recording_leaves_the_lesson_working(course, capsys):
    save_recording(settings.recording_path("01_x"), GOOD)
    save_recording(settings.recording_path("01_x_solutions"), GOOD)
    _damage(settings.recording_path("01_x_solutions"), "cut short")
    session.setup("01_x")
    out = capsys.readouterr().out
    assert "recordings/01_x_solutions.yaml is cut short" in out and out.splitlines()[-1].startswith("replay mode")
    import openai

    assert openai.OpenAI().models.list().data == []


def test_replay_chosen_with_a_key_says_how_to_go_live(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    forced = session.Session("01_x", "replay", "m", tmp_path / "r.yaml", replies=1, has_key=True)
    keyless = session.Session("01_x", "replay", "m", tmp_path / "r.yaml", replies=1)
    assert "remove COURSE_MODE=replay" in session.banner(forced)
    assert "add OPENAI_API_KEY to .env" in session.banner(keyless)

"""Instructor tooling: `course check` against a stub that drifts on purpose, `course cost --learners`,
and docs/instructor-guide.md, whose every command must exist."""

from __future__ import annotations

import copy
import json
import re
import shlex
import tempfile
from pathlib import Path

import pytest
from nbclient.exceptions import CellExecutionError

from helpers import cli, drift, session, settings
from helpers.recording import save_recording
from helpers.stub_server import Reply, StubRequest, StubServer

from .conftest import FAKE_KEY
from .test_cli import write_notebook

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "instructor-guide.md"
SHIPPED_MODEL, NEW_MODEL = "gpt-5.4-mini-2026-03-17", "gpt-5.4-mini-2026-09-30"
CHAT = "https://api.openai.com/v1/chat/completions"


def chat_reply(text: str, model: str = SHIPPED_MODEL, prompt: int = 1000, completion: int = 200) -> dict:
    return {
        "id": "chatcmpl-shipped", "object": "chat.completion", "created": 1795219237, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                  "prompt_tokens_details": {"cached_tokens": 0},
                  "completion_tokens_details": {"reasoning_tokens": 0}},
    }


def interaction(body: dict | None, reply: dict | str, status: int = 200, uri: str = CHAT,
                method: str = "POST") -> dict:
    text = reply if isinstance(reply, str) else json.dumps(reply)
    return {
        "request": {"method": method, "uri": uri, "body": json.dumps(body) if body is not None else None,
                    "headers": {}},
        "response": {"status": {"code": status, "message": "OK" if status == 200 else "Error"},
                     "headers": {"content-type": ["application/json"]}, "body": {"string": text}},
    }


def asks(content: str) -> dict:
    """The body the SDK sends for `create(model=MODEL, messages=[{"role": "user", "content": content}])`."""
    return {"messages": [{"role": "user", "content": content}], "model": settings.DEFAULT_MODEL}


def recording(*interactions: dict) -> dict:
    return {"version": 1, "interactions": list(interactions)}


# ---------------------------------------------------------------- the comparison, on plain data


def test_a_recording_compared_with_itself_has_no_drift():
    shipped = recording(interaction(asks("a"), chat_reply("A")), interaction(asks("b"), chat_reply("B")))
    found = drift.compare(shipped, copy.deepcopy(shipped))
    assert not found
    assert found.summary() == "no drift"
    assert found.details() == []


def test_model_snapshot_and_fields_that_come_and_go_are_named():
    shipped = recording(interaction(asks("a"), chat_reply("A")), interaction(asks("b"), chat_reply("B")))
    newer = chat_reply("A, in other words", model=NEW_MODEL)
    thinner = chat_reply("B")
    del thinner["usage"]["completion_tokens_details"]
    thinner["service_tier"] = "default"
    found = drift.compare(shipped, recording(interaction(asks("a"), newer), interaction(asks("b"), thinner)))
    assert found.summary() == "drift in model snapshot, fields"
    assert found.details() == [
        f"model: recorded {SHIPPED_MODEL}, live {NEW_MODEL} (1 reply)",
        "field gone: usage.completion_tokens_details (POST /v1/chat/completions, 1 reply)",
        "new field: service_tier (POST /v1/chat/completions, 1 reply)",
    ]


def test_a_changed_status_is_drift_and_its_error_body_is_not_compared():
    shipped = recording(interaction(asks("a"), chat_reply("A")))
    failed = {"error": {"message": "The server had an error.", "type": "server_error"}}
    found = drift.compare(shipped, recording(interaction(asks("a"), failed, status=500)))
    assert found.details() == ["status: POST /v1/chat/completions #1: recorded 200, live 500"]


def test_a_retried_attempt_is_reported_once_and_the_retry_is_paired():
    shipped = recording(interaction(asks("a"), chat_reply("A")), interaction(asks("b"), chat_reply("B")))
    overloaded = interaction(asks("a"), {"error": {"message": "Overloaded"}}, status=503)
    live = recording(overloaded, interaction(asks("a"), chat_reply("A")), interaction(asks("b"), chat_reply("B")))
    found = drift.compare(shipped, live)
    assert found.details() == ["status: POST /v1/chat/completions: live 503, the SDK retried"]


def test_requests_pair_by_body_before_order():
    with_tool = chat_reply("A")
    with_tool["choices"][0]["message"]["tool_calls"] = [{"id": "call_1", "type": "function"}]
    shipped = recording(interaction(asks("a"), with_tool), interaction(asks("b"), chat_reply("B")))
    live = recording(interaction(asks("b"), chat_reply("B")), interaction(asks("a"), with_tool))
    assert not drift.compare(shipped, live)


def test_ids_in_paths_and_fine_tuned_names_do_not_count_as_drift():
    def job(job_id: str, model: str) -> dict:
        return interaction(None, {"id": job_id, "object": "fine_tuning.job", "fine_tuned_model": model,
                                  "model": "gpt-4.1-mini-2025-04-14"},
                           method="GET", uri=f"https://api.openai.com/v1/fine_tuning/jobs/{job_id}")

    def answer(model: str) -> dict:
        return interaction({"model": model, "messages": []}, chat_reply("fix: x", model=model))

    shipped = recording(job("ftjob-Hk4sVn2QpX8m", "ft:gpt-4.1-mini-2025-04-14:org:commits:AbC12"),
                        answer("ft:gpt-4.1-mini-2025-04-14:org:commits:AbC12"))
    live = recording(job("ftjob-Zq9LmN3xR7w1", "ft:gpt-4.1-mini-2025-04-14:org:commits:ZzZ99"),
                     answer("ft:gpt-4.1-mini-2025-04-14:org:commits:ZzZ99"))
    assert drift.endpoint(live["interactions"][0]["request"]) == "GET /v1/fine_tuning/jobs/{id}"
    assert not drift.compare(shipped, live)


def test_a_stream_names_its_fields_by_event_type():
    def stream(reasoning: bool) -> str:
        usage = {"input_tokens": 5, "output_tokens": 7,
                 "output_tokens_details": {"reasoning_tokens": 0} if reasoning else None}
        events = [{"type": "response.created", "response": {"model": SHIPPED_MODEL}},
                  {"type": "response.completed", "response": {"model": SHIPPED_MODEL, "usage": usage}}]
        return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)

    request = {"model": settings.DEFAULT_MODEL, "input": "Hi", "stream": True}
    responses = "https://api.openai.com/v1/responses"
    found = drift.compare(recording(interaction(request, stream(True), uri=responses)),
                          recording(interaction(request, stream(False), uri=responses)))
    assert found.details() == [
        "field gone: response.completed: response.usage.output_tokens_details.reasoning_tokens "
        "(POST /v1/responses, 1 reply)"
    ]


def test_missing_and_extra_requests_are_counted_but_a_failed_run_is_not_blamed_for_what_it_never_reached():
    shipped = recording(interaction(asks("a"), chat_reply("A")), interaction(asks("b"), chat_reply("B")))
    stopped = recording(interaction(asks("a"), chat_reply("A")))
    assert drift.compare(shipped, stopped).details() == [
        "requests: POST /v1/chat/completions: 2 recorded, 1 live"]
    assert not drift.compare(shipped, stopped, finished=False)
    more = recording(*shipped["interactions"], interaction(asks("c"), chat_reply("C")))
    assert drift.compare(shipped, more, finished=False).details() == [
        "requests: POST /v1/chat/completions: 2 recorded, 3 live"]


def test_the_short_error_is_one_line_and_never_holds_the_key():
    exc = CellExecutionError("traceback", "AuthenticationError",
                             f"Error code: 401 - Incorrect API key provided: {FAKE_KEY}\nsecond line")
    short = cli.short_error(exc, (FAKE_KEY,))
    assert short.startswith("AuthenticationError: Error code: 401 - Incorrect API key provided: ")
    assert FAKE_KEY not in short and "\n" not in short and "second line" not in short


# ---------------------------------------------------------------- `course check` through real kernels


class DriftingAPI:
    """Answers like the shipped recordings, found by the question asked, with the drift a test asks for."""

    def __init__(self, shipped: list[dict], drifts: dict) -> None:
        self.replies = {json.loads(i["request"]["body"])["messages"][-1]["content"]: i for i in shipped}
        self.drifts = drifts

    def __call__(self, request: StubRequest) -> Reply:
        question = request.json["messages"][-1]["content"]
        reply = json.loads(self.replies[question]["response"]["body"]["string"])
        return self.drifts.get(question, Reply)(reply)


def newer_snapshot(reply: dict) -> Reply:
    return Reply({**reply, "model": NEW_MODEL})


def without_details(reply: dict) -> Reply:
    del reply["usage"]["completion_tokens_details"]
    return Reply(reply)


def server_error(_reply: dict) -> Reply:
    return Reply({"error": {"message": "The server had an error while processing your request.",
                            "type": "server_error"}}, status=500)


SETUP = "import helpers\nMODEL = helpers.setup('{name}')"
CLIENT = "from openai import OpenAI\nclient = OpenAI(max_retries=0)"
ASK = "client.chat.completions.create(model=MODEL, messages=[{{'role': 'user', 'content': '{text}'}}])"


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_course_check_reports_drift_failure_tokens_and_dollars_and_touches_nothing_shipped(
        course, monkeypatch, tmp_path_factory, capsys):
    lesson, solutions = course / "notebooks" / "99_demo.ipynb", course / "solutions" / "99_demo.ipynb"
    write_notebook(lesson, SETUP.format(name="99_demo"), CLIENT, ASK.format(text="first"), ASK.format(text="second"))
    write_notebook(solutions, SETUP.format(name="99_demo_solutions"), CLIENT, ASK.format(text="answer"),
                   ASK.format(text="later"))
    shipped = {
        "99_demo": [interaction(asks("first"), chat_reply("One.")), interaction(asks("second"), chat_reply("Two."))],
        "99_demo_solutions": [interaction(asks("answer"), chat_reply("Three.")),
                              interaction(asks("later"), chat_reply("Four."))],
    }
    for name, interactions in shipped.items():
        save_recording(settings.recording_path(name), recording(*interactions))
    before = tree(course)
    scratch = tmp_path_factory.mktemp("scratch")
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the check's temporary folder goes
    api = DriftingAPI([i for group in shipped.values() for i in group],
                      {"first": newer_snapshot, "second": without_details, "answer": server_error})
    with StubServer(api) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        assert cli.main(["check", "99"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()

    assert "✓ notebooks/99_demo.ipynb: passed · drift in model snapshot, fields · 2 calls, 2,400 tokens, $0.0033" \
        in lines
    assert f"    model: recorded {SHIPPED_MODEL}, live {NEW_MODEL} (1 reply)" in lines
    assert "    field gone: usage.completion_tokens_details (POST /v1/chat/completions, 1 reply)" in lines
    failed = next(line for line in lines if line.startswith("✗ solutions/99_demo.ipynb"))
    assert failed.startswith("✗ solutions/99_demo.ipynb: failed: InternalServerError: Error code: 500")
    assert failed.endswith(" · drift in status · 0 calls, 0 tokens, $0.0000")
    assert "    status: POST /v1/chat/completions #1: recorded 200, live 500" in lines
    assert not any("requests:" in line for line in lines)  # the cell it never reached is not drift
    assert "total: 1 passed, 1 failed · 2 calls, 2,400 tokens, $0.0033 spent" in lines
    assert "is a warning, not a failure" in out
    assert "Traceback" not in out and FAKE_KEY not in out
    assert tree(course) == before  # recordings and notebooks byte for byte; no partial file left
    assert list(scratch.iterdir()) == []  # the temporary folder is gone
    assert [r.json["messages"][-1]["content"] for r in stub.received] == ["first", "second", "answer"]


def test_course_check_refuses_to_start_without_a_key(course, capsys):
    write_notebook(course / "notebooks" / "99_demo.ipynb", "1")
    assert cli.main(["check", "99"]) == 2
    assert "the check runs every notebook live and needs a real key" in capsys.readouterr().out


def test_check_leaves_out_the_lesson_that_trains_unless_it_is_named(course, monkeypatch, capsys):
    for stem in ("01_demo", "06_demo"):
        write_notebook(course / "notebooks" / f"{stem}.ipynb", "1")
    job = {"object": "fine_tuning.job", "id": "ftjob-1", "status": "succeeded", "model": "gpt-4.1-mini-2025-04-14",
           "trained_tokens": 100}
    save_recording(settings.recording_path("06_demo"), recording(
        interaction(None, job, method="GET", uri="https://api.openai.com/v1/fine_tuning/jobs/ftjob-1")))
    ran = []

    def execute(notebook, mode, extra_env=None):  # noqa: ANN001, ANN202 - a kernel that sends nothing
        ran.append((notebook.stem, mode, extra_env["COURSE_RECORDINGS_DIR"] == str(settings.RECORDINGS_DIR)))

    monkeypatch.setattr(cli, "execute", execute)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert ran == [("01_demo", "record", True)]  # in record mode, into the temporary folder
    assert "• 06_demo: left out, because run live it starts a real fine-tuning job" in out
    assert "To check it too: course check 06" in out
    assert "✓ notebooks/01_demo.ipynb: passed · made no API request" in out
    assert cli.main(["check", "06"]) == 0
    assert ran[1:] == [("06_demo", "record", True)]
    assert "Note: 06_demo starts a real fine-tuning job" in capsys.readouterr().out


# ---------------------------------------------------------------- `course cost --learners N`


def test_cost_for_a_room_gives_each_notebook_one_learner_and_n_and_prices_training_apart(course, capsys):
    save_recording(settings.recording_path("01_demo"), recording(
        interaction(asks("a"), chat_reply("A", prompt=1000, completion=200)),
        interaction(asks("b"), chat_reply("B", prompt=3000, completion=0))))
    job = {"object": "fine_tuning.job", "id": "ftjob-1", "status": "succeeded", "model": "gpt-4.1-mini-2025-04-14",
           "trained_tokens": 20_000}
    save_recording(settings.recording_path("06_demo"), recording(
        interaction(None, {**job, "status": "running", "trained_tokens": None}, method="GET",
                    uri="https://api.openai.com/v1/fine_tuning/jobs/ftjob-1"),
        interaction(None, job, method="GET", uri="https://api.openai.com/v1/fine_tuning/jobs/ftjob-1")))
    assert cli.main(["cost", "--learners", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines if line[:2].isdigit()}
    # 01_demo: (1000 + 3000) x $0.75 + 200 x $4.50 per million = $0.0039 a learner, $0.117 for 30
    assert rows == {"01_demo": ["2", "4,200", "0.0039", "0.1170"], "06_demo": ["0", "0", "0.0000", "0.0000"]}
    total = next(line for line in lines if line.startswith("every notebook once"))
    assert total.split()[-4:] == ["2", "4,200", "0.0039", "0.1170"]
    assert any(line.startswith("Prices as of 2026-11, from https://developers.openai.com/") for line in lines)
    assert lines[-1] == (
        "Not in the total: 06_demo's fine-tuning job bills training apart, $5.00 per million trained tokens of "
        "gpt-4.1-mini-2025-04-14; the recorded job trained 20,000 tokens: $0.1000 a learner, $3.0000 for 30 "
        "learners if each starts one.")


@pytest.mark.parametrize("given", ["0", "-3", "thirty", "2.5"])
def test_learners_must_be_a_positive_whole_number(given, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["cost", f"--learners={given}"])
    assert stopped.value.code == 2
    assert f"{given!r} is not a number of learners: give a whole number, 1 or more." in capsys.readouterr().err


def test_learners_goes_with_cost_only(capsys):
    with pytest.raises(SystemExit):
        cli.main(["check", "--learners", "3"])
    assert "--learners goes with `course cost`, not `course check`." in capsys.readouterr().err


# ---------------------------------------------------------------- the runbook: switch a room to replay


def test_course_mode_replay_in_env_file_replays_even_with_a_key(course):
    """The guide's runbook: with a key in .env, adding COURSE_MODE=replay (and restarting) replays."""
    from openai import OpenAI

    save_recording(settings.recording_path("99_demo"), recording(interaction(asks("hi"), chat_reply("Recorded."))))

    def broken(_request: StubRequest) -> Reply:
        return Reply({"error": {"message": "down"}}, status=503)

    with StubServer(broken) as stub:
        env_file = course / ".env"
        env_file.write_text(f"OPENAI_API_KEY={FAKE_KEY}\nOPENAI_BASE_URL={stub.base_url}")  # no newline at the end
        with env_file.open("a") as file:
            file.write("\nCOURSE_MODE=replay\n")  # what the guide's printf appends
        session.setup("99_demo")
        reply = OpenAI(max_retries=0).chat.completions.create(
            model=settings.DEFAULT_MODEL, messages=[{"role": "user", "content": "hi"}])
    assert session.current().mode == "replay"
    assert reply.choices[0].message.content == "Recorded."
    assert stub.received == []


# ---------------------------------------------------------------- the guide


def guide_commands(text: str) -> list[str]:
    """Every `make …` and `course …` command in inline code or on a line of a code block.

    A command may follow VAR=value assignments and `.venv/bin/`; a `#` comment ends it. The bare
    words (`the course command`) are prose, not commands.
    """
    snippets = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text)
    found = []
    for snippet in snippets:
        for line in snippet.splitlines():
            words = line.split("#")[0].split()
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words.pop(0)
            if len(words) > 1 and words[0].removeprefix(".venv/bin/") in ("make", "course"):
                found.append(" ".join([words[0].removeprefix(".venv/bin/"), *words[1:]]))
    return found


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {name for line in text.splitlines() for name in re.findall(r"^([\w.-]+):(?!=)", line)}


def check_command(command: str, targets: set[str]) -> None:
    words = shlex.split(command)
    if words[0] == "make":
        assert len(words) > 1 and words[1] in targets, f"{command}: no such Makefile target"
        assert all("=" in word for word in words[2:]), f"{command}: only VAR=value may follow the target"
        return
    args = cli.parse_args(words[1:])  # exits on an unknown subcommand or option
    if args.command in ("record", "author", "outputs", "check"):
        cli.find_notebooks(args.names)  # exits on a lesson that does not exist


def test_every_command_in_the_instructor_guide_and_the_readme_section_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For instructors", 1)[1].split("\n## ", 1)[0]
    commands = guide_commands(GUIDE.read_text(encoding="utf-8")) + guide_commands(section)
    assert {"course check", "course cost --learners 30"} <= set(commands)
    assert "make lab" in commands
    targets = makefile_targets()
    for command in commands:
        check_command(command, targets)


def test_a_command_that_does_not_exist_would_be_caught():
    targets = makefile_targets()
    for wrong in ("make teach", "course chek", "course cost --people 30", "course check 42"):
        with pytest.raises((AssertionError, SystemExit)):
            check_command(wrong, targets)


def test_the_guide_links_only_to_files_that_exist():
    text = GUIDE.read_text(encoding="utf-8")
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", text):
        assert (GUIDE.parent / target).exists(), target


def room_minutes(code_cells: int, exercises: int) -> int:
    """The guide's estimate: a minute per code cell shown, five per exercise, rounded up to five minutes."""
    minutes = code_cells + 5 * exercises
    return -(-minutes // 5) * 5


def test_the_timing_table_follows_the_notebooks():
    import nbformat

    rows = re.findall(r"^\| (\d\d) \| \[[^\]]+\]\(\.\./notebooks/([\w.]+)\) \| (\d+) \| (\d+) \| (\d+) min \| "
                      r"(\d+) min \|", GUIDE.read_text(encoding="utf-8"), re.M)
    lessons = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [row[1] for row in rows] == lessons
    for number, name, cells, exercises, alone, room in rows:
        assert name.startswith(number), name
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
        assert int(cells) == sum(cell.cell_type == "code" for cell in nb.cells), name
        assert int(exercises) == len(re.findall(r"^### Exercise \d", text, re.M)), name
        assert re.search(rf"⏱ About {alone} minutes", text), name
        assert int(room) == room_minutes(int(cells), int(exercises)), name

"""`course bench`: the report it writes, and where; the timings themselves are measured by running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import bench, settings

TIMES = {"count": 30.0, "floor": 20.0, "suite": 80.0, "notebooks": 50.0, "imports": 26.0, "tests": 36.0}


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Bench with its measurements stood in for, writing into a course folder of its own."""
    monkeypatch.setattr(bench, "replay_against_http", lambda: (0.001, 0.0025))
    monkeypatch.setattr(bench, "suite_against_floor", lambda: dict(TIMES))
    monkeypatch.setattr(bench, "setup_against_bare_pip", lambda: (12.0, 48.0))
    monkeypatch.setattr(settings, "REPO_ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    return tmp_path / "docs" / "benchmarks.md"


def test_a_whole_run_writes_every_row_and_reads_the_suite_against_the_aim(measured: Path):
    assert bench.main(include_setup=True) == 0
    doc = measured.read_text()
    assert "| suite / floor | 4.00× |" in doc
    assert "| of which: nbval over the 30 notebooks alone / floor | 2.50× |" in doc
    assert "| of which: 30 notebooks that only `import openai` / floor | 1.30× |" in doc
    assert "| the unit tests alone (no notebooks) / floor | 1.80× |" in doc
    assert "| set-up / bare | 0.25× |" in doc
    assert "it is 4.00×, above it" in doc
    assert "imports openai (+0.30× of the floor) and runs its lesson (+1.20×)" in doc
    assert "The notebooks alone are already 2.50×" in doc


def test_a_suite_within_the_aim_says_so(measured: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(bench, "suite_against_floor", lambda: {**TIMES, "suite": 38.0, "notebooks": 30.0})
    bench.main(include_setup=True)
    doc = measured.read_text()
    assert "it is 1.90×, within it" in doc
    assert "notebooks alone are already" not in doc


def test_quick_prints_without_the_set_up_rows_and_leaves_the_document_alone(measured: Path, capsys):
    assert bench.main(include_setup=False) == 0
    printed = capsys.readouterr().out
    assert "| suite / floor | 4.00× |" in printed and "set-up / bare" not in printed
    assert "Not written to docs/benchmarks.md" in printed
    assert not measured.exists()

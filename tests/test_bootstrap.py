"""helpers/bootstrap.py, the set-up behind `make setup`: its refusals say what to do."""

from __future__ import annotations

import sys

import pytest

from helpers import bootstrap


def test_too_old_a_python_is_refused_with_the_version_needed(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.99"\n')
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    with pytest.raises(SystemExit):
        bootstrap.check_python()
    assert "needs Python 3.99 or newer; this is" in capsys.readouterr().err


def test_a_stale_lock_file_stops_the_set_up_with_the_fix(tmp_path, capsys):
    fake_uv = [sys.executable, "-c", "import sys; sys.stderr.write("
               "'error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.'); sys.exit(2)"]
    with pytest.raises(SystemExit):
        bootstrap.sync_with_uv(fake_uv, tmp_path, ["dev"])
    err = capsys.readouterr().err
    assert "uv.lock no longer matches pyproject.toml" in err and "uv lock" in err


def test_a_failed_sync_shows_uv_s_message(tmp_path, capsys):
    fake_uv = [sys.executable, "-c", "import sys; sys.stderr.write('error: Failed to fetch: pypi.org'); sys.exit(2)"]
    with pytest.raises(SystemExit):
        bootstrap.sync_with_uv(fake_uv, tmp_path, ["dev"])
    err = capsys.readouterr().err
    assert "Failed to fetch: pypi.org" in err and "connection to PyPI" in err

"""pyproject.toml is the one list of dependencies; everything else must follow it."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import environment, settings


def test_environment_yml_is_generated_from_pyproject():
    committed = (settings.REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert committed == environment.render(), "environment.yml is stale: run `make environment.yml`"


def test_render_follows_a_changed_pyproject(tmp_path: Path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\nrequires-python = ">=3.11"\n'
        'dependencies = ["openai==9.9.9", "rich>=13", "tomli>=2; python_version < \'3.11\'"]\n'
    )
    text = environment.render(pyproject)
    assert "  - rich>=13\n" in text
    assert "      - openai==9.9.9\n" in text
    assert '      - tomli>=2; python_version < "3.11"\n' in text
    assert text.rstrip().endswith("- -e .")


def _uv() -> list[str]:
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    on_path = shutil.which("uv")
    assert on_path, "uv is neither on PATH nor in this venv: run `make setup`"
    return [on_path]


def test_uv_lock_matches_pyproject():
    done = subprocess.run([*_uv(), "lock", "--locked", "--offline"], cwd=settings.REPO_ROOT, capture_output=True,
                          text=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    assert done.returncode == 0, f"uv.lock is stale: run `uv lock` and commit it with pyproject.toml\n{done.stderr}"

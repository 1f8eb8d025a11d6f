"""pyproject.toml is the one list of dependencies; everything else must follow it."""

import os
import subprocess
from pathlib import Path

from helpers import environment, settings

from .tools import uv_command


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


def test_uv_lock_matches_pyproject():
    done = subprocess.run([*uv_command(), "lock", "--locked", "--offline"], cwd=settings.REPO_ROOT, capture_output=True,
                          text=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    assert done.returncode == 0, f"uv.lock is stale: run `uv lock` and commit it with pyproject.toml\n{done.stderr}"

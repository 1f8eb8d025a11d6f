"""pyproject.toml is the one list of dependencies; everything else must follow it."""

from pathlib import Path

from helpers import environment, settings


def test_environment_yml_is_generated_from_pyproject():
    committed = (settings.REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert committed == environment.render(), "environment.yml is stale: run `make environment.yml`"


def test_render_follows_a_changed_pyproject(tmp_path: Path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\nrequires-python = ">=3.10"\n'
        'dependencies = ["openai==9.9.9", "rich>=13", "tomli>=2; python_version < \'3.11\'"]\n'
    )
    text = environment.render(pyproject)
    assert "  - rich>=13\n" in text
    assert "      - openai==9.9.9\n" in text
    assert '      - tomli>=2; python_version < "3.11"\n' in text
    assert text.rstrip().endswith("- -e .")

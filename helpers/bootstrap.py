"""Set up the course's virtual environment: `make setup`, or `python helpers/bootstrap.py` without make.

    python3 helpers/bootstrap.py [--venv PATH] [--extra NAME ...]

It runs with the standard library only, before anything is installed:

1. checks the Python version against `requires-python` in pyproject.toml;
2. finds uv (on PATH, else installs the pinned UV_VERSION into the new venv with pip);
3. `uv sync --locked`: installs exactly the versions in uv.lock (generated from pyproject.toml by
   `uv lock`), and the course itself in editable mode, into `.venv`;
4. only where uv cannot run at all, falls back to `pip install -e ".[dev]"` (same packages, but
   versions are not locked; it says so).

A uv.lock that no longer matches pyproject.toml stops the set-up with the fix (`uv lock`), rather
than installing something else than the lock file says.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV_VERSION = "0.13.9"  # the uv the set-up installs when none is on PATH; uv.lock is written by it


def fail(message: str) -> None:
    print(f"set-up: {message}", file=sys.stderr)
    sys.exit(1)


def check_python() -> None:
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    match = re.fullmatch(r"\s*>=\s*(\d+)\.(\d+)\s*", spec)
    needed = (int(match[1]), int(match[2])) if match else (3, 11)
    if sys.version_info[:2] < needed:
        fail(f"the course needs Python {needed[0]}.{needed[1]} or newer; this is {sys.version.split()[0]} "
             f"({sys.executable}). Install a newer Python, then run this again with it.")


def venv_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def find_uv(folder: Path) -> list[str] | None:
    """A command that runs uv: the one on PATH, or one installed into the venv with pip."""
    on_path = shutil.which("uv")
    if on_path:
        return [on_path]
    python = venv_python(folder)
    if subprocess.run([str(python), "-m", "uv", "--version"], capture_output=True).returncode == 0:
        return [str(python), "-m", "uv"]
    print(f"set-up: installing uv {UV_VERSION} into {folder.name} with pip")
    installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                f"uv=={UV_VERSION}"])
    if installed.returncode != 0:
        return None
    runs = subprocess.run([str(python), "-m", "uv", "--version"], capture_output=True)
    return [str(python), "-m", "uv"] if runs.returncode == 0 else None


def sync_with_uv(uv: list[str], folder: Path, extras: list[str]) -> None:
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(folder), "UV_PYTHON_DOWNLOADS": "never"}
    command = [*uv, "sync", "--locked", "--inexact", "--quiet", "--python", str(venv_python(folder))]
    for extra in extras:
        command += ["--extra", extra]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode == 0:
        return
    if "lockfile needs to be updated" in done.stderr or "uv.lock` needs to be updated" in done.stderr:
        fail("uv.lock no longer matches pyproject.toml. Run `uv lock` (or `.venv/bin/python -m uv lock`), "
             "commit uv.lock with pyproject.toml, then run the set-up again.")
    fail(f"`uv sync` failed:\n{done.stderr.strip()}\nCheck your connection to PyPI, then run the set-up again.")


def install_with_pip(folder: Path, extras: list[str]) -> None:
    print("set-up: uv cannot run here, so pip installs the course instead. The versions are the newest "
          "that pyproject.toml allows, not the ones in uv.lock.", file=sys.stderr)
    target = f".[{','.join(extras)}]" if extras else "."
    done = subprocess.run([str(venv_python(folder)), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT)
    if done.returncode != 0:
        fail("pip could not install the course (see above). Check your connection to PyPI and run it again.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create the course's virtual environment and install the course.")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="where to create it (default: .venv)")
    parser.add_argument("--extra", action="append", default=None, help="optional extras (default: dev)")
    args = parser.parse_args(argv)
    extras = args.extra or ["dev"]
    folder = args.venv.resolve()
    check_python()
    if not venv_python(folder).exists():
        uv_on_path = shutil.which("uv")
        if uv_on_path:
            subprocess.run([uv_on_path, "venv", "--quiet", "--seed", "--python", sys.executable, str(folder)],
                           check=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
        else:
            venv.create(folder, with_pip=True)
    uv = find_uv(folder)
    if uv:
        sync_with_uv(uv, folder, extras)
    else:
        install_with_pip(folder, extras)
    return 0


if __name__ == "__main__":
    sys.exit(main())

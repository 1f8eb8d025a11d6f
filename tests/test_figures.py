"""The figures in imgs/ are what imgs/make_figures.py draws: regenerate them and compare.

If this fails after a matplotlib, numpy or Pillow upgrade, or after a change to the script, run
`python imgs/make_figures.py`, look at the new PNGs, and re-run `course author 04` (the recordings
of lesson 04 embed the figures, so they must change together).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

IMGS = Path(__file__).resolve().parent.parent / "imgs"
LARGEST_PNG = 60_000  # bytes; lesson 04's recordings carry these images base64-encoded


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_figures", IMGS / "make_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every file the script writes, drawn afresh into a temporary folder."""
    return _load_script().main(tmp_path_factory.mktemp("figures"))


def test_the_script_writes_the_committed_files(regenerated: list[Path]) -> None:
    assert regenerated, "make_figures.main() wrote nothing"
    for path in regenerated:
        assert (IMGS / path.name).is_file(), f"imgs/{path.name} is missing: run python imgs/make_figures.py"


def test_the_text_files_are_exactly_the_committed_ones(regenerated: list[Path]) -> None:
    differ = [p.name for p in regenerated if p.suffix != ".png" and p.read_bytes() != (IMGS / p.name).read_bytes()]
    assert not differ, f"imgs/ is out of date for {differ}: run python imgs/make_figures.py, then course author 04"


def test_the_pictures_match_the_committed_ones(regenerated: list[Path]) -> None:
    """Same size, and at most 1% of pixels differ: a new matplotlib may move a glyph, not a curve."""
    from PIL import Image, ImageChops

    for path in regenerated:
        if path.suffix != ".png":
            continue
        fresh = Image.open(path).convert("RGB")
        committed = Image.open(IMGS / path.name).convert("RGB")
        assert fresh.size == committed.size, f"{path.name}: {fresh.size} != {committed.size}"
        diff = ImageChops.difference(fresh, committed).convert("L").point(lambda v: 255 if v > 24 else 0)
        changed = diff.histogram()[255] / (fresh.size[0] * fresh.size[1])
        assert changed <= 0.01, (
            f"imgs/{path.name}: {changed:.1%} of pixels differ: run python imgs/make_figures.py, "
            "look at the result, then course author 04"
        )


def test_the_pngs_stay_small(regenerated: list[Path]) -> None:
    for path in regenerated:
        if path.suffix == ".png":
            assert path.stat().st_size < LARGEST_PNG, f"{path.name} is {path.stat().st_size:,} bytes"


def test_the_pngs_carry_no_software_or_date_tag(regenerated: list[Path]) -> None:
    for path in regenerated:
        if path.suffix == ".png":
            data = path.read_bytes()
            for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME"):
                assert chunk not in data, f"{path.name} has a {chunk.decode()} chunk"

"""Every teaching notebook has a text twin in notebooks/text/, up to date, holding the same cells."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("sync_twins", ROOT / "tools" / "sync_twins.py")
sync_twins = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_twins)

NOTEBOOKS = sync_twins.teaching_notebooks()


def test_every_teaching_notebook_has_an_up_to_date_twin():
    stale = [str(p.relative_to(ROOT)) for p in sync_twins.stale()]
    assert not stale, f"text twins out of date: {stale}; regenerate them with: {sync_twins.COMMAND}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_twin_holds_the_notebooks_cells_and_slide_metadata(notebook: Path):
    """Read back, the twin gives every cell's type, source, slide type and tags: nothing is lost
    but the outputs (which stay in the .ipynb)."""
    original = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    twin = jupytext.read(sync_twins.twin_path(notebook))["cells"]

    def essentials(cells):
        return [
            (
                c["cell_type"],
                "".join(c["source"]).strip(),
                c["metadata"].get("slideshow"),
                c["metadata"].get("tags"),
            )
            for c in cells
        ]

    assert essentials(twin) == essentials(original)


def test_a_changed_notebook_makes_its_twin_stale(tmp_path, monkeypatch):
    notebook = NOTEBOOKS[0]
    copy = tmp_path / notebook.name
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = ["# A new title\n"]
    copy.write_text(json.dumps(nb), encoding="utf-8")
    twins = tmp_path / "text"
    twins.mkdir()
    (twins / f"{notebook.stem}.py").write_text(sync_twins.twin_text(notebook), encoding="utf-8")
    monkeypatch.setattr(sync_twins, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(sync_twins, "TWINS", twins)
    assert sync_twins.stale() == [twins / f"{notebook.stem}.py"]
    assert "# A new title" in sync_twins.twin_text(copy)


def test_twins_are_not_collected_as_tests_or_linted():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "--ignore=notebooks/text" in pyproject
    assert '"notebooks/text"' in pyproject

"""The notebook hygiene check (tools/check_notebooks.py, run by pre-commit) passes the notebooks
and catches what an editor or a run leaves behind."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_notebooks", ROOT / "tools" / "check_notebooks.py")
check_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_notebooks)


def test_the_notebooks_are_clean():
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    assert notebooks
    assert [line for nb in notebooks for line in check_notebooks.problems(nb)] == []


def dirty_copy(tmp_path: Path, change) -> Path:
    nb = json.loads((ROOT / "notebooks" / "01_softmax_and_cross_entropy.ipynb").read_text(encoding="utf-8"))
    change(nb)
    path = tmp_path / "dirty.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def first_code_cell(nb: dict) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "code")


def test_execution_timestamps_are_caught(tmp_path):
    stamp = {"iopub.execute_input": "2026-01-01T00:00:00Z", "shell.execute_reply": "2026-01-01T00:00:01Z"}
    path = dirty_copy(tmp_path, lambda nb: first_code_cell(nb)["metadata"].update(execution=stamp))
    assert any("metadata 'execution'" in line for line in check_notebooks.problems(path))


def test_stray_notebook_metadata_and_error_outputs_are_caught(tmp_path):
    def change(nb):
        nb["metadata"]["toc-autonumbering"] = True
        first_code_cell(nb)["outputs"].append(
            {"output_type": "error", "ename": "E", "evalue": "", "traceback": []}
        )

    found = check_notebooks.problems(dirty_copy(tmp_path, change))
    assert any("notebook metadata 'toc-autonumbering'" in line for line in found)
    assert any("stored error output" in line for line in found)


def test_cells_run_out_of_order_are_caught(tmp_path):
    path = dirty_copy(tmp_path, lambda nb: first_code_cell(nb).update(execution_count=99))
    assert any("not run top to bottom" in line for line in check_notebooks.problems(path))

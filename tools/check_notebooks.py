#!/usr/bin/env python3
"""Notebook hygiene: what a commit of a notebook may carry besides its cells and outputs.

    python3 tools/check_notebooks.py [NOTEBOOK ...]     # default: every notebook under notebooks/

Fails (exit 1, one line per problem) on what an editor or a run leaves behind by accident:
cell metadata other than the slide type, tags and nbgrader's (its cell locks included) (execution timestamps,
``ExecuteTime``, ``collapsed``, ``scrolled``, ``trusted``, ...); notebook metadata other than the
kernel, the language, the slideshow toolbar and the widget state the stored widget views need; an
error in a stored output; code cells not run top to bottom in one fresh kernel (execution counts
1, 2, 3, ... in order, or none at all). Uses only the standard library, so pre-commit runs it
with any Python.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELL_KEYS = {
    "slideshow",
    "tags",
    "nbgrader",
    "deletable",
    "editable",
}  # the last two: nbgrader's locked cells
NOTEBOOK_KEYS = {"celltoolbar", "kernelspec", "language_info", "widgets"}


def problems(path: Path) -> list[str]:
    """What is wrong with one notebook, as ``path: cell n: ...`` lines (empty when it is clean)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = [f"{path}: notebook metadata {key!r}" for key in sorted(set(nb["metadata"]) - NOTEBOOK_KEYS)]
    counts = []
    for n, cell in enumerate(nb["cells"], start=1):
        found += [f"{path}: cell {n}: metadata {key!r}" for key in sorted(set(cell["metadata"]) - CELL_KEYS)]
        if cell["cell_type"] != "code":
            continue
        counts.append(cell.get("execution_count"))
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            found.append(f"{path}: cell {n}: a stored error output")
    executed = [c for c in counts if c is not None]
    if executed and executed != list(range(1, len(executed) + 1)):
        found.append(f"{path}: execution counts {executed[:8]}...: not run top to bottom in a fresh kernel")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").rglob("*.ipynb"))
    found = [line for path in paths if path.suffix == ".ipynb" for line in problems(path)]
    print("\n".join(found) if found else f"{len(paths)} notebooks clean")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Write the text twin of every teaching notebook: notebooks/text/<name>.py, jupytext's py:percent.

    .venv/bin/python tools/sync_twins.py           # rewrite the twins from the notebooks
    .venv/bin/python tools/sync_twins.py --check   # exit 1 naming the twins that are out of date

The .ipynb (with its stored outputs) stays the source that Binder, the slides and the website
use; the twin holds the same cells and their metadata (slide types, tags) as a short Python file,
so a change to a notebook is reviewed as a readable diff. Run it after editing a notebook;
tests/test_twins.py fails with this command when a twin is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other tools, also when loaded by path
from course_notebooks import teaching_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TWINS = NOTEBOOKS / "text"
FORMAT = "py:percent"
COMMAND = ".venv/bin/python tools/sync_twins.py"


def twin_path(notebook: Path) -> Path:
    return TWINS / f"{notebook.stem}.py"


def twin_text(notebook: Path) -> str:
    """The py:percent text of ``notebook``: every cell and its metadata, no outputs."""
    return jupytext.writes(jupytext.read(notebook), fmt=FORMAT)


def stale() -> list[Path]:
    """Twins missing, out of date, or left over from a notebook that is gone."""
    wanted = {twin_path(nb): nb for nb in teaching_notebooks(NOTEBOOKS)}
    out = [t for t, nb in wanted.items() if not t.exists() or t.read_text(encoding="utf-8") != twin_text(nb)]
    return out + sorted(set(TWINS.glob("*.py")) - set(wanted))


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        bad = stale()
        for path in bad:
            print(f"out of date: {path.relative_to(ROOT)}")
        if bad:
            print(f"regenerate with: {COMMAND}")
        return 1 if bad else 0
    if argv:
        print(__doc__)
        return 2
    TWINS.mkdir(exist_ok=True)
    wanted = set()
    for notebook in teaching_notebooks(NOTEBOOKS):
        path = twin_path(notebook)
        wanted.add(path)
        path.write_text(twin_text(notebook), encoding="utf-8")
    for leftover in set(TWINS.glob("*.py")) - wanted:
        leftover.unlink()
    print(f"{len(wanted)} twins written to {TWINS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

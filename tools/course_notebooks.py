"""The teaching notebooks, in teaching order: the one list that every tool and test uses.

A teaching notebook is ``notebooks/NN_*.ipynb`` (01 to 06 today); a new one joins every tool
(slides, site, student edition, handout, twins) and every test by its name alone.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def teaching_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks students open, in teaching order: ``NN_*.ipynb`` at the top of ``folder``."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))

"""Produce notebooks/05_exercises.ipynb from the nbgrader source, with nbgrader's own generate_assignment.

    .venv/bin/python notebooks/source/build_student_notebook.py          # release, run, write
    .venv/bin/python notebooks/source/build_student_notebook.py --check  # only say whether it is current

The source, ``source/05_exercises/05_exercises.ipynb``, is the one place the exercises are
written: answers between ``### BEGIN SOLUTION`` / ``### END SOLUTION``, graded check cells locked,
instructor-only notes and tests between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``. Run
with its outputs, it is also the solutions view. This script copies it into a temporary course,
runs ``nbgrader generate_assignment`` there (nbgrader shells out to ``alembic``, so the
environment's bin/ goes first on PATH), executes the released notebook in a fresh kernel and
writes it, outputs included, to ``notebooks/05_exercises.ipynb``; then it re-runs the source in
place so its stored outputs are current too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1]
ASSIGNMENT = "05_exercises"
SOURCE = NOTEBOOKS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
STUDENT = NOTEBOOKS / f"{ASSIGNMENT}.ipynb"


def nbgrader(*args: str, course: Path) -> subprocess.CompletedProcess:
    """Run an nbgrader command in ``course`` with this Python's bin/ first on PATH (nbgrader runs alembic)."""
    env = dict(
        os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    result = subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def make_course(root: Path, source: Path = SOURCE) -> Path:
    """A course folder under ``root`` holding only this assignment's source and nbgrader_config.py."""
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(source, root / "source" / ASSIGNMENT / source.name)
    shutil.copy(NOTEBOOKS / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


def release(root: Path) -> nbformat.NotebookNode:
    """generate_assignment in a fresh course under ``root``; the released (student) notebook."""
    course = make_course(root)
    nbgrader("generate_assignment", ASSIGNMENT, "--force", course=course)
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run top to bottom in a fresh kernel; keep outputs, drop timing metadata, join split streams."""
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            joined: list = []
            for out in cell.outputs:  # the kernel may flush one print in pieces: store it as one
                if (
                    out.output_type == "stream"
                    and joined
                    and joined[-1].output_type == "stream"
                    and (joined[-1].name == out.name)
                ):
                    joined[-1].text += out.text
                else:
                    joined.append(out)
            cell.outputs = joined
    return nb


def cells(nb: nbformat.NotebookNode) -> list[tuple]:
    """What the release decides for each cell (not outputs): kind, id, source, metadata."""
    return [(c.cell_type, c.get("id"), c.source, dict(c.metadata)) for c in nb.cells]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        released = release(Path(tmp))
    if "--check" in argv:
        current = cells(nbformat.read(STUDENT, as_version=4)) == cells(released)
        print(f"{STUDENT.name} is {'current' if current else 'OUT OF DATE: run this script'}")
        return 0 if current else 1
    nbformat.write(execute(released), STUDENT)
    print(f"wrote {STUDENT.relative_to(NOTEBOOKS.parent)}")
    nbformat.write(execute(nbformat.read(SOURCE, as_version=4)), SOURCE)
    print(f"ran {SOURCE.relative_to(NOTEBOOKS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The students' lock (binder/requirements.txt): the tested versions, without the maintainers' tooling."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lock_student  # noqa: E402

# What only maintainers need: tests, browsers, accessibility checks, the website, grading, lint.
TOOLING = (
    "pytest",
    "nbval",
    "hypothesis",
    "playwright",
    "axe-playwright-python",
    "colour-science",
    "jupyter-book",
    "sphinx",
    "ruff",
    "jupytext",
    "nbgrader",
    "coverage",
)


def student_pins() -> dict[str, tuple[str, str]]:
    return lock_student.read_pins(lock_student.STUDENT_LOCK)


def test_the_students_lock_is_generated_from_the_tested_lock() -> None:
    assert lock_student.STUDENT_LOCK.read_text(encoding="utf-8") == lock_student.student_lock(), (
        "binder/requirements.txt is out of date: run .venv/bin/python tools/lock_student.py"
    )


def test_every_student_pin_is_the_tested_version() -> None:
    full = lock_student.read_pins()
    for name, (_, version) in student_pins().items():
        assert name in full and full[name][1] == version, name


def test_the_students_lock_has_what_the_notebooks_need_and_no_tooling() -> None:
    pins = student_pins()
    for needed in lock_student.STUDENT_NEEDS:
        assert lock_student.canonicalize_name(needed) in pins, needed
    assert not [name for name in TOOLING if name in pins]
    assert pins["ipykernel"][1].startswith("6.31."), (
        "ipykernel 7 draws slider plots blank about half the time"
    )
    assert len(pins) < len(lock_student.read_pins()) * 0.8


def test_a_dependency_missing_from_the_tested_lock_stops_the_generator(tmp_path: Path) -> None:
    import pytest

    lock = tmp_path / "requirements.txt"
    lock.write_text("numpy==2.4.6\n")
    with pytest.raises(SystemExit, match="not pinned"):
        lock_student.dependency_closure(["matplotlib"], lock_student.read_pins(lock))
    lock.write_text("numpy>=2\n")
    with pytest.raises(SystemExit, match="not pinned exactly"):
        lock_student.read_pins(lock)

"""The student edition: every cell a student works with, none of the instructor's extras."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_student", ROOT / "tools" / "build_student.py")
build_student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_student)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    build_student.build(out)
    return out


def test_every_teaching_notebook_is_in_the_edition_and_no_solution(edition):
    names = sorted(p.name for p in (edition / "notebooks").glob("*.ipynb"))
    assert names == [p.name for p in build_student.teaching_notebooks()]
    assert len(names) >= 5
    assert not list(edition.rglob("*solution*")), "solutions stay with the instructor"


def test_no_speaker_notes_no_runner_tags_no_runner_talk(edition):
    for path in (edition / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert cell.metadata.get("slideshow", {}).get("slide_type") != "notes", path.name
            assert not any(t.startswith("nbval") for t in cell.metadata.get("tags", [])), path.name
        text = path.read_text(encoding="utf-8")
        for word in ("Speaker notes", "nbval", "BEGIN SOLUTION"):
            assert word not in text, (path.name, word)


def test_every_other_cell_and_output_is_kept_as_it_was(edition):
    for source in build_student.teaching_notebooks():
        nb = nbformat.read(source, as_version=4)
        kept = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
        student = nbformat.read(edition / "notebooks" / source.name, as_version=4)
        assert [c.source for c in student.cells] == [c.source for c in kept], source.name
        assert [c.get("outputs") for c in student.cells] == [c.get("outputs") for c in kept], source.name
        assert student.metadata.get("widgets") == nb.metadata.get("widgets"), "widget snapshots kept"


def test_the_edition_is_a_repository_students_can_run(edition):
    for item in ("notebooks/course_utils/__init__.py", "requirements.txt", "LICENSE", ".gitignore"):
        assert (edition / item).exists(), item
    for item in (
        "binder/postBuild",
        "binder/requirements.txt",
        "binder/runtime.txt",
        "binder/overrides.json",
    ):
        assert (edition / item).read_bytes() == (ROOT / item).read_bytes(), item
    readme = (edition / "README.md").read_text(encoding="utf-8")
    for path in (edition / "notebooks").glob("*.ipynb"):
        assert f"(notebooks/{path.name})" in readme
    assert "pip install -e" not in readme and "--no-deps" not in readme, "students install nothing by hand"


def test_the_edition_needs_nothing_the_instructors_repository_has(edition):
    """Nothing at the edition's root but what it ships; no step that reaches for the repository's
    run.py, pyproject.toml or a root-level course_utils (the edition has none of them)."""
    assert not (edition / "run.py").exists() and not (edition / "course_utils").exists()
    assert not (edition / "pyproject.toml").exists(), "course_utils is beside the notebooks, not installed"
    post_build = (edition / "binder" / "postBuild").read_text()
    assert "import run" not in post_build and "run.py" not in post_build
    # The students' requirements.txt resolves, like pip does, to the lock in binder/.
    lines = [ln for ln in (edition / "requirements.txt").read_text().splitlines() if ln and ln[0] != "#"]
    assert lines == ["-r binder/requirements.txt"]
    # Every module of the package came along, beside the notebooks.
    shipped = {p.relative_to(edition / "notebooks").as_posix() for p in (edition / "notebooks").rglob("*.py")}
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "course_utils").rglob("*.py")}
    assert shipped == source


def test_a_kernel_in_the_notebooks_folder_imports_the_editions_own_course_utils(edition):
    """What JupyterLab does on a hub: the kernel starts in the notebook's folder (sys.path[0] == '')
    with no PYTHONPATH; course_utils comes from the edition even though no install points there."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    code = "import course_utils, sys; print(course_utils.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", code],
        cwd=edition / "notebooks",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where) == edition / "notebooks" / "course_utils" / "__init__.py"


def test_instructor_only_text_stops_the_build(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A title"),
        nbformat.v4.new_code_cell("x = 1  # nbval does not compare this"),
    ]
    notes = nbformat.v4.new_markdown_cell("Speaker notes. Talk about pytest and CI here.")
    notes.metadata["slideshow"] = {"slide_type": "notes"}
    nb.cells.append(notes)
    nbformat.write(nb, source / "01_x.ipynb")
    with pytest.raises(SystemExit) as stop:
        build_student.build(tmp_path / "out", source)
    assert stop.value.code == 1 and not (tmp_path / "out").exists()

    nb.cells[1].source = "x = 1"  # the notes cell may talk about tests: it is dropped
    nbformat.write(nb, source / "01_x.ipynb")
    build_student.build(tmp_path / "out", source)
    built = nbformat.read(tmp_path / "out" / "notebooks" / "01_x.ipynb", as_version=4)
    assert [c.source for c in built.cells] == ["# A title", "x = 1"]

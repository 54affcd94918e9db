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
    for item in ("course_utils/__init__.py", "requirements.txt", "pyproject.toml", "binder/postBuild"):
        assert (edition / item).exists(), item
    readme = (edition / "README.md").read_text(encoding="utf-8")
    for path in (edition / "notebooks").glob("*.ipynb"):
        assert f"(notebooks/{path.name})" in readme


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

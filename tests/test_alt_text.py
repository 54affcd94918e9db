"""No figure reaches a reader without a description: no placeholder alt text anywhere.

Every figure a notebook stores is a ``text/html`` ``<img>`` whose ``alt`` says what it shows (what
``course_utils.plots.DescribedFigure`` writes), never a bare ``image/png`` (JupyterLab, nbconvert's
decks and the website would show it with no text, or with nbconvert's "No description has been
provided for this image"). The same holds for the student edition (``tools/build_student.py``),
and the website keeps the ``alt`` of a ``text/html`` image (``tools/build_site.py``, built here
from a one-notebook course). The decks and the website pages are checked in the browser by
``tests/browser/test_axe.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
_spec = importlib.util.spec_from_file_location("build_student", ROOT / "tools" / "build_student.py")
build_student = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_student)

NOTEBOOKS = build_student.teaching_notebooks() + [
    ROOT / "notebooks" / "source" / "05_exercises" / "05_exercises.ipynb"
]
images_in = build_student.images_in
alt_problem = build_student.alt_problem
undescribed_figures = build_student.undescribed_figures


def test_alt_checker_knows_every_placeholder_the_figures_refuse():
    from course_utils.plots.described import PLACEHOLDER_ALTS

    assert build_student.PLACEHOLDER_ALTS == PLACEHOLDER_ALTS


def test_alt_checker_tells_descriptions_from_placeholders():
    good = "Bar chart of S = [0.09, 0.24, 0.67] against y = [0, 0, 1]; the loss is 0.40."
    assert alt_problem({"src": "x.png", "alt": good}) is None
    assert alt_problem({"src": "logo.png", "alt": "", "role": "presentation"}) is None
    assert alt_problem({"src": "logo.png", "alt": "", "aria-hidden": "true"}) is None
    assert alt_problem({"src": "x.png", "alt": ""}) is not None  # empty but not marked decorative
    assert alt_problem({"src": "x.png"}) == "no alt attribute"
    assert "placeholder" in alt_problem({"alt": "No description has been provided for this image"})
    assert "placeholder" in alt_problem({"alt": "Figure"})
    assert "file name" in alt_problem({"alt": "loss_curve.png"})
    assert "file name" in alt_problem({"alt": "output_12_0.jpeg"})


def test_a_described_figure_passes_and_a_bare_png_does_not():
    from course_utils.plots import DescribedFigure

    fig = DescribedFigure(figsize=(2, 1))
    fig.subplots().plot([0, 1], [1, 0])
    fig.alt = "A line falling from 1 at x = 0 to 0 at x = 1."
    nb = nbformat.v4.new_notebook()
    described = nbformat.v4.new_output("display_data", data=fig._repr_mimebundle_())
    bare = nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    )
    nb.cells = [nbformat.v4.new_code_cell(outputs=[described]), nbformat.v4.new_code_cell(outputs=[bare])]
    assert undescribed_figures(nb, "nb") == ["nb cell 1: a bare image/png output"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_in_the_notebook_has_a_description(notebook: Path):
    problems = undescribed_figures(nbformat.read(notebook, as_version=4), notebook.name)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("student")
    return {p.name: p for p in build_student.build(out / "edition")}


@pytest.mark.parametrize("notebook", build_student.teaching_notebooks(), ids=lambda p: p.name)
def test_every_figure_in_the_student_edition_has_a_description(notebook: Path, student_edition):
    edition = student_edition[notebook.name]
    problems = undescribed_figures(nbformat.read(edition, as_version=4), notebook.name)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_website_keeps_the_alt_text_of_a_described_figure(tmp_path: Path):
    if shutil.which("npm") is None and not (ROOT / "build" / "npm-cache" / "vendor").exists():
        pytest.skip("npm (Node.js) not found: the site build fetches MathJax and the widget renderer with it")
    from course_utils.plots import DescribedFigure

    _site_spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    build_site = importlib.util.module_from_spec(_site_spec)
    _site_spec.loader.exec_module(build_site)

    fig = DescribedFigure(figsize=(3, 2), layout="constrained")
    fig.subplots().bar([1, 2, 3], [0.1, 0.3, 0.6])
    fig.alt = 'Bars of S = [0.1, 0.3, 0.6] for classes 1 to 3; class 3 is the "true" class.'
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A described figure\n\nThe loss is $-\\log 0.6 = 0.511$."),
        nbformat.v4.new_code_cell(
            "fig", outputs=[nbformat.v4.new_output("display_data", data=fig._repr_mimebundle_())]
        ),
    ]
    source = tmp_path / "notebooks"
    source.mkdir()
    nbformat.write(nb, source / "01_described.ipynb")
    index = build_site.build(tmp_path / "site", tmp_path / "work", tmp_path / "student", source=source)
    page = (index.parent / "01_described.html").read_text(encoding="utf-8")
    alts = [
        attrs.get("alt") for attrs in images_in(page) if (attrs.get("src") or "").startswith("data:image/png")
    ]
    assert alts == [fig.alt], alts
    problems = [
        f"{attrs.get('src', '')[:60]}: {alt_problem(attrs)}"
        for attrs in images_in(page)
        if alt_problem(attrs)
    ]
    assert not problems, problems

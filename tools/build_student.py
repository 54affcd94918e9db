#!/usr/bin/env python3
"""Build the student edition of the course from the instructor's source, into ``build/student/``.

    .venv/bin/python tools/build_student.py              # or: python3 run.py build
    .venv/bin/python tools/build_student.py --out DIR

The committed notebooks are the instructor's edition. The student edition keeps every cell a
student works with, every stored output and every widget snapshot, and leaves out

- the speaker notes (cells whose slide type is ``notes``),
- the cell tags that only steer the test runner (``nbval-*``),
- the worked solutions (``notebooks/solutions/`` is never copied).

It refuses to build (exit status 1, naming notebook and cell) when a cell a student would read
still talks about the test machinery (nbval, pytest, CI) or holds solution code
(``### BEGIN SOLUTION``): such text belongs in a speaker note. It warns about every figure that
reaches students without a description: a bare ``image/png`` output, or an ``<img>`` whose ``alt``
is missing, a placeholder or a file name (``course_utils.plots.DescribedFigure`` writes figures
as ``<img alt="...">``).

``build/student/`` is a complete repository for students, which needs nothing from the
instructor's repository:

- ``notebooks/``: the student notebooks, with ``course_utils`` beside them
  (``notebooks/course_utils/``), so a kernel started in the notebooks' folder (JupyterLab's and
  Notebook 7's default) imports it with nothing installed, in any environment with the pins;
- ``binder/``: what Binder builds from (the students' lock ``binder/requirements.txt``, Python
  3.11, the JupyterLab settings and the ``postBuild`` that installs them);
- ``requirements.txt`` (the same lock, for a hub image or a laptop), ``README.md``, ``LICENSE``
  and a ``.gitignore``.

``python3 run.py publish DEST`` (``tools/publish_student.py``) commits it on top of the branch
your students' Binder badge or nbgitpuller link points at.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other tools, also when loaded by path
import build_args  # noqa: E402
from course_notebooks import teaching_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "student"

# Copied as they are (source in the repository -> place in the edition).
SUPPORT = {
    "course_utils": "notebooks/course_utils",  # beside the notebooks: imported with no install
    "binder": "binder",
    "LICENSE": "LICENSE",
}
# The edition's requirements.txt: the students' lock of binder/, for a hub image or a laptop.
REQUIREMENTS = """\
# What the notebooks need, at the tested versions: the students' lock in binder/requirements.txt.
-r binder/requirements.txt
"""
GITIGNORE = "__pycache__/\n.ipynb_checkpoints/\n.venv/\n"
# Text a student never needs to see: the test runner and the instructor's solutions.
INSTRUCTOR_ONLY = re.compile(r"\bnbval\b|\bpytest\b|\bCI\b|BEGIN SOLUTION|END SOLUTION")

README = """# Softmax, cross-entropy and backpropagation: interactive notebooks

Open the notebooks in order, run them top to bottom (*Run → Run All Cells*) and move the sliders.

| notebook | what it teaches |
| --- | --- |
{rows}

Every figure has a text description that screen readers read, and the explorers work with the
keyboard alone: Tab moves between their controls, the arrow keys move a slider, Space starts and
stops ▶, and a screen reader hears the new loss after each move.

On your own machine (Python 3.11): `python3 -m venv .venv`, then
`.venv/bin/pip install -r requirements.txt`, then `.venv/bin/jupyter lab notebooks`. The notebooks
find their helper package `course_utils` in the `notebooks` folder itself: there is nothing else
to install.

Licence: the code is MIT, the course text and figures CC BY 4.0 (see `LICENSE`).
"""


# Alt texts that describe nothing (as in course_utils.plots.described), and file names.
PLACEHOLDER_ALTS = frozenset(
    {"", "figure", "image", "plot", "chart", "graph", "no description has been provided for this image"}
)
FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$", re.IGNORECASE)
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp")


class _Images(html.parser.HTMLParser):
    """Collects the attributes of every <img> in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def images_in(fragment: str) -> list[dict[str, str | None]]:
    """The attributes of every ``<img>`` of an HTML fragment, one dict per image."""
    parser = _Images()
    parser.feed(fragment)
    return parser.images


def alt_problem(attrs: dict[str, str | None]) -> str | None:
    """Why an ``<img>`` (its attributes) has no real description, or None when it has one.

    An image may go without one only when it is marked decorative twice: ``alt=""`` and
    ``role="presentation"``/``"none"`` or ``aria-hidden="true"``.
    """
    alt = attrs.get("alt")
    decorative = attrs.get("role") in ("presentation", "none") or attrs.get("aria-hidden") == "true"
    if alt == "" and decorative:
        return None
    if alt is None:
        return "no alt attribute"
    text = " ".join(alt.split())
    if FILE_NAME.match(text):
        return f"alt is a file name: {alt!r}"
    if text.lower().rstrip(".") in PLACEHOLDER_ALTS:
        return f"placeholder alt: {alt!r}"
    return None


def undescribed_figures(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """Every figure output of ``nb`` that has no real description: 'name cell i: why'."""
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            bare = [mime for mime in IMAGE_MIMES if mime in data]
            if bare:
                found.append(f"{name} cell {i}: a bare {', '.join(bare)} output")
            fragment = data.get("text/html", "")
            for attrs in images_in("".join(fragment) if isinstance(fragment, list) else fragment):
                problem = alt_problem(attrs)
                if problem:
                    found.append(f"{name} cell {i}: <img> with {problem}")
    return found


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without speaker notes and without the test runner's cell tags."""
    nb = nbformat.from_dict(nb)  # a deep copy
    nb.cells = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
    for cell in nb.cells:
        tags = [t for t in cell.metadata.get("tags", []) if not t.startswith("nbval")]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return nb


def instructor_only_text(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """Where ``nb`` still shows a student something only an instructor should see: 'name cell i: text'."""
    found = []
    for i, cell in enumerate(nb.cells):
        for match in INSTRUCTOR_ONLY.finditer(cell.source):
            start = max(match.start() - 40, 0)
            found.append(f"{name} cell {i}: ...{cell.source[start : match.end() + 40]!r}")
    return found


def first_heading(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def build(out: Path = OUT, source: Path = NOTEBOOKS) -> list[Path]:
    """Write the student edition into ``out`` (replacing it); return the notebooks written."""
    notebooks = teaching_notebooks(source)
    if not notebooks:
        raise SystemExit(f"no NN_*.ipynb notebooks in {source}")
    editions = {p.name: student_notebook(nbformat.read(p, as_version=4)) for p in notebooks}
    problems = [line for name, nb in editions.items() for line in instructor_only_text(nb, name)]
    if problems:
        print(
            "The student edition would show instructor-only text; move it into a speaker note:",
            file=sys.stderr,
        )
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    undescribed = [line for name, nb in editions.items() for line in undescribed_figures(nb, name)]
    if undescribed:
        print(
            f"warning: {len(undescribed)} figures reach students without a description "
            "(make them DescribedFigures):",
            file=sys.stderr,
        )
        print("\n".join(undescribed), file=sys.stderr)

    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    written = []
    for name, nb in editions.items():
        nbformat.write(nb, out / "notebooks" / name)
        written.append(out / "notebooks" / name)
    for item, place in SUPPORT.items():
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, out / place, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(src, out / place)
    (out / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    rows = "\n".join(f"| [{name}](notebooks/{name}) | {first_heading(nb)} |" for name, nb in editions.items())
    (out / "README.md").write_text(README.format(rows=rows), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    out = build_args.out_folder(argv, __doc__, OUT)
    written = build(out)
    print(f"student edition: {len(written)} notebooks in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The printable handout: one PDF per student notebook and one for the module, nothing cut.

Builds the handout once with ``tools/build_handout.py`` (the student edition through nbconvert's
HTML exporter and headless Chromium, every non-file request blocked) and reads the PDFs back:
their text with poppler's ``pdftotext`` (formulas typeset, every code line whole, every figure's
description, every hint, page numbers) and their pages as pictures with ``pdftoppm`` (nothing
printed in the side margins, where a line running off the paper would show). Pages rendered:
``test-artifacts/browser/handout/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from browser_env import browser, chromium_missing, load_tool, skip_or_fail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

build_handout = load_tool("build_handout")
build_student = build_handout.build_student
NOTEBOOKS = build_student.teaching_notebooks()
RAW_TEX = re.compile(r"\\[A-Za-z]+|\$\$|\$[^$\s][^$]{0,40}\$")
PAGE_NUMBER = re.compile(r"page (\d+) of (\d+)\s*$")
DPI = 50


def squeezed(text: str) -> str:
    """``text`` without any whitespace: a wrapped line reads as the line itself."""
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext, laid out as printed: a line stays a line)."""
    out = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_bodies(pages: list[str], title: str) -> list[str]:
    """Each page's text without its footer ("page i of n" and the title), squeezed."""
    footer = build_handout.plain(title)
    return [
        squeezed("\n".join(x for x in page.splitlines() if not PAGE_NUMBER.search(x) and x.strip() != footer))
        for page in pages
    ]


def printed_whole(line: str, pages: list[str]) -> bool:
    """Whether ``line`` is printed whole on the squeezed ``pages``: on one page (wrapped or not),
    or begun at some place of a page and finished at the top of the next one (Chromium writes a
    page's text in painting order, so the rest of that page may come between the two parts)."""
    s = squeezed(line)
    if any(s in page for page in pages):
        return True
    return any(
        s[:i] in page and following.startswith(s[i:])
        for page, following in zip(pages, pages[1:], strict=False)
        for i in range(1, len(s))
    )


@pytest.fixture(scope="session")
def handout(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The handout built once: {"results": [Printed...], "student": the edition's notebooks folder}."""
    reason = chromium_missing()
    if reason:
        skip_or_fail(reason)
    for tool in ("pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} not found: apt-get install poppler-utils")
    if shutil.which("npm") is None and not (build_handout.BUILD / "npm-cache" / "vendor").exists():
        skip_or_fail("npm (Node.js) not found: the handout copies MathJax from the npm registry with it")
    tmp = tmp_path_factory.mktemp("handout")
    results = build_handout.build(tmp / "pdf", tmp / "src", tmp / "student")
    return {"results": results, "student": tmp / "student" / "notebooks"}


@pytest.fixture(scope="session")
def texts(handout) -> dict[str, list[str]]:
    """Each PDF's name -> the text of its pages."""
    return {r.pdf.name: pdf_pages(r.pdf) for r in handout["results"]}


@pytest.fixture(scope="session")
def paged(handout, texts) -> dict[str, list[str]]:
    """Each PDF's name -> its pages' squeezed text without footers."""
    return {r.pdf.name: page_bodies(texts[r.pdf.name], r.title) for r in handout["results"]}


@pytest.fixture(scope="session")
def bodies(paged) -> dict[str, str]:
    """Each PDF's name -> its squeezed text without footers, all pages."""
    return {name: "".join(pages) for name, pages in paged.items()}


def student_notebooks(handout) -> dict[str, nbformat.NotebookNode]:
    folder = handout["student"]
    return {p.stem: nbformat.read(p, as_version=4) for p in build_student.teaching_notebooks(folder)}


def code_lines(nb: nbformat.NotebookNode) -> list[str]:
    """Every non-blank line of code and of printed output: what must reach the paper whole."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines += cell.source.splitlines()
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                lines += output.get("text", "").splitlines()
    return [line for line in lines if line.strip()]


def test_one_pdf_per_student_notebook_and_one_for_the_module(handout) -> None:
    names = [r.pdf.name for r in handout["results"]]
    assert names == [f"{p.stem}.pdf" for p in NOTEBOOKS] + [build_handout.MODULE]
    for r in handout["results"]:
        assert r.pdf.read_bytes().startswith(b"%PDF-"), r.pdf
        assert (r.blocked, r.errors, r.overflow) == ([], [], []), r.pdf.name


def test_every_page_is_numbered(texts) -> None:
    for name, pages in texts.items():
        assert len(pages) > 1, name
        for i, page in enumerate(pages, 1):
            numbers = [m.groups() for line in page.splitlines() if (m := PAGE_NUMBER.search(line))]
            assert numbers == [(str(i), str(len(pages)))], f"{name} page {i}: footer {numbers}"


def test_the_module_holds_every_notebook_in_order(handout, texts, bodies) -> None:
    module = bodies[build_handout.MODULE]
    titles = [
        build_handout.plain(build_student.first_heading(nb)) for nb in student_notebooks(handout).values()
    ]
    places = [module.find(squeezed(title)) for title in titles]
    assert -1 not in places, dict(zip(titles, places, strict=True))
    assert places == sorted(places)
    # Each notebook starts on a new page: its title is the first text of a page of the module.
    # (Not a page count: a notebook may take a page fewer or more in the module than alone, as a
    # wrapped footer title or a figure moved to the next page shifts where its pages break.)
    page_starts = [squeezed(page) for page in texts[build_handout.MODULE]]
    for title in titles:
        assert any(start.startswith(squeezed(title)) for start in page_starts), f"{title}: not on a new page"


def test_formulas_are_typeset(handout, bodies) -> None:
    for stem, nb in student_notebooks(handout).items():
        text = bodies[f"{stem}.pdf"]
        # Code may spell TeX out (it builds the formulas): take every code line away first.
        for line in sorted((squeezed(line) for line in code_lines(nb)), key=len, reverse=True):
            text = text.replace(line, "")
        assert RAW_TEX.findall(text) == [], f"{stem}: raw TeX in the PDF"
        markdown = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
        if "\\frac" in markdown:
            assert "∂" in text or "/" in text, f"{stem}: no typeset fraction"


def test_no_code_or_output_line_is_cut(handout, paged) -> None:
    for stem, nb in student_notebooks(handout).items():
        lines = code_lines(nb)
        missing = [line for line in lines if not printed_whole(line, paged[f"{stem}.pdf"])]
        assert missing == [], f"{stem}: {len(missing)} of {len(lines)} lines not printed whole: {missing[:3]}"
        assert any(len(line) > 90 for line in lines) or stem == "05_exercises", stem  # long lines tested


def figure_descriptions(nb: nbformat.NotebookNode) -> list[str]:
    """The alt text of every figure output and the description of every explorer's picture."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            fragment = output.get("data", {}).get("text/html", "")
            found += [a["alt"] for a in build_student.images_in(fragment) if a.get("alt")]
    state = nb.metadata.get("widgets", {}).get(build_handout.WIDGET_STATE, {}).get("state", {})
    found += [m["state"]["tooltip"] for m in state.values() if m["model_name"] == "ImageModel"]
    return found


def test_every_figure_is_printed_with_its_description(handout, bodies) -> None:
    total = 0
    for stem, nb in student_notebooks(handout).items():
        text = bodies[f"{stem}.pdf"]
        descriptions = figure_descriptions(nb)
        total += len(descriptions)
        missing = [d for d in descriptions if squeezed(d) not in text]
        assert missing == [], f"{stem}: descriptions not printed: {missing}"
    assert total >= 15


def test_hints_are_printed_open(handout, bodies) -> None:
    nb = student_notebooks(handout)["05_exercises"]
    hints = [c.source.split("</summary>", 1)[1] for c in nb.cells if "<details" in c.source]
    assert len(hints) >= 5
    text = bodies["05_exercises.pdf"]
    for hint in hints:
        prose = re.sub(r"\$[^$]*\$|`[^`]*`", "\n", hint)  # formulas and code taken out
        words = max(re.split(r"[*<>\n]", prose), key=len)  # its longest run of plain words
        assert len(squeezed(words)) >= 10, hint
        assert squeezed(words) in text, f"hint not printed: {words!r}"


def test_pages_print_nothing_in_the_side_margins(handout, artifacts: Path) -> None:
    """Rendered pages: the left and right margins (15 mm) are blank, so no line runs off the paper."""
    from PIL import Image

    shots = artifacts / "handout"
    shots.mkdir(parents=True, exist_ok=True)
    margin = round(12 / 25.4 * DPI)  # a little less than the 15 mm margin
    checked = 0
    for r in handout["results"]:
        if r.pdf.name == build_handout.MODULE:
            continue  # the same pages as the notebooks'
        prefix = shots / r.pdf.stem
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(r.pdf), str(prefix)], check=True)
        for png in sorted(shots.glob(f"{r.pdf.stem}-*.png")):
            page = Image.open(png).convert("L")
            width, height = page.size
            body = (0, 0, width, height - round(14 / 25.4 * DPI))  # above the footer
            for left in (0, width - margin):
                strip = page.crop((left, body[1], left + margin, body[3]))
                assert strip.getextrema()[0] > 200, f"{png.name}: something printed in a side margin"
            inside = page.crop((margin, 0, width - margin, body[3]))
            assert inside.getextrema()[0] < 100, f"{png.name}: a blank page"
            checked += 1
    assert checked >= len(NOTEBOOKS) * 3


def test_the_build_notices_a_line_that_would_be_cut(handout, tmp_path: Path, monkeypatch) -> None:
    """The guard behind "nothing cut": printed without wrapping, code runs past its box and the
    page's edge, and the build's measurement says so (it is empty for the real stylesheet)."""
    src = handout["results"][0].pdf.parent.parent / "src"
    shutil.copytree(src / build_handout.MATHJAX, tmp_path / build_handout.MATHJAX)
    nb = nbformat.read(handout["student"] / NOTEBOOKS[0].name, as_version=4)
    unwrapped = build_handout.PRINT_CSS + "\npre, .highlight pre { white-space: pre !important; }"
    monkeypatch.setattr(build_handout, "PRINT_CSS", unwrapped)
    page = tmp_path / "unwrapped.html"
    page.write_text(build_handout.to_html(build_handout.for_paper(nb), "unwrapped"), encoding="utf-8")
    with browser() as chromium:
        result = build_handout.print_pdf(chromium, page, tmp_path / "unwrapped.pdf", "unwrapped")
    assert (result.blocked, result.errors) == ([], [])
    assert any(len(line) > 90 for line in code_lines(nb))  # lines longer than the page is wide
    reported = [item.split(": ", 1)[1] for item in result.overflow]  # "tag.class: its text"
    code = "\n".join(code_lines(nb))
    assert reported, "a line running off the page went unnoticed"
    assert all(text in code for text in reported), reported[:3]  # and what it reports is that code

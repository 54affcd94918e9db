"""Every notebook exports to a reveal.js deck that has exactly the slides its metadata asks for.

Runs the same code as ``tools/export_slides.py`` (into a temporary folder) and counts, in the
HTML, the slides (top-level ``<section>``), the subslides (``<section>`` inside them) and the
speaker notes, against the notebook's ``slideshow.slide_type`` metadata.
"""

from __future__ import annotations

import importlib.util
import json
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("export_slides", ROOT / "tools" / "export_slides.py")
export_slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(export_slides)

NOTEBOOKS = export_slides.notebooks()


class _DeckParser(HTMLParser):
    """Counts slide ``<section>``s by depth and the ``<aside class="notes">`` speaker notes."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.slides = 0
        self.subslides = 0
        self.notes = 0
        self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
            if self.depth == 1:
                self.slides += 1
            elif self.depth == 2:
                self.subslides += 1
        elif tag == "aside" and "notes" in (dict(attrs).get("class") or "").split():
            self.notes += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.depth -= 1


def expected_counts(nb: nbformat.NotebookNode) -> tuple[int, int, int]:
    """(slides, subslides, notes) that nbconvert's reveal exporter makes from the metadata.

    The first visible cell (not skip/notes) always opens a slide; after it every ``slide`` cell
    opens a slide and a subslide, every ``subslide`` cell a subslide; ``notes`` cells become notes.
    """
    types = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
    first = next(i for i, t in enumerate(types) if t not in ("skip", "notes"))
    later = types[first + 1 :]
    slides = 1 + later.count("slide")
    subslides = slides + later.count("subslide")
    return slides, subslides, types.count("notes")


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("slides")
    return {deck.name: deck for deck in export_slides.export(NOTEBOOKS, out)}


def test_there_are_notebooks_to_export() -> None:
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.slow  # exports every deck with nbconvert
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_deck_has_the_slides_of_its_notebook(notebook: Path, decks: dict[str, Path]) -> None:
    deck = export_slides.deck_path(notebook, Path())
    assert deck.name in decks, f"no deck written for {notebook.name}"
    html = decks[deck.name].read_text(encoding="utf-8")
    parser = _DeckParser()
    parser.feed(html)
    nb = nbformat.read(notebook, as_version=4)
    slides, subslides, notes = expected_counts(nb)
    assert (parser.slides, parser.subslides, parser.notes) == (slides, subslides, notes), (
        f"{deck.name}: (slides, subslides, notes) in the deck differ from the notebook's metadata"
    )
    assert parser.depth == 0 and parser.max_depth == 2, f"{deck.name}: <section>s not nested slide/subslide"
    assert "var scroll = true" in html, f"{deck.name}: scrolling is not enabled, long cells would be cut off"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_cell_has_a_slide_type(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    allowed = {"slide", "subslide", "fragment", "skip", "notes", "-"}
    missing = [
        i for i, c in enumerate(nb.cells) if c.metadata.get("slideshow", {}).get("slide_type") not in allowed
    ]
    assert not missing, f"{notebook.name}: cells {missing} have no valid slideshow.slide_type"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_cell_disappears_when_presenting_live(notebook: Path) -> None:
    """jupyterlab-slideshow 0.3.4 knows slide, subslide, fragment, notes, skip and *no* slide_type;
    a cell whose slide_type is the string "-" (what nbconvert and JupyterLab's inspector call
    "continue") is never shown while presenting live (seen in the browser test: the explorer of
    notebook 03 vanished). Use "fragment", or put the content in the cell before."""
    nb = nbformat.read(notebook, as_version=4)
    hidden = [i for i, c in enumerate(nb.cells) if c.metadata.get("slideshow", {}).get("slide_type") == "-"]
    assert not hidden, (
        f"{notebook.name}: cells {hidden} have slide_type '-' and are hidden when presenting with "
        "jupyterlab-slideshow; make them 'fragment' (or merge them into the cell before)"
    )


def test_expected_counts_follow_nbconvert_rules() -> None:
    """The counting rule and the parser themselves, on a notebook whose deck is known."""
    nb = nbformat.v4.new_notebook()
    kinds = ["skip", "notes", "-", "subslide", "fragment", "slide", "notes", "subslide", "-", "slide"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"cell {i}", metadata={"slideshow": {"slide_type": k}})
        for i, k in enumerate(kinds)
    ]
    # "-" at index 2 is the first visible cell, so it opens slide 1; slides at 5 and 9 open 2 and 3;
    # subslides: 3 slides + the subslides at 3 and 7.
    assert expected_counts(nb) == (3, 5, 2)
    body, _ = export_slides.exporter(offline=False).from_notebook_node(nb)
    parser = _DeckParser()
    parser.feed(body)
    assert (parser.slides, parser.subslides, parser.notes) == (3, 5, 2)


# -- presenting live: the settings ---------------------------------------------------------------

_run_spec = importlib.util.spec_from_file_location("course_run", ROOT / "run.py")
course_run = importlib.util.module_from_spec(_run_spec)
_run_spec.loader.exec_module(course_run)
PRESENTING = "body[data-jp-deck-mode='presenting']"  # what jupyterlab-slideshow sets while a deck is on


def _px(value: str) -> float:
    assert value.endswith("px"), value
    return float(value[:-2])


def test_presenting_styles_are_larger_than_jupyterlab_defaults() -> None:
    """While a deck is on, text above JupyterLab's 14 px and code above its 13 px; the news toast off."""
    settings = json.loads(course_run.SETTINGS.read_text(encoding="utf-8"))
    news = settings["@jupyterlab/apputils-extension:notification"]
    assert news["fetchNews"] == "false" and news["checkForUpdates"] is False
    styles = settings["@deathbeds/jupyterlab-fonts:fonts"]["styles"]
    deck = styles[PRESENTING]
    assert _px(deck["--jp-content-font-size1"]) > 14
    assert _px(deck["--jp-code-font-size"]) > 13
    assert _px(deck["--jp-code-font-size"]) == 16  # what the exported decks use (DECK_STYLE)
    assert "font-size: 16px" in export_slides.DECK_STYLE
    # Every rule applies only while presenting: editing a notebook keeps JupyterLab's own sizes.
    assert all(selector.startswith(PRESENTING) for selector in styles)


@pytest.mark.slow  # runs run.py's and binder's settings installers in subprocesses
def test_run_py_and_binder_install_the_same_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run.py lab` (its setup) and binder/postBuild both run binder/install_settings.py, which installs
    binder/overrides.json byte for byte; the live deck measurement serves the same file."""
    import inspect
    import sys

    assert "install_settings(PY)" in inspect.getsource(course_run.setup)
    post_build = (ROOT / "binder" / "postBuild").read_text()
    commands = [
        ln.strip() for ln in post_build.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert "python binder/install_settings.py" in commands, commands
    assert not any("overrides.json" in ln for ln in commands), "postBuild copies settings of its own"
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path / "lab"))
    written = course_run.install_settings(sys.executable)
    assert written == tmp_path / "lab" / "settings" / "overrides.json"
    assert written.read_bytes() == (ROOT / "binder" / "overrides.json").read_bytes()
    launcher = (ROOT / "tools" / "lab_server.py").read_text()
    assert 'SETTINGS = ROOT / "binder" / "overrides.json"' in launcher
    assert "from lab_server import serve" in (ROOT / "tools" / "measure_live_fit.py").read_text()


@pytest.mark.parametrize(
    "rule",
    [
        ".reveal .jp-OutputArea-output pre { word-break: normal; overflow-wrap: normal; "
        "white-space: pre-wrap; }",
        ".reveal table { table-layout: auto; }",
    ],
)
def test_deck_style_wraps_output_at_spaces_and_sizes_table_columns(rule: str) -> None:
    assert rule in export_slides.DECK_STYLE


def test_deck_is_laid_out_again_after_mathjax() -> None:
    """The deck's script re-runs reveal.js's layout when MathJax ends a typeset/re-render."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("$x$", metadata={"slideshow": {"slide_type": "slide"}})]
    slides = export_slides.exporter(offline=True)
    body, _ = slides.from_notebook_node(nb)
    script = export_slides.relayout_script(slides)
    assert 'require(["vendor/reveal.js/dist/reveal.js"]' in script
    assert "Reveal.layout()" in script and "MathJax.Hub.signal.Interest" in script
    assert "var scroll = true" in body and "if (true)" in script

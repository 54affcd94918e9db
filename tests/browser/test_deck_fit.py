"""Every slide fits a 1280x720 projector: in the exported decks and while presenting live.

(a) Exports every notebook with ``tools/export_slides.py --offline`` and steps through every slide
    and fragment of each deck in Chromium at 1280x720 with the network blocked
    (``tools/measure_slide_fit.py``).
(b) Opens every notebook without an explorer in JupyterLab with the course's presenting settings
    (binder/overrides.json), starts jupyterlab-slideshow's deck at the first cell and steps with
    the deck's own buttons to the end (``tools/measure_live_fit.py``). The notebooks with an
    explorer are presented the same way by ``test_widgets_in_browser.py``, on the page where it has
    just run every cell and worked the explorers (so the live widget, not its stored snapshot, is
    on the slide, and the notebook is run once for both).

A slide state fails when content runs below the bottom edge (or above the top), when the slide needs
scrolling, when a code block or printed output is wider than its box, or when a figure is drawn
so much smaller than its natural size that its text is under 12 px. The failure lists every
failing slide of the notebook. The same measurements from the command line, for authors:
``tools/measure_slide_fit.py`` and ``tools/measure_live_fit.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_env import ARTIFACTS, browser, chromium, load_tool

pytestmark = pytest.mark.browser


export_slides = load_tool("export_slides")
measure_slide_fit = load_tool("measure_slide_fit")
measure_live_fit = load_tool("measure_live_fit")
NOTEBOOKS = export_slides.notebooks()
SCREEN = measure_slide_fit.SCREEN


def _message(where: str, steps: int, bad: list, what: str) -> str:
    lines = [f"{where}: {len(bad)} of {steps} {what} do not fit {SCREEN['width']}x{SCREEN['height']}:"]
    lines += [f"  {state}: {problems}" for state, problems in bad]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def deck_browser():
    """One headless Chromium for the exported decks (each deck gets its own page in it, as
    ``tools/measure_slide_fit.py`` does)."""
    with browser() as launched:
        yield launched


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_exported_deck_fits_the_projector(
    notebook: Path, offline_decks: dict[str, Path], deck_browser
) -> None:
    deck = offline_decks[export_slides.deck_path(notebook, Path()).name]
    started = time.monotonic()
    states, bad = measure_slide_fit.measure(deck, deck_browser)
    print(f"\n{deck.name}: {states} slide states, {len(bad)} do not fit ({time.monotonic() - started:.0f} s)")
    assert states > 0, f"{deck.name}: no slide measured"
    assert not bad, _message(deck.name, states, bad, "slide states (h, v, fragment)")


def test_the_measurement_reports_what_does_not_fit(offline_decks: dict[str, Path], deck_browser) -> None:
    """A first slide with a paragraph taller than the screen and a code line wider than its box,
    in a copy of a real deck: both are reported for that state, and the deck's own states still fit."""
    deck = offline_decks["05_exercises.slides.html"]  # the deck with the fewest slide states
    broken = deck.with_name("broken-for-the-test.slides.html")  # beside it: the vendored scripts
    tall = '<section><p style="height: 900px">too tall</p><pre>' + "x = 1  " * 300 + "</pre></section>"
    html = deck.read_text(encoding="utf-8").replace('<div class="slides">', '<div class="slides">' + tall, 1)
    broken.write_text(html, encoding="utf-8")
    states, bad = measure_slide_fit.measure(broken, deck_browser)
    assert states > 2
    assert [state for state, _ in bad] == [(0, 0, -1)], bad
    kinds = {problem[0] for problem in bad[0][1]}
    assert kinds == {"below", "pre-wide"}, bad


@pytest.fixture(scope="module")
def projector_context(lab, tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium at 1280x720 for presenting (after the JupyterLab server is up)."""
    with chromium(
        tmp_path_factory.mktemp("chromium-profile-deck-fit"), SCREEN["width"], SCREEN["height"]
    ) as c:
        yield c


def shows_a_widget(notebook: Path) -> bool:
    """Whether a stored output of ``notebook`` is a widget (an explorer)."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    return any(
        "application/vnd.jupyter.widget-view+json" in output.get("data", {})
        for cell in cells
        for output in cell.get("outputs", [])
    )


EXPLORER_NOTEBOOKS = [p for p in NOTEBOOKS if shows_a_widget(p)]
PRESENTED_HERE = [p for p in NOTEBOOKS if not shows_a_widget(p)]


def test_the_explorer_notebooks_are_presented_live_with_their_kernel_running() -> None:
    """These are the notebooks that test_widgets_in_browser.py runs and presents; this file
    presents the others, from their stored outputs."""
    assert [p.name for p in EXPLORER_NOTEBOOKS] == [
        "03_cross_entropy_gradient.ipynb",
        "04_backpropagation.ipynb",
        "06_real_data_digits.ipynb",
    ]


@pytest.mark.parametrize("notebook", PRESENTED_HERE, ids=[p.name for p in PRESENTED_HERE])
def test_live_deck_fits_the_projector(notebook: Path, lab, projector_context) -> None:
    started = time.monotonic()
    steps, bad = measure_live_fit.measure_notebook(
        projector_context,
        lab.notebook_url(f"notebooks/{notebook.name}"),
        notebook,
        shots=ARTIFACTS / "deck-fit",
    )
    print(
        f"\n{notebook.name} live: {steps} steps, {len(bad)} do not fit ({time.monotonic() - started:.0f} s)"
    )
    assert steps > 1, f"{notebook.name}: the deck did not step through the notebook"
    assert not bad, _message(f"{notebook.name} presented live", steps, bad, "steps")

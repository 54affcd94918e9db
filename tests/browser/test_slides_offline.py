"""The offline slide decks open in Chromium with the network cut off, maths and widgets drawn.

Exports every notebook with ``tools/export_slides.py --offline`` (reveal.js, require.js, jQuery,
MathJax and the widget renderer copied next to the decks from the npm registry), opens each deck
from disk with every non-file request blocked, and asserts: reveal.js started, MathJax typeset
the formulas without errors, nothing asked for the network, no script error; and on the slide
that holds a widget snapshot, its plot is painted. Screenshots: ``test-artifacts/browser/slides/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_env import chromium, load_tool, offline_page

pytestmark = pytest.mark.browser

export_slides = load_tool("export_slides")
NOTEBOOKS = export_slides.notebooks()

# Where the slide holding the first widget is: (horizontal, vertical, fragment) for Reveal.slide().
WIDGET_SLIDE_JS = """() => {
  const img = document.querySelector('.jupyter-widgets img, img.widget-image');
  if (!img) return null;
  const sub = img.closest('section');
  const top = sub.parentElement.closest('section') || sub;
  const tops = [...document.querySelectorAll('.reveal .slides > section')];
  const h = tops.indexOf(top);
  const v = top === sub ? 0 : [...top.querySelectorAll(':scope > section')].indexOf(sub);
  const f = sub.querySelectorAll('.fragment').length - 1;  // show every fragment of the slide
  return [h, v, f];
}"""


@pytest.fixture(scope="module")
def offline_browser(tmp_path_factory: pytest.TempPathFactory, offline_decks):
    with chromium(tmp_path_factory.mktemp("chromium-profile-slides"), 1280, 800) as context:
        yield context


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_offline_deck_works_without_network(
    notebook: Path, offline_decks, offline_browser, artifacts: Path
) -> None:
    deck = offline_decks[export_slides.deck_path(notebook, Path()).name]
    shots = artifacts / "slides"
    shots.mkdir(parents=True, exist_ok=True)
    page, blocked, errors = offline_page(offline_browser)
    try:
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
        page.wait_for_function(
            "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=60_000
        )
        load_tool("settle").settle(page, ".reveal .slides section.present")
        page.screenshot(path=str(shots / f"{notebook.stem}-title.png"))
        has_math = "$" in deck.read_text(encoding="utf-8")
        if has_math:
            assert page.locator(".MathJax_CHTML, .MathJax").count() > 0, f"{deck.name}: no formula typeset"
        assert page.locator(".MathJax_Error, merror").count() == 0, f"{deck.name}: MathJax could not typeset"
        where = page.evaluate(WIDGET_SLIDE_JS)
        if where is not None:
            page.evaluate(
                """([h, v, f]) => new Promise(done => require(['vendor/reveal.js/dist/reveal.js'],
                             R => { R.slide(h, v, f); setTimeout(done, 800); }))""",
                where,
            )
            img = page.locator("section.present .jupyter-widgets img, section.present img.widget-image").first
            page.wait_for_function(
                "(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=15_000
            )
            img.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"{notebook.stem}-widget.png"))
            assert img.is_visible(), f"{deck.name}: the widget snapshot's plot is not on its slide"
        assert not blocked, f"{deck.name}: asked the network for {blocked}"
        assert not errors, f"{deck.name}: errors in the page: {errors}"
    finally:
        page.close()

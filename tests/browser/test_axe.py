"""axe-core finds no serious or critical WCAG 2.2 A/AA problem on the website or in the decks, no
content outside a landmark and no empty table header there, and every image there has a real
description.

Builds the website (``tools/build_site.py``) and the offline decks (``tools/export_slides.py
--offline``), opens each page from disk with the network blocked, and runs axe-core (bundled by
``axe-playwright-python``) with the WCAG 2.0/2.1/2.2 A and AA rules and the best-practice rules
``region`` and ``empty-table-header`` (``browser_env.AXE_*``, the explorers' tests use the same
tags): on every page of the site, and on
each deck's title slide and on the first slide with a figure, with a widget snapshot and with a
formula. Then every ``<img>`` of the page must have an ``alt`` that describes it (not missing,
empty, nbconvert's "No description has been provided for this image" or a file name), unless it
is marked decorative twice (``alt=""`` and ``role="presentation"``). Reports:
``test-artifacts/browser/axe/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_env import (
    AXE_PAGE_RULES,
    AXE_SEVERE,
    AXE_WCAG_TAGS,
    chromium,
    chromium_missing,
    load_tool,
    offline_page,
    skip_or_fail,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.slow]

build_site = load_tool("build_site")
settle = load_tool("settle").settle
export_slides = load_tool("export_slides")
alt_problem = build_site.build_student.alt_problem

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_WCAG_TAGS},
    # A rule enabled here runs on top of the tags (axe-core 4: options.rules wins over runOnly's tags).
    "rules": {rule: {"enabled": True} for rule in AXE_PAGE_RULES},
    "resultTypes": ["violations"],
    # No fetching of the page's stylesheets again by XMLHttpRequest (refused from file: pages).
    "preload": False,
}

SITE_PAGES = ["index.html", "intro.html"] + [
    f"{p.stem}.html" for p in build_site.build_student.teaching_notebooks()
]
DECKS = export_slides.notebooks()

IMAGES_JS = """() => [...document.images].map(img => {
  const attrs = {src: (img.getAttribute('src') || '').slice(0, 80)};
  for (const name of ['alt', 'role', 'aria-hidden']) {
    if (img.hasAttribute(name)) attrs[name] = img.getAttribute(name);
  }
  return attrs;
})"""
# (horizontal, vertical, last fragment) of the slide holding the first element matching a selector.
SLIDE_OF_JS = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const sub = el.closest('section');
  const top = sub.parentElement.closest('section') || sub;
  const tops = [...document.querySelectorAll('.reveal .slides > section')];
  const v = top === sub ? 0 : [...top.querySelectorAll(':scope > section')].indexOf(sub);
  return [tops.indexOf(top), v, sub.querySelectorAll('.fragment').length - 1];
}"""
DECK_SLIDES = {
    "figure": ".reveal .slides img:not(.widget-image)",
    "widget": ".reveal .slides img.widget-image",
    "formula": ".reveal .slides .MathJax_CHTML",
}


def run_axe(page, where: str, out: Path) -> list[str]:
    """Run axe-core on the page as it is; write its report; return what fails: the serious and
    critical violations, and any of the page rules'."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results.response["violations"], indent=1), encoding="utf-8")
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}: "
        + "; ".join(node["html"][:120] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in AXE_SEVERE or v["id"] in AXE_PAGE_RULES
    ]


def undescribed_images(page, where: str) -> list[str]:
    return [
        f"{where}: {attrs['src'][:50]}...: {problem}"
        for attrs in page.evaluate(IMAGES_JS)
        if (problem := alt_problem(attrs))
    ]


WIDGET_IMAGES = ".jupyter-widgets img, img.widget-image"
# At least n widget images, each decoded and given a text alternative (or marked decorative) by
# the page's naming script. A page that never gets there is reported by the assertions after.
IMAGES_READY_JS = """([selector, n]) => {
  const images = [...document.querySelectorAll(selector)];
  return images.length >= n && images.every(img => img.complete && img.naturalWidth > 0
    && (img.hasAttribute('alt') || img.getAttribute('aria-hidden') === 'true'));
}"""


def stored_widget_images(notebook: Path) -> int:
    """How many image widgets the notebook's stored widget state holds (the explorers' figures)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return sum(model.get("model_name") == "ImageModel" for model in state.get("state", {}).values())


def _wait_for_images(page, expected: int = 0, scroll: bool = True) -> None:
    """Until ``expected`` widget images (at least) are drawn and named: no fixed sleep, so a busy
    machine waits longer instead of measuring a half-drawn page. ``scroll``: bring each into view
    first (a web page; a deck's other slides are hidden and cannot be scrolled to)."""
    images = page.locator(WIDGET_IMAGES)
    for i in range(images.count() if scroll else 0):
        images.nth(i).scroll_into_view_if_needed()
    try:
        page.wait_for_function(IMAGES_READY_JS, arg=[WIDGET_IMAGES, expected], timeout=60_000)
    except PlaywrightTimeout:
        pass  # the checks that follow say what is missing


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    reason = chromium_missing()
    if reason:
        skip_or_fail(reason)
    with chromium(tmp_path_factory.mktemp("chromium-profile-axe"), 1280, 720) as context:
        yield context


def open_site_page(browser, site: Path, name: str):
    page, blocked, errors = offline_page(browser)
    page.goto((site / name).as_uri())
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=60_000)
    page.evaluate("() => MathJax.startup.promise")
    _wait_for_images(page)
    return page, blocked, errors


def open_deck(browser, deck: Path):
    page, blocked, errors = offline_page(browser)
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=60_000)
    return page, blocked, errors


def go_to_slide(page, where: list[int]) -> None:
    page.evaluate(
        """([h, v, f]) => new Promise(done => require(['vendor/reveal.js/dist/reveal.js'],
                     R => { R.slide(h, v, f); done(); }))""",
        where,
    )
    settle(page, ".reveal .slides")  # the transition has ended and the slide's layout holds


# Each page and deck is opened once for both checks: axe, then the images' descriptions.


@pytest.mark.parametrize("name", SITE_PAGES)
def test_site_page_has_no_serious_axe_violation_and_describes_its_images(
    name: str, site: Path, browser, artifacts: Path
) -> None:
    page, blocked, errors = open_site_page(browser, site, name)
    try:
        found = run_axe(page, name, artifacts / "axe" / "site" / f"{name}.json")
        if page.locator("mjx-container").count():
            # MathJax's assistive MathML is what a screen reader reads of a formula.
            assert page.locator("mjx-container mjx-assistive-mml").count() > 0, f"{name}: no assistive MathML"
        assert not blocked and not errors, (blocked, errors)
        assert not found, "\n".join(found)
        problems = undescribed_images(page, name)
        assert not problems, "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("notebook", DECKS, ids=lambda p: p.name)
def test_deck_has_no_serious_axe_violation_and_describes_its_images(
    notebook: Path, offline_decks, browser, artifacts: Path
) -> None:
    deck = offline_decks[export_slides.deck_path(notebook, Path()).name]
    page, blocked, errors = open_deck(browser, deck)
    out = artifacts / "axe" / "slides"
    try:
        expected = stored_widget_images(notebook)  # the explorers' snapshots, drawn by the renderer
        _wait_for_images(page, expected, scroll=False)
        drawn = page.locator(WIDGET_IMAGES).count()
        assert drawn >= expected, f"{deck.name}: {drawn} of {expected} explorer snapshots drawn"
        problems = undescribed_images(page, deck.name)
        assert not problems, "\n".join(problems)

        found = run_axe(page, f"{deck.name} title", out / f"{notebook.stem}-title.json")
        if page.locator(".MathJax_CHTML, .MathJax").count():
            # MathJax 2's assistive MathML (on by default) is what a screen reader reads of a formula.
            assert page.locator(".MJX_Assistive_MathML math").count() > 0, f"{deck.name}: no assistive MathML"
        for what, selector in DECK_SLIDES.items():
            where = page.evaluate(SLIDE_OF_JS, selector)
            if where is None:
                continue
            go_to_slide(page, where)
            if what == "widget":
                _wait_for_images(page, stored_widget_images(notebook), scroll=False)
            found += run_axe(
                page, f"{deck.name} {what} slide {where[:2]}", out / f"{notebook.stem}-{what}.json"
            )
        assert not blocked and not errors, (blocked, errors)
        assert not found, "\n".join(found)
    finally:
        page.close()

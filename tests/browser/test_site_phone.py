"""The course website on a phone (320 and 375 px wide) and by keyboard, every page, in Chromium.

Builds the site (the ``site`` fixture: ``tools/build_site.py``), opens each page from disk with
the network blocked and waits until it has settled (``tools/settle.py``: fonts, images, MathJax,
layout), then asserts what a student reading on a phone or with the keyboard alone meets:

- at 320 and 375 px, the page never scrolls sideways (WCAG 1.4.10): the document is no wider than
  the viewport; every display formula and code block wider than its box scrolls inside it, shows a
  cue that it does (the shadow drawn by ``course.css``), and is a named Tab stop, so the arrow keys
  can scroll it (axe's scrollable-region-focusable); the explorers' number tables keep a visible
  gap between their cells, fit the screen and cover none of the controls, and no readout of the
  control panel is cut off; every figure shown smaller than it was drawn opens at full size by
  keyboard (Enter), and Escape brings the focus back to it;
- at 1280 and 320 px, Tab visits every control of the page, and each one looks different focused
  than not (WCAG 2.4.7: the pixels around it change at least as much as a 1 px ring around it
  would) and is not hidden under the sticky header (2.4.11); formulas are no Tab stops unless they
  are scroll boxes. Every stop is checked for a box and for being covered; the pixels are compared
  once for each look on the page (the element and its classes, its focused outline, shadow,
  background, border, colour and text decoration, and the colour behind it): the 51 copy buttons
  of notebook 04's page draw one ring, and the first stands for the others (until one fails). The
  number of Tab stops, of formula Tab stops and of looks compared per page goes to
  ``test-artifacts/browser/site-keyboard/``, screenshots at 320 px to
  ``test-artifacts/browser/site-phone/``.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
import pytest
from browser_env import chromium, load_tool, offline_page
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]

build_site = load_tool("build_site")
settle = load_tool("settle").settle
PAGES = ["index.html", "intro.html"] + [
    f"{p.stem}.html" for p in build_site.build_student.teaching_notebooks()
]
PHONE_WIDTHS = [320, 375]
MIN_CELL_GAP_PX = 4  # between two numbers of a snapshot table: border spacing plus padding
MAX_TAB_STOPS = 800  # more than any page has: Tab has not come round the page by then

# Display formulas and code or output blocks that are wider than their box, with what makes them
# usable: scrolling, a cue, a Tab stop and a name.
SCROLL_BOXES_JS = """() => [...document.querySelectorAll(
    "mjx-container[display='true'], .bd-content pre")]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => { const cs = getComputedStyle(box); const r = box.getBoundingClientRect();
    return {what: box.tagName.toLowerCase() + ': ' + box.textContent.trim().slice(0, 40),
            overflow: cs.overflowX, cue: cs.backgroundImage, tabindex: box.getAttribute('tabindex'),
            name: box.getAttribute('aria-label') || '', right: r.right, width: r.width}; })"""

# Each snapshot table: the smallest horizontal gap between neighbouring cells' text boxes (cell
# edges plus their padding), its box, and whether it overlaps a control of its explorer.
TABLES_JS = """() => [...document.querySelectorAll('.jupyter-widgets table')].map(table => {
  let gap = Infinity;
  for (const row of table.rows) {
    const cells = [...row.cells];
    for (let i = 1; i < cells.length; i++) {
      const a = cells[i - 1], b = cells[i];
      const pad = parseFloat(getComputedStyle(a).paddingRight) + parseFloat(getComputedStyle(b).paddingLeft);
      gap = Math.min(gap, b.getBoundingClientRect().left - a.getBoundingClientRect().right + pad);
    }
  }
  const r = table.getBoundingClientRect();
  const explorer = table.closest('.widget-vbox:not(.widget-vbox .widget-vbox)') || document.body;
  const hits = [...explorer.querySelectorAll('input, select, button, output')].filter(c => {
    const q = c.getBoundingClientRect();
    return q.width > 0 && q.left < r.right && r.left < q.right && q.top < r.bottom && r.top < q.bottom;
  }).map(c => c.outerHTML.slice(0, 60));
  return {text: table.textContent.slice(0, 40), gap, left: r.left, right: r.right, hits};
})"""

# Every part of a control panel row that sticks out of the panel (a readout cut to "-1").
CUT_CONTROLS_JS = """() => [...document.querySelectorAll('.explorer-controls')].flatMap(panel => {
  const p = panel.getBoundingClientRect();
  return [...panel.querySelectorAll('.course-controls-row > *')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > p.right + 1 || r.left < p.left - 1);
  }).map(el => el.tagName + ' ' + el.textContent.trim());
})"""

# Figures shown smaller than drawn: their index among the page's content images.
SHRUNK_FIGURES_JS = """() => [...document.querySelectorAll(
    '.bd-content .cell_output img, .bd-content img.widget-image')]
  .map((img, i) => ({i, shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
                     role: img.getAttribute('role'), tabindex: img.getAttribute('tabindex'),
                     src: img.currentSrc || img.src}))
  .filter(f => f.natural > 0 && f.shown < f.natural - 1)"""

FIGURE_SELECTOR = ".bd-content .cell_output img, .bd-content img.widget-image"

OPEN_DIALOG_JS = """() => { const d = document.querySelector('dialog[open]');
  if (!d) return null;
  const img = d.querySelector('img');
  return img && {src: img.currentSrc || img.src, shown: img.getBoundingClientRect().width,
                 natural: img.naturalWidth, complete: img.complete}; }"""

# Focus styles may fade in and out (the skip link slides down, rings fade): jump every finite
# animation and transition to its end state, as a screenshot with animations disabled does.
FINISH_ANIMATIONS_JS = """for (const a of document.getAnimations()) {
    const timing = a.effect && a.effect.getComputedTiming();
    if (timing && timing.endTime !== Infinity) a.finish();
  }"""

# The focused element: a description, its box in the viewport and in the page, whether a formula,
# whether it is covered, and whether it is the first stop again (Tab has come round the page).
ACTIVE_JS = (
    """async () => {
  """
    + FINISH_ANIMATIONS_JS
    + """
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const again = window.courseFirstStop === el;
  window.courseFirstStop = window.courseFirstStop || el;
  window.courseStop = el;
  const uncovered = r => [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]]
    .map(([fx, fy]) => [r.left + fx * r.width, r.top + fy * r.height])
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight)
    .some(([x, y]) => { const hit = document.elementFromPoint(x, y);
      return hit && (el.contains(hit) || hit.contains(el)); });
  let r = el.getBoundingClientRect(), visible = uncovered(r);
  // Covered at once: look again over up to 60 animation frames (about 1 s), for a page that a busy
  // machine has not finished laying out after the focus moved (seen once: a header button at 320 px).
  for (let frame = 0; !visible && frame < 60; frame++) {
    await new Promise(done => requestAnimationFrame(() => done()));
    r = el.getBoundingClientRect();
    visible = uncovered(r);
  }
  const label = el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent || '';
  // What decides how its focus is drawn: the element and its classes, its focused styles, and the
  // colour behind it (the first ancestor with a background).
  const cs = getComputedStyle(el);
  let behind = 'none';
  for (let a = el.parentElement; a; a = a.parentElement) {
    const bg = getComputedStyle(a).backgroundColor;
    if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') { behind = bg; break; }
  }
  const look = [el.tagName, typeof el.className === 'string' ? el.className.trim() : '', cs.outline,
    cs.outlineOffset, cs.boxShadow, cs.backgroundColor, cs.borderColor, cs.borderWidth, cs.color,
    cs.textDecoration, behind].join(' | ');
  return {what: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
            ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '') + ' "'
            + label.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"',
          x: r.left, y: r.top, w: r.width, h: r.height, pageX: scrollX, pageY: scrollY, visible, again,
          formula: !!el.closest('mjx-container'), scrollBox: el.dataset.courseScrollBox === '1', look};
}"""
)
# Take the focus away from the stop and give it back, each time once the page has restyled.
BLUR_JS = "async () => { window.courseStop.blur(); " + FINISH_ANIMATIONS_JS + " }"
REFOCUS_JS = "async () => { window.courseStop.focus({focusVisible: true}); " + FINISH_ANIMATIONS_JS + " }"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, site):
    with chromium(tmp_path_factory.mktemp("chromium-profile-phone"), 320, 700) as context:
        yield context


def open_page(browser, site: Path, name: str, width: int, height: int = 700):
    """The page at that viewport size, loaded from disk with the network blocked, and settled."""
    page, blocked, errors = offline_page(browser)
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.goto((site / name).as_uri())
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=60_000)
        # Widget snapshots draw their images late; scroll each into view so it loads, then settle.
        images = page.locator(FIGURE_SELECTOR)
        for i in range(images.count()):
            images.nth(i).scroll_into_view_if_needed()
        settle(page, ".bd-content")
        page.evaluate("() => window.scrollTo(0, 0)")
        settle(page, ".bd-content")
        assert not blocked and not errors, (blocked, errors)
    except BaseException:
        page.close()
        raise
    return page


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_at_phone_width(name: str, width: int, site: Path, browser, artifacts: Path) -> None:
    page = open_page(browser, site, name, width)
    try:
        shots = artifacts / "site-phone"
        shots.mkdir(parents=True, exist_ok=True)
        if width == 320:
            page.screenshot(path=str(shots / name.replace(".html", ".png")))
        viewport = page.evaluate("() => document.documentElement.clientWidth")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= viewport, f"{name} at {width} px scrolls sideways: {scroll_width} px wide"

        problems = []
        for box in page.evaluate(SCROLL_BOXES_JS):
            if box["overflow"] not in ("auto", "scroll"):
                problems.append(f"{box['what']}: cut off (overflow {box['overflow']})")
            if "gradient" not in box["cue"]:
                problems.append(f"{box['what']}: no cue that it scrolls")
            if box["tabindex"] != "0" or not box["name"].strip():
                problems.append(f"{box['what']}: no named Tab stop (tabindex {box['tabindex']!r})")
            if box["right"] > viewport + 1:
                problems.append(f"{box['what']}: box ends at {box['right']:.0f} px, off the screen")
        assert not problems, f"{name} at {width} px:\n" + "\n".join(problems)

        for table in page.evaluate(TABLES_JS):
            where = f"{name} at {width} px, table {table['text']!r}"
            assert table["gap"] >= MIN_CELL_GAP_PX, f"{where}: cells {table['gap']:.1f} px apart"
            assert table["left"] >= 0 and table["right"] <= viewport + 1, f"{where}: off the screen"
            assert not table["hits"], f"{where}: covers controls {table['hits']}"
        cut = page.evaluate(CUT_CONTROLS_JS)
        assert not cut, f"{name} at {width} px: controls cut off by their panel: {cut}"

        figures = page.locator(FIGURE_SELECTOR)
        for figure in page.evaluate(SHRUNK_FIGURES_JS):
            size = f"{figure['shown']:.0f} of {figure['natural']} px"
            where = f"{name} at {width} px, figure {figure['i']} ({size})"
            assert figure["role"] == "button" and figure["tabindex"] == "0", f"{where}: cannot be opened"
            figures.nth(figure["i"]).focus()
            page.keyboard.press("Enter")
            page.wait_for_function(
                "() => { const i = document.querySelector('dialog[open] img'); return i && i.complete; }"
            )
            shown = page.evaluate(OPEN_DIALOG_JS)
            assert shown["src"] == figure["src"], f"{where}: another image opened"
            assert shown["shown"] >= figure["natural"] - 1, f"{where}: opened at {shown['shown']:.0f} px"
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.querySelector('dialog[open]')")
            back = figures.nth(figure["i"]).evaluate("(img) => document.activeElement === img")
            assert back, f"{where}: Escape did not return the focus to the figure"
    finally:
        page.close()


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def _screenshot(cdp, clip: dict) -> np.ndarray:
    """The pixels of ``clip`` (page coordinates) as drawn now, straight from Chromium's compositor
    (DevTools' ``Page.captureScreenshot``: a third of the time of playwright's screenshot, which
    also re-styles the page to stop animations and hide the caret; here the caret is hidden once
    per page and every focus change waits for its animations to finish)."""
    shot = cdp.send("Page.captureScreenshot", {"format": "png", "clip": {**clip, "scale": 1}})
    return _pixels(base64.b64decode(shot["data"]))


def walk_tab_stops(page, cdp, width: int, height: int) -> tuple[list, list, list, set]:
    """Press Tab round the page once: (the stops, those whose focus does not show, those covered
    or off the viewport, the looks whose focus the pixels showed)."""
    stops, invisible, hidden = [], [], []
    shown_focus = set()
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_JS)
        if active is None:
            continue
        if active["again"]:
            break  # round the page once
        stops.append(active)
        if active["w"] < 1 or active["h"] < 1:
            invisible.append(f"{active['what']}: no box")
            continue
        if not active["visible"]:
            hidden.append(active["what"])
        margin = 6
        x, y = max(active["x"] - margin, 0), max(active["y"] - margin, 0)
        clip = {
            "x": active["pageX"] + x,
            "y": active["pageY"] + y,
            "width": min(active["w"] + 2 * margin, width - x),
            "height": min(active["h"] + 2 * margin, height - y),
        }
        if clip["width"] < 1 or clip["height"] < 1:
            hidden.append(f"{active['what']}: outside the viewport")
            continue
        if active["look"] in shown_focus:
            continue  # drawn the same as a stop whose focus the pixels showed: the same ring
        focused = _screenshot(cdp, clip)
        page.evaluate(BLUR_JS)
        unfocused = _screenshot(cdp, clip)
        page.evaluate(REFOCUS_JS)
        changed = int((np.abs(focused - unfocused).max(axis=2) > 40).sum())
        ring = 2 * (active["w"] + active["h"])  # a 1 px line around the element
        if changed < ring:
            invisible.append(f"{active['what']}: {changed} px change, a 1 px ring is {ring:.0f}")
        else:
            shown_focus.add(active["look"])
    return stops, invisible, hidden, shown_focus


def open_for_tab_walk(browser, site: Path, name: str, width: int, height: int):
    """The page, settled, with the text caret hidden (it blinks), and a DevTools session on it."""
    page = open_page(browser, site, name, width, height)
    page.add_style_tag(content="* { caret-color: transparent !important; }")
    return page, browser.new_cdp_session(page)


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("name", PAGES)
def test_every_tab_stop_shows_focus(name: str, width: int, site: Path, browser, artifacts: Path) -> None:
    height = 800
    page, cdp = open_for_tab_walk(browser, site, name, width, height)
    try:
        stops, invisible, hidden, shown_focus = walk_tab_stops(page, cdp, width, height)
        formulas = [s for s in stops if s["formula"]]
        out = artifacts / "site-keyboard"
        out.mkdir(parents=True, exist_ok=True)
        summary = {
            "tab_stops": len(stops),
            "formula_tab_stops": len(formulas),
            "looks_compared_in_pixels": len(shown_focus),
        }
        (out / f"{name.replace('.html', '')}-{width}.json").write_text(
            json.dumps({**summary, "stops": stops}, indent=1), encoding="utf-8"
        )
        assert len(stops) < MAX_TAB_STOPS, f"{name} at {width} px: Tab never came back to the first stop"
        assert not invisible, f"{name} at {width} px: focus not visible on:\n" + "\n".join(invisible)
        assert not hidden, f"{name} at {width} px: focused but covered:\n" + "\n".join(hidden)
        not_scrolling = [s["what"] for s in formulas if not s["scrollBox"]]
        assert not not_scrolling, (
            f"{name} at {width} px: {len(not_scrolling)} formulas are Tab stops ({summary})"
        )
    finally:
        page.close()


def test_a_focus_that_does_not_show_is_reported_on_every_stop(site: Path, browser) -> None:
    """With no outline and no shadow, the navigation links' focus shows nowhere: the walk reports
    every one of them (a look whose pixels failed stands for no other stop). The skip link, which
    slides into view, and the search button, which changes colour, still show theirs."""
    page, cdp = open_for_tab_walk(browser, site, "intro.html", 1280, 800)
    try:
        page.add_style_tag(
            content="*, *:focus, *:focus-visible { outline: none !important; box-shadow: none !important;"
            " transition: none !important; }"
        )
        stops, invisible, _, shown_focus = walk_tab_stops(page, cdp, 1280, 800)
        links = [s["what"] for s in stops if s["what"].startswith("a.reference.internal ")]
        reported = [line for line in invisible if line.startswith("a.reference.internal ")]
        assert len(links) >= 6 and len(reported) == len(links), (links, invisible)
        assert not any(look.startswith("A | reference internal") for look in shown_focus), shown_focus
    finally:
        page.close()

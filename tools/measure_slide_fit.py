#!/usr/bin/env python3
"""Step through every slide and fragment of exported decks at 1280x720; report what does not fit.

    .venv/bin/python tools/export_slides.py --offline
    .venv/bin/python tools/measure_slide_fit.py build/slides/*.slides.html

Opens each deck from disk in headless Chromium (network blocked) at a projector's 1280x720 and, at
every slide state (each fragment shown in turn), reports: content below the bottom edge
("below", by how many pixels), a slide taller than the screen that needs scrolling ("scrolls"),
a code or output block wider than its box ("pre-wide", with the longest line), and a figure drawn
smaller than its natural size so far that its text falls under 12 px ("img-small-text", see
``FIGURE_TEXT_PT``). Exit status 1 when any state does not fit.
The same checks for presenting live in JupyterLab: tools/measure_live_fit.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from chromium import browser  # noqa: E402
from settle import MAX_FRAMES, SETTLE_JS, STABLE_FRAMES  # noqa: E402

SCREEN = {"width": 1280, "height": 720}  # a lecture-hall projector
# A figure's text at its natural size is taken as matplotlib's default 10 pt drawn at the PNG's own
# resolution (its pHYs chunk: 100 dpi -> 13.9 px, 72 dpi -> 10 px; 100 dpi when the PNG does not
# say). A figure drawn smaller than its natural width scales that text down; below MIN_TEXT_PX it is
# too small to read from the back of a lecture hall.
FIGURE_TEXT_PT = 10.0
MIN_TEXT_PX = 12.0

# The checks shared by the exported and the live measurement. ``root`` is the slide (or the part of
# the page the slide occupies); ``shown(el)`` says whether an element is on the current slide state;
# ``scroller`` is the element that scrolls when the slide is too tall. Returns a list of problems.
CHECKS_JS = """
async function pngDpi(img) {
  try {
    const bytes = new Uint8Array(await (await fetch(img.currentSrc || img.src)).arrayBuffer());
    for (let i = 8; i + 21 < bytes.length && i < 4096; ) {
      const len = (bytes[i] << 24 | bytes[i + 1] << 16 | bytes[i + 2] << 8 | bytes[i + 3]) >>> 0;
      const type = String.fromCharCode(bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]);
      if (type === 'pHYs' && bytes[i + 16] === 1) {
        const ppm = (bytes[i + 8] << 24 | bytes[i + 9] << 16 | bytes[i + 10] << 8 | bytes[i + 11]) >>> 0;
        return ppm * 0.0254;
      }
      if (type === 'IDAT') break;
      i += 12 + len;
    }
  } catch (e) { /* not a PNG we can read: the default below */ }
  return 100;
}
async function fitProblems(root, shown, scroller, textPt, minTextPx) {
  const out = [];
  const H = window.innerHeight, W = window.innerWidth;
  for (const el of root.querySelectorAll('.jp-Cell, p, li, pre, img, table, .jupyter-widgets, .cm-line')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.top < -1) {
      out.push(['above', Math.round(-r.top), (el.textContent || el.alt || '').trim().slice(0, 50)]);
      break;
    }
    if (r.height > 0 && r.bottom > H + 1) {
      out.push(['below', Math.round(r.bottom - H), (el.textContent || el.alt || '').trim().slice(0, 50)]);
      break;
    }
  }
  if (scroller && scroller.scrollHeight > scroller.clientHeight + 2) {  // content taller than the screen
    const oy = getComputedStyle(scroller).overflowY;
    const extra = scroller.scrollHeight - scroller.clientHeight;
    if (oy === 'scroll' || oy === 'auto') out.push(['scrolls', extra]);
  }
  for (const pre of root.querySelectorAll('pre, .cm-scroller')) {
    if (!shown(pre)) continue;
    if (pre.scrollWidth > pre.clientWidth + 1) {
      const longest = pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '');
      out.push(['pre-wide', pre.scrollWidth - pre.clientWidth, longest.slice(0, 120)]);
    }
  }
  for (const img of root.querySelectorAll('img')) {
    if (!shown(img) || !img.naturalWidth) continue;
    const ratio = img.getBoundingClientRect().width / img.naturalWidth;
    if (ratio >= 0.99) continue;
    const textPx = textPt * (await pngDpi(img)) / 72 * ratio;
    if (textPx < minTextPx) {
      const size = Math.round(100 * ratio) + '% of natural size';
      out.push(['img-small-text', size + ', text ~' + textPx.toFixed(1) + ' px']);
    }
  }
  return out;
}
"""

# One slide state, in one call: wait for it to settle (tools/settle.py), then its indices, the
# checks' problems, and whether it is the deck's last state. Returns null when it never settles.
MEASURE_JS = (
    "async ([stableFrames, maxFrames, textPt, minTextPx]) => {"
    + CHECKS_JS
    + f"const settle = {SETTLE_JS};"
    + """
  if (!await settle(['.reveal .slides section.present', stableFrames, maxFrames])) return null;
  const i = Reveal.getIndices();
  const sec = Reveal.getCurrentSlide();
  const shown = el => {
    const st = getComputedStyle(el);
    return st.visibility !== 'hidden' && st.display !== 'none' && !el.closest('.fragment:not(.visible)');
  };
  const scroller = getComputedStyle(sec).overflowY === 'scroll' ? sec : null;
  return {state: [i.h, i.v, i.f ?? -1], problems: await fitProblems(sec, shown, scroller, textPt, minTextPx),
          last: Reveal.isLastSlide() && !Reveal.availableFragments().next};
}"""
)
# Fragments fade in over 0.2 s: measured without the fade, which moves nothing (opacity only), so
# that a state settles as soon as its layout and MathJax have.
NO_FADE_CSS = ".reveal .slides section, .reveal .slides section * { transition: none !important; }"


def open_deck(deck: Path, browser):
    """A page showing ``deck`` at 1280x720 with the network blocked, typeset and laid out."""
    page = browser.new_page(viewport=SCREEN)
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:")) else r.abort(),
    )
    page.goto(deck.resolve().as_uri())
    page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=60_000)
    page.evaluate(
        "() => new Promise(done => require(['vendor/reveal.js/dist/reveal.js'], R => {"
        " window.Reveal = R; R.configure({transition: 'none'}); R.slide(0, 0, -1); done(); }))"
    )
    page.add_style_tag(content=NO_FADE_CSS)
    return page


def measure(deck: Path, browser) -> tuple[int, list[tuple]]:
    """(number of slide states, [((h, v, f), problems) for each state that does not fit])."""
    page = open_deck(deck, browser)
    seen, bad = set(), []
    while True:
        step = page.evaluate(MEASURE_JS, [STABLE_FRAMES, MAX_FRAMES, FIGURE_TEXT_PT, MIN_TEXT_PX])
        if step is None:
            raise TimeoutError(f"{deck.name}: a slide did not settle within {MAX_FRAMES} animation frames")
        state = tuple(step["state"])
        if state in seen:
            break
        seen.add(state)
        if step["problems"]:
            bad.append((state, step["problems"]))
        if step["last"]:
            break
        page.evaluate("() => Reveal.next()")
    page.close()
    return len(seen), bad


def measure_decks(decks: list[Path]) -> dict[str, tuple[int, list[tuple]]]:
    """{deck file name: (slide states, failing states)} for every deck, in one headless Chromium."""
    results = {}
    with browser() as chromium:
        for deck in decks:
            results[deck.name] = measure(deck, chromium)
    return results


def report(results: dict[str, tuple[int, list[tuple]]], what: str = "slide states") -> str:
    """One line per failing state, a count per deck, and the total."""
    lines, total, failing = [], 0, 0
    for name, (states, bad) in results.items():
        total, failing = total + states, failing + len(bad)
        for state, problems in bad:
            lines.append(f"{name} {state}: {problems}")
        lines.append(f"{name}: {len(bad)} of {states} {what} do not fit")
    lines.append(f"{failing} of {total} {what} do not fit {SCREEN['width']}x{SCREEN['height']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("decks", nargs="+", type=Path, help="exported .slides.html files")
    args = parser.parse_args(argv)
    results = measure_decks(args.decks)
    print(report(results))
    return 1 if any(bad for _, bad in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Step through every slide and fragment of exported decks at 1280x720; report what does not fit.

    .venv/bin/python tools/export_slides.py --offline
    .venv/bin/python tools/measure_slide_fit.py build/slides/*.slides.html

Opens each deck from disk in headless Chromium (network blocked) at a projector's 1280x720 and, at
every slide state (each fragment shown in turn), reports: content below the bottom edge
("below", by how many pixels), a slide taller than the screen that needs scrolling ("scrolls"),
a code or output block wider than its box ("pre-wide", with the longest line), and an image drawn
smaller than its natural size ("img-shrunk"). Exit status 1 when any state does not fit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browser_env import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

MEASURE_JS = """() => {
  const sec = Reveal.getCurrentSlide();
  const out = [];
  const hidden = el => el.closest('.fragment:not(.visible)');
  for (const el of sec.querySelectorAll('.jp-Cell, p, li, pre, img, table, .jupyter-widgets')) {
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none' || hidden(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.bottom > window.innerHeight + 1) {
      const text = (el.textContent || '').trim().slice(0, 50);
      out.push(['below', Math.round(r.bottom - window.innerHeight), text]);
      break;
    }
  }
  if (sec.scrollHeight > sec.clientHeight + 2 && getComputedStyle(sec).overflowY === 'scroll') {
    out.push(['scrolls', sec.scrollHeight - sec.clientHeight]);
  }
  for (const pre of sec.querySelectorAll('pre')) {
    if (!hidden(pre) && pre.scrollWidth > pre.clientWidth + 1) {
      const longest = pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '');
      out.push(['pre-wide', pre.scrollWidth - pre.clientWidth, longest]);
    }
  }
  for (const img of sec.querySelectorAll('img')) {
    if (hidden(img) || !img.naturalWidth) continue;
    const w = img.getBoundingClientRect().width;
    if (w < 0.95 * img.naturalWidth) out.push(['img-shrunk', Math.round(100 * w / img.naturalWidth) + '%']);
  }
  return out;
}"""


def measure(deck: Path, browser) -> tuple[int, list[tuple]]:
    """(number of slide states, [(h, v, f), problems] for each state that does not fit)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
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
    seen, bad = set(), []
    while True:
        page.wait_for_timeout(100)
        state = tuple(page.evaluate("() => { const i = Reveal.getIndices(); return [i.h, i.v, i.f ?? -1]; }"))
        if state in seen:
            break
        seen.add(state)
        problems = page.evaluate(MEASURE_JS)
        if problems:
            bad.append((state, problems))
        if page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            break
        page.evaluate("() => Reveal.next()")
    page.close()
    return len(seen), bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("decks", nargs="+", type=Path, help="exported .slides.html files")
    args = parser.parse_args(argv)
    total = failing = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for deck in args.decks:
            states, bad = measure(deck, browser)
            total, failing = total + states, failing + len(bad)
            for state, problems in bad:
                print(f"{deck.name} {state}: {problems}")
        browser.close()
    print(f"{failing} of {total} slide states do not fit 1280x720")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Present every notebook live in JupyterLab (jupyterlab-slideshow) at 1280x720; report what does not fit.

    .venv/bin/python tools/measure_live_fit.py                      # every notebook in notebooks/
    .venv/bin/python tools/measure_live_fit.py notebooks/03_*.ipynb # some of them (e.g. a draft)

Starts a private JupyterLab (a copy of the notebooks in a temporary folder, the course's presenting
settings from binder/overrides.json, nothing of yours read or written), opens each notebook in
headless Chromium at a projector's 1280x720, selects its first cell, starts the deck (the toolbar's
deck button, like "Start Deck") and steps with the deck's own next-fragment/next-slide buttons to
the end. At every step it applies the checks of tools/measure_slide_fit.py to the cells on the
slide: content below the bottom edge ("below"), a slide that needs scrolling ("scrolls"), a code
block or printed output wider than its box ("pre-wide"), and a figure drawn so small that its text
is under 12 px ("img-small-text"). Stored outputs are shown as saved (widgets from their saved
state); ``--run`` runs every cell first, as an instructor would. Exit status 1 when a step does not fit.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure_slide_fit  # noqa: E402
from chromium import chromium  # noqa: E402
from lab_server import serve  # noqa: E402
from measure_slide_fit import CHECKS_JS, FIGURE_TEXT_PT, MIN_TEXT_PX, ROOT, SCREEN  # noqa: E402
from settle import MAX_FRAMES, SETTLE_JS, STABLE_FRAMES  # noqa: E402

# One step, in one call: wait for the cells on the slide to settle (the deck fades cells in for
# 0.1 s and MathJax typesets them: tools/settle.py), then the active cell, the cells on screen and
# the checks' problems. Returns null when the slide never settles.
MEASURE_LIVE_JS = (
    "async ([stableFrames, maxFrames, textPt, minTextPx]) => {"
    + CHECKS_JS
    + f"const settle = {SETTLE_JS};"
    + """
  if (!await settle(['.jp-Deck .jp-Notebook .jp-Cell.jp-deck-mod-onscreen', stableFrames, maxFrames])) {
    return null;
  }
  const notebook = document.querySelector('.jp-Deck .jp-Notebook');
  const cells = [...notebook.querySelectorAll('.jp-Cell')];
  const shown = el => {
    const cell = el.closest('.jp-Cell');
    const on = c => ['jp-deck-mod-onscreen', 'jp-deck-mod-visible'].every(k => c.classList.contains(k));
    if (!cell || !on(cell)) return false;
    const st = getComputedStyle(el);
    return st.visibility !== 'hidden' && st.display !== 'none';
  };
  // JupyterLab 4 scrolls the notebook in its windowed panel's outer box, older versions in the notebook.
  const outer = notebook.querySelector('.jp-WindowedPanel-outer');
  const scroller = outer && outer.scrollHeight > outer.clientHeight ? outer : notebook;
  return {
    active: cells.findIndex(c => c.classList.contains('jp-mod-active')),
    onscreen: cells.flatMap((c, i) => c.classList.contains('jp-deck-mod-onscreen') ? [i] : []),
    problems: await fitProblems(notebook, shown, scroller, textPt, minTextPx),
  };
}"""
)
# One step forward with the deck's own buttons (next fragment or subslide, else next slide), then
# wait up to ``timeoutMs`` for another cell to become active. False when both buttons are disabled.
GO_JS = """async (timeoutMs) => {
  const active = () => [...document.querySelectorAll('.jp-Deck .jp-Cell')]
    .findIndex(c => c.classList.contains('jp-mod-active'));
  const before = active();
  const button = ['down', 'forward']
    .map(d => document.querySelector(`.jp-Deck-Remote .jp-deck-mod-direction-${d}`))
    .find(b => b && !b.classList.contains('jp-mod-disabled'));
  if (!button) return false;
  button.click();
  const until = performance.now() + timeoutMs;
  while (active() === before && performance.now() < until) {
    await new Promise(done => requestAnimationFrame(() => done()));
  }
  return true;
}"""


def slide_labels(notebook: Path) -> list[str]:
    """For every cell, where it is in the deck: "slide 3.1 fragment 2" (reveal.js's h.v, from 0)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    labels, h, v, f, started = [], 0, 0, -1, False
    for cell in cells:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if kind not in ("skip", "notes"):
            if not started:
                started = True
            elif kind == "slide":
                h, v, f = h + 1, 0, -1
            elif kind == "subslide":
                v, f = v + 1, -1
            elif kind == "fragment":
                f += 1
        labels.append(f"slide {h}.{v}" + (f" fragment {f}" if f >= 0 else ""))
    return labels


def run_all(page, timeout_s: float = 300) -> None:
    """Restart the kernel and run every cell (what an instructor does before presenting)."""
    page.locator(".jp-NotebookPanel [data-command='notebook:restart-run-all']").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function(
        """() => { const p = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
              .map(e => e.textContent.trim());
              return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t)); }""",
        timeout=timeout_s * 1000,
        polling=500,
    )


def measure_notebook(
    context, url: str, notebook: Path, run: bool = False, shots: Path | None = None
) -> tuple[int, list]:
    """Open ``notebook`` at ``url`` in a new page of ``context``, run it first if ``run``, and
    present it (:func:`present`). Returns what :func:`present` returns."""
    page = context.new_page()
    page.set_viewport_size(SCREEN)
    try:
        page.goto(url)
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=90_000)
        if run:
            run_all(page)
        return present(page, notebook, shots)
    finally:
        page.close()


def present(page, notebook: Path, shots: Path | None = None) -> tuple[int, list]:
    """Present ``notebook``, open in ``page`` as it is (run or not), at SCREEN from its first cell
    to its end; the page's viewport is put back afterwards.

    Returns (number of steps, [(label, problems) for every step that does not fit]).
    """
    labels = slide_labels(notebook)
    viewport = page.viewport_size
    page.set_viewport_size(SCREEN)
    try:
        page.wait_for_selector(".jp-NotebookPanel [data-command='deck:toggle']", timeout=30_000)
        # The deck starts at the active cell: make it the first one (cells re-render while the
        # notebook settles, so retry).
        for attempt in range(20):
            try:
                first = page.locator(".jp-NotebookPanel .jp-Cell").first
                first.scroll_into_view_if_needed(timeout=2_000)
                first.click(position={"x": 2, "y": 2}, timeout=2_000)
                page.keyboard.press("Escape")
                break
            except Exception:
                if attempt == 19:
                    raise
                page.wait_for_timeout(500)
        page.locator(".jp-NotebookPanel [data-command='deck:toggle']").first.click()
        page.locator(".jp-Deck-Remote").first.wait_for(timeout=15_000)
        steps, bad, seen = 0, [], set()
        while True:
            state = page.evaluate(MEASURE_LIVE_JS, [STABLE_FRAMES, MAX_FRAMES, FIGURE_TEXT_PT, MIN_TEXT_PX])
            if state is None:
                raise TimeoutError(f"{notebook.name}: a slide did not settle within {MAX_FRAMES} frames")
            key = (state["active"], tuple(state["onscreen"]))
            if key in seen:
                break
            seen.add(key)
            steps += 1
            label = labels[state["active"]] if 0 <= state["active"] < len(labels) else "?"
            label = f"{label} (cell {state['active']})"
            if state["problems"]:
                bad.append((label, state["problems"]))
                if shots is not None:
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shots / f"{notebook.stem}-cell{state['active']:03d}.png"))
            if not page.evaluate(GO_JS, 5_000):
                break
        stop = page.locator(".jp-deck-mod-stop").first
        if stop.count():
            stop.click()
        return steps, bad
    finally:
        page.set_viewport_size(viewport)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--run", action="store_true", help="restart the kernel and run all cells first")
    parser.add_argument("--shots", type=Path, help="save a screenshot of every step that does not fit here")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    results = {}
    with tempfile.TemporaryDirectory(prefix="measure-live-") as tmp:
        with (
            serve(notebooks, Path(tmp) / "lab") as server,
            chromium(Path(tmp) / "profile", **SCREEN) as context,
        ):
            for notebook in notebooks:
                started = time.monotonic()
                url = server.notebook_url(f"notebooks/{notebook.name}")
                results[notebook.name] = measure_notebook(context, url, notebook, args.run, args.shots)
                print(f"{notebook.name}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(measure_slide_fit.report(results, "presenting steps"))
    return 1 if any(bad for _, bad in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

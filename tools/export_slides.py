#!/usr/bin/env python3
"""Export every notebook to a reveal.js slide deck, for presenting from a browser.

    .venv/bin/python tools/export_slides.py             # decks need the internet (CDNs)
    .venv/bin/python tools/export_slides.py --offline   # decks work with no network at all

Writes ``build/slides/<notebook>.slides.html`` for every ``notebooks/*.ipynb`` (``build/`` is
git-ignored). This is ``jupyter nbconvert --to slides`` with scrolling on, so a long code cell
scrolls inside its slide instead of being cut off. Cells tagged ``skip`` in their slideshow
metadata are left out and ``notes`` cells become speaker notes (press ``s`` in the deck).

By default the deck loads reveal.js, require.js, jQuery, MathJax and the widget renderer from
CDNs, like nbconvert does, so it needs a network when it is opened. ``--offline`` instead copies
those libraries, at pinned versions, from the npm registry into ``build/slides/vendor/`` and
``build/slides/@jupyter-widgets/`` (needs ``npm`` once; later runs reuse the copy) and points the
decks at them: copy the whole ``build/slides/`` folder to the lecture-hall machine and open a deck
with any browser, no network.
Widgets appear as the stored snapshot of their last state (a deck has no kernel to move them);
present live in JupyterLab for working sliders.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other tools, also when loaded by path
import npm_vendor  # noqa: E402
from course_notebooks import teaching_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "slides"

# Pinned so an offline deck is the same everywhere: npm package -> folder next to the decks.
# reveal.js 4.0.2 and MathJax 2 are what nbconvert's reveal template is written for (it calls
# MathJax.Hub, a MathJax 2 API); html-manager 1.x renders ipywidgets 8 state, and its stylesheets
# look for its icon fonts under "@jupyter-widgets/html-manager/dist/" and "@jupyter-widgets/"
# next to the page.
VENDOR = {
    "reveal.js@4.0.2": "vendor/reveal.js",
    "requirejs@2.3.8": "vendor/requirejs",
    "jquery@3.8.0": "vendor/jquery",
    "mathjax@2.7.9": "vendor/mathjax",
    "@jupyter-widgets/html-manager@1.0.7": "@jupyter-widgets/html-manager",
}
# The explorers' control panel is an anywidget; its wheel ships an AMD module (for the classic
# notebook) that require.js loads as "anywidget" from next to the deck.
ANYWIDGET_AMD = Path(sys.prefix) / "share" / "jupyter" / "nbextensions" / "anywidget" / "index.js"
# nbconvert's template imports mermaid as an ES module; no notebook here draws a mermaid diagram,
# so an offline deck gets a do-nothing module instead of a request to a CDN.
MERMAID_STUB = "data:text/javascript,export default {initialize() {}};"


# What nbconvert's reveal template gets wrong on a 1280 x 720 slide, put right in every deck:
# - code and printed output at 16 px (the template's 19 px pushed lines of about 100 characters past
#   the right edge; text stays at 20 px);
# - printed output wraps at spaces (JupyterLab's "word-break: break-all" cut words in two,
#   "NotImplementedEr / ror") and uses the whole width of its box (the template gives it 90 %);
# - tables size their columns to their content: JupyterLab's "table-layout: fixed", and MathJax's
#   line-breaking formulas set to "width: 100%" inside a cell, made one column as wide as the slide
#   and squeezed the others to one word per line.
DECK_STYLE = """<style>
.reveal .slides pre { font-size: 16px !important; line-height: 1.3 !important; }
.reveal .jp-OutputArea-output pre { word-break: normal; overflow-wrap: normal; white-space: pre-wrap; }
.reveal div.jp-OutputArea-output > pre { width: 100%; }
.reveal table { table-layout: auto; }
.reveal table .mjx-chtml.mjx-full-width { display: inline-block !important; width: auto !important; }
.reveal table .mjx-full-width :is(.mjx-math, .mjx-mrow, .mjx-stack) { width: auto !important; }
</style>
"""

# reveal.js centres each slide (and the template decides which slides scroll) from the heights it
# measures when it lays the deck out, which is before MathJax has typeset the formulas; typesetting
# then changes the heights, and a slide centred for its old height ends below the screen. This lays
# the deck out again, and decides again which slides scroll, whenever MathJax finishes typesetting
# or re-rendering (MathJax posts an "End ..." message), and after every slide change.
RELAYOUT_SCRIPT = """<script>
require(["{reveal}/dist/reveal.js"], function (Reveal) {{
  var pending = false;
  function relayout() {{
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {{
      pending = false;
      if (!Reveal.isReady()) return;
      Reveal.layout();
      if ({scroll}) {{
        var limit = document.querySelector(".reveal").clientHeight * 0.95;
        document.querySelectorAll(".reveal .slides > section.present > section").forEach(function (s) {{
          if (s.style.overflowY !== "scroll" && s.scrollHeight > limit) {{
            s.style.height = "calc(95vh)";
            s.style.overflowY = "scroll";
            s.style.marginTop = "20px";
          }}
        }});
      }}
    }});
  }}
  function watchMathJax() {{
    if (!(window.MathJax && MathJax.Hub && MathJax.Hub.signal)) return setTimeout(watchMathJax, 50);
    MathJax.Hub.signal.Interest(function (message) {{
      if (typeof message[0] === "string" && message[0].indexOf("End") === 0) relayout();
    }});
    MathJax.Hub.Queue(relayout);
  }}
  Reveal.on("ready", relayout);
  Reveal.on("slidechanged", relayout);
  watchMathJax();
}});
</script>
"""


def notebooks() -> list[Path]:
    """Every teaching notebook, in teaching order (one deck each)."""
    return teaching_notebooks()


def deck_path(notebook: Path, out: Path = OUT) -> Path:
    """Where the deck of ``notebook`` is written."""
    return out / f"{notebook.stem}.slides.html"


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def vendor(out: Path) -> None:
    """Copy the pinned JavaScript libraries next to the decks in ``out`` (skipped when already there)."""
    npm_vendor.fetch(VENDOR, out, stamp_name="vendor/versions.json")
    # Part of html-manager's CSS asks for its icon fonts one level up, "@jupyter-widgets/<hash>.woff2".
    dist = out / "@jupyter-widgets" / "html-manager" / "dist"
    for font in (*dist.glob("*.woff2"), *dist.glob("*.woff"), *dist.glob("*.ttf"), *dist.glob("*.eot")):
        shutil.copy(font, out / "@jupyter-widgets" / font.name)
    # html-manager asks require.js for "anywidget" (anywidget.js here) before it tries a CDN.
    shutil.copy(ANYWIDGET_AMD, out / "anywidget.js")


def exporter(offline: bool) -> SlidesExporter:
    """nbconvert's slides exporter with scrolling on; with ``offline`` it uses ``vendor/`` copies."""
    c = Config()
    c.SlidesExporter.reveal_scroll = True
    # The slide is the projector: 1280 x 720 logical pixels (nbconvert draws 960 x 700 and scales it up).
    c.SlidesExporter.reveal_width = "1280"
    c.SlidesExporter.reveal_height = "720"
    # reveal.js's own theme with its fonts bundled (nbconvert's default "simple" loads Google Fonts).
    c.SlidesExporter.reveal_theme = "white"
    extra = {}
    if offline:
        # Relative to the deck, so the folder can be copied anywhere and opened from disk.
        c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
        c.SlidesExporter.require_js_url = "vendor/requirejs/require.js"
        c.SlidesExporter.jquery_url = "vendor/jquery/dist/jquery.min.js"
        c.SlidesExporter.mathjax_url = "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
        c.SlidesExporter.widget_renderer_url = "@jupyter-widgets/html-manager/dist/embed-amd.js"
        extra["mermaid_js_url"] = MERMAID_STUB  # not a configurable trait in nbconvert 7.17
    return SlidesExporter(config=c, **extra)


def relayout_script(slides: SlidesExporter) -> str:
    """The script that lays the deck out again after MathJax (see RELAYOUT_SCRIPT) for this exporter."""
    reveal = slides.reveal_url_prefix or "https://unpkg.com/reveal.js@4.0.2"  # the template's default
    return RELAYOUT_SCRIPT.format(reveal=reveal, scroll="true" if slides.reveal_scroll else "false")


def _insert_before_last(text: str, marker: str, insert: str) -> str:
    at = text.rindex(marker)
    return text[:at] + insert + text[at:]


# Names the widget snapshots' controls and gives an explorer's picture its description as alt text
# (the website loads the same file): the widget renderer draws them without.
WIDGET_A11Y = Path(__file__).resolve().parent / "widget_a11y.js"
WIDGET_A11Y_SCRIPT = f"<script>\n{WIDGET_A11Y.read_text(encoding='utf-8')}</script>\n"


def export(paths: list[Path], out: Path = OUT, offline: bool = False) -> list[Path]:
    """Write one deck per notebook into ``out``; return the deck paths."""
    out.mkdir(parents=True, exist_ok=True)
    if offline:
        vendor(out)
    slides = exporter(offline)
    decks = []
    for path in paths:
        body, _ = slides.from_notebook_node(
            nbformat.read(path, as_version=4), resources={"metadata": {"name": path.stem}}
        )
        deck = deck_path(path, out)
        body = body.replace("</head>", DECK_STYLE + WIDGET_A11Y_SCRIPT + "</head>", 1)
        body = _insert_before_last(body, "</html>", relayout_script(slides))
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
        print(f"{_show(path)} -> {_show(deck)}")
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to export (default: all)")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="copy reveal.js, MathJax etc. next to the decks so they open with no network",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help=f"output folder (default: {OUT.relative_to(ROOT)})"
    )
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebooks()
    if not paths:
        print(f"no notebooks in {NOTEBOOKS}", file=sys.stderr)
        return 1
    export(paths, args.out.resolve(), args.offline)
    return 0


if __name__ == "__main__":
    sys.exit(main())

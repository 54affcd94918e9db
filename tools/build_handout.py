#!/usr/bin/env python3
"""Build the printable handout from the student edition, into ``build/handout/``.

    .venv/bin/python tools/build_handout.py              # or: python3 run.py build

One PDF per notebook of the student edition (``01_softmax_and_cross_entropy.pdf``, ...) and one
for the whole module (``module.pdf``), A4, numbered pages. Made for paper:

- formulas are typeset by MathJax 3, copied at the website's pinned version from the npm registry
  (``tools/build_site.py`` and ``tools/npm_vendor.py``: npm is needed once); nothing is loaded
  from the network, and the build fails if a page asks for anything but its own files;
- every figure is printed with its text description below it, and each explorer's snapshot is
  printed as what it showed last: its picture, its description, its numbers and the value of each
  control;
- hints (``<details>``) are printed open, code and output lines are wrapped, never cut: the build
  fails, naming the notebook and the line, if anything is wider than the page;
- nothing is executed: the PDFs show the notebooks' stored outputs.

The notebooks become HTML with nbconvert's HTML exporter (its JupyterLab template, with a print
stylesheet), and headless Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``, driven by
playwright) prints each page once MathJax, the fonts and the images are ready.
"""

from __future__ import annotations

import decimal
import html
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import build_args
import build_site
import build_student
import jinja2
import nbformat
import npm_vendor
from chromium import CHROMIUM, browser
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
OUT = BUILD / "handout"
MODULE = "module.pdf"  # the whole module in one PDF
MATHJAX = "vendor/mathjax"  # the folder of build_site.VENDOR that the handout needs
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CHAPTER_TAG = "handout-chapter"  # the first cell of each notebook in the module: a new page

# What Chromium prints at the foot of every page (its own classes fill in the numbers).
FOOTER = (
    '<div style="font-size: 8pt; width: 100%; margin: 0 15mm; display: flex; '
    'justify-content: space-between; color: #333; font-family: sans-serif">'
    "<span>{title}</span>"
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
)

PRINT_CSS = """
@page { size: A4; }
body { margin: 0; padding: 0; background: white; }
main { max-width: none; padding: 0; }
.jp-Cell { padding: 2px 0; }
/* Code and output lines wrap at the page's edge instead of running off it. */
.jp-InputArea-editor, .jp-InputArea, .jp-OutputArea-output, .jp-Cell-outputWrapper {
  overflow: visible !important;
}
pre, .highlight pre, .jp-OutputArea-output pre, .jp-RenderedText pre {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: normal; overflow: visible !important;
}
code { white-space: pre-wrap; overflow-wrap: anywhere; }
.jp-InputArea-editor { border: 1px solid #bbb; }
figure, tr, img, mjx-container, .handout-widget { break-inside: avoid; }
h1, h2, h3, h4 { break-after: avoid; }
.celltag_handout-chapter { break-before: page; }
img { max-width: 100%; height: auto; }
/* A figure and its description. */
figure.handout-figure { margin: 6px 0; }
figure.handout-figure figcaption {
  font-size: 9pt; font-style: italic; color: #222; margin-top: 2px;
}
/* An explorer's snapshot: its boxes stacked, its controls as a list of values. */
.handout-widget { border: 1px solid #999; padding: 6px; margin: 4px 0; }
.handout-widget-box { display: flex; flex-direction: column; gap: 4px; }
.handout-widget-row { display: flex; flex-direction: row; flex-wrap: wrap; gap: 8px; align-items: start; }
.handout-widget-title { font-weight: bold; margin-bottom: 4px; }
.handout-widget table { border-collapse: separate; }
.handout-controls { margin: 0; padding-left: 18px; font-size: 10pt; }
details > summary { list-style: none; font-weight: bold; }
details { border-left: 3px solid #999; padding-left: 8px; }
"""

# Before printing: hints open, formulas typeset, fonts and images loaded; then whatever is still
# wider than its box is reported (and a display formula too wide for the page is scaled to fit).
READY_JS = """
window.handoutReady = false;
window.handoutError = null;
window.handoutScaled = [];
window.addEventListener("load", async () => {
  try {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
    await MathJax.startup.promise;
    await MathJax.typesetPromise();
    await document.fonts.ready;
    await Promise.all(Array.from(document.images, (img) => img.decode().catch(() => null)));
    for (const m of document.querySelectorAll("mjx-container[display='true']")) {
      const room = m.parentElement.clientWidth;
      if (m.scrollWidth > room) {
        m.style.fontSize = Math.floor((100 * room) / m.scrollWidth) + "%";
        window.handoutScaled.push(m.style.fontSize);
      }
    }
    window.handoutReady = true;
  } catch (e) {
    window.handoutError = String(e);
  }
});
"""

# Every element whose content is wider than it (cut, or scrolling, on paper), and every element
# that reaches past the page's right edge.
OVERFLOW_JS = """
() => {
  const right = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll("main *")) {
    // Inside a formula MathJax clips its stretchy parts on purpose: judge the formula as a whole.
    if (el.closest("mjx-container") && el.tagName !== "MJX-CONTAINER") continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const style = getComputedStyle(el);
    const clips = style.overflowX !== "visible";
    if ((clips && el.scrollWidth > el.clientWidth + 1) || r.right > right + 1) {
      found.push(el.tagName.toLowerCase() + "." + el.className + ": " + el.textContent.trim().slice(0, 80));
    }
  }
  return found;
}
"""

TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  tex: {inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
        processEscapes: true, processEnvironments: true},
  options: {enableMenu: false, menuOptions: {settings: {assistiveMml: false}}},
  startup: {typeset: false},
};
</script>
<script src="{{ resources.mathjax_url }}"></script>
<script>{{ resources.handout_js }}</script>
<style>{{ resources.handout_css }}</style>
{%- endblock html_head_js_mathjax -%}
"""


@dataclass
class Printed:
    """One PDF written: where, its title, and what went wrong or had to be adjusted."""

    pdf: Path
    title: str
    blocked: list[str] = field(default_factory=list)  # requests that tried to leave the folder
    errors: list[str] = field(default_factory=list)  # script errors, console errors
    overflow: list[str] = field(default_factory=list)  # what was wider than its box
    scaled: list[str] = field(default_factory=list)  # display formulas shrunk to the page's width


# ---------------------------------------------------------------- the notebook, made for paper


def _joined(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def captioned(fragment: str) -> str:
    """``fragment`` with every described ``<img>`` wrapped in a figure that prints its description."""

    def wrap(match: re.Match) -> str:
        attrs = build_student.images_in(match.group(0))[0]
        if build_student.alt_problem(attrs) is not None or not attrs.get("alt"):
            return match.group(0)
        caption = html.escape(" ".join(attrs["alt"].split()))
        return f'<figure class="handout-figure">{match.group(0)}<figcaption>{caption}</figcaption></figure>'

    return re.sub(r"<img\b[^>]*>", wrap, fragment)


def _referenced_value(state: dict, control: dict) -> object:
    """The value of the widget a ControlPanel's ``control`` refers to ("anywidget:<model id>"):
    a slider's value, a menu's index; None for a button, which refers to none."""
    ref = control.get("ref", "")
    widget = state.get(ref.partition(":")[2], {}).get("state", {})
    return widget.get("index" if control.get("kind") == "select" else "value")


def _control_value(control: dict, value: object) -> str | None:
    """How a control of a ControlPanel (course_utils.widgets.controls) shows ``value`` beside its slider
    or menu; None for a ▶ button, which has nothing to print."""
    kind = control.get("kind")
    if value is None:  # a button, or a control whose widget the saved state lacks
        return None
    if kind == "select":
        options = control.get("options", [])
        if isinstance(value, int) and 0 <= value < len(options):
            return str(options[value][0])
        return str(value)
    if kind == "range":
        if control.get("log"):
            return f"{float(value):.{int(control.get('digits', 3))}g}"
        if control.get("integer"):
            return str(int(value))
        # As the panel's toFixed: ties away from zero, and a true minus sign.
        places = decimal.Decimal(1).scaleb(-int(control.get("decimals", 2)))
        fixed = decimal.Decimal(float(value)).quantize(places, rounding=decimal.ROUND_HALF_UP)
        return str(fixed).replace("-", "\u2212")
    return None


def _hidden(state: dict, model: dict) -> bool:
    layout = model["state"].get("layout", "")
    if isinstance(layout, str) and layout.startswith("IPY_MODEL_"):
        style = state.get(layout[len("IPY_MODEL_") :], {}).get("state", {})
        return style.get("display") == "none" or style.get("visibility") == "hidden"
    return False


def widget_html(state: dict, model_id: str) -> str:
    """The snapshot of the widget ``model_id`` (and its children) in the notebook's widget
    ``state``, as static HTML: pictures as images, HTML as itself, controls as their values."""
    model = state.get(model_id)
    if model is None or _hidden(state, model):
        return ""
    name, s = model["model_name"], model["state"]
    classes = " ".join(s.get("_dom_classes", []))
    if "children" in s:  # VBox, HBox, Box, GridBox
        kids = [widget_html(state, c[len("IPY_MODEL_") :]) for c in s["children"]]
        row = "handout-widget-row" if name in ("HBoxModel", "GridBoxModel") else "handout-widget-box"
        return f'<div class="{row} {classes}">{"".join(kids)}</div>'
    if name == "ImageModel":
        data = next((b["data"] for b in model.get("buffers", []) if b.get("path") == ["value"]), "")
        alt = s.get("tooltip") or ""
        img = f'<img src="data:image/{s.get("format", "png")};base64,{data}" alt="{html.escape(alt)}">'
        return captioned(img)  # its description (the hidden "widget-image-alt" carrier is skipped)
    if name in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        value = s.get("value", "")
        if name == "LabelModel":
            value = html.escape(value)
        description = s.get("description", "")
        label = f"{html.escape(description)}: " if description else ""
        return f'<div class="{classes}">{label}{value}</div>'
    if "controls" in s and "status" in s:  # the explorers' ControlPanel (an anywidget)
        items = []
        for control in s["controls"]:
            value = _control_value(control, _referenced_value(state, control))
            if value is not None:
                items.append(f"<li>{html.escape(str(control.get('label', '')))}: {html.escape(value)}</li>")
        title = html.escape(s.get("label", "controls"))
        listed = f'<ul class="handout-controls">{"".join(items)}</ul>'
        return f'<div class="{classes}">{title}, as set:{listed}</div>'
    if "value" in s and "description" in s:  # a plain slider, menu, checkbox, ...
        value = s["value"]
        if "_options_labels" in s and isinstance(s.get("index"), int):
            value = s["_options_labels"][s["index"]]
        return f'<div class="{classes}">{html.escape(str(s["description"]))}: {html.escape(str(value))}</div>'
    return ""


def for_paper(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` ready to print: widget views replaced by their static snapshot, figures
    captioned with their descriptions, no widget state left for a renderer to fetch."""
    nb = nbformat.from_dict(nb)
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type == "markdown":  # a hint is printed open: nothing to click on paper
            cell.source = re.sub(r"\s*\(click to open\)", "", cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                snapshot = widget_html(state, data[WIDGET_VIEW]["model_id"])
                output["data"] = {
                    "text/html": f'<div class="handout-widget"><div class="handout-widget-title">'
                    f"Snapshot of the explorer (it moves in a running notebook)</div>{snapshot}</div>",
                    "text/plain": _joined(data.get("text/plain", "")),
                }
            elif "text/html" in data:
                data["text/html"] = captioned(_joined(data["text/html"]))
    return nb


def module_notebook(notebooks: list[nbformat.NotebookNode], title: str) -> nbformat.NotebookNode:
    """The notebooks one after another, each from a new page, behind a title page."""
    contents = "\n".join(f"{i}. {build_student.first_heading(nb)}" for i, nb in enumerate(notebooks, 1))
    intro = f"# {title}\n\nThe notebooks of the module, in order:\n\n{contents}"
    cells = [nbformat.v4.new_markdown_cell(intro)]
    for n, nb in enumerate(notebooks, 1):
        for i, cell in enumerate(nb.cells):
            cell = nbformat.from_dict(cell)
            cell.id = f"n{n}-{cell.get('id', i)}"  # ids stay unique across the notebooks
            if i == 0:
                cell.metadata["tags"] = [*cell.metadata.get("tags", []), CHAPTER_TAG]
            cells.append(cell)
    module = nbformat.v4.new_notebook(cells=cells, metadata=notebooks[0].metadata)
    return module


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The notebook as one self-contained HTML page with the print stylesheet and the vendored MathJax."""
    exporter = HTMLExporter(
        template_name="lab",
        template_file="handout.html.j2",
        extra_loaders=[jinja2.DictLoader({"handout.html.j2": TEMPLATE})],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        theme="light",
        mathjax_url=f"{MATHJAX}/es5/tex-mml-chtml.js",
    )
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(
        nb,
        resources={
            "handout_js": READY_JS,
            "handout_css": PRINT_CSS,
        },
    )
    return body


# ---------------------------------------------------------------- printing


def plain(markdown: str) -> str:
    """A heading's markdown as plain text for the page footer: ``$S - y$`` becomes ``S − y``."""
    text = re.sub(r"\$([^$]*)\$", lambda m: m.group(1).replace("-", "−"), markdown)
    return re.sub(r"\\[A-Za-z]+\s*|[{}*_`]", "", text).strip()


def print_pdf(browser, page_html: Path, pdf: Path, title: str) -> Printed:
    """Print ``page_html`` to ``pdf`` in ``browser`` (playwright's), once it is ready."""
    result = Printed(pdf, title)
    context = browser.new_context()
    page = context.new_page()

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            result.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    page.emulate_media(media="print")
    # The width of A4 between the margins (210 mm - 30 mm at 96 px per inch): what prints on a line.
    page.set_viewport_size({"width": round((210 - 30) / 25.4 * 96), "height": 1000})
    page.goto(page_html.as_uri())
    page.wait_for_function("window.handoutReady || window.handoutError", timeout=120_000)
    error = page.evaluate("window.handoutError")
    if error:
        result.errors.append(error)
    result.overflow = page.evaluate(OVERFLOW_JS)
    result.scaled = page.evaluate("window.handoutScaled")
    for merror in page.locator("mjx-merror").all_text_contents():
        result.errors.append(f"MathJax could not typeset: {merror}")
    page.pdf(
        path=str(pdf),
        format="A4",
        margin=MARGIN,
        print_background=True,
        display_header_footer=True,
        header_template="<div></div>",
        footer_template=FOOTER.format(title=html.escape(plain(title))),
    )
    context.close()
    return result


def build(
    out: Path = OUT,
    work: Path = BUILD / "handout-src",
    student: Path = BUILD / "student",
    source: Path = build_student.NOTEBOOKS,
) -> list[Printed]:
    """Write the handout into ``out`` (replacing it), by way of the HTML pages in ``work`` and the
    student edition in ``student`` of the notebooks in ``source``; return what was printed, one
    ``Printed`` per notebook and the whole module's last. Exit with a message if a page asked for
    the network, raised an error or had something wider than the paper."""
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install chromium, or set CHROMIUM")
    notebooks = build_student.build(student, source)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    cache = BUILD / "npm-cache"  # the website's: the same pinned packages, fetched once for both
    npm_vendor.fetch(build_site.VENDOR, cache)
    shutil.copytree(cache / MATHJAX, work / MATHJAX)
    build_site.prune(work / MATHJAX, build_site.KEEP[MATHJAX])

    pages: list[tuple[Path, Path, str]] = []
    editions = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        editions.append(nb)
        title = build_student.first_heading(nb) or path.stem
        page = work / f"{path.stem}.html"
        page.write_text(to_html(for_paper(nb), title), encoding="utf-8")
        pages.append((page, out / f"{path.stem}.pdf", title))
    title = "Softmax, cross-entropy and backpropagation"
    page = work / "module.html"
    page.write_text(to_html(for_paper(module_notebook(editions, title)), title), encoding="utf-8")
    pages.append((page, out / MODULE, title))

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    results = []
    with browser() as chromium:
        for page, pdf, name in pages:
            results.append(print_pdf(chromium, page, pdf, name))
    problems = [
        f"{r.pdf.name}: {kind}: {item}"
        for r in results
        for kind, items in (("network", r.blocked), ("error", r.errors), ("wider than the page", r.overflow))
        for item in items
    ]
    if problems:
        print("The handout would not print as it should:", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    return results


def main(argv: list[str] | None = None) -> int:
    out = build_args.out_folder(argv, __doc__, OUT)
    results = build(out)
    for r in results:
        n = len(r.scaled)
        scaled = f", {n} wide formula{'s' * (n > 1)} scaled to fit ({', '.join(r.scaled)})" if n else ""
        print(f"{r.pdf.name}{scaled}")
    print(f"handout: {len(results)} PDFs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

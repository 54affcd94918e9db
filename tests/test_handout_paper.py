"""What the handout prints, before any browser: tools/build_handout.py's notebook-for-paper step.

The PDFs themselves are tested in tests/browser/test_handout.py (slow: Chromium and poppler).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the tools import each other by plain name
import build_handout  # noqa: E402

NB03 = ROOT / "notebooks" / "03_cross_entropy_gradient.ipynb"


def _snapshot(nb: nbformat.NotebookNode) -> str:
    found = [
        out["data"]["text/html"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "handout-widget" in out.get("data", {}).get("text/html", "")
    ]
    assert len(found) == 1
    return found[0]


def test_an_explorer_prints_as_its_picture_description_numbers_and_controls() -> None:
    original = nbformat.read(NB03, as_version=4)
    paper = build_handout.for_paper(original)
    assert "widgets" not in paper.metadata  # nothing left for a widget renderer to fetch
    assert "widgets" in original.metadata  # the notebook itself is left alone
    views = [
        o for c in paper.cells for o in c.get("outputs", []) if build_handout.WIDGET_VIEW in o.get("data", {})
    ]
    assert views == []
    snapshot = _snapshot(paper)
    state = original.metadata["widgets"][build_handout.WIDGET_STATE]["state"]
    image = next(m for m in state.values() if m["model_name"] == "ImageModel")
    description = image["state"]["tooltip"]
    assert "loss 0.511" in description  # the lecture's example, where the explorer opens
    # The picture, then its description printed once (the hidden carrier of the same text is skipped).
    assert snapshot.count('<img src="data:image/png;base64,') == 1
    assert snapshot.count(f"<figcaption>{build_handout.html.escape(description)}</figcaption>") == 1
    assert "widget-image-alt" not in snapshot
    # The numbers table and the loss, as the notebook stored them; each control with its value.
    assert "<table" in snapshot and "0.5110" in snapshot
    for item in (
        "<li>z1: \u22121.80</li>",
        "<li>z2: \u22120.69</li>",
        "<li>z3: 0.00</li>",
        "<li>true class: class 3</li>",
    ):
        assert item in snapshot


def test_control_values_print_as_the_panel_shows_them() -> None:
    value = build_handout._control_value
    assert value({"kind": "range", "log": True, "digits": 3}, 2.0) == "2"
    assert value({"kind": "range", "log": True, "digits": 3}, 0.031622776) == "0.0316"
    assert value({"kind": "range", "integer": True}, 179) == "179"
    assert value({"kind": "range", "decimals": 1}, 0.25) == "0.3"  # JavaScript's toFixed
    assert value({"kind": "range", "decimals": 2}, -1.8) == "\u22121.80"
    assert value({"kind": "select", "options": [["class 1", 0], ["class 2", 1]]}, 1) == "class 2"
    assert value({"kind": "play"}, 0) is None
    assert value({"kind": "range", "decimals": 2}, None) is None  # a control with no saved widget


def test_a_control_reads_the_value_of_the_widget_it_refers_to() -> None:
    state = {"s1": {"state": {"value": 0.5, "index": None}}, "d1": {"state": {"value": 2, "index": 1}}}
    read = build_handout._referenced_value
    assert read(state, {"kind": "range", "ref": "anywidget:s1"}) == 0.5
    assert read(state, {"kind": "select", "ref": "anywidget:d1"}) == 1  # a menu by its index
    assert read(state, {"kind": "play"}) is None
    assert read(state, {"kind": "range", "ref": "anywidget:gone"}) is None


def test_described_images_get_their_description_printed_and_others_are_left_alone() -> None:
    described = '<img src="data:image/png;base64,AAAA" alt="Bars of S = [0.10, 0.30, 0.60]">'
    assert build_handout.captioned(f"<p>{described}</p>") == (
        f'<p><figure class="handout-figure">{described}'
        "<figcaption>Bars of S = [0.10, 0.30, 0.60]</figcaption></figure></p>"
    )
    for bare in ('<img src="x.png">', '<img src="x.png" alt="figure">', '<img src="a.png" alt="a.png">'):
        assert build_handout.captioned(bare) == bare


def test_the_module_starts_each_notebook_on_a_new_page_with_unique_cell_ids() -> None:
    notebooks = [nbformat.read(p, as_version=4) for p in sorted((ROOT / "notebooks").glob("0[12]_*.ipynb"))]
    module = build_handout.module_notebook(notebooks, "The module")
    assert len(module.cells) == 1 + sum(len(nb.cells) for nb in notebooks)
    ids = [c.id for c in module.cells]
    assert len(ids) == len(set(ids))
    chapters = [
        i for i, c in enumerate(module.cells) if build_handout.CHAPTER_TAG in c.metadata.get("tags", [])
    ]
    assert chapters == [1, 1 + len(notebooks[0].cells)]
    assert module.cells[0].source.startswith("# The module")
    nbformat.validate(module)


def test_page_footers_show_headings_as_plain_text() -> None:
    assert build_handout.plain("The gradient: from the chain rule to $S - y$") == (
        "The gradient: from the chain rule to S − y"
    )
    assert build_handout.plain("**Bold** and `code`") == "Bold and code"

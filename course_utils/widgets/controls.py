"""The explorers' control panel: native, labelled HTML controls that a screen reader and a keyboard can use.

ipywidgets 8.1's sliders are noUiSlider handles (``<div role="slider">``) that its front end never
names (the ``description`` becomes a ``<label>`` tied to nothing), and the ``Play`` widget's
buttons are bare icons; accessibility checkers report "ARIA input field has no accessible name"
and "button has no discernible text" for every one of them. :class:`ControlPanel` shows the same
controls as one small anywidget with

- ``<input type="range">`` for each slider and ``<select>`` for each dropdown, each with a
  ``<label for=...>`` and an accessible name that contains the visible label ("logit z1" for
  "z1"), ``aria-valuetext`` with the value as shown (10^x for a log slider), Tab in reading order,
  arrow keys / Page Up / Page Down / Home / End from the browser itself, kept from the notebook's
  shortcuts in JupyterLab and in Jupyter Notebook 7;
- a play ``<button>`` (name "play training", ``aria-pressed``) that steps a slider on a timer;
- a polite live region (``role="status"``) with the kernel's ``status`` text: what the last move
  changed and the loss. It speaks at most once a second (the latest text wins) and stays quiet
  while playing, then says where the play stopped.

The values live in one place: ordinary ipywidgets objects (``FloatSlider``, ``IntSlider``,
``FloatLogSlider``, ``Dropdown``), which are not displayed. Python code reads, sets and observes
``explorer.temperature.value``; the panel holds no copy. Each control's spec carries a reference to
its widget (anywidget's ``"anywidget:<model id>"``), and the page reads and sets that widget's own
model (``host.getModel``), so a move on the page and a change from Python go through the same
ipywidgets model and its own echo handling.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from .._checks import instance, text

# The page's side, shipped as package data beside this module (anywidget reads a path's file).
_ESM = Path(__file__).with_name("controls.js")
_CSS = Path(__file__).with_name("controls.css")

# How anywidget names another widget on the wire; the page resolves it with host.getModel(ref).
WIDGET_REF = "anywidget:"
_SLIDERS = (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider)
MINUS = "\u2212"  # the minus sign a screen reader reads as "minus" (a hyphen it may skip)


def decimals(widget) -> int:
    """Decimals shown for a slider: 0 for an IntSlider, its ``readout_format`` (".2f" -> 2), else
    its step's (0.1 -> 1; a log slider's step is in the exponent)."""
    if isinstance(widget, widgets.IntSlider):
        return 0
    match = re.fullmatch(r"\.(\d+)f", getattr(widget, "readout_format", ""))
    if match and not isinstance(widget, widgets.FloatLogSlider):
        return int(match.group(1))
    step = float(widget.step)
    return max(0, -math.floor(math.log10(step))) if step > 0 else 2


def shown(widget) -> str:
    """A control's value as the panel shows it: "class 3", "0.50", "−1.80", "12", "0.1"."""
    if isinstance(widget, widgets.Dropdown):
        return str(widget.label)
    if isinstance(widget, widgets.FloatLogSlider):
        return f"{float(widget.value):.3g}"
    places = decimals(widget)
    return f"{round(float(widget.value), places) + 0.0:.{places}f}".replace("-", MINUS)


class ControlPanel(anywidget.AnyWidget):
    """One accessible panel for the ipywidgets controls of an explorer (see the module docstring).

    ``ControlPanel(controls, label, play=None)``: ``controls`` a sequence of
    ``(widget, accessible_name)`` pairs in Tab order, each widget a ``FloatSlider``, ``IntSlider``,
    ``FloatLogSlider`` or ``Dropdown`` whose ``description`` is the visible label (the accessible
    name must contain it, WCAG 2.5.3); ``label`` names the group; ``play = (slider, step,
    interval_ms, name)`` puts a play button first that adds ``step`` to that slider every
    ``interval_ms`` until its maximum. Set ``status`` to what a screen reader should say after a move.

    Synced with the page: ``controls`` (the specs, each with ``ref`` to its widget), ``status``,
    ``playing``. The values are the widgets' own (a Dropdown's is set by its ``index``).
    """

    _esm = _ESM
    _css = _CSS
    controls = traitlets.List().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    announce_ms = traitlets.Int(1000).tag(sync=True)

    def __init__(
        self, controls: Sequence[tuple[widgets.Widget, str]], label: str, play=None, **kwargs
    ) -> None:
        text(label, "label")  # names the group
        specs: list[dict] = []
        self._widgets: dict[str, widgets.Widget] = {}
        for widget, name in controls:
            instance(widget, (*_SLIDERS, widgets.Dropdown), "controls", "sliders or dropdowns")
            visible = widget.description
            if not visible or not isinstance(name, str) or visible not in name:
                raise ValueError(
                    f"each control needs a description that its accessible name contains, got "
                    f"description {visible!r} and name {name!r}"
                )
            key = f"c{len(specs)}"
            ref = f"{WIDGET_REF}{widget.model_id}"
            spec = {"name": key, "ref": ref, "label": visible, "aria_label": name}
            if isinstance(widget, widgets.Dropdown):
                spec.update(
                    kind="select", options=[[str(text), i] for i, (text, _) in enumerate(widget.options)]
                )
            else:
                log = isinstance(widget, widgets.FloatLogSlider)
                spec.update(
                    kind="range",
                    min=widget.min,
                    max=widget.max,
                    step=widget.step,
                    integer=isinstance(widget, widgets.IntSlider),
                    continuous=bool(widget.continuous_update),
                    log=log,
                    base=float(widget.base) if log else 10.0,
                    digits=3,
                    decimals=decimals(widget),
                )
            specs.append(spec)
            self._widgets[key] = widget
        if play is not None:
            slider, step, interval, name = play
            target = next((k for k, w in self._widgets.items() if w is slider), None)
            if target is None or not isinstance(slider, widgets.IntSlider):
                raise ValueError("play must step an IntSlider that is one of the controls")
            specs.insert(
                0,
                {
                    "name": "play",
                    "kind": "play",
                    "target": target,
                    "step": int(step),
                    "interval": int(interval),
                    "label": name,
                    "aria_label": name,
                },
            )
        super().__init__(controls=specs, label=label, **kwargs)

    def __repr__(self) -> str:
        """What a notebook's text/plain output shows: the same on every run (no memory address)."""
        return f"ControlPanel(label={self.label!r}, controls={[c['aria_label'] for c in self.controls]!r})"

    def control_for(self, widget) -> dict:
        """The spec the page renders for ``widget`` (its label, accessible name, range)."""
        for spec in self.controls:
            if self._widgets.get(spec["name"]) is widget:
                return spec
        raise ValueError(f"widget is not one of this panel's controls: {widget!r}")

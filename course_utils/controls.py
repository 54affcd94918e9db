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

The values live in ordinary ipywidgets objects (``FloatSlider``, ``IntSlider``, ``FloatLogSlider``,
``Dropdown``), which are not displayed: Python code keeps reading and setting
``explorer.temperature.value`` and observing it, and the panel mirrors every change both ways.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import anywidget
import ipywidgets as widgets
import traitlets

_ESM = r"""
const fmt = (c, v) => {
  if (c.kind === "select") return c.options[v] ? c.options[v][0] : String(v);
  if (c.log) return Number(Math.pow(c.base, v).toPrecision(c.digits)).toString();
  return Number(v).toFixed(c.decimals).replace("-", "\u2212");
};
const pos = (c, value) => (c.log ? Math.log(value) / Math.log(c.base) : value);
const val = (c, x) => {
  if (c.log) return Number(Math.pow(c.base, Number(Number(x).toFixed(c.decimals))).toPrecision(12));
  const v = Number(Number(x).toFixed(c.decimals));
  return c.integer ? Math.round(v) : v;
};

const KEYS_INSTALLED = Symbol.for("course-controls-keys");
// Stops a key pressed on a control of a panel from reaching anything else (see render); the
// browser still performs its default action (move the slider, change the menu, press the button).
function keepKeys(e) {
  const t = e.target;
  if (e.key === "Tab" || e.key === "Escape" || !(t instanceof Element)) return;
  if (!t.closest(".course-controls") || !t.matches("input, select, button")) return;
  e.stopPropagation();
  t._t = Date.now();
}

function render({ model, el }) {
  const uid = "ce" + Math.random().toString(36).slice(2, 10);
  const root = document.createElement("div");
  root.className = "course-controls";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", model.get("label"));
  el.appendChild(root);
  // Keys pressed on a control are the control's: the notebook's and the deck's shortcuts
  // (arrows, Space, Enter, letters) must not see them and prevent the browser's default action.
  // Tab and Escape still move focus out and leave the cell as everywhere else. JupyterLab handles
  // shortcuts on the document while the event bubbles, so stopping it at the panel is enough there;
  // Jupyter Notebook 7 starts the same Lumino application without `bubblingKeydown`, so its
  // listener on the document runs in the capture phase, before any listener below it (ArrowDown
  // then moved to the next cell and took the focus). Only a capture listener on the window runs
  // earlier: installed once per page, it keeps a control's keys from both.
  root.dataset.lmSuppressShortcuts = "true";
  root.addEventListener("keydown", keepKeys);
  if (!window[KEYS_INSTALLED]) {
    window[KEYS_INSTALLED] = true;
    window.addEventListener("keydown", keepKeys, true);
  }
  const inputs = {};
  let timer = null;

  const send = (name, v) => {
    model.set("values", { ...model.get("values"), [name]: v });
    model.save_changes();
  };
  const show = (c) => {
    const inp = inputs[c.name];
    if (!inp) return;
    const v = model.get("values")[c.name];
    if (c.kind === "select") {
      inp.value = String(v);
    } else {
      inp.value = String(pos(c, v));
      inp.setAttribute("aria-valuetext", fmt(c, pos(c, v)));
      inp._out.textContent = fmt(c, pos(c, v));
    }
  };

  for (const c of model.get("controls")) {
    const row = document.createElement("div");
    row.className = "course-controls-row";
    const id = `${uid}-${c.name}`;
    if (c.kind === "play") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "course-controls-play";
      b.dataset.control = c.name;
      b.setAttribute("aria-pressed", "false");
      b.innerHTML = '<span aria-hidden="true" class="icon">\u25B6</span> ';
      b.append(c.label);
      const target = model.get("controls").find((t) => t.name === c.target);
      const stop = () => {
        clearInterval(timer);
        timer = null;
        b.setAttribute("aria-pressed", "false");
        b.firstChild.textContent = "\u25B6";
        model.set("playing", false);
        model.save_changes();
      };
      const tick = () => {
        const now = model.get("values")[target.name];
        const next = Math.min(now + c.step, target.max);
        send(target.name, next);
        show(target);
        if (next >= target.max) stop();
      };
      b.addEventListener("click", () => {
        if (timer !== null) return stop();
        if (model.get("values")[target.name] >= target.max) send(target.name, target.min);
        b.setAttribute("aria-pressed", "true");
        b.firstChild.textContent = "\u23F8";
        model.set("playing", true);
        model.save_changes();
        timer = setInterval(tick, c.interval);
      });
      row.appendChild(b);
      root.appendChild(row);
      continue;
    }
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = c.label;
    row.appendChild(label);
    let inp;
    if (c.kind === "select") {
      inp = document.createElement("select");
      c.options.forEach(([text, v]) => {
        const o = document.createElement("option");
        o.value = String(v);
        o.textContent = text;
        inp.appendChild(o);
      });
      inp.addEventListener("change", () => send(c.name, Number(inp.value)));
    } else {
      inp = document.createElement("input");
      inp.type = "range";
      inp.min = String(c.min);
      inp.max = String(c.max);
      inp.step = String(c.step);
      inp._out = document.createElement("output");
      inp._out.htmlFor = id;
      inp._out.setAttribute("aria-hidden", "true");
      const moved = () => {
        inp.setAttribute("aria-valuetext", fmt(c, Number(inp.value)));
        inp._out.textContent = fmt(c, Number(inp.value));
      };
      inp.addEventListener("input", () => {
        moved();
        if (c.continuous) send(c.name, val(c, inp.value));
      });
      inp.addEventListener("change", () => send(c.name, val(c, inp.value)));
    }
    inp.id = id;
    inp.className = "course-controls-input";
    inp.dataset.control = c.name;
    if (c.aria_label !== c.label) inp.setAttribute("aria-label", c.aria_label);
    inputs[c.name] = inp;
    row.appendChild(inp);
    if (inp._out) row.appendChild(inp._out);
    root.appendChild(row);
    show(c);
  }

  // The live region: the kernel's status text, at most once a second, silent while playing.
  const live = document.createElement("div");
  live.className = "course-controls-status";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  root.appendChild(live);
  let last = 0;
  let pending = null;
  const announce = () => {
    clearTimeout(pending);
    if (model.get("playing")) return;
    const wait = last + model.get("announce_ms") - Date.now();
    if (wait > 0) {
      pending = setTimeout(announce, wait);
      return;
    }
    last = Date.now();
    live.textContent = model.get("status");
  };
  const onValues = () => model.get("controls").forEach((c) => {
    if (c.kind === "play") return;
    const inp = inputs[c.name];
    // A value the kernel echoes while the user is still moving this control would pull it back.
    if (document.activeElement === inp && Date.now() - (inp._t || 0) < 400) return;
    show(c);
  });
  for (const inp of Object.values(inputs)) {
    inp.addEventListener("input", () => { inp._t = Date.now(); });
  }
  model.on("change:values", onValues);
  model.on("change:status", announce);
  model.on("change:playing", announce);
  return () => {
    clearInterval(timer);
    clearTimeout(pending);
    model.off("change:values", onValues);
    model.off("change:status", announce);
    model.off("change:playing", announce);
  };
}
export default { render };
"""

_CSS = """
.course-controls { display: flex; flex-direction: column; gap: 2px; font-size: 16px; padding: 2px 0; }
.course-controls-row { display: flex; align-items: center; gap: 8px; min-height: 28px; }
.course-controls-row label { flex: 0 0 7em; text-align: right; font-size: 1em; }
.course-controls-input[type="range"] { flex: 1 1 auto; min-width: 120px; margin: 0; }
.course-controls-row select { flex: 1 1 auto; font-size: 1em; padding: 2px; }
.course-controls-row output { flex: 0 0 4.5em; font-family: monospace; font-size: 1em; text-align: right;
  padding-right: 6px; }
.course-controls-play { font-size: 1em; padding: 2px 10px; min-height: 28px; cursor: pointer; }
.course-controls :focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.course-controls-status { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
"""

_SLIDERS = (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider)


def _decimals(widget) -> int:
    """Decimals shown for a slider (its ``readout_format``, e.g. ".2f" -> 2; 0 for an IntSlider)."""
    if isinstance(widget, widgets.IntSlider):
        return 0
    match = re.fullmatch(r"\.(\d+)f", getattr(widget, "readout_format", ""))
    if match:
        return int(match.group(1))
    step = float(widget.step)
    return max(0, -math.floor(math.log10(step))) if step > 0 else 2


class ControlPanel(anywidget.AnyWidget):
    """One accessible panel for the ipywidgets controls of an explorer (see the module docstring).

    ``ControlPanel(controls, label, play=None)``: ``controls`` a sequence of
    ``(widget, accessible_name)`` pairs in Tab order, each widget a ``FloatSlider``, ``IntSlider``,
    ``FloatLogSlider`` or ``Dropdown`` whose ``description`` is the visible label (the accessible
    name must contain it, WCAG 2.5.3); ``label`` names the group; ``play = (slider, step,
    interval_ms, name)`` puts a play button first that adds ``step`` to that slider every
    ``interval_ms`` until its maximum. Set ``status`` to what a screen reader should say after a move.

    Synced with the page: ``values`` {control name: value} (a Dropdown's value is its index),
    ``status``, ``playing``.
    """

    _esm = _ESM
    _css = _CSS
    controls = traitlets.List().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    announce_ms = traitlets.Int(1000).tag(sync=True)

    def __init__(
        self, controls: Sequence[tuple[widgets.Widget, str]], label: str, play=None, **kwargs
    ) -> None:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"label must be a non-empty string naming the group, got {label!r}")
        specs: list[dict] = []
        self._widgets: dict[str, widgets.Widget] = {}
        for widget, name in controls:
            if not isinstance(widget, (*_SLIDERS, widgets.Dropdown)):
                raise TypeError(f"controls must hold sliders or dropdowns, got {type(widget).__name__}")
            visible = widget.description
            if not visible or not isinstance(name, str) or visible not in name:
                raise ValueError(
                    f"each control needs a description that its accessible name contains, got "
                    f"description {visible!r} and name {name!r}"
                )
            key = f"c{len(specs)}"
            spec = {"name": key, "label": visible, "aria_label": name}
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
                    decimals=_decimals(widget) if not log else max(0, -math.floor(math.log10(widget.step))),
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
        super().__init__(controls=specs, values=self._current(), label=label, **kwargs)
        for key, widget in self._widgets.items():
            widget.observe(lambda change, key=key: self._from_python(), names="value")
        self.observe(self._from_page, names="values")

    def __repr__(self) -> str:
        """What a notebook's text/plain output shows: the same on every run (no memory address)."""
        return f"ControlPanel(label={self.label!r}, controls={[c['aria_label'] for c in self.controls]!r})"

    def _value(self, widget) -> float | int:
        if isinstance(widget, widgets.Dropdown):
            return int(widget.index)
        return int(widget.value) if isinstance(widget, widgets.IntSlider) else float(widget.value)

    def _current(self) -> dict:
        return {key: self._value(widget) for key, widget in self._widgets.items()}

    def _from_python(self) -> None:
        current = self._current()
        if current != self.values:
            self.values = current

    def _from_page(self, change) -> None:
        for key, value in change["new"].items():
            widget = self._widgets.get(key)
            if widget is None or value == self._value(widget):
                continue
            if isinstance(widget, widgets.Dropdown):
                widget.index = int(value)
            elif isinstance(widget, widgets.IntSlider):
                widget.value = round(value)
            else:
                widget.value = float(value)

    def control_for(self, widget) -> dict:
        """The spec the page renders for ``widget`` (its label, accessible name, range)."""
        for spec in self.controls:
            if self._widgets.get(spec["name"]) is widget:
                return spec
        raise ValueError(f"widget is not one of this panel's controls: {widget!r}")

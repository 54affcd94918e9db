"""The one skeleton every explorer is built on, and the small pieces of text they all show.

An explorer wires a few controls to numbers that ``course_utils`` computes; it adds no math of its
own. Every move of a control runs the same steps, under one lock (:meth:`Explorer._on_change`):

    _compute()       the numbers, from the controls' values           (each explorer: its formulas)
    _draw()          the figure's moving artists set to them           (each explorer: its figure)
    render_png()     the picture as PNG bytes, into the Image
    _readout()       the loss line, ``Loss = 0.5110``                  (each explorer)
    _numbers_html()  the numbers table                                 (each explorer)
    describe()       the picture in words: its title and alt text      (each explorer)
    move_status()    the live region: the control, its value, the loss (+ _status_extra())

Drawing is thread-safe by design: each figure is made once (never pyplot, see
:mod:`course_utils.plots.blit`), a callback moves its artists and re-encodes it as PNG bytes into
an ``ipywidgets.Image``, so a callback on any thread (ipykernel 7 runs widget messages on a
subshell) produces a complete picture, never a blank one.

The controls are shown by one :class:`~course_utils.widgets.controls.ControlPanel`; the values
live in ipywidgets slider and dropdown objects (``ex.temperature.value = 2`` works and moves the
page's control).

DOM hooks for the slides and the browser tests, for an explorer of ``kind`` "logits-explorer":
the whole explorer carries ``logits-explorer``, its picture ``logits-explorer-plot``, its numbers
table ``logits-explorer-numbers``, its loss readout ``loss-readout`` and its panel
``explorer-controls``.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
import traitlets

from .controls import MINUS, ControlPanel, shown

# The numbers' font in every explorer's table. line-height: the HTML widget's own (28 px, one
# control's height) would make each row 31 px.
NUMBERS_FONT = "font-family: monospace; font-size: 14px; line-height: 1.3"


def decimal(value: float, places: int, sign: str = "") -> str:
    """``value`` with ``places`` decimals, rounded first so that no -0.000 shows ("+" ``sign``: +0.100)."""
    return f"{round(float(value), places) + 0.0:{sign}.{places}f}"


def vector(values, places: int = 2) -> str:
    """[0.10, 0.30, −0.40]: a vector for a sentence, with a real minus sign and no −0.00."""
    return "[" + ", ".join(decimal(v, places) for v in values).replace("-", MINUS) + "]"


def numbers_table(rows: Sequence[tuple[str, np.ndarray]], K: int, caption: str = "") -> str:
    """Named rows of K numbers as a small HTML table (classes numbered 1..K), 3 decimals, no -0.000."""
    # The corner cell heads nothing: a <td>, since an empty <th> is a header a screen reader cannot name.
    head = "<tr><td></td>" + "".join(f'<th scope="col">{i + 1}</th>' for i in range(K)) + "</tr>"
    body = "".join(
        f'<tr><th scope="row">{name}</th>'
        + "".join(f"<td>{decimal(v, 3, '+')}</td>" for v in values)
        + "</tr>"
        for name, values in rows
    )
    # border-collapse: separate, or a page that collapses its tables (the website's theme does) drops
    # the spacing and the numbers run together ("-1.800-0.690+0.000").
    style = (
        f"{NUMBERS_FONT}; text-align: right; white-space: nowrap;"
        " border-collapse: separate; border-spacing: 10px 1px"
    )
    caption = f'<caption style="text-align: right">{caption}</caption>' if caption else ""
    return f'<table style="{style}">{caption}{head}{body}</table>'


def loss_html(loss: float) -> str:
    """The loss as every readout shows it, 4 decimals: ``<b>Loss</b> = 0.5110``."""
    return f"<b>Loss</b> = {loss:.4f}"


def move_status(control, loss: float, extra: str = "") -> str:
    """What the live region says after a move: the control, its new value and the loss.

    ``move_status(z1_slider, 0.5098)`` -> ``"z1 = −1.79; loss 0.5098"`` (the loss with 4 decimals,
    as the readout shows it); ``extra`` is appended after a semicolon."""
    what = f"{control.description} = {shown(control)}; " if control is not None else ""
    return f"{what}loss {loss:.4f}" + (f"; {extra}" if extra else "")


def float_slider(description: str, value: float, low: float, high: float, step: float, width: int):
    """A slider of an explorer: 2 decimals, ``width`` px wide."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".2f",
        layout=widgets.Layout(width=f"{width}px"),
    )


def temperature_slider(value: float, t_min: float, t_max: float, step: float, width: int):
    """The temperature slider of every explorer: S = softmax(z / T) for T from t_min to t_max."""
    return float_slider("T", value, t_min, t_max, step, width)


class DescribedImage(widgets.Image):
    """An ``ipywidgets.Image`` with a text alternative: ``img.describe_as(text)``.

    The text goes to two places. ``tooltip``, the ``<img title>``, which screen readers and
    axe-core take as the image's accessible name in JupyterLab and in exported decks (an ``Image``
    has no ``alt``): ipywidgets 8.1's front end sets it only after reading the model's
    ``description``, which ``Image`` lacks, and then fails to draw the image at all, so this one
    carries an empty ``description``. And ``carrier``, a hidden ``HTML`` widget of class
    ``widget-image-alt`` to be shown beside the image, whose text the website's script copies into
    the image's ``alt``. The model stays an ``ImageModel``: decks and the website draw it as before.
    """

    description = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.carrier = widgets.HTML(layout=widgets.Layout(display="none"))
        self.carrier.add_class("widget-image-alt")

    def describe_as(self, text: str) -> None:
        """Set the text alternative (title, and the carrier's text for the website's alt)."""
        self.tooltip = text
        self.carrier.value = html.escape(text)


class Explorer:
    """The skeleton (see the module docstring). A subclass makes its controls and its figure
    (``self._figure``, with ``update`` and ``render_png``), calls :meth:`_assemble`, and writes the
    steps that are its own: ``_compute``, ``_draw``, ``_readout``, ``_numbers_html``, ``describe``
    and, if the live region should say more than the move and the loss, ``_status_extra``.

    Shown by every explorer: ``widget`` (display it, or just the explorer), ``controls`` (the
    panel), ``loss_readout``, ``numbers`` (HTML widgets), ``image`` (a :class:`DescribedImage`)
    and ``loss``, the number the readout shows.
    """

    kind = "explorer"  # the CSS class of the whole; its parts add "-numbers" and "-plot"
    readout_under_panel = True  # the loss readout under the panel, else above the numbers table

    def _assemble(self, controls: Sequence[tuple[widgets.Widget, str]], width: int, play=None) -> None:
        """Lay the explorer out, wire every control to :meth:`_on_change` and show the first state.

        ``controls``: ``(widget, accessible name)`` pairs in Tab order; ``width``: the panel's, px;
        ``play``: a play button for the panel (see :class:`ControlPanel`)."""
        self._lock = threading.RLock()
        self.loss_readout, self.numbers = widgets.HTML(), widgets.HTML()
        self.image = DescribedImage(format="png")
        self.loss_readout.add_class("loss-readout")
        self.numbers.add_class(f"{self.kind}-numbers")
        self.image.add_class(f"{self.kind}-plot")
        self.controls = ControlPanel(
            controls,
            label=f"{type(self).__name__} controls",
            play=play,
            layout=widgets.Layout(width=f"{width}px"),
        )
        self.controls.add_class("explorer-controls")
        for control, _ in controls:
            control.observe(self._on_change, names="value")
        # Sized for a projector (1280 x 720 presenting): panel, readout and numbers in one row,
        # the picture below it.
        if self.readout_under_panel:
            top = widgets.HBox([widgets.VBox([self.controls, self.loss_readout]), self.numbers])
        else:
            top = widgets.HBox([self.controls, widgets.VBox([self.loss_readout, self.numbers])])
        self.widget = widgets.VBox([top, self.image, self.image.carrier])
        self.widget.add_class(self.kind)
        self._on_change()

    def _on_change(self, change=None) -> None:
        """A control moved (``change``, None when the explorer opens): everything shown follows."""
        owner = change["owner"] if change else None
        with self._lock:
            self._refresh()
            self.controls.status = move_status(owner, self.loss, self._status_extra(owner))

    def _refresh(self) -> None:
        """Compute, draw and show the current state (the picture and its words in one go)."""
        with self._lock:
            self._compute()
            self._draw()
            png = self._figure.render_png()
            self.loss_readout.value = self._readout()
            self.numbers.value = self._numbers_html()
            self.image.describe_as(self.describe())
            self.image.value = png

    # -- the steps each explorer writes ----------------------------------------------------------

    def _compute(self) -> None:
        """Set the numbers shown, ``loss`` among them, from the controls' values."""
        raise NotImplementedError

    def _draw(self) -> None:
        """Move the figure's artists to those numbers (``self._figure.update(...)``)."""
        raise NotImplementedError

    def _readout(self) -> str:
        """The loss readout's HTML (built around :func:`loss_html`)."""
        raise NotImplementedError

    def _numbers_html(self) -> str:
        """The numbers table's HTML (usually :func:`numbers_table`)."""
        raise NotImplementedError

    def describe(self) -> str:
        """The picture in words, with the numbers it shows (its text alternative)."""
        raise NotImplementedError

    def _status_extra(self, owner) -> str:
        """What the live region adds after the move and the loss (nothing, unless overridden)."""
        return ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

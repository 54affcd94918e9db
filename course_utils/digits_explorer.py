"""The digits explorer: pick a test image, see S, the loss and dLoss/dx as an 8 x 8 map.

Built like the explorers in :mod:`course_utils.widgets`: the figure is made once (no pyplot), a
callback moves its artists and re-encodes it as PNG bytes into an ``ipywidgets.Image``, under a
lock, so a callback on any thread gives a complete picture. Every number comes from
``course_utils`` (the trained :class:`~course_utils.network.MLP`, softmax, cross_entropy_with_logits
and :func:`~course_utils.network.input_gradient`).

DOM hooks for browser tests: the image widget carries ``digits-explorer-plot``, the loss readout
``loss-readout`` (``Loss = 0.1234``, 4 decimals), the whole explorer ``digits-explorer``.
"""

from __future__ import annotations

import threading

import ipywidgets as widgets
import numpy as np

from ._checks import as_float_array, class_labels, integer, positive_int, positive_number, positive_range
from .controls import ControlPanel
from .digits import SIDE
from .losses import cross_entropy_with_logits, one_hot
from .network import MLP, check_network, input_gradient
from .plots.digits import DigitsFigure
from .softmax import softmax
from .widgets import explorer_outputs, move_status, temperature_slider


class DigitsExplorer:
    """Scrub through test images of a trained network; a temperature slider rescales its logits.

    ``DigitsExplorer(net, X_test, labels_test, T=1.0)``: ``net`` an :class:`MLP` with 64 inputs and
    K = 10 outputs, ``X`` (N, 64) images, ``labels`` (N,) integer digits, ``T`` the starting
    temperature (e.g. the one fitted on validation data). Controls: ``image_slider`` (which test
    image, 0 .. N-1) and ``temperature`` (T in ``t_range`` = (t_min, t_max)). For the shown image n, with
    z = net.forward(x_n):

        ``probs``      S = softmax(z / T)                              (K,)
        ``labels_y``   y = one_hot(labels[n])                          (K,)
        ``loss``       Loss = -log S_{labels[n]}                      float
        ``grad_x``     dLoss/dx = input_gradient(net, x_n, labels[n], T)  (64,)

    Display ``ex.widget`` (or just ``ex``).
    """

    def __init__(
        self,
        net: MLP,
        X,
        labels,
        T: float = 1.0,
        index: int = 0,
        t_range: tuple[float, float] = (0.25, 4.0),
        dpi: int = 72,
    ) -> None:
        check_network(net)
        if net.sizes[0] != SIDE * SIDE:
            raise ValueError(f"net must take {SIDE * SIDE} inputs (8 x 8 pixels), its sizes are {net.sizes}")
        X = as_float_array(X, "X", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
        if X.shape[1] != SIDE * SIDE:
            raise ValueError(f"X must have shape (N, {SIDE * SIDE}), got {X.shape}")
        labels = class_labels(labels, net.sizes[-1], X.shape[0])
        if not isinstance(t_range, tuple) or len(t_range) != 2:
            raise TypeError(f"t_range must be a pair (t_min, t_max), got {t_range!r}")
        t_min, t_max = positive_range(*t_range, names=("t_range[0]", "t_range[1]"))
        T = positive_number(T, "T")
        if not t_min <= T <= t_max:
            raise ValueError(f"T must lie in [t_min, t_max] = [{t_min}, {t_max}], got {T}")
        N = X.shape[0]
        index = integer(index, "index", low=0, high=N - 1)
        dpi = positive_int(dpi, "dpi")
        self.net, self.X, self.labels = net, X, labels
        self.K = net.sizes[-1]
        self._lock = threading.RLock()

        layout = widgets.Layout(width="420px")
        self.image_slider = widgets.IntSlider(
            value=int(index),
            min=0,
            max=N - 1,
            step=1,
            description="test image",
            layout=layout,
            style={"description_width": "initial"},
        )
        self.temperature = temperature_slider(round(T, 2), t_min, t_max, 0.01, layout)
        self.loss_readout, self.numbers, self.image = explorer_outputs("digits-explorer")
        self._figure = DigitsFigure(self.K, dpi=dpi)
        self.controls = ControlPanel(
            [(self.image_slider, "test image"), (self.temperature, "temperature T")],
            label="DigitsExplorer controls",
            layout=widgets.Layout(width="440px"),
        )
        self.controls.add_class("explorer-controls")
        for control in (self.image_slider, self.temperature):
            control.observe(self._on_change, names="value")
        controls = widgets.VBox([self.controls, self.loss_readout])
        self.widget = widgets.VBox([widgets.HBox([controls, self.numbers]), self.image, self.image.carrier])
        self.widget.add_class("digits-explorer")
        self._on_change()

    def _compute(self) -> None:
        n, T = int(self.image_slider.value), float(self.temperature.value)
        x, label = self.X[n], int(self.labels[n])
        z = self.net.forward(x[None, :])[0]
        self.index, self.label = n, label
        self.logits = z
        self.probs = softmax(z / T)
        self.labels_y = one_hot(label, self.K)
        self.loss = cross_entropy_with_logits(z / T, label)
        self.predicted = int(np.argmax(z))
        self.grad_x = input_gradient(self.net, x, label, T)

    def _on_change(self, change=None) -> None:
        with self._lock:
            self._compute()
            self._figure.update(self.X[self.index], self.probs, self.labels_y, self.grad_x)
            png = self._figure.render_png()
            shown = "right" if self.predicted == self.label else "<b>wrong</b>"
            self.loss_readout.value = (
                f"<b>Loss</b> = {self.loss:.4f} &nbsp; true {self.label}, predicted {self.predicted} "
                f"({shown})<br>max |dLoss/dx| = {np.max(np.abs(self.grad_x)):.3g}"
            )
            self.numbers.value = self._numbers_html()
            self.image.describe_as(self.describe())
            self.image.value = png
            verdict = "right" if self.predicted == self.label else "wrong"
            self.controls.status = move_status(
                change["owner"] if change else None,
                self.loss,
                f"true {self.label}, predicted {self.predicted} ({verdict}), "
                f"S at {self.label} {self.probs[self.label]:.3f}",
            )

    def describe(self) -> str:
        """The picture in words, with the numbers it shows (its text alternative)."""
        r, c = divmod(int(np.argmax(np.abs(self.grad_x))), SIDE)
        top = int(np.argmax(self.probs))
        return (
            f"Test image {self.index}: an 8 by 8 handwritten {self.label}; bars of S over the digits 0 to "
            f"{self.K - 1} (T = {float(self.temperature.value):.2f}) against y: "
            f"S = {self.probs[self.label]:.3f} at the true digit {self.label}, largest S = "
            f"{self.probs[top]:.3f} at digit {top}; loss {self.loss:.3f}; dLoss/dx as an 8 by 8 map, "
            f"largest |dLoss/dx| = {np.max(np.abs(self.grad_x)):.3g} at row {r + 1}, column {c + 1}."
        )

    def _numbers_html(self) -> str:
        """The three most probable digits with S_i, and S at the true digit (3 decimals)."""
        top = np.argsort(-self.probs, kind="stable")[:3]
        rows = "".join(f"<tr><td>{i}</td><td>{self.probs[i]:.3f}</td></tr>" for i in top)
        style = "font-family: monospace; font-size: 14px; line-height: 1.3; border-spacing: 12px 1px"
        return (
            f'<table style="{style}"><tr><th>digit</th><th>S</th></tr>{rows}</table>'
            f"<div style='font-family: monospace; font-size: 14px'>S at the true digit {self.label}: "
            f"{self.probs[self.label]:.3f}</div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

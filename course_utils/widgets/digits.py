"""DigitsExplorer (notebook 06): pick a test image of a trained network, see S, the loss and
dLoss/dx as an 8 x 8 map; a temperature slider rescales the logits.

Every number comes from ``course_utils`` (the trained :class:`~course_utils.network.MLP`, softmax,
cross_entropy_with_logits and :func:`~course_utils.network.input_gradient`); the figure is
:class:`~course_utils.plots.digits.DigitsFigure`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._checks import as_float_array, class_labels, equal, integer, number, pair, positive_int, positive_range
from ..digits import SIDE
from ..losses import cross_entropy_with_logits, one_hot
from ..network import MLP, check_network, input_gradient
from ..plots.digits import DigitsFigure
from ..softmax import softmax
from .base import NUMBERS_FONT, Explorer, loss_html, temperature_slider

SLIDER_WIDTH = 420  # px; the panel is 20 px wider


class DigitsExplorer(Explorer):
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

    kind = "digits-explorer"

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
        equal(net.sizes[0], SIDE * SIDE, "net.sizes[0]", "the net takes 8 x 8 pixels")
        X = as_float_array(X, "X", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
        equal(X.shape[1], SIDE * SIDE, "X.shape[1]", "X holds one image of 8 x 8 pixels a row")
        labels = class_labels(labels, net.sizes[-1], X.shape[0])
        t_min, t_max = positive_range(*pair(t_range, "t_range"), names=("t_range[0]", "t_range[1]"))
        T = number(T, "T", t_min, t_max)
        N = X.shape[0]
        index = integer(index, "index", low=0, high=N - 1)
        dpi = positive_int(dpi, "dpi")
        self.net, self.X, self.labels = net, X, labels
        self.K = net.sizes[-1]

        self.image_slider = widgets.IntSlider(
            value=index,
            min=0,
            max=N - 1,
            step=1,
            description="test image",
            layout=widgets.Layout(width=f"{SLIDER_WIDTH}px"),
            style={"description_width": "initial"},
        )
        self.temperature = temperature_slider(round(T, 2), t_min, t_max, 0.01, SLIDER_WIDTH)
        self._figure = DigitsFigure(self.K, dpi=dpi)
        self._assemble(
            [(self.image_slider, "test image"), (self.temperature, "temperature T")], width=SLIDER_WIDTH + 20
        )

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

    @property
    def right(self) -> bool:
        """Whether the network's guess for the shown image is its true digit."""
        return self.predicted == self.label

    def _draw(self) -> None:
        self._figure.update(self.X[self.index], self.probs, self.labels_y, self.grad_x)

    def _readout(self) -> str:
        return (
            f"{loss_html(self.loss)} &nbsp; true {self.label}, predicted {self.predicted} "
            f"({'right' if self.right else '<b>wrong</b>'})"
            f"<br>max |dLoss/dx| = {np.max(np.abs(self.grad_x)):.3g}"
        )

    def _status_extra(self, owner) -> str:
        return (
            f"true {self.label}, predicted {self.predicted} ({'right' if self.right else 'wrong'}), "
            f"S at {self.label} {self.probs[self.label]:.3f}"
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
        return (
            # border-collapse: separate, or a page that collapses tables (the website) drops the spacing
            f'<table style="{NUMBERS_FONT}; border-collapse: separate; border-spacing: 12px 1px">'
            f'<tr><th scope="col">digit</th><th scope="col">S</th></tr>{rows}</table>'
            f"<div style='font-family: monospace; font-size: 14px'>S at the true digit {self.label}: "
            f"{self.probs[self.label]:.3f}</div>"
        )

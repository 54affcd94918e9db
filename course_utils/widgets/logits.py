"""LogitsExplorer (notebook 03): move the logits z, the true class, T and epsilon; watch S, y, the
loss, dLoss/dz and the softmax Jacobian of the lecture follow.

Every number comes from ``course_utils`` (softmax, cross_entropy_with_logits_and_grad,
softmax_jacobian); the figure is :class:`~course_utils.plots.LogitsFigure`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._checks import integer, positive_fraction, positive_int, positive_number, positive_range
from ..losses import cross_entropy_with_logits_and_grad, one_hot
from ..plots import LogitsFigure
from ..softmax import softmax, softmax_jacobian
from .base import Explorer, float_slider, loss_html, numbers_table, temperature_slider, vector
from .controls import MINUS

# The lecture's example: true class 3 and S = [0.1, 0.3, 0.6], loss 0.511. The explorer must open
# on the sliders' 0.01 grid (a browser snaps any start value to the grid and sends it back, so the
# kernel and the page agree only on grid values). log S rounded to the grid, (-2.30, -1.20, -0.51),
# gives loss 0.5119, which reads as 0.512 and contradicts the slide; these grid logits give
# S = [0.099, 0.301, 0.600] and loss 0.5110, the slide's 0.511 to every digit it shows.
LECTURE_LOGITS = (-1.80, -0.69, 0.00)
SLIDER_WIDTH = 320  # px; the panel is 20 px wider


class LogitsExplorer(Explorer):
    """Sliders for the logits z (one per class), the true class, temperature T and label smoothing epsilon.

    What it computes, every time a control moves (all with ``course_utils``):

        y_smooth = (1 - epsilon) * one_hot(c) + epsilon / K         ``labels``   (K,)
        S        = softmax(z / T)                                    ``probs``    (K,)
        Loss     = -sum_i y_smooth_i log S_i                         ``loss``     float
        dLoss/dz = cross_entropy_grad(z / T, y_smooth) / T = (S - y_smooth) / T   ``grad`` (K,)
        (the loss and dLoss/dz from one call, ``cross_entropy_with_logits_and_grad``)
        dS/dz    = softmax_jacobian(z / T) / T                       ``jacobian`` (K, K)

    The 1/T is the chain rule through z / T. Display ``ex.widget`` (or just ``ex``).
    Ranges: z_i in [-logit_max, logit_max], T in [t_min, t_max], epsilon in [0, smoothing_max].
    """

    kind = "logits-explorer"
    readout_under_panel = False  # the readout heads the numbers table, beside the panel

    def __init__(
        self,
        K: int = 3,
        logit_max: float = 10.0,
        t_min: float = 0.5,
        t_max: float = 5.0,
        smoothing_max: float = 0.5,
        dpi: int = 72,
    ) -> None:
        K, dpi = integer(K, "K", 2, 10), positive_int(dpi, "dpi")  # one slider per class
        logit_max = positive_number(logit_max, "logit_max")
        t_min, t_max = positive_range(t_min, t_max, ("t_min", "t_max"), contains=1.0)  # reaches T = 1
        smoothing_max = positive_fraction(smoothing_max, "smoothing_max")  # epsilon = 1: uniform labels
        self.K = K

        start = LECTURE_LOGITS if K == 3 else np.round(np.linspace(-1.0, 1.0, K), 2)
        self.logit_sliders = [
            float_slider(
                f"z{i + 1}",
                float(np.clip(v, -logit_max, logit_max)),
                -logit_max,
                logit_max,
                0.01,
                SLIDER_WIDTH,
            )
            for i, v in enumerate(start)
        ]
        self.true_class = widgets.Dropdown(
            options=[(f"class {i + 1}", i) for i in range(K)],
            value=K - 1,
            description="true class",
            layout=widgets.Layout(width=f"{SLIDER_WIDTH}px"),
        )
        self.temperature = temperature_slider(1.0, t_min, t_max, 0.05, SLIDER_WIDTH)
        self.smoothing = float_slider("ε", 0.0, 0.0, smoothing_max, 0.01, SLIDER_WIDTH)
        self._figure = LogitsFigure(K, grad_limit=1.0 / t_min, jac_limit=0.25 / t_min, dpi=dpi)
        self._assemble(
            [(s, f"logit z{i + 1}") for i, s in enumerate(self.logit_sliders)]
            + [
                (self.true_class, "true class"),
                (self.temperature, "temperature T"),
                (self.smoothing, "label smoothing ε"),
            ],
            width=SLIDER_WIDTH + 20,
        )

    @property
    def logits(self) -> np.ndarray:
        """z, the slider values, shape (K,)."""
        return np.array([s.value for s in self.logit_sliders], dtype=np.float64)

    def _compute(self) -> None:
        z, T, eps = self.logits, float(self.temperature.value), float(self.smoothing.value)
        y = (1.0 - eps) * one_hot(int(self.true_class.value), self.K) + eps / self.K
        scaled = z / T
        self.labels = y
        self.probs = softmax(scaled)
        self.loss, grad = cross_entropy_with_logits_and_grad(scaled, y)
        self.grad = grad / T
        self.jacobian = softmax_jacobian(scaled) / T

    def _draw(self) -> None:
        self._figure.update(self.probs, self.labels, self.grad, self.jacobian)

    def _readout(self) -> str:
        return loss_html(self.loss)

    def describe(self) -> str:
        """The picture in words, with the numbers it shows (its text alternative)."""
        i, j = divmod(int(np.argmax(np.abs(self.jacobian))), self.K)
        return (
            f"Bars of S = {vector(self.probs)} against y = {vector(self.labels)} for true class "
            f"{int(self.true_class.value) + 1} (T = {float(self.temperature.value):.2f}, "
            f"ε = {float(self.smoothing.value):.2f}); loss {self.loss:.3f}; bars of dLoss/dz = "
            f"{vector(self.grad)}; the Jacobian dS/dz as a heat map, largest |dS{i + 1}/dz{j + 1}| = "
            f"{abs(self.jacobian[i, j]):.2f}."
        ).replace("-", MINUS)

    def _numbers_html(self) -> str:
        """The shown vectors and the Jacobian, one row each, 3 decimals."""
        rows = [("z", self.logits), ("S", self.probs), ("y", self.labels), ("dLoss/dz", self.grad)]
        rows += [(f"dS{i + 1}/dz", self.jacobian[i]) for i in range(self.K)]
        return numbers_table(rows, self.K)

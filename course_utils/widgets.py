"""Live explorers: move a slider, watch the numbers of the lecture change.

``LogitsExplorer``   logits z, true class, temperature T and label smoothing epsilon -> S, y,
                     the loss, dLoss/dz and the softmax Jacobian.
``BackpropExplorer`` trains the MLP on the spirals by the four steps and lets you scrub through
                     training: loss curve, decision regions, gradient norms, one sample's S - y.

Every number comes from ``course_utils`` (softmax, cross_entropy_*, softmax_jacobian, MLP); the
explorers only wire sliders to them. Drawing is thread-safe by design: each figure is made
once (no pyplot), callbacks move its artists and re-encode it as PNG bytes into an
``ipywidgets.Image``, so a callback on any thread produces a complete picture, never a blank one.

The controls are shown by one :class:`~course_utils.controls.ControlPanel` per explorer: native
``<input type="range">``, ``<select>`` and a play ``<button>``, each with a label and an accessible
name, keyboard-operable, and a polite live region that says what the last move changed and the
loss. The values live in ipywidgets slider and dropdown objects (``ex.temperature.value = 2``
works and moves the page's control). The picture's text alternative (the Image's ``tooltip``,
its ``title``) is ``ex.describe()``: the numbers it shows, rewritten after every move.

DOM hooks for browser tests: the image widgets carry the CSS classes ``logits-explorer-plot`` and
``backprop-explorer-plot``; the loss readouts (HTML widgets) carry ``loss-readout`` and show the
loss with 4 decimals as ``Loss = 0.5108``; the whole explorers carry ``logits-explorer`` and
``backprop-explorer``; the control panels ``explorer-controls``.
"""

from __future__ import annotations

import html
import threading

import ipywidgets as widgets
import numpy as np
import traitlets

from ._checks import each, integer, number, positive_int, positive_number
from .controls import ControlPanel
from .data import make_spirals
from .losses import cross_entropy_with_logits_and_grad, one_hot
from .network import MLP, TrainingRun, train
from .plots import BackpropFigure, LogitsFigure, grid_points, region_bounds
from .softmax import softmax, softmax_jacobian

# The lecture's example: true class 3 and S = [0.1, 0.3, 0.6], loss 0.511. The explorer must open
# on the sliders' 0.01 grid (a browser snaps any start value to the grid and sends it back, so the
# kernel and the page agree only on grid values). log S rounded to the grid, (-2.30, -1.20, -0.51),
# gives loss 0.5119, which reads as 0.512 and contradicts the slide; these grid logits give
# S = [0.099, 0.301, 0.600] and loss 0.5110, the slide's 0.511 to every digit it shows.
LECTURE_LOGITS = (-1.80, -0.69, 0.00)


def _numbers_table(rows: list[tuple[str, np.ndarray]], K: int, caption: str = "") -> str:
    """Named rows of K numbers as a small HTML table (classes numbered 1..K), 3 decimals, no -0.000."""
    # The corner cell heads nothing: a <td>, since an empty <th> is a header a screen reader cannot name.
    head = "<tr><td></td>" + "".join(f'<th scope="col">{i + 1}</th>' for i in range(K)) + "</tr>"
    cells = [[f"<td>{round(float(v), 3) + 0.0:+.3f}</td>" for v in values] for _, values in rows]
    body = "".join(
        f'<tr><th scope="row">{name}</th>{"".join(c)}</tr>' for (name, _), c in zip(rows, cells, strict=True)
    )
    # line-height: the HTML widget's own (28 px, one control's height) would make each row 31 px.
    # border-collapse: separate, or a page that collapses its tables (the website's theme does) drops
    # the spacing and the numbers run together ("-1.800-0.690+0.000").
    style = (
        "font-family: monospace; font-size: 14px; line-height: 1.3; text-align: right; white-space: nowrap;"
        " border-collapse: separate; border-spacing: 10px 1px"
    )
    caption = f'<caption style="text-align: right">{caption}</caption>' if caption else ""
    return f'<table style="{style}">{caption}{head}{body}</table>'


def temperature_slider(value: float, t_min: float, t_max: float, step: float, layout) -> widgets.FloatSlider:
    """The temperature slider of every explorer: S = softmax(z / T) for T from t_min to t_max."""
    return widgets.FloatSlider(
        value=value, min=t_min, max=t_max, step=step, description="T", readout_format=".2f", layout=layout
    )


def _vector(values, decimals: int = 2) -> str:
    """[0.10, 0.30, 0.60]: a vector for a sentence, with a real minus sign and no -0.00."""
    return (
        "["
        + ", ".join(f"{round(float(v), decimals) + 0.0:.{decimals}f}" for v in values).replace("-", "\u2212")
        + "]"
    )


def _shown(control) -> str:
    """A control's value as its readout shows it: "class 3", "0.50", "12", "0.1"."""
    if isinstance(control, widgets.Dropdown):
        return str(control.label)
    if isinstance(control, widgets.IntSlider):
        return str(int(control.value))
    if isinstance(control, widgets.FloatLogSlider):
        return f"{float(control.value):.3g}"
    decimals = int(control.readout_format.strip(".f")) if control.readout_format.endswith("f") else 2
    return f"{float(control.value):.{decimals}f}".replace("-", "\u2212")


def move_status(control, loss: float, extra: str = "") -> str:
    """What the live region says after a move: the control, its new value and the loss.

    ``move_status(z1_slider, 0.5098)`` -> ``"z1 = −1.79; loss 0.5098"`` (the loss with 4 decimals,
    as the readout shows it); ``extra`` is appended after a semicolon."""
    what = f"{control.description} = {_shown(control)}; " if control is not None else ""
    return f"{what}loss {loss:.4f}" + (f"; {extra}" if extra else "")


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


def explorer_outputs(kind: str) -> tuple[widgets.HTML, widgets.HTML, DescribedImage]:
    """An explorer's loss readout, numbers table and picture, with the CSS classes the slides and
    the browser tests find them by: "loss-readout", "<kind>-numbers" and "<kind>-plot"."""
    loss_readout, numbers, image = widgets.HTML(), widgets.HTML(), DescribedImage(format="png")
    for widget, css in (
        (loss_readout, "loss-readout"),
        (numbers, f"{kind}-numbers"),
        (image, f"{kind}-plot"),
    ):
        widget.add_class(css)
    return loss_readout, numbers, image


def _check_ranges(t_min: float, t_max: float, smoothing_max) -> None:
    """The temperature slider must reach T = 1; label smoothing epsilon = 1 is uniform labels."""
    if t_max < t_min:
        raise ValueError(f"t_max must be >= t_min, got t_min={t_min}, t_max={t_max}")
    if not t_min <= 1.0 <= t_max:
        raise ValueError(f"the temperature range [t_min, t_max] must contain T = 1, got [{t_min}, {t_max}]")
    if number(smoothing_max, "smoothing_max", 0, 1) == 0:
        raise ValueError(f"smoothing_max must be > 0, got {smoothing_max!r}")


class LogitsExplorer:
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
        logit_max, t_min, t_max = each(
            positive_number, {"logit_max": logit_max, "t_min": t_min, "t_max": t_max}
        )
        _check_ranges(t_min, t_max, smoothing_max)
        self.K = K
        self._lock = threading.RLock()

        start = LECTURE_LOGITS if K == 3 else np.round(np.linspace(-1.0, 1.0, K), 2)
        slider_layout = widgets.Layout(width="320px")
        self.logit_sliders = [
            widgets.FloatSlider(
                value=float(np.clip(v, -logit_max, logit_max)),
                min=-logit_max,
                max=logit_max,
                step=0.01,
                description=f"z{i + 1}",
                readout_format=".2f",
                layout=slider_layout,
            )
            for i, v in enumerate(start)
        ]
        self.true_class = widgets.Dropdown(
            options=[(f"class {i + 1}", i) for i in range(K)],
            value=K - 1,
            description="true class",
            layout=widgets.Layout(width="320px"),
        )
        self.temperature = temperature_slider(1.0, t_min, t_max, 0.05, slider_layout)
        self.smoothing = widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=smoothing_max,
            step=0.01,
            description="ε",
            readout_format=".2f",
            layout=slider_layout,
        )
        self.loss_readout, self.numbers, self.image = explorer_outputs("logits-explorer")
        self._figure = LogitsFigure(K, grad_limit=1.0 / t_min, jac_limit=0.25 / t_min, dpi=dpi)

        self.controls = ControlPanel(
            [(s, f"logit z{i + 1}") for i, s in enumerate(self.logit_sliders)]
            + [
                (self.true_class, "true class"),
                (self.temperature, "temperature T"),
                (self.smoothing, "label smoothing ε"),
            ],
            label="LogitsExplorer controls",
            layout=widgets.Layout(width="340px"),
        )
        self.controls.add_class("explorer-controls")
        for control in (*self.logit_sliders, self.true_class, self.temperature, self.smoothing):
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.controls, widgets.VBox([self.loss_readout, self.numbers])]),
                self.image,
                self.image.carrier,
            ]
        )
        self.widget.add_class("logits-explorer")
        self._on_change()

    # -- the numbers --------------------------------------------------------------------------

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

    def _on_change(self, change=None) -> None:
        with self._lock:
            self._compute()
            self._figure.update(self.probs, self.labels, self.grad, self.jacobian)
            png = self._figure.render_png()
            self.loss_readout.value = f"<b>Loss</b> = {self.loss:.4f}"
            self.numbers.value = self._numbers_html()
            self.image.describe_as(self.describe())
            self.image.value = png
            self.controls.status = move_status(change["owner"] if change else None, self.loss)

    def describe(self) -> str:
        """The picture in words, with the numbers it shows (its text alternative)."""
        k = int(np.argmax(np.abs(self.jacobian)))
        i, j = divmod(k, self.K)
        return (
            f"Bars of S = {_vector(self.probs)} against y = {_vector(self.labels)} for true class "
            f"{int(self.true_class.value) + 1} (T = {float(self.temperature.value):.2f}, "
            f"ε = {float(self.smoothing.value):.2f}); loss {self.loss:.3f}; bars of dLoss/dz = "
            f"{_vector(self.grad)}; the Jacobian dS/dz as a heat map, largest |dS{i + 1}/dz{j + 1}| = "
            f"{abs(self.jacobian[i, j]):.2f}."
        ).replace("-", "\u2212")

    def _numbers_html(self) -> str:
        """The shown vectors and the Jacobian as a small HTML table, 3 decimals."""

        rows = [("z", self.logits), ("S", self.probs), ("y", self.labels), ("dLoss/dz", self.grad)]
        rows += [(f"dS{i + 1}/dz", self.jacobian[i]) for i in range(self.K)]
        return _numbers_table(rows, self.K)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class BackpropExplorer:
    """Train ``MLP(sizes, seed)`` on the spirals by the four steps, then scrub through training.

    Controls: ``step_slider`` (a play button in the panel steps it) picks the training step t;
    ``lr_slider`` (log scale) retrains from the same seed with another learning rate;
    ``sample_slider`` picks the sample whose logits, S, y and S - y are shown.

    Shown at step t, all from the recorded run (``run``, a :class:`~course_utils.network.TrainingRun`):
    ``loss`` = history[t] (``history``: loss per step, index = step), ``accuracy``, ``grad_norms``
    (||dLoss/dp|| per parameter), the decision regions of the step's parameters, and for the
    sample: ``sample_logits`` z, ``sample_probs`` S = softmax(z), ``sample_labels`` y (one-hot),
    ``sample_grad`` = cross_entropy_grad(z, label) = S - y. Display ``bx.widget`` (or just ``bx``).

    Defaults (lr 2.0, 800 steps, [2, 16, 3], 60 points per arm) reach at least 95 % training
    accuracy for every seed tested (0-7: 97.8-98.3 %; the last digits of a run vary between machines).
    """

    def __init__(
        self,
        sizes=(2, 16, 3),
        lr: float = 2.0,
        steps: int = 800,
        seed: int = 0,
        n_per_class: int = 60,
        sample: int | None = None,
        grid_n: int = 64,
        dpi: int = 72,
    ) -> None:
        self._probe = MLP(list(sizes), seed=seed)  # validates sizes and seed; draws snapshots
        if self._probe.sizes[0] != 2:
            raise ValueError(
                f"sizes[0] must be 2: the toy data are points in the plane, got {self._probe.sizes[0]}"
            )
        steps, grid_n, dpi = each(positive_int, {"steps": steps, "grid_n": grid_n, "dpi": dpi})
        lr = number(lr, "lr", 0.01, 10)  # the learning-rate slider's range
        self.sizes, self.seed, self.steps = self._probe.sizes, seed, steps
        self.K = self.sizes[-1]
        self.X, self.labels = make_spirals(n_per_class, K=self.K, seed=seed)
        N = len(self.labels)
        # the outer end of the last arm by default: misclassified at first, learned late
        sample = N - 1 if sample is None else integer(sample, "sample", 0, N - 1)
        self._grid = grid_points(region_bounds(self.X), grid_n)
        self._lock = threading.RLock()

        self.step_slider = widgets.IntSlider(
            value=0, min=0, max=steps, step=1, description="step", layout=widgets.Layout(width="420px")
        )
        self.lr_slider = widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-2,
            max=1,
            step=0.1,
            description="learning rate",
            readout_format=".3g",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        self.sample_slider = widgets.IntSlider(
            value=int(sample), min=0, max=N - 1, description="sample", layout=widgets.Layout(width="420px")
        )
        self.loss_readout = widgets.HTML()
        self.loss_readout.add_class("loss-readout")
        self.numbers = widgets.HTML()
        self.numbers.add_class("backprop-explorer-numbers")
        self._figure = BackpropFigure(
            self.X, self.labels, self.K, list(self._probe.params), grid_n=grid_n, dpi=dpi
        )
        self.image = DescribedImage(format="png")
        self.image.add_class("backprop-explorer-plot")

        self.controls = ControlPanel(
            [
                (self.step_slider, "training step"),
                (self.lr_slider, "learning rate"),
                (self.sample_slider, "sample"),
            ],
            label="BackpropExplorer controls",
            play=(self.step_slider, 5, 60, "play training"),
            layout=widgets.Layout(width="440px"),
        )
        self.controls.add_class("explorer-controls")
        self._retrain()
        self.step_slider.observe(self._on_step, names="value")
        self.sample_slider.observe(self._on_step, names="value")
        self.lr_slider.observe(self._on_lr, names="value")
        # Sized for a projector (1280 x 720 presenting): controls and readout on the left, the
        # sample's numbers on the right (about 130 px together), the four panels in one row below.
        controls = widgets.VBox([self.controls, self.loss_readout])
        self.widget = widgets.VBox([widgets.HBox([controls, self.numbers]), self.image, self.image.carrier])
        self.widget.add_class("backprop-explorer")

    # -- training ------------------------------------------------------------------------------

    def _retrain(self) -> None:
        """Train from the same seed with the slider's learning rate; record every step."""
        with self._lock:
            net = MLP(self.sizes, seed=self.seed)
            self.run: TrainingRun = train(net, self.X, self.labels, float(self.lr_slider.value), self.steps)
            self.history = self.run.history
            self._figure.set_run(self.history, float(np.max(self.run.grad_norms)))
            self._show()

    def _on_lr(self, change=None) -> None:
        self._retrain()
        self._announce(change)

    def _on_step(self, change=None) -> None:
        with self._lock:
            self._show()
            self._announce(change)

    def _announce(self, change) -> None:
        """The live region's text after a move of the step, sample or learning-rate slider."""
        owner = change["owner"] if change else None
        t = int(self.step_slider.value)
        if owner is self.sample_slider:
            n = int(self.sample_slider.value)
            extra = f"class {int(self.labels[n]) + 1}, S - y = {_vector(self.sample_grad)}"
        else:
            extra = f"training accuracy {100 * self.accuracy:.1f} %"
        if owner is not self.step_slider:
            extra = f"at step {t}, " + extra
        self.controls.status = move_status(owner, self.loss, extra)

    # -- one step ------------------------------------------------------------------------------

    def _show(self) -> None:
        t = int(self.step_slider.value)
        n = int(self.sample_slider.value)
        self._probe.set_params(self.run.snapshots[t])
        S_grid = softmax(self._probe.forward(self._grid, check=False))  # grid and X: float64, checked
        z = self._probe.forward(self.X[n : n + 1], check=False)[0]
        label = int(self.labels[n])
        self.loss = self.history[t]
        self.accuracy = float(self.run.accuracy[t])
        self.grad_norms = self.run.grad_norms[t]
        self.sample_logits = z
        self.sample_probs = softmax(z)
        self.sample_labels = one_hot(label, self.K)
        _, self.sample_grad = cross_entropy_with_logits_and_grad(z, label)  # S - y for this one sample
        self._figure.update(
            t,
            self.history,
            S_grid,
            self.grad_norms,
            self.X[n],
            self.sample_probs,
            self.sample_labels,
            self.sample_grad,
        )
        png = self._figure.render_png()
        self.loss_readout.value = (
            f"step {t}: <b>Loss</b> = {self.loss:.4f}, training accuracy {100 * self.accuracy:.1f} %"
        )
        self.numbers.value = self._numbers_html(n, label)
        self.image.describe_as(self.describe())
        self.image.value = png

    def describe(self) -> str:
        """The picture in words, with the numbers it shows (its text alternative)."""
        t, n = int(self.step_slider.value), int(self.sample_slider.value)
        norms = ", ".join(
            f"{name} {v:.2f}" for name, v in zip(self._probe.params, self.grad_norms, strict=True)
        )
        return (
            f"Training step {t} of {self.steps} at learning rate {float(self.lr_slider.value):.3g}: the mean "
            f"cross-entropy loss curve, {self.history[0]:.3f} at step 0 and {self.loss:.3f} now; the "
            f"decision regions of the {self.K} classes, training accuracy {100 * self.accuracy:.1f} %, "
            f"sample #{n} (class {int(self.labels[n]) + 1}) ringed; gradient norms ||dLoss/dp||: {norms}; "
            f"the sample's S = {_vector(self.sample_probs)}, y = {_vector(self.sample_labels)} and "
            f"S - y = {_vector(self.sample_grad)}."
        )

    def _numbers_html(self, n: int, label: int) -> str:
        rows = [
            ("z", self.sample_logits),
            ("S", self.sample_probs),
            ("y", self.sample_labels),
            ("S - y", self.sample_grad),
        ]
        return _numbers_table(rows, self.K, caption=f"sample #{n}, class {label + 1}")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

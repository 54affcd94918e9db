"""Both explorers driven headlessly through their contract (setting a slider's value runs its
callback synchronously); the numbers they show are checked against independent computations."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

import ipywidgets as widgets
import numpy as np
import pytest
from helpers import png_pixels, run_in_threads

from course_utils import numerical_gradient
from course_utils.network import MLP
from course_utils.widgets import BackpropExplorer, LogitsExplorer

# ---------------------------------------------------------------------------------------------
# Independent formulas (plain numpy, written from the math, not from course_utils)
# ---------------------------------------------------------------------------------------------


def ref_probs(z, T):
    e = np.exp((z - z.max()) / T)
    return e / e.sum()


def ref_loss(z, T, c, eps):
    K = len(z)
    y = np.full(K, eps / K)
    y[c] += 1 - eps
    log_S = (z - z.max()) / T - np.log(np.sum(np.exp((z - z.max()) / T)))
    return float(-np.sum(y * log_S)), y


def set_state(ex, z, T, c, eps):
    for slider, v in zip(ex.logit_sliders, z, strict=True):
        slider.value = float(v)
    ex.temperature.value = T
    ex.true_class.value = c
    ex.smoothing.value = eps


def set_state_at_once(ex, z, T, c, eps):
    """Like set_state, but the explorer's callback runs once, for the final state (a quicker sweep)."""
    controls = [*ex.logit_sliders, ex.temperature, ex.true_class, ex.smoothing]
    for control in controls:
        control.unobserve(ex._on_change, names="value")
    try:
        set_state(ex, z, T, c, eps)
    finally:
        for control in controls:
            control.observe(ex._on_change, names="value")
    ex._on_change()  # what every control's observer runs


class _Cells(HTMLParser):
    """The cells of an HTML table: (tag, attributes, text) in document order, and the table's style."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[list] = []
        self.style = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.style = dict(attrs).get("style", "")
        if tag in ("th", "td"):
            self.cells.append([tag, dict(attrs), ""])

    def handle_data(self, data):
        if self.cells:
            self.cells[-1][2] += data


def table_cells(markup: str) -> _Cells:
    parser = _Cells()
    parser.feed(markup)
    return parser


@pytest.mark.parametrize("make", [LogitsExplorer, BackpropExplorer], ids=["logits", "backprop"])
def test_numbers_table_headers_have_text_and_cells_keep_their_spacing(make):
    """Every header cell names its row or column (an empty <th> is a header a screen reader reads as
    nothing), and the spacing between numbers survives a page that collapses table borders."""
    table = table_cells(make().numbers.value)
    headers = [(attrs, text) for tag, attrs, text in table.cells if tag == "th"]
    assert headers and all(text.strip() for _, text in headers), headers
    assert {attrs.get("scope") for attrs, _ in headers} == {"col", "row"}
    assert "border-collapse: separate" in table.style and "border-spacing: 10px" in table.style


# ---------------------------------------------------------------------------------------------
# LogitsExplorer
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ex():
    return LogitsExplorer()


def test_logits_contract(ex):
    assert len(ex.logit_sliders) == 3
    assert all(isinstance(s, widgets.FloatSlider) for s in ex.logit_sliders)
    assert isinstance(ex.temperature, widgets.FloatSlider) and isinstance(ex.smoothing, widgets.FloatSlider)
    assert ex.true_class.value in (0, 1, 2)
    assert isinstance(ex.widget, widgets.Widget)
    assert ex.probs.shape == (3,) and ex.grad.shape == (3,) and isinstance(ex.loss, float)
    assert "logits-explorer-plot" in ex.image._dom_classes
    assert "loss-readout" in ex.loss_readout._dom_classes
    assert len(LogitsExplorer(K=5).logit_sliders) == 5


def test_opens_on_the_lecture_example():
    fresh = LogitsExplorer()
    assert fresh.true_class.value == 2  # "class 3"
    np.testing.assert_allclose(fresh.logits, [-1.80, -0.69, 0.00])  # on the sliders' 0.01 grid
    np.testing.assert_allclose(fresh.probs, [0.1, 0.3, 0.6], atol=1e-3)
    assert round(fresh.loss, 3) == 0.511  # the slide's number, to the digits it shows
    np.testing.assert_allclose(fresh.grad, fresh.probs - [0, 0, 1], atol=1e-15)  # S - y
    assert fresh.loss_readout.value.endswith("= 0.5110")


def test_shown_numbers_match_independent_formulas(ex):
    rng = np.random.default_rng(0)
    for _ in range(12):
        z = np.round(rng.uniform(-10, 10, 3), 2)
        T = float(np.round(rng.uniform(0.5, 5.0) / 0.05) * 0.05)
        c = int(rng.integers(3))
        eps = float(np.round(rng.uniform(0, 0.5), 2))
        set_state(ex, z, T, c, eps)
        z, T = ex.logits, ex.temperature.value  # the values the sliders actually hold
        loss, y = ref_loss(z, T, c, eps)
        np.testing.assert_allclose(ex.probs, ref_probs(z, T), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(ex.labels, y, rtol=1e-12)
        assert abs(ex.loss - loss) < 1e-10
        # dLoss/dz by central differences of the independent loss: checks the 1/T chain factor
        numeric = numerical_gradient(lambda v, T=T, c=c, eps=eps: ref_loss(v, T, c, eps)[0], z)
        np.testing.assert_allclose(ex.grad, numeric, atol=1e-7)
        np.testing.assert_allclose(ex.grad, (ref_probs(z, T) - y) / T, atol=1e-12)
        jac = np.column_stack(
            [numerical_gradient(lambda v, i=i, T=T: ref_probs(v, T)[i], z) for i in range(3)]
        ).T
        np.testing.assert_allclose(ex.jacobian, jac, atol=1e-7)
        assert ex.loss_readout.value.endswith(f"= {ex.loss:.4f}")


def test_every_control_updates_the_picture(ex):
    set_state(ex, [0.0, 0.5, 1.0], 1.0, 0, 0.0)
    controls = [*ex.logit_sliders, ex.temperature, ex.smoothing]
    for control, value in zip(controls, [3.0, -2.0, 4.0, 2.0, 0.3], strict=True):
        before = ex.image.value
        control.value = value
        assert ex.image.value != before, control.description
    before = ex.image.value
    ex.true_class.value = 1
    assert ex.image.value != before
    pixels = png_pixels(ex.image.value)
    assert pixels.shape[0] > 100 and pixels.shape[1] > 300
    assert (pixels.min(axis=2) < 200).mean() > 0.02, "the picture must not be blank"


def test_extremes_give_no_nan_and_no_warning():
    ex = LogitsExplorer()
    m = ex.logit_sliders[0].max
    T_values = (ex.temperature.min, ex.temperature.max)
    eps_values = (0.0, ex.smoothing.max)
    for z in itertools.product((-m, m), repeat=3):
        for T, eps, c in itertools.product(T_values, eps_values, (0, 2)):
            set_state_at_once(ex, z, T, c, eps)  # pytest turns any warning into an error
            assert np.all(np.isfinite(ex.probs)) and np.all(np.isfinite(ex.grad))
            assert np.all(np.isfinite(ex.jacobian)) and np.isfinite(ex.loss)
            assert "nan" not in ex.loss_readout.value.lower() and "nan" not in ex.numbers.value.lower()
            assert "-0.000" not in ex.numbers.value, "round before formatting: no negative zeros shown"
            np.testing.assert_allclose(ex.probs.sum(), 1.0)
    # the largest loss the sliders allow: wrong class certain, coldest temperature, no smoothing
    set_state(ex, [m, -m, -m], T_values[0], 2, 0.0)
    big = 2 * m / T_values[0]  # -log S_3 = z_1/T - z_3/T + log(1 + 2 exp(-2m/T))
    assert ex.loss == pytest.approx(big + np.log1p(2 * np.exp(-big)), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"K": 1}, ValueError, "K"),
        ({"K": 11}, ValueError, "K"),
        ({"K": 3.0}, TypeError, "K"),
        ({"logit_max": -1.0}, ValueError, "logit_max"),
        ({"t_min": 0.0}, ValueError, "t_min"),
        ({"t_min": 2.0, "t_max": 1.5}, ValueError, "t_max"),
        ({"smoothing_max": 1.5}, ValueError, "smoothing_max"),
        ({"smoothing_max": "0.2"}, TypeError, "smoothing_max"),
        ({"smoothing_max": 0.0}, ValueError, "smoothing_max"),
        ({"t_min": 1.5, "t_max": 3.0}, ValueError, "must contain 1"),  # the slider must reach T = 1
    ],
)
def test_logits_explorer_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        LogitsExplorer(**kwargs)


def test_callbacks_from_several_threads_leave_a_consistent_picture():
    ex = LogitsExplorer()

    def move(i):
        for k in range(10):
            ex.logit_sliders[i].value = float(k - 5)

    assert not run_in_threads(move, 3)
    ex.smoothing.value = 0.1  # one more update from this thread: numbers and picture agree
    np.testing.assert_allclose(ex.probs, ref_probs(ex.logits, ex.temperature.value))
    np.testing.assert_array_equal(png_pixels(ex.image.value), ex._figure.render_rgba()[..., :3])


# ---------------------------------------------------------------------------------------------
# BackpropExplorer
# ---------------------------------------------------------------------------------------------


def reference_run(X, labels, params, lr, steps):
    """Plain-numpy full-batch gradient descent of the tanh MLP: loss history and params per step."""
    params = {k: v.copy() for k, v in params.items()}
    history, snaps = [], []
    N, K = len(X), labels.max() + 1
    Y = np.eye(K)[labels]
    for t in range(steps + 1):
        snaps.append({k: v.copy() for k, v in params.items()})
        H = np.tanh(X @ params["W1"] + params["b1"])
        z = H @ params["W2"] + params["b2"]
        log_S = z - z.max(axis=1, keepdims=True)
        log_S -= np.log(np.exp(log_S).sum(axis=1, keepdims=True))
        history.append(-np.mean(np.sum(Y * log_S, axis=1)))
        dz = (np.exp(log_S) - Y) / N
        dH = dz @ params["W2"].T * (1 - H**2)
        grads = {"W2": H.T @ dz, "b2": dz.sum(0), "W1": X.T @ dH, "b1": dH.sum(0)}
        if t < steps:
            params = {k: params[k] - lr * grads[k] for k in params}
    return np.array(history), snaps


@pytest.fixture(scope="module")
def bx():
    return BackpropExplorer()


def test_backprop_contract(bx):
    assert isinstance(bx.step_slider, widgets.IntSlider) and isinstance(bx.lr_slider, widgets.FloatLogSlider)
    assert isinstance(bx.widget, widgets.Widget)
    assert bx.step_slider.max == bx.steps and len(bx.history) == bx.steps + 1
    play = bx.controls.controls[0]  # the panel's play button steps the step slider to its maximum
    assert play["kind"] == "play" and bx.controls.control_for(bx.step_slider)["name"] == play["target"]
    assert bx.controls.control_for(bx.step_slider)["max"] == bx.steps
    assert "backprop-explorer-plot" in bx.image._dom_classes
    assert "loss-readout" in bx.loss_readout._dom_classes


def test_default_settings_reach_95_percent(bx):
    bx.step_slider.value = bx.steps
    assert bx.accuracy >= 0.95, bx.accuracy
    assert bx.loss < 0.25 * bx.history[0]
    assert "accuracy 9" in bx.loss_readout.value


def test_history_and_shown_numbers_match_an_independent_run(bx):
    init = MLP(list(bx.sizes), seed=bx.seed).copy_params()
    history, snaps = reference_run(bx.X, bx.labels, init, bx.lr_slider.value, bx.steps)
    # Identical for the first ~60 steps; the loss spike near step 75 amplifies rounding to ~1e-9.
    np.testing.assert_allclose(bx.history[:60], history[:60], rtol=1e-13)
    np.testing.assert_allclose(bx.history, history, rtol=1e-6)
    for t in (0, 1, 137, bx.steps):
        bx.step_slider.value = t
        assert bx.loss == bx.history[t]
        assert bx.loss_readout.value.startswith(f"step {t}:") and f"= {bx.loss:.4f}," in bx.loss_readout.value
        n = bx.sample_slider.value
        p = snaps[t]
        z = np.tanh(bx.X[n] @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
        S = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        y = np.eye(bx.K)[bx.labels[n]]
        np.testing.assert_allclose(bx.sample_logits, z, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(bx.sample_probs, S, rtol=1e-6, atol=1e-12)
        np.testing.assert_array_equal(bx.sample_labels, y)
        np.testing.assert_allclose(bx.sample_grad, bx.sample_probs - y, atol=1e-15)
        H = np.tanh(bx.X @ p["W1"] + p["b1"])
        acc = np.mean(np.argmax(H @ p["W2"] + p["b2"], axis=1) == bx.labels)
        assert bx.accuracy == pytest.approx(acc)
        assert bx.accuracy == bx.run.accuracy[t]


def test_scrubbing_and_sample_change_update_the_picture(bx):
    bx.step_slider.value = 0
    before = bx.image.value
    bx.step_slider.value = 400
    assert bx.image.value != before
    before = bx.image.value
    bx.sample_slider.value = 3
    assert bx.image.value != before
    pixels = png_pixels(bx.image.value)
    assert (pixels.min(axis=2) < 200).mean() > 0.05, "the picture must not be blank"


def test_learning_rate_change_retrains_from_the_same_seed(bx):
    default, default_accuracy = list(bx.history), bx.run.accuracy[-1]
    bx.step_slider.value = 100
    ends = {}
    for lr in (bx.lr_slider.min, bx.lr_slider.max):  # exponents: 10**-2 and 10**1
        bx.lr_slider.value = 10.0**lr
        assert np.all(np.isfinite(bx.history)) and np.isfinite(bx.loss)
        assert bx.history[0] == default[0], "same seed, same starting loss"
        assert bx.history != default
        assert bx.step_slider.value == 100 and bx.loss == bx.history[100]
        ends[lr] = (list(bx.history), bx.run.accuracy[-1])
    (small, small_accuracy), (large, large_accuracy) = ends[-2], ends[1]
    assert small[-1] > 0.75 and small_accuracy < 0.6, "lr 0.01: far from trained"
    # lr 10 diverges: the loss blows up. Where it ends is chaotic (an ulp of difference between
    # machines or BLAS threads moves the final accuracy between about 0.6 and 0.75), so the claim
    # about accuracy is only that it stays far below the default run's.
    assert max(large) > 5 * large[0], "lr 10 diverges"
    assert large_accuracy < default_accuracy - 0.15
    bx.lr_slider.value = 2.0
    np.testing.assert_array_equal(bx.history, default)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": (3, 8, 3)}, ValueError, "sizes"),
        ({"sizes": (2, 8, 1)}, ValueError, "sizes"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": 100.0}, ValueError, "lr"),
        ({"steps": 0}, ValueError, "steps"),
        ({"steps": 10.5}, TypeError, "steps"),
        ({"sample": 10_000}, ValueError, "sample"),
        ({"seed": "0"}, TypeError, "seed"),
    ],
)
def test_backprop_explorer_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        BackpropExplorer(**kwargs)


# ---------------------------------------------------------------------------------------------
# The skeleton all explorers share
# ---------------------------------------------------------------------------------------------


def test_every_explorer_is_built_on_the_one_skeleton(ex, bx):
    """Each explorer writes only its own steps; the move -> numbers -> picture -> words -> status
    path, the lock and the layout are the base class's, so all explorers behave alike."""
    from course_utils.widgets import DigitsExplorer, Explorer

    for cls in (LogitsExplorer, BackpropExplorer, DigitsExplorer):
        assert issubclass(cls, Explorer)
        for shared in ("_assemble", "_on_change", "_refresh", "_repr_mimebundle_"):
            assert shared not in vars(cls), f"{cls.__name__} redefines {shared}"
    for explorer in (ex, bx):
        assert explorer.image.tooltip == explorer.describe()
        assert f"loss {explorer.loss:.4f}" in explorer.controls.status
        assert explorer.kind in explorer.widget._dom_classes
        assert f"{explorer.kind}-numbers" in explorer.numbers._dom_classes

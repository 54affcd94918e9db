"""course_utils.digits, metrics, plots.digits and widgets.digits: data, split, scores, calibration,
the input gradient, the figures and the explorer (driven headlessly), each against an
independent computation written from the formula."""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import pytest
from helpers import png_pixels, run_in_threads
from matplotlib.figure import Figure
from PIL import Image

from course_utils import numerical_gradient, relative_error
from course_utils.digits import K_DIGITS, load_digits_data, split_digits
from course_utils.metrics import (
    Reliability,
    confusion_matrix,
    fit_temperature,
    most_confident_wrong,
    reliability,
)
from course_utils.network import MLP, input_gradient, train
from course_utils.plots.digits import (
    DigitsFigure,
    confusion_matrix_figure,
    digits_gallery_figure,
    reliability_figure,
)
from course_utils.widgets import DigitsExplorer


def ref_log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def ref_nll(z, labels):
    return float(-np.mean(ref_log_softmax(z)[np.arange(len(labels)), labels]))


@pytest.fixture(scope="module")
def data():
    return load_digits_data()


@pytest.fixture(scope="module")
def trained(data):
    X, labels = data
    split = split_digits(X, labels, seed=0)
    net = MLP([64, 10], seed=0)
    train(net, split.X_train, split.labels_train, lr=2.0, steps=100, snapshot_every=100)
    return split, net


# -- data and split -----------------------------------------------------------------------------


def test_the_bundled_digits(data):
    X, labels = data
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == set(range(K_DIGITS))
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.round(X * 16), X * 16)  # raw pixels were whole numbers 0..16


def test_split_is_a_stratified_partition(data):
    X, labels = data
    s = split_digits(X, labels, val_fraction=0.2, test_fraction=0.2, seed=3)
    every = np.concatenate([s.index_train, s.index_val, s.index_test])
    np.testing.assert_array_equal(np.sort(every), np.arange(len(labels)))
    for part_X, part_y, idx in (
        (s.X_train, s.labels_train, s.index_train),
        (s.X_val, s.labels_val, s.index_val),
        (s.X_test, s.labels_test, s.index_test),
    ):
        np.testing.assert_array_equal(part_X, X[idx])
        np.testing.assert_array_equal(part_y, labels[idx])
    for c in range(K_DIGITS):
        n_c = np.sum(labels == c)
        assert np.sum(s.labels_test == c) == round(0.2 * n_c)
        assert np.sum(s.labels_val == c) == round(0.2 * n_c)
    assert not np.all(np.diff(s.labels_train) >= 0), "shuffled, not in class blocks"


def test_split_depends_on_the_seed_only(data):
    X, labels = data
    a, b, c = (split_digits(X, labels, seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a.index_test, b.index_test)
    assert not np.array_equal(a.index_test, c.index_test)
    assert a.seed == 1


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"val_fraction": 0.0}, ValueError, "val_fraction"),
        ({"test_fraction": 1.0}, ValueError, "test_fraction"),
        ({"test_fraction": "0.2"}, TypeError, "test_fraction"),
        ({"val_fraction": 0.5, "test_fraction": 0.5}, ValueError, r"val_fraction \+ test_fraction"),
        ({"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_split_rejects_bad_arguments(data, kwargs, error, name):
    X, labels = data
    with pytest.raises(error, match=name):
        split_digits(X, labels, **kwargs)


def test_split_rejects_bad_data():
    with pytest.raises(ValueError, match="labels"):
        split_digits(np.zeros((4, 2)), [0, 1, 0])
    with pytest.raises(ValueError, match="X"):
        split_digits(np.zeros(4), [0, 1, 0, 1])
    with pytest.raises(TypeError, match="labels"):
        split_digits(np.zeros((4, 2)), ["a", "b", "c", "d"])


# -- confusion matrix, reliability, most confident mistakes -------------------------------------


def test_confusion_matrix_counts_pairs():
    labels = [0, 0, 1, 2, 2, 2]
    predicted = [0, 1, 1, 2, 0, 2]
    C = confusion_matrix(labels, predicted, K=3)
    expected = np.zeros((3, 3), dtype=int)
    for t, p in zip(labels, predicted, strict=True):
        expected[t, p] += 1
    np.testing.assert_array_equal(C, expected)
    assert C.dtype == np.int64 and np.trace(C) == 4


def test_confusion_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match="predicted"):
        confusion_matrix([0, 1], [0, 3], K=3)
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix([0, 1], [0], K=3)
    with pytest.raises(TypeError, match="K"):
        confusion_matrix([0], [0], K=2.0)


def test_reliability_bins_by_hand():
    S = np.array([[0.95, 0.05], [0.15, 0.85], [0.55, 0.45], [0.35, 0.65]])
    labels = np.array([0, 0, 0, 1])
    rel = reliability(S, labels, n_bins=2)  # bins [0, 0.5), [0.5, 1]: every confidence >= 0.5
    np.testing.assert_array_equal(rel.counts, [0, 4])
    assert np.isnan(rel.confidence[0]) and np.isnan(rel.accuracy[0])
    assert rel.confidence[1] == pytest.approx((0.95 + 0.85 + 0.55 + 0.65) / 4)
    assert rel.accuracy[1] == pytest.approx(3 / 4)
    assert rel.ece == pytest.approx(abs(0.75 - 0.75))
    rel10 = reliability(S, labels, n_bins=10)
    # ECE = sum over bins of |correct - confidence| summed in the bin, / N
    by_hand = (abs(1 - 0.95) + abs(0 - 0.85) + abs(1 - 0.55) + abs(1 - 0.65)) / 4
    assert rel10.ece == pytest.approx(by_hand)
    assert rel10.counts.sum() == 4


def test_reliability_of_a_calibrated_model_is_near_zero():
    rng = np.random.default_rng(0)
    N, K = 20000, 3
    S = rng.dirichlet(np.ones(K), size=N)
    labels = np.array([rng.choice(K, p=p) for p in S])  # drawn from S itself: calibrated
    assert reliability(S, labels).ece < 0.03
    assert reliability(S, S.argmax(axis=1)).ece > 0.2, "always right but unsure: far from calibrated"


def test_reliability_rejects_bad_input():
    with pytest.raises(ValueError, match="S"):
        reliability(np.array([[0.5, 0.6]]), [0])
    with pytest.raises(ValueError, match="labels"):
        reliability(np.array([[0.5, 0.5]]), [0, 1])
    with pytest.raises(TypeError, match="n_bins"):
        reliability(np.array([[0.5, 0.5]]), [0], n_bins=2.5)


def test_most_confident_wrong():
    S = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.7, 0.3]])
    labels = np.array([1, 1, 1, 0, 1])  # wrong: rows 0 (0.9), 2 (0.6), 3 (0.7), 4 (0.7)
    np.testing.assert_array_equal(most_confident_wrong(S, labels, k=3), [0, 3, 4])
    np.testing.assert_array_equal(most_confident_wrong(S, labels, k=10), [0, 3, 4, 2])
    assert most_confident_wrong(S, S.argmax(axis=1)).size == 0
    with pytest.raises(ValueError, match="k"):
        most_confident_wrong(S, labels, k=0)


# -- temperature --------------------------------------------------------------------------------


@pytest.mark.parametrize("T_true", [0.5, 1.0, 2.5])
def test_fit_temperature_finds_the_minimum_of_the_nll(T_true):
    rng = np.random.default_rng(1)
    z = rng.normal(scale=3.0, size=(3000, 4))
    # labels drawn from softmax(z / T_true): the best temperature is close to T_true
    S = np.exp(ref_log_softmax(z / T_true))
    labels = (S.cumsum(axis=1) < rng.random((len(S), 1))).sum(axis=1)  # one draw per row from S
    T = fit_temperature(z, labels)
    assert abs(T - T_true) < 0.15 * T_true
    grid = np.exp(np.linspace(np.log(0.05), np.log(20), 401))
    best_on_grid = min(ref_nll(z / t, labels) for t in grid)
    assert ref_nll(z / T, labels) <= best_on_grid + 1e-9


def test_fit_temperature_stays_in_its_range():
    z = np.array([[3.0, 0.0], [0.0, 3.0]])
    labels = np.array([0, 1])  # always right: the loss keeps falling as T -> 0
    assert fit_temperature(z, labels, t_min=0.5, t_max=4.0) == pytest.approx(0.5, rel=1e-4)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"t_min": 0.0}, ValueError, "t_min"),
        ({"t_min": 2.0, "t_max": 1.0}, ValueError, "t_max"),
        ({"tol": "small"}, TypeError, "tol"),
    ],
)
def test_fit_temperature_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        fit_temperature(np.zeros((2, 3)), [0, 1], **kwargs)


def test_fit_temperature_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels"):
        fit_temperature(np.zeros((2, 3)), [0, 3])


# -- dLoss/dx -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[64, 10], [64, 12, 10], [5, 4, 3, 3]])
@pytest.mark.parametrize("T", [1.0, 0.6])
def test_input_gradient_against_finite_differences(sizes, T):
    rng = np.random.default_rng(7)
    net = MLP(sizes, seed=2)
    X = rng.uniform(size=(3, sizes[0]))
    labels = np.array([0, 1, 2]) % sizes[-1]
    G = input_gradient(net, X, labels, T)
    assert G.shape == X.shape
    for n in range(3):

        def loss(x, n=n):
            z = net.forward(x[None, :])[0] / T
            return -ref_log_softmax(z)[labels[n]]

        assert relative_error(numerical_gradient(loss, X[n]), G[n]) < 1e-7
        np.testing.assert_allclose(input_gradient(net, X[n], int(labels[n]), T), G[n], atol=1e-15)


def test_input_gradient_of_softmax_regression_is_S_minus_y_times_W_transposed():
    net = MLP([6, 4], seed=0)
    x = np.linspace(0, 1, 6)
    z = x @ net.params["W1"] + net.params["b1"]
    S = np.exp(ref_log_softmax(z))
    y = np.eye(4)[2]
    np.testing.assert_allclose(input_gradient(net, x, 2), (S - y) @ net.params["W1"].T, atol=1e-15)


def test_input_gradient_rejects_bad_input():
    net = MLP([4, 3], seed=0)
    with pytest.raises(TypeError, match="net"):
        input_gradient("net", np.zeros(4), 0)
    with pytest.raises(ValueError, match="X"):
        input_gradient(net, np.zeros(5), 0)
    with pytest.raises(ValueError, match="labels"):
        input_gradient(net, np.zeros((2, 4)), [0])
    with pytest.raises(ValueError, match="T"):
        input_gradient(net, np.zeros(4), 0, T=-1.0)


# -- figures ------------------------------------------------------------------------------------


def test_static_figures_are_figures_with_the_expected_axes(data):
    X, labels = data
    assert isinstance(digits_gallery_figure(X[:12], [str(c) for c in labels[:12]], ncols=6), Figure)
    assert len(digits_gallery_figure(X[:12], ncols=6).axes) == 12
    C = confusion_matrix(labels[:50], labels[:50][::-1], K=10)
    fig = confusion_matrix_figure(C)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum(int(t) for t in texts) == 50, "every non-zero count is written in its cell"
    S = np.full((10, 10), 0.05)
    S[np.arange(10), np.arange(10)] = 0.55
    rel = reliability(S, np.arange(10))
    fig = reliability_figure({"a": rel, "b": rel})
    assert len(fig.axes[0].get_legend().get_texts()) == 3


def drawn_text_px(fig) -> list[tuple[float, str]]:
    """(size in px on a 1280 x 720 slide, text) of every visible text: the deck scales slides by 0.96."""
    from matplotlib.text import Text

    fig.canvas.draw()
    return [
        (t.get_fontsize() * fig.dpi / 72 * 0.96, t.get_text())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


@pytest.mark.slow  # renders notebook 06's figures at full size (about 1.7 s)
def test_static_figures_fit_a_slide_and_their_smallest_text_is_12_px(data):
    """As notebook 06 draws them: at most 1083 px wide (a deck draws images up to 95 % of the
    1140 px output area), 100 dpi, no text under 12 px on the slide."""
    from course_utils.plots import DescribedFigure

    X, labels = data
    C = confusion_matrix(labels[:359], np.roll(labels[:359], 1), K=10)
    S = np.full((10, 10), 0.05)
    S[np.arange(10), np.arange(10)] = 0.55
    rel = reliability(S, np.arange(10))
    figures = [
        digits_gallery_figure(X[:20], titles=[f"label {c}" for c in labels[:20]], ncols=10),
        digits_gallery_figure(X[:8], titles=["4 called 9\nS = 0.99"] * 8, ncols=8, cell_inches=0.95),
        confusion_matrix_figure(C, title="softmax regression, test images"),
        reliability_figure({"softmax regression, T = 1": rel, "T fitted per seed": rel}, title="five seeds"),
    ]
    for fig in figures:
        assert isinstance(fig, DescribedFigure) and fig.dpi == 100
        with Image.open(io.BytesIO(fig.png())) as image:
            assert image.size[0] <= 1083 and image.size[1] <= 480, image.size
        size, text = min(drawn_text_px(fig))
        assert size >= 12, f"{text!r} is {size:.1f} px on the slide"


def test_gallery_alt_gives_the_layout_and_every_title(data):
    X, labels = data
    alt = digits_gallery_figure(X[:20], titles=[f"label {c}" for c in labels[:20]], ncols=10).alt
    assert alt.startswith("20 handwritten digits, 8 x 8 pixels each, dark ink on white, in 2 rows of 10")
    assert "label 0; label 1; label 2" in alt and alt.count("label ") == 20
    alt = digits_gallery_figure(X[:2], titles=["4 called 9\nS = 0.99", "1 called 8\nS = 0.97"]).alt
    assert "in one row of 2, titled, in reading order: 4 called 9 S = 0.99; 1 called 8 S = 0.97." in alt
    assert (
        digits_gallery_figure(X[:3]).alt
        == "3 handwritten digits, 8 x 8 pixels each, dark ink on white, in one row of 3."
    )


def test_confusion_matrix_alt_names_the_accuracy_and_the_biggest_confusions():
    labels = np.array([0] * 10 + [1] * 10 + [2] * 10)
    predicted = labels.copy()
    predicted[:3] = 2  # 3 zeros called 2
    predicted[10:15] = 0  # 5 ones called 0
    predicted[20] = 1  # 1 two called 1
    alt = confusion_matrix_figure(confusion_matrix(labels, predicted, K=3), title="t").alt
    assert alt.startswith("t. Confusion matrix of 30 samples and 3 classes, rows the true class")
    assert "21 on the diagonal are correct (70.0 %), 9 off it are mistakes" in alt
    assert alt.endswith(
        "The biggest confusions: 5 of class 1 predicted as 0; 3 of class 0 predicted as 2; "
        "1 of class 2 predicted as 1."
    )
    assert "biggest" not in confusion_matrix_figure(np.eye(3, dtype=int)).alt, "no mistakes, none named"


def test_reliability_alt_gives_each_curves_ece_and_which_side_of_the_diagonal():
    S = np.full((10, 10), 0.05)
    S[np.arange(10), np.arange(10)] = 0.55  # confidence 0.55, always right: underconfident
    under = reliability(S, np.arange(10))
    over = reliability(S, np.roll(np.arange(10), 1))  # confidence 0.55, never right
    alt = reliability_figure({"under": under, "over": over}, title="t").alt
    assert alt.startswith("t. Reliability diagram: the accuracy of the samples in each confidence bin")
    assert "under: ECE 45.0 %, 10 samples in 1 of 10 bins, 100 % of them in bins above the diagonal" in alt
    assert "over: ECE 55.0 %, 10 samples in 1 of 10 bins, 0 % of them in bins above the diagonal " in alt
    assert "(underconfident), 100 % below (overconfident)" in alt


def test_figures_reject_bad_input(data):
    X, _ = data
    with pytest.raises(ValueError, match="images"):
        digits_gallery_figure(np.zeros((2, 63)))
    with pytest.raises(ValueError, match="titles"):
        digits_gallery_figure(X[:3], titles=["a"])
    with pytest.raises(ValueError, match="C"):
        confusion_matrix_figure(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="curves"):
        reliability_figure({})
    with pytest.raises(TypeError, match="curves"):
        reliability_figure({"a": 1})
    assert isinstance(reliability(np.array([[0.5, 0.5]]), [0]), Reliability)


def test_digits_figure_draws_what_it_is_given(data):
    X, _ = data
    fig = DigitsFigure()
    blank = fig.render_rgba()
    S = np.full(10, 0.01)
    S[3] = 0.91
    grad = np.linspace(-2.0, 1.0, 64)
    fig.update(X[0], S, np.eye(10)[3], grad)
    drawn = fig.render_rgba()
    assert drawn.shape == blank.shape == (302, 1080, 4), "at most 1083 px: a deck shows it unscaled"
    assert np.mean(np.any(drawn != blank, axis=-1)) > 0.02
    np.testing.assert_allclose(fig.grad_image.get_array().ravel(), grad / 2.0)
    assert fig.s_bars[3].get_height() == 0.91 and fig.y_bars[3].get_height() == 1.0


# -- the explorer -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer(trained):
    split, net = trained
    return DigitsExplorer(net, split.X_test, split.labels_test, T=1.0, index=0)


def test_explorer_contract(explorer):
    assert isinstance(explorer.widget, widgets.Widget)
    assert isinstance(explorer.image_slider, widgets.IntSlider)
    assert isinstance(explorer.temperature, widgets.FloatSlider)
    assert explorer.image_slider.max == len(explorer.labels) - 1
    assert "digits-explorer-plot" in explorer.image._dom_classes
    assert "loss-readout" in explorer.loss_readout._dom_classes
    assert "digits-explorer" in explorer.widget._dom_classes
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("index, T", [(0, 1.0), (5, 0.6), (17, 2.5)])
def test_explorer_shows_the_numbers_of_the_chosen_image(explorer, index, T):
    explorer.image_slider.value = index
    explorer.temperature.value = T
    x, c = explorer.X[index], int(explorer.labels[index])
    z = x @ explorer.net.params["W1"] + explorer.net.params["b1"]  # softmax regression by hand
    log_S = ref_log_softmax(z / T)
    np.testing.assert_allclose(explorer.probs, np.exp(log_S), atol=1e-12)
    assert explorer.loss == pytest.approx(-log_S[c], abs=1e-12)
    assert f"Loss</b> = {-log_S[c]:.4f}" in explorer.loss_readout.value
    expected_grad = (np.exp(log_S) - np.eye(10)[c]) / T @ explorer.net.params["W1"].T
    np.testing.assert_allclose(explorer.grad_x, expected_grad, atol=1e-12)
    assert explorer.predicted == int(np.argmax(z))
    assert f"true {c}, predicted {explorer.predicted}" in explorer.loss_readout.value


def test_explorer_picture_follows_the_slider(explorer):
    explorer.image_slider.value = 1
    first = png_pixels(explorer.image.value)
    explorer.image_slider.value = 2
    second = png_pixels(explorer.image.value)
    assert first.shape == second.shape
    assert np.mean(np.any(first != second, axis=-1)) > 0.005
    explorer.image_slider.value = 1
    np.testing.assert_array_equal(png_pixels(explorer.image.value), first)


def test_explorer_callbacks_from_threads_give_complete_pictures(explorer):
    explorer.image_slider.value = 3
    reference = png_pixels(explorer.image.value)

    def move(i):
        explorer.image_slider.value = 4 + i % 2

    assert not run_in_threads(move, 6)
    explorer.image_slider.value = 3
    np.testing.assert_array_equal(png_pixels(explorer.image.value), reference)


def test_explorer_rejects_bad_arguments(trained):
    split, net = trained
    X, y = split.X_test, split.labels_test
    with pytest.raises(TypeError, match="net"):
        DigitsExplorer("net", X, y)
    with pytest.raises(ValueError, match="net"):
        DigitsExplorer(MLP([4, 10]), X, y)
    with pytest.raises(ValueError, match="X"):
        DigitsExplorer(net, X[:, :10], y)
    with pytest.raises(ValueError, match="labels"):
        DigitsExplorer(net, X, y[:-1])
    with pytest.raises(ValueError, match="T"):
        DigitsExplorer(net, X, y, T=10.0)
    with pytest.raises(ValueError, match="index"):
        DigitsExplorer(net, X, y, index=len(y))
    with pytest.raises(TypeError, match="index"):  # not a whole number: the wrong type, as everywhere
        DigitsExplorer(net, X, y, index=1.5)
    with pytest.raises(ValueError, match="t_range"):
        DigitsExplorer(net, X, y, t_range=(2.0, 1.0))
    with pytest.raises(TypeError, match="t_range"):
        DigitsExplorer(net, X, y, t_range=[0.5, 2.0])  # a pair is a tuple


def test_reliability_curves_differ_by_marker_and_line_style_not_colour_alone():
    rng = np.random.default_rng(1)
    S = rng.dirichlet(np.ones(3), size=200)
    labels = rng.integers(0, 3, size=200)
    rel = reliability(S, labels)
    fig = reliability_figure({"a": rel, "b": rel})
    ax = fig.axes[0]
    styles = [line.get_linestyle() for line in ax.lines[1:]]  # lines[0]: the calibrated diagonal
    assert len(set(styles)) == 2
    markers = {tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in ax.collections}
    assert len(markers) == 2
    with pytest.raises(ValueError, match="curves"):
        reliability_figure({str(i): rel for i in range(5)})


def test_confusion_matrix_alt_names_every_confusion_tied_with_the_last_named():
    C = np.diag([10, 10, 10, 10])
    C[0, 1], C[1, 2], C[2, 3], C[3, 0], C[3, 1] = 4, 2, 2, 2, 1
    alt = confusion_matrix_figure(C, top=2).alt
    assert alt.endswith(
        "The biggest confusions: 4 of class 0 predicted as 1; 2 of class 1 predicted as 2; "
        "2 of class 2 predicted as 3; 2 of class 3 predicted as 0."
    )
    assert "biggest" not in confusion_matrix_figure(C, top=0).alt

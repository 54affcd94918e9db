"""Notebook 04's static figures and the explorers' live figures: what a reader sees on them."""

import io

import numpy as np
import pytest
from PIL import Image

from course_utils.data import make_spirals
from course_utils.network import MLP
from course_utils.plots import DescribedFigure, class_marker
from course_utils.plots.backprop import (
    computational_graph_figure,
    decision_regions_figure,
    loss_curves_figure,
    network_figure,
    timing_figure,
)
from course_utils.plots.lessons import (
    gradient_step_figure,
    jacobian_heatmaps_figure,
    logits_probabilities_figure,
    loss_curve_figure,
)
from course_utils.widgets import LogitsExplorer


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.asarray(image)


@pytest.mark.slow  # renders and decodes explorer frames (about 1 s)
def test_explorer_frames_decode_to_the_drawn_pixels():
    ex = LogitsExplorer()
    ex.logit_sliders[0].value = 3.0  # redraw once through the slider callback
    pixels = decode(ex.image.value)
    np.testing.assert_array_equal(pixels, ex._figure.render_rgba()[..., :3])
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20, "the frame is blank or nearly so"


def test_timing_figure_ticks_only_at_the_measured_parameter_counts():
    P = [27, 99, 387, 771]
    fig = timing_figure(P, [1e-4, 1.1e-4, 1.5e-4, 2e-4], [1e-2, 3e-2, 0.1, 0.3])
    fig.canvas.draw()
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == P
    assert [t.get_text() for t in ax.get_xticklabels()] == ["27", "99", "387", "771"]
    assert len(ax.get_xticks(minor=True)) == 0, "no minor labels to overlap"


def test_decision_regions_have_a_legend_per_class_and_axis_labels():
    X, labels = make_spirals(n_per_class=10, seed=0)
    fig = decision_regions_figure(MLP([2, 4, 3], seed=0), X, labels, grid_n=20)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names == ["class 1 (label 0)", "class 2 (label 1)", "class 3 (label 2)"]
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"


def test_plots_keeps_every_name_the_notebooks_import():
    import course_utils.plots as plots

    for name in plots.__all__:
        assert getattr(plots, name) is not None


def test_computational_graph_checks_its_argument():
    with pytest.raises(TypeError, match="num_layers must be an integer"):
        computational_graph_figure(1.5)
    with pytest.raises(ValueError, match="num_layers must be >= 1"):
        computational_graph_figure(0)


def test_computational_graph_explains_the_start_and_the_fused_softmax_loss():
    texts = [t.get_text() for t in computational_graph_figure(2).axes[0].texts]
    assert "start: 1" in texts, "the backward pass starts at dLoss/dLoss = 1"
    assert any("no $dS$" in t for t in texts), "softmax and the loss are differentiated together"
    assert r"$dz = (S - y)/N$" in texts


def test_computational_graph_alt_walks_the_graph_both_ways():
    alt = computational_graph_figure(2).alt
    forward = "X -> Z_1 = X W_1 + b_1 -> A_1 = tanh(Z_1) -> z = A_1 W_2 + b_2 -> S = softmax(z) -> Loss"
    assert forward in alt
    for rule in (
        "dz = (S - y)/N",
        "dW_2 = A_1 transposed times dz",
        "dA_1 = dz times W_2 transposed",
        "dZ_1 = dA_1 times (1 - A_1 squared)",
        "dW_1 = X transposed times dZ_1",
        "dLoss/dLoss = 1",
    ):
        assert rule in alt, rule
    assert alt.index("dLoss/dLoss = 1") < alt.index("dz = (S - y)/N") < alt.index("dW_1"), "right to left"
    one = computational_graph_figure(1).alt
    assert "X -> z = X W_1 + b_1 -> S = softmax(z)" in one and "tanh" not in one


@pytest.mark.slow  # renders at full size (about 0.5 s)
def test_backprop_figure_fits_a_projected_slide():
    """One row of four panels, 1036 px wide: JupyterLab's slideshow (1116 px for an output) and an
    exported deck (1040 px) at 1280 x 720 both show the PNG at its own size, so a point is a pixel on
    screen. Every text stays inside the picture, and no font is
    smaller than in the old 2 x 2 figure stretched to that width (ticks 16 px, titles 19 px)."""
    from course_utils.widgets import BackpropExplorer

    figure = BackpropExplorer(steps=5)._figure
    h, w = figure.render_rgba().shape[:2]
    assert (w, h) == (1036, 388), "resize on purpose: see the BackpropFigure docstring"
    axes = figure.fig.axes
    boxes = [ax.get_position() for ax in axes]
    assert len(axes) == 4, "loss, regions, gradient norms, sample"
    assert all(b.y0 < 0.5 < b.y1 for b in boxes), "one row: every panel spans the middle height"
    assert all(a.x1 <= b.x0 for a, b in zip(boxes[:-1], boxes[1:], strict=True)), "left to right, apart"
    renderer = figure.canvas.get_renderer()
    frame = figure.fig.bbox
    for ax in axes:  # the drawn titles, labels, tick labels and legend of each panel
        box = ax.get_tightbbox(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, (
            f"panel {ax.get_title()!r} is cut off: {box} outside {frame}"
        )
    tick_sizes = [t.get_fontsize() for ax in axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert min(tick_sizes) >= 16
    assert min(ax.title.get_fontsize() for ax in axes) >= 19
    assert axes[3].get_legend() is not None, "the sample panel says which bar is S, y and S - y"


@pytest.mark.slow  # renders at full size (about 0.5 s)
def test_logits_figure_is_as_tall_as_before_and_sharp_on_a_projected_slide():
    """Same 3.5 : 1 shape as the old 10.5 x 3 in figure (so the explorer keeps its height), drawn at
    at most the 1040 px an exported 1280 x 720 deck has for an output, so it is never shrunk there;
    fonts no smaller than the old one stretched to 1116 px."""
    figure = LogitsExplorer()._figure
    h, w = figure.render_rgba().shape[:2]
    assert (w, h) == (1036, 318)
    renderer = figure.canvas.get_renderer()
    frame = figure.fig.bbox
    for ax in figure.fig.axes:  # the three panels and the colour bar
        box = ax.get_tightbbox(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, (
            f"panel {ax.get_title()!r} is cut off: {box} outside {frame}"
        )
        sizes = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        assert min(sizes) >= 14.75, "10 pt ticks x 1116/756"
    assert min(ax.title.get_fontsize() for ax in figure.fig.axes[:3]) >= 17.7, "12 pt titles x 1116/756"


def test_a_learning_rate_has_one_colour_in_every_loss_figure():
    from course_utils.plots import learning_rate_color, loss_curves_figure

    first = loss_curves_figure({2.0: [1.0, 0.5], 0.5: [1.0, 0.8]})
    second = loss_curves_figure({0.01: [1.0, 0.9], 0.5: [1.0, 0.8], 2.0: [1.0, 0.5], 10.0: [1.0, 9.0]})
    colours = [
        {line.get_label(): line.get_color() for line in f.axes[0].get_lines()} for f in (first, second)
    ]
    for label in ("lr = 2.0", "lr = 0.5"):
        assert colours[0][label] == colours[1][label] != (0, 0, 0, 0), label
    assert len({tuple(c) for c in colours[1].values()}) == 4, "four rates, four colours"
    assert learning_rate_color(0.01) != learning_rate_color(10.0)


# -- every static figure: described, and readable on a 1280 x 720 slide -------------------------

# A deck draws an output image at most 95 % of its 1140 px output area wide (1083 px), and scales
# the whole slide by 0.96 at 1280 x 720: a figure at most 1083 px wide is drawn at 96 % of its
# size, where 10 pt at 100 dpi is 13.3 px (the smallest text must stay >= 12 px).
SLIDE_WIDTH_PX, SLIDE_SCALE = 1083, 0.96


def drawn_text_px(fig) -> list[tuple[float, str]]:
    """(size in px as drawn on the slide, text) of every visible text of fig, ticks included."""
    from matplotlib.text import Text

    fig.canvas.draw()
    return [
        (t.get_fontsize() * fig.dpi / 72 * SLIDE_SCALE, t.get_text())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


def png_size(fig) -> tuple[int, int]:
    with Image.open(io.BytesIO(fig.png())) as image:
        return image.size


def _spirals_regions():
    X, labels = make_spirals(n_per_class=10, seed=0)
    return decision_regions_figure(MLP([2, 4, 3], seed=0), X, labels, title="t", grid_n=20)


# Each static figure of notebooks 04 and 06, and notebooks 01-03's with the notebooks' own arguments:
# name -> how to draw it (a test draws only the one it checks).
FIGURES = {
    "network": lambda: network_figure([2, 16, 3]),
    "graph": lambda: computational_graph_figure(2),
    "regions": _spirals_regions,
    "timing": lambda: timing_figure([27, 99, 387, 771], [1e-4, 1.1e-4, 1.5e-4, 2e-4], [1e-2, 3e-2, 0.1, 0.3]),
    "loss": lambda: loss_curves_figure(
        {0.01: [1.1, 1.0], 0.5: [1.1, 0.4], 2.0: [1.1, 1.3, 0.05], 10.0: [1.1, 40.0, 9.0]}
    ),
    "logits": lambda: logits_probabilities_figure([2.0, 1.0, 0.1]),
    "loss curve": lambda: loss_curve_figure({0.05: "confident and wrong", 0.6: "the example", 0.9: "right"}),
    "jacobian": lambda: jacobian_heatmaps_figure(
        {"uncertain": [0.5, 0.2, 0.0], "confident": [6.0, 0.0, 0.0]}
    ),
    "gradient step": lambda: gradient_step_figure([0.1, 0.3, 0.6], [0, 0, 1]),
}


@pytest.mark.slow  # renders every static figure at full size (0.2-0.7 s each)
@pytest.mark.parametrize("name", FIGURES)
def test_static_figures_fit_a_slide_and_their_smallest_text_is_12_px(name):
    fig = FIGURES[name]()
    assert isinstance(fig, DescribedFigure)
    width, height = png_size(fig)
    assert width <= SLIDE_WIDTH_PX and height <= 480, (width, height)
    size, text = min(drawn_text_px(fig))
    assert size >= 12, f"{text!r} is {size:.1f} px on the slide"


def test_the_described_figures_show_their_alt_text():
    fig = network_figure([2, 16, 3])
    bundle = fig._repr_mimebundle_()
    assert bundle["text/plain"] == fig.alt
    assert 'alt="The network [2, 16, 3] drawn as neurons' in bundle["text/html"]


def test_network_alt_gives_every_layer_and_weight_shape():
    alt = network_figure([2, 16, 3]).alt
    for part in (
        "[2, 16, 3]",
        "input x, 2 units",
        "tanh, 16 units (8 of them drawn)",
        "logits z, 3 units",
        "W1 (2 x 16) and b1 (16)",
        "W2 (16 x 3) and b2 (3)",
        "99 parameters",
    ):
        assert part in alt, part
    assert "67 parameters" in network_figure([4, 8, 3]).alt, "(4 + 1) 8 + (8 + 1) 3"
    with pytest.raises(ValueError, match="sizes"):
        network_figure([3])


def test_decision_regions_alt_counts_classes_points_right_and_the_plane():
    X, labels = make_spirals(n_per_class=10, seed=0)
    net = MLP([2, 4, 3], seed=0)
    alt = decision_regions_figure(net, X, labels, title="after 0 steps", grid_n=20).alt
    right = int(np.sum(net.predict(X) == labels))
    assert alt.startswith("after 0 steps. Decision regions of the network [2, 4, 3]")
    assert f"puts {right} of the 30 points ({100 * right / 30:.1f} %) in the right region" in alt
    for part in (
        "class 1 (label 0) 10 as circles",
        "class 2 (label 1) 10 as squares",
        "class 3 (label 2) 10 as triangles",
    ):
        assert part in alt, part
    shares = [int(p) for p in __import__("re").findall(r"(\d+) % \(class \d\)", alt)]
    assert len(shares) == 3 and abs(sum(shares) - 100) <= 2, "the plane, shared among the classes"


def test_decision_regions_mark_each_class_with_its_own_marker():
    """Colour and shape: the classes stay apart in grey scale too."""
    X, labels = make_spirals(n_per_class=10, seed=0)
    ax = decision_regions_figure(MLP([2, 4, 3], seed=0), X, labels, grid_n=20).axes[0]
    paths = [c.get_paths()[0].vertices.round(6).tobytes() for c in ax.collections]
    assert len(paths) == 3 and len(set(paths)) == 3, "three classes, three marker shapes"
    from matplotlib.markers import MarkerStyle

    for k, collection in enumerate(ax.collections):
        style = MarkerStyle(class_marker(k))
        expected = style.get_path().transformed(style.get_transform()).vertices.round(6).tobytes()
        assert collection.get_paths()[0].vertices.round(6).tobytes() == expected, k


def test_decision_regions_reject_bad_input():
    X, labels = make_spirals(n_per_class=5, seed=0)
    net = MLP([2, 4, 3], seed=0)
    with pytest.raises(ValueError, match="X must have shape"):
        decision_regions_figure(net, X[:, :1], labels)
    with pytest.raises(ValueError, match="labels"):
        decision_regions_figure(net, X, labels[:-1])
    with pytest.raises(ValueError, match="labels must be classes 0..2"):
        decision_regions_figure(net, X, labels + 1)


def test_timing_alt_gives_the_times_and_ratios_at_both_ends():
    alt = timing_figure([27, 771], [1e-4, 2e-4], [1e-2, 0.3]).alt
    assert "measured at P = 27, 771" in alt
    assert "at P = 27, backprop 0.1 ms and finite differences 10 ms, 100 times slower" in alt
    assert "at P = 771, backprop 0.2 ms and finite differences 300 ms, 1500 times slower" in alt
    with pytest.raises(ValueError, match="same length"):
        timing_figure([27, 771], [1e-4], [1e-2, 0.3])
    with pytest.raises(ValueError, match="positive"):
        timing_figure([27], [0.0], [1e-2])


def test_loss_curves_alt_gives_start_peak_and_end_per_learning_rate():
    alt = loss_curves_figure({2.0: [1.0986, 1.31, 0.0512], 0.5: [1.0986, 0.9, 0.31]}, title="t").alt
    assert alt.startswith("t. Loss curves: the mean cross-entropy against the training step")
    assert "lr = 2.0: 1.1 at step 0, highest 1.31 at step 1, 0.0512 at step 2" in alt
    assert "lr = 0.5: 1.1 at step 0, 0.31 at step 2" in alt, "no peak named when the loss never climbs"
    with pytest.raises(ValueError, match="histories"):
        loss_curves_figure({})
    with pytest.raises(ValueError, match=r"histories\[2.0\]"):
        loss_curves_figure({2.0: [1.0, float("nan")]})

"""Notebook 04's static figures and the explorers' live figures: what a reader sees on them."""

import io

import numpy as np
import pytest
from PIL import Image

from course_utils.data import make_spirals
from course_utils.network import MLP
from course_utils.plots import (
    computational_graph_figure,
    decision_regions_figure,
    timing_figure,
)
from course_utils.widgets import LogitsExplorer


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.asarray(image)


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
    assert plots.BackpropFigure.bounds_of is plots.region_bounds


def test_computational_graph_checks_its_argument():
    with pytest.raises(TypeError, match="num_layers must be an integer"):
        computational_graph_figure(1.5)
    with pytest.raises(ValueError, match="num_layers must be >= 1"):
        computational_graph_figure(0)


def test_computational_graph_explains_the_start_and_the_fused_softmax_loss():
    texts = [t.get_text() for t in computational_graph_figure(2).axes[0].texts]
    assert any("start" in t and r"\partial Loss/\partial Loss = 1" in t for t in texts)
    assert any("S and Loss are differentiated" in t for t in texts)


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

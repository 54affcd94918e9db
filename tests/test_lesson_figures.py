"""The figures of notebooks 01-03: each is a DescribedFigure whose alt text holds the numbers it was
given, and which refuses bad arguments by name."""

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from course_utils.plots import (
    DescribedFigure,
    gradient_step_figure,
    jacobian_heatmaps_figure,
    logits_probabilities_figure,
    loss_curve_figure,
)


def _bundle(fig):
    assert isinstance(fig, DescribedFigure)
    bundle = fig._repr_mimebundle_()
    assert bundle["text/plain"] == fig.alt
    return fig.alt


# --- 01: logits and probabilities ---------------------------------------------------------------


def test_logits_figure_describes_the_logits_and_their_softmax():
    alt = _bundle(logits_probabilities_figure([2.0, 1.0, -0.5]))
    assert "z = [2, 1, -0.5]" in alt
    assert "S = softmax(z) = [0.690, 0.254, 0.057]" in alt
    assert "3 classes" in alt and "class 1" in alt


def test_logits_figure_follows_other_data():
    alt = _bundle(logits_probabilities_figure(np.array([0.0, 0.0, 0.0, 3.0])))
    assert "4 classes" in alt and "z = [0, 0, 0, 3]" in alt
    assert "[0.043, 0.043, 0.043, 0.870]" in alt and "(class 4)" in alt


@pytest.mark.parametrize(
    ("z", "error"),
    [
        ("abc", TypeError),
        (None, TypeError),
        ([1.0], ValueError),
        ([[1.0, 2.0]], ValueError),
        ([1.0, np.nan], ValueError),
    ],
)
def test_logits_figure_refuses_bad_logits_by_name(z, error):
    with pytest.raises(error, match=r"^z "):
        logits_probabilities_figure(z)


# --- 01: the loss curve -------------------------------------------------------------------------


def test_loss_curve_marks_each_prediction_with_its_loss():
    alt = _bundle(
        loss_curve_figure(
            {0.6: "the slide's example", 0.05: "confident and wrong", 0.9: "confident and right"}
        )
    )
    assert "confident and wrong at p = 0.05, loss 2.996" in alt
    assert "the slide's example at p = 0.6, loss 0.511" in alt
    assert "confident and right at p = 0.9, loss 0.105" in alt
    assert alt.index("p = 0.05") < alt.index("p = 0.6") < alt.index("p = 0.9"), "in order of p"
    assert "5.30 at p = 0.005" in alt


def test_loss_curve_gives_each_marked_point_its_own_marker():
    fig = loss_curve_figure({0.2: "a", 0.5: "b"})
    markers = [line.get_marker() for line in fig.axes[0].lines if line.get_marker() not in ("None", None)]
    assert len(set(markers)) == 2


@pytest.mark.parametrize(
    ("marked", "error", "match"),
    [
        ([0.5], TypeError, "marked must be a dict"),
        ({}, ValueError, "marked must hold"),
        ({0.0: "zero"}, ValueError, "marked's p must be > 0"),
        ({1.5: "above 1"}, ValueError, "marked's p must be <= 1"),
        ({"0.5": "text p"}, TypeError, "marked's p must be a number"),
        ({0.5: ""}, TypeError, "marked's label"),
    ],
)
def test_loss_curve_refuses_bad_points_by_name(marked, error, match):
    with pytest.raises(error, match=match):
        loss_curve_figure(marked)


# --- 02: the Jacobian as heat maps --------------------------------------------------------------


def test_jacobian_figure_describes_every_case():
    alt = _bundle(jacobian_heatmaps_figure({"uncertain": [0.5, 0.2, 0.0], "confident": [6.0, 0.0, 0.0]}))
    assert alt.startswith("2 heat maps of the softmax Jacobian")
    assert "uncertain: z = [0.5, 0.2, 0], S = [0.426, 0.316, 0.258]" in alt
    assert "diagonal S_i(1 - S_i) = [0.245, 0.216, 0.192]" in alt
    assert "from -0.134 to -0.082" in alt
    assert "confident: z = [6, 0, 0], S = [0.995, 0.002, 0.002]" in alt
    assert "largest |entry| 0.005" in alt
    assert "red positive, blue negative" in alt and "signed value" in alt


def test_jacobian_figure_writes_signs_into_the_cells():
    fig = jacobian_heatmaps_figure({"one": [1.0, 0.0]})
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells == ["+0.197", "-0.197", "-0.197", "+0.197"]


@pytest.mark.parametrize(
    ("cases", "kwargs", "error", "match"),
    [
        ([[1.0, 2.0]], {}, TypeError, "cases must be a dict"),
        ({}, {}, ValueError, "cases must hold"),
        ({"a": [1.0]}, {}, ValueError, r"cases\['a'\] needs at least 2"),
        ({"a": "xyz"}, {}, TypeError, r"cases\['a'\]"),
        ({3: [1.0, 2.0]}, {}, TypeError, "cases' names"),
        ({"a": [1.0, 2.0]}, {"limit": 0}, ValueError, "limit must be > 0"),
        ({"a": [1.0, 2.0]}, {"limit": "big"}, TypeError, "limit must be a number"),
    ],
)
def test_jacobian_figure_refuses_bad_cases_by_name(cases, kwargs, error, match):
    with pytest.raises(error, match=match):
        jacobian_heatmaps_figure(cases, **kwargs)


# --- 03: S, y and the step -(S - y) -------------------------------------------------------------


def test_gradient_figure_describes_the_slide_example():
    alt = _bundle(gradient_step_figure([0.1, 0.3, 0.6], [0, 0, 1]))
    assert "3 classes, true class 3" in alt
    assert "S = [0.1, 0.3, 0.6]" in alt and "y = [0, 0, 1]" in alt
    assert "-(S - y) = [-0.1, -0.3, +0.4]" in alt
    assert "loss 0.511" in alt
    assert "goes up by 0.4" in alt and "class 1 by 0.1, class 2 by 0.3" in alt


def test_gradient_figure_follows_other_labels():
    alt = _bundle(gradient_step_figure([0.1, 0.3, 0.6], [0, 1, 0]))
    assert "true class 2" in alt and "-(S - y) = [-0.1, +0.7, -0.6]" in alt and "loss 1.204" in alt


def test_gradient_figure_keeps_the_series_apart_without_colour():
    fig = gradient_step_figure([0.1, 0.3, 0.6], [0, 0, 1])
    ax = fig.axes[0]
    hatches = {patch.get_hatch() for container in ax.containers for patch in container}
    assert len(hatches) == 3, "S, y and the step each have their own hatching"
    assert {t.get_text() for t in ax.texts} == {"-0.1", "-0.3", "+0.4"}, "each step labelled with its sign"
    colors = {to_rgba(container[0].get_facecolor()) for container in ax.containers}
    assert len(colors) == 3


@pytest.mark.parametrize(
    ("S", "y", "error", "match"),
    [
        ("abc", [0, 0, 1], TypeError, "^S "),
        ([0.5, 0.6], [0, 1], ValueError, "^S rows must sum to 1"),
        ([0.1, 0.3, 0.6], [0, 1], ValueError, "^y must have the same shape"),
        ([0.1, 0.3, 0.6], [0, 1, 1], ValueError, "^y rows must sum to 1"),
        ([0.1, 0.3, 0.6], None, TypeError, "^y "),
        ([1.0], [1.0], ValueError, "^S needs at least 2"),
    ],
)
def test_gradient_figure_refuses_bad_arguments_by_name(S, y, error, match):
    with pytest.raises(error, match=match):
        gradient_step_figure(S, y)

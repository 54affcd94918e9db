"""Colour never carries a meaning alone, and the colours that must differ stay apart for colour-blind readers.

Each colour is simulated as a reader with protanopia, deuteranopia or tritanopia sees it (Machado,
Oliveira and Fernandes 2009, full severity, applied to linear sRGB, as ``colour-science``
implements it), and two colours that must differ are compared in CIELAB with CIEDE2000.

Why at least 10: a CIEDE2000 difference of about 1 is just noticeable between two large patches
side by side. The marks of a figure are small (points, thin lines, narrow bars) and often far
apart, so a pair is asked to stay ten such steps apart. Okabe and Ito's palette, designed for
colour-blind readers, keeps every pair of its colours at least 10.9 apart under all three
simulations; a mid grey (#7F7F7F) and its bluish green come to 8.2 under deuteranopia, which
reads as "the same colour" in a legend.

Text: every colour a figure writes text in has a contrast of at least 4.5:1 against white
(WCAG 2.1, 1.4.3, with its relative luminance), what small text needs on a projector too.
"""

from __future__ import annotations

import functools
import itertools
import warnings

import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from matplotlib.text import Text

from course_utils.plots.colors import (
    CLASS_MARKERS,
    GRAD_COLOR,
    LEARNING_RATE_STYLES,
    S_COLOR,
    Y_COLOR,
    class_colors,
    class_marker,
    learning_rate_color,
    learning_rate_linestyle,
)
from course_utils.plots.regions import region_colors

MIN_DELTA_E = 10.0
MIN_TEXT_CONTRAST = 4.5
DEFICIENCIES = ("Protanomaly", "Deuteranomaly", "Tritanomaly")  # at severity 1: -opia
VISIONS = (None, *DEFICIENCIES)
SPIRAL_K, DIGITS_K = 3, 10


@functools.cache
def science():
    """colour-science, its sRGB space and Machado et al.'s simulation matrices, loaded when a test
    first needs them (importing colour-science takes about a second)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # colour-science reports optional packages it does not find
        import colour
    with warnings.catch_warnings():
        # colour-science warns that its tritanomaly matrices shift the S cone's sensitivity rather
        # than remove it, an approximation of tritanopia: good enough to find blue-green confusions.
        warnings.simplefilter("ignore", colour.utilities.ColourUsageWarning)
        matrices = {d: colour.matrix_cvd_Machado2009(d, 1.0) for d in DEFICIENCIES}
    return colour, colour.RGB_COLOURSPACES["sRGB"], matrices


def lab(rgb, deficiency: str | None = None) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour in [0, 1], as seen with ``deficiency`` (None: normal vision)."""
    colour, srgb, cvd_matrices = science()
    linear = colour.cctf_decoding(np.asarray(rgb, dtype=float), function="sRGB")
    if deficiency is not None:
        linear = np.clip(colour.algebra.vecmul(cvd_matrices[deficiency], linear), 0.0, 1.0)
    return colour.XYZ_to_Lab(colour.RGB_to_XYZ(linear, srgb), srgb.whitepoint)


def delta_e(a, b, deficiency: str | None = None) -> float:
    """CIEDE2000 difference of two matplotlib colours as seen with ``deficiency``."""
    colour = science()[0]
    return float(colour.delta_E(lab(to_rgb(a), deficiency), lab(to_rgb(b), deficiency), method="CIE 2000"))


def closest_pair(colours: dict[str, object], deficiency: str | None) -> tuple[float, str, str]:
    """The smallest CIEDE2000 difference among ``colours`` (name -> colour) and the two names."""
    return min(
        (delta_e(colours[a], colours[b], deficiency), a, b) for a, b in itertools.combinations(colours, 2)
    )


def relative_luminance(c) -> float:
    """WCAG 2.1 relative luminance: 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels."""
    channels = np.asarray(to_rgb(c))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a, b="white") -> float:
    """WCAG contrast ratio (L_lighter + 0.05) / (L_darker + 0.05), from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.slow  # imports colour-science (about 1 s)
def test_the_simulation_and_the_difference_are_the_published_ones():
    # Normal vision leaves a colour alone; full deuteranopia maps red and green to nearly one
    # colour, and CIEDE2000 gives the published value for the first pair of Sharma, Wu and Dalal's
    # test data (Lab (50, 2.6772, -79.7751) against (50, 0, -82.7485): 2.0425).
    assert delta_e("#D55E00", "#D55E00", "Deuteranomaly") == pytest.approx(0.0, abs=1e-9)
    assert delta_e("red", "green") > 70
    assert delta_e("#FF0000", "#7F7F00", "Deuteranomaly") < delta_e("#FF0000", "#7F7F00") / 2
    sharma = science()[0].delta_E([50, 2.6772, -79.7751], [50, 0, -82.7485], method="CIE 2000")
    assert sharma == pytest.approx(2.0425, abs=1e-4)
    assert contrast("black") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # WCAG's darkest passing grey


@pytest.mark.parametrize("deficiency", VISIONS, ids=lambda d: d or "normal")
@pytest.mark.parametrize("K", [SPIRAL_K, DIGITS_K], ids=lambda K: f"K={K}")
def test_class_colours_stay_apart(K: int, deficiency: str | None):
    colours = {f"class {k}": class_colors(K)[k] for k in range(K)}
    value, a, b = closest_pair(colours, deficiency)
    assert value >= MIN_DELTA_E, f"{a} and {b}: CIEDE2000 {value:.1f} ({deficiency or 'normal vision'})"


@pytest.mark.parametrize("K", [SPIRAL_K, DIGITS_K], ids=lambda K: f"K={K}")
def test_every_class_has_its_own_colour_and_its_own_marker(K: int):
    # The second cue: a reader who cannot tell two colours apart still tells the markers apart.
    assert len({to_hex(c) for c in class_colors(K)}) == K
    assert len({class_marker(k) for k in range(K)}) == K
    assert len(CLASS_MARKERS) >= DIGITS_K


@pytest.mark.parametrize("deficiency", VISIONS, ids=lambda d: d or "normal")
def test_s_y_and_the_gradient_stay_apart(deficiency: str | None):
    colours = {"S": S_COLOR, "y": Y_COLOR, "dLoss/dz": GRAD_COLOR}
    value, a, b = closest_pair(colours, deficiency)
    assert value >= MIN_DELTA_E, f"{a} and {b}: CIEDE2000 {value:.1f} ({deficiency or 'normal vision'})"


@pytest.mark.parametrize("deficiency", VISIONS, ids=lambda d: d or "normal")
def test_learning_rate_colours_stay_apart(deficiency: str | None):
    colours = {f"lr = {lr}": learning_rate_color(lr) for lr in LEARNING_RATE_STYLES}
    value, a, b = closest_pair(colours, deficiency)
    assert value >= MIN_DELTA_E, f"{a} and {b}: CIEDE2000 {value:.1f} ({deficiency or 'normal vision'})"


def test_every_learning_rate_has_its_own_line_style():
    styles = [str(learning_rate_linestyle(lr)) for lr in LEARNING_RATE_STYLES]
    assert len(set(styles)) == len(styles), styles


@pytest.mark.parametrize("deficiency", (None, "Protanomaly", "Deuteranomaly"), ids=lambda d: d or "normal")
def test_decision_region_tints_stay_apart(deficiency: str | None):
    # The pure tint of each class: the region where the network is sure of it.
    tints = [region_colors(row[None, :], 1)[0, 0] for row in np.eye(SPIRAL_K)]
    value, a, b = closest_pair({f"tint {k}": t for k, t in enumerate(tints)}, deficiency)
    assert value >= MIN_DELTA_E, f"{a} and {b}: CIEDE2000 {value:.1f} ({deficiency or 'normal vision'})"


def test_decision_region_tints_with_tritanopia_are_told_apart_by_the_points_on_them():
    # Light blue and light green come close with tritanopia (rarer than 1 in 10,000): what tells
    # the regions apart is then the class's points drawn on them, in full colour and marker.
    tints = [region_colors(row[None, :], 1)[0, 0] for row in np.eye(SPIRAL_K)]
    assert delta_e(tints[0], tints[2], "Tritanomaly") < MIN_DELTA_E  # measured 4.5
    value, a, b = closest_pair({k: class_colors(SPIRAL_K)[k] for k in range(SPIRAL_K)}, "Tritanomaly")
    assert value >= MIN_DELTA_E
    assert len({class_marker(k) for k in range(SPIRAL_K)}) == SPIRAL_K


def test_text_colours_of_the_course_are_readable_on_white():
    # S and dLoss/dz label their own numbers in figures; y (orange, 2.1:1) is never text.
    for name, c in {"S_COLOR": S_COLOR, "GRAD_COLOR": GRAD_COLOR}.items():
        assert contrast(c) >= MIN_TEXT_CONTRAST, f"{name} {c}: {contrast(c):.2f}:1 against white"


def _figures():
    from course_utils.data import make_spirals
    from course_utils.network import MLP
    from course_utils.plots import (
        BackpropFigure,
        LogitsFigure,
        computational_graph_figure,
        decision_regions_figure,
        gradient_step_figure,
        jacobian_heatmaps_figure,
        logits_probabilities_figure,
        loss_curve_figure,
        loss_curves_figure,
        network_figure,
        timing_figure,
    )
    from course_utils.plots.digits import DigitsFigure

    X, labels = make_spirals(n_per_class=10, seed=0)
    net = MLP([2, 4, 3], seed=0)
    yield "network", network_figure([2, 8, 3])
    yield "computational graph", computational_graph_figure(2)
    yield "decision regions", decision_regions_figure(net, X, labels, grid_n=20)
    yield "timing", timing_figure([27, 99], [1e-4, 2e-4], [1e-2, 3e-2])
    yield "loss curves", loss_curves_figure({lr: [1.0, 0.5] for lr in LEARNING_RATE_STYLES})
    yield "logits and probabilities", logits_probabilities_figure([2.0, 1.0, -0.5])
    yield "loss curve", loss_curve_figure({0.05: "confident and wrong", 0.6: "the slide's example"})
    yield "Jacobian heat maps", jacobian_heatmaps_figure({"uncertain": [0.5, 0.2, 0], "confident": [6, 0, 0]})
    yield "gradient step", gradient_step_figure([0.1, 0.3, 0.6], [0, 0, 1])
    yield "logits explorer", LogitsFigure(3).fig
    yield "backprop explorer", BackpropFigure(X, labels, 3, ["W1", "b1", "W2", "b2"]).fig
    yield "digits explorer", DigitsFigure(10).fig


@pytest.mark.slow  # draws every course figure (about 2 s)
def test_every_text_in_the_course_figures_is_readable_on_white():
    low = []
    for name, fig in _figures():
        fig.canvas.draw()
        for text in fig.findobj(Text):
            if text.get_visible() and text.get_text().strip() and text.get_alpha() in (None, 1):
                if contrast(text.get_color()) < MIN_TEXT_CONTRAST:
                    low.append(f"{name}: {text.get_text()!r} in {to_hex(text.get_color())}")
    assert not low, low

"""The course's colours: one per class (colour-blind-safe Okabe-Ito), one each for S, y and dLoss/dz,
and one per learning rate (the same rate has the same colour in every figure).

Colour never carries a meaning alone: each class also has its own marker, each learning rate its
own line style. ``tests/test_colour_vision.py`` checks that the colours that must differ stay at
least 10 CIEDE2000 units apart when simulated for protanopia, deuteranopia and tritanopia, and that
every colour used for text has a contrast of at least 4.5:1 against white.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps

# One colour per class, ten of them so that the ten digits never share one: Okabe-Ito's eight (its
# black as a dark grey, and black itself) and viridis's darkest. Regions get a light tint of them.
CLASS_COLORS = np.array(
    [
        [0.0, 0.447, 0.698],  # blue #0072B2
        [0.902, 0.624, 0.0],  # orange #E69F00
        [0.0, 0.620, 0.451],  # bluish green #009E73
        [0.800, 0.475, 0.655],  # reddish purple #CC79A7
        [0.337, 0.706, 0.914],  # sky blue #56B4E9
        [0.835, 0.369, 0.0],  # vermillion #D55E00
        [0.941, 0.894, 0.259],  # yellow #F0E442
        [0.4, 0.4, 0.4],  # grey #666666
        [0.0, 0.0, 0.0],  # black
        [0.267, 0.004, 0.329],  # viridis's darkest, dark purple #440154
    ]
)
S_COLOR, Y_COLOR, GRAD_COLOR = "#0072B2", "#E69F00", "#CC3311"


def class_colors(K: int) -> np.ndarray:
    """K RGB rows, cycling through :data:`CLASS_COLORS`."""
    return CLASS_COLORS[np.arange(K) % len(CLASS_COLORS)]


# One marker per class (ten, like the colours): the second cue, so classes stay apart without colour.
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "p", "h")


def class_marker(k: int) -> str:
    """The matplotlib marker of class ``k`` (0-based), cycling through :data:`CLASS_MARKERS`."""
    return CLASS_MARKERS[k % len(CLASS_MARKERS)]


# The learning rates the notebooks and the explorer compare, each with one colour (Okabe-Ito) and
# one line style, so the curves stay apart without colour too. The smallest rate's grey is dark:
# a mid grey (#7F7F7F) and the bluish green look alike with deuteranopia (CIEDE2000 8.2).
LEARNING_RATE_STYLES = {
    0.01: ("#4D4D4D", ":"),
    0.5: ("#0072B2", "--"),
    1.0: ("#56B4E9", "-."),
    2.0: ("#009E73", "-"),
    10.0: ("#D55E00", (0, (5, 1, 1, 1))),
}


def learning_rate_color(lr: float):
    """The colour of learning rate ``lr`` in every figure (:data:`LEARNING_RATE_STYLES`).

    Another rate gets viridis at its place on a log scale from 0.01 to 10, so that it keeps one
    colour too.
    """
    if lr in LEARNING_RATE_STYLES:
        return LEARNING_RATE_STYLES[lr][0]
    position = (math.log10(lr) + 2) / 3  # 0.01 -> 0, 10 -> 1
    return colormaps["viridis"](0.85 * min(max(position, 0.0), 1.0))


def learning_rate_linestyle(lr: float):
    """The line style of learning rate ``lr`` in every figure (solid for rates not listed)."""
    return LEARNING_RATE_STYLES.get(lr, (None, "-"))[1]

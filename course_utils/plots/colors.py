"""The course's colours: one per class (colour-blind-safe Okabe-Ito) and one each for S, y and dLoss/dz."""

from __future__ import annotations

import numpy as np

# One colour per class (colour-blind-safe Okabe-Ito), a light tint for regions, a dark one for points.
CLASS_COLORS = np.array(
    [
        [0.0, 0.447, 0.698],
        [0.902, 0.624, 0.0],
        [0.0, 0.620, 0.451],
        [0.800, 0.475, 0.655],
        [0.337, 0.706, 0.914],
        [0.835, 0.369, 0.0],
        [0.941, 0.894, 0.259],
        [0.4, 0.4, 0.4],
    ]
)
S_COLOR, Y_COLOR, GRAD_COLOR = "#0072B2", "#E69F00", "#CC3311"


def class_colors(K: int) -> np.ndarray:
    """K RGB rows, cycling through :data:`CLASS_COLORS`."""
    return CLASS_COLORS[np.arange(K) % len(CLASS_COLORS)]

"""Figures the notebooks and the explorers draw, all on ``matplotlib.figure.Figure``, never pyplot.

One module per job:

``blit``       the renderer: a figure drawn once, then only its moving artists per frame
``png``        the fast PNG encoder for the explorers' frames
``explorers``  the explorers' live figures, ``LogitsFigure`` and ``BackpropFigure``
``lessons``    notebooks 01-03's figures, each a ``DescribedFigure``
``backprop``   notebook 04's figures (the network, its graph, regions, curves, timing)
``digits``     notebook 06's figures and the digits explorer's live figure
``regions``    decision-region helpers shared by ``explorers`` and ``backprop``
``colors``     the course's colours
``described``  ``DescribedFigure``: a figure shown as a PNG with its alt text

Every public name is importable from ``course_utils.plots`` itself, as the notebooks do.
"""

from .backprop import (
    computational_graph_figure,
    decision_regions_figure,
    loss_curves_figure,
    network_figure,
    timing_figure,
)
from .blit import BlitFigure, freeze_layout
from .colors import (
    CLASS_COLORS,
    CLASS_MARKERS,
    GRAD_COLOR,
    S_COLOR,
    Y_COLOR,
    class_colors,
    class_marker,
    learning_rate_color,
)
from .described import DescribedFigure, check_alt
from .digits import (
    CURVE_COLORS,
    DigitsFigure,
    confusion_matrix_figure,
    digits_gallery_figure,
    reliability_figure,
)
from .explorers import BackpropFigure, LogitsFigure
from .lessons import (
    gradient_step_figure,
    jacobian_heatmaps_figure,
    logits_probabilities_figure,
    loss_curve_figure,
)
from .png import encode_png
from .regions import grid_points, region_bounds, region_colors

__all__ = [
    "BlitFigure",
    "DescribedFigure",
    "check_alt",
    "freeze_layout",
    "encode_png",
    "CLASS_COLORS",
    "S_COLOR",
    "Y_COLOR",
    "GRAD_COLOR",
    "class_colors",
    "CLASS_MARKERS",
    "class_marker",
    "learning_rate_color",
    "LogitsFigure",
    "BackpropFigure",
    "grid_points",
    "region_bounds",
    "region_colors",
    "logits_probabilities_figure",
    "loss_curve_figure",
    "jacobian_heatmaps_figure",
    "gradient_step_figure",
    "network_figure",
    "computational_graph_figure",
    "decision_regions_figure",
    "timing_figure",
    "loss_curves_figure",
    "CURVE_COLORS",
    "DigitsFigure",
    "confusion_matrix_figure",
    "digits_gallery_figure",
    "reliability_figure",
]

"""Live explorers: move a control, watch the numbers of the lecture change.

One module a piece, each beside the math it shows:

``base``      the one skeleton all explorers share (controls -> numbers -> picture -> words) and
              the text pieces they all show (the numbers table, vectors, the live region's text)
``controls``  ``ControlPanel``: the accessible control panel, an anywidget (controls.js, controls.css)
``logits``    ``LogitsExplorer``: z, the true class, T and epsilon -> S, y, loss, dLoss/dz, dS/dz
``backprop``  ``BackpropExplorer``: training the MLP on the spirals, step by step
``digits``    ``DigitsExplorer``: a trained network on the handwritten digits, image by image

Their figures are in :mod:`course_utils.plots`. Every public name is importable from
``course_utils.widgets`` itself, as the notebooks do.
"""

from .backprop import BackpropExplorer
from .base import DescribedImage, Explorer, move_status
from .controls import ControlPanel
from .digits import DigitsExplorer
from .logits import LECTURE_LOGITS, LogitsExplorer

__all__ = [
    "LogitsExplorer",
    "BackpropExplorer",
    "DigitsExplorer",
    "ControlPanel",
    "DescribedImage",
    "Explorer",
    "move_status",
    "LECTURE_LOGITS",
]

"""The renderer behind every explorer: a figure drawn once, then only its moving parts per frame.

Nothing here touches pyplot's global state: a widget callback may run on another thread
(ipykernel 7 subshells), and pyplot's "current figure" is shared by every thread. Each explorer
owns a :class:`BlitFigure`: its axes, ticks and labels are drawn once; an update only redraws
the artists that change over that cached background and encodes the pixels as PNG bytes for an
``ipywidgets.Image``.
"""

from __future__ import annotations

import threading

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .png import encode_png


class BlitFigure:
    """A Figure whose static parts are drawn once and whose ``dynamic`` artists are redrawn per frame.

    :meth:`render_png` restores the cached background, draws only the dynamic artists (set
    ``animated`` so a full draw leaves them out) and returns PNG bytes. Call
    :meth:`redraw_background` after changing anything static (limits, static lines). The lock makes
    a frame atomic when callbacks arrive on several threads.
    """

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.dynamic: list = []
        self._background = None
        self.lock = threading.RLock()

    def add_dynamic(self, *artists):
        for artist in artists:
            artist.set_animated(True)
            self.dynamic.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def redraw_background(self) -> None:
        with self.lock:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)

    def _draw_frame(self) -> np.ndarray:
        """Blit: restore the background, draw the dynamic artists; a view of the canvas buffer."""
        if self._background is None:
            self.redraw_background()
        self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def render_rgba(self) -> np.ndarray:
        """The current frame as an (H, W, 4) uint8 array (a copy)."""
        with self.lock:
            return self._draw_frame().copy()

    def render_png(self) -> bytes:
        """The current frame as PNG bytes (see :func:`encode_png`)."""
        with self.lock:
            return encode_png(self._draw_frame())


def freeze_layout(fig: Figure) -> None:
    """Let constrained layout place the axes once, then keep them there (blitting needs fixed axes).

    The layout engine measures the text with the canvas's renderer and moves the axes; nothing is
    drawn yet (the first frame draws the background once, in its final place)."""
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")

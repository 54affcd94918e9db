"""Figures that carry their own text alternative.

A ``DescribedFigure`` is a matplotlib ``Figure`` with an ``alt`` text saying what a sighted
reader sees: what is plotted and the numbers that matter. Jupyter shows it as one output:

* ``text/html``: ``<img src="data:image/png;base64,…" alt="…">``, which JupyterLab, nbconvert's
  slides and Jupyter Book all render first, so screen readers get the description everywhere;
* ``text/plain``: the description itself, so a text-only front end shows it, and strict nbval
  compares it (a wrong number in a description fails CI like a wrong number in a printout).

The figure functions in ``course_utils`` compute ``alt`` from the data they draw.
"""

from __future__ import annotations

import base64
import html
import io

from matplotlib.figure import Figure

#: Every static figure is drawn at 100 dpi, whatever the backend's default: a point is 100/72 px.
DPI = 100

#: Alt texts that describe nothing: a screen reader user learns nothing from them.
PLACEHOLDER_ALTS = frozenset(
    {"", "figure", "image", "plot", "chart", "graph", "no description has been provided for this image"}
)


def check_alt(alt: object, name: str = "alt") -> str:
    """``alt`` if it is a real description; ``TypeError``/``ValueError`` naming ``name`` if not."""
    if not isinstance(alt, str):
        raise TypeError(f"{name} must be a str describing the figure, got {type(alt).__name__}")
    text = " ".join(alt.split())
    if text.lower().rstrip(".") in PLACEHOLDER_ALTS or text.lower().endswith((".png", ".svg", ".jpg")):
        raise ValueError(f"{name} must describe what the figure shows, got {alt!r}")
    return text


class DescribedFigure(Figure):
    """A ``Figure`` whose Jupyter output is a PNG with ``alt`` text (see the module docstring).

    Build it like a ``Figure`` (``DescribedFigure(figsize=…, layout=…)``), draw, then set
    ``fig.alt``. Displaying it before ``alt`` is set raises ``ValueError``: no figure of the
    course reaches a student without a description.
    """

    _alt: str | None = None

    @property
    def alt(self) -> str | None:
        """The text alternative: what is plotted and the numbers that matter."""
        return self._alt

    @alt.setter
    def alt(self, text: str) -> None:
        self._alt = check_alt(text)

    def png(self) -> bytes:
        """The figure as PNG bytes, as Jupyter's inline backend draws it (tight box, white)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi, bbox_inches="tight", facecolor="white")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        if self._alt is None:
            raise ValueError("this figure has no alt text: set fig.alt to what it shows before displaying it")
        data = base64.b64encode(self.png()).decode("ascii")
        img = f'<img src="data:image/png;base64,{data}" alt="{html.escape(self._alt)}">'
        return {"text/html": img, "text/plain": self._alt}

    def _ipython_display_(self) -> None:
        # Publish only our bundle: without this, IPython's inline backend would add a second,
        # undescribed copy as image/png.
        from IPython.display import publish_display_data

        publish_display_data(self._repr_mimebundle_())

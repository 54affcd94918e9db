"""Figures for the digits notebook, all on ``matplotlib.figure.Figure`` (never pyplot's global state).

Static figures (a gallery of images, the confusion matrix, the reliability diagram) are
:class:`~course_utils.plots.DescribedFigure` objects: Jupyter shows each as a PNG with an alt text
computed from the data it draws. They are drawn at 100 dpi, at most 1083 px wide and with no text
under 11 pt (15.3 px), so a 1280 x 720 deck shows them at 96 % of their size, text >= 14.7 px.

:class:`DigitsFigure` is the explorer's figure: a :class:`~course_utils.plots.BlitFigure` whose
axes are drawn once and whose images and bars are redrawn per frame and sent to the browser as
PNG bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from .._checks import as_float_array
from ..digits import SIDE
from ..metrics import Reliability
from .blit import BlitFigure, freeze_layout
from .colors import CLASS_COLORS, S_COLOR, Y_COLOR
from .described import DPI, DescribedFigure

# One colour per reliability curve, the same in every figure: the course's class colours 0, 5, 2, 3
# (Okabe-Ito's blue, vermillion, bluish green and reddish purple).
CURVE_COLORS = tuple(to_hex(CLASS_COLORS[k]) for k in (0, 5, 2, 3))
# A second cue beside the colour, so the reliability curves stay apart without it.
CURVE_MARKERS = ("o", "s", "^", "D")
CURVE_LINESTYLES = ("-", "-.", ":", (0, (5, 1, 1, 1)))


def _images(images, name: str = "images") -> np.ndarray:
    arr = as_float_array(images, name, max_ndim=2).astype(np.float64, copy=False)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != SIDE * SIDE or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, {SIDE * SIDE}) (rows of 8 x 8 pixels), got {arr.shape}")
    return arr


def digits_gallery_figure(
    images, titles: Sequence[str] | None = None, ncols: int = 10, cell_inches: float = 1.05
) -> DescribedFigure:
    """Images (n, 64) as a grid of 8 x 8 pictures, dark ink on white, each with an optional title.

    ``ncols`` pictures per row, each ``cell_inches`` wide (100 px per inch). The alt text gives
    the layout and every title, in reading order.
    """
    arr = _images(images)
    n = arr.shape[0]
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per image ({n}), got {len(titles)}")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be an integer >= 1, got {ncols!r}")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    lines = max((str(t).count("\n") + 1 for t in titles), default=1) if titles is not None else 0
    extra = 0.2 * lines + 0.1 if titles is not None else 0.0
    fig = DescribedFigure(
        figsize=(cell_inches * ncols, (cell_inches + extra) * nrows), dpi=DPI, layout="constrained"
    )
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k < n:
            ax.imshow(arr[k].reshape(SIDE, SIDE), cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[k], fontsize=11)
    shape = f"{nrows} rows of {ncols}" if nrows > 1 else f"one row of {n}"
    fig.alt = (
        f"{n} handwritten digit{'s' if n > 1 else ''}, 8 x 8 pixels each, dark ink on white, in {shape}"
        + (
            ", titled, in reading order: " + "; ".join(" ".join(str(t).split()) for t in titles) + "."
            if titles is not None
            else "."
        )
    )
    return fig


def confusion_matrix_figure(C, title: str = "", top: int = 3) -> DescribedFigure:
    """C (K, K) counts as a heat map with each count written in its cell; rows = true class.

    C[i, j] = how many samples of class i were predicted as j. The alt text gives the total, the
    correct count (the trace) and the ``top`` largest off-diagonal counts, the biggest confusions
    (with every confusion tied with the last of them).
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or not np.issubdtype(C.dtype, np.integer):
        raise ValueError(f"C must be a square matrix of integer counts, got shape {C.shape} dtype {C.dtype}")
    top = int(top)
    if top < 0:
        raise ValueError(f"top must be >= 0 (how many confusions the alt text names), got {top}")
    K = C.shape[0]
    fig = DescribedFigure(figsize=(5.6, 4.6), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    # Off-diagonal cells are the errors: scale the colours to them so a count of 2 is visible.
    off = C[~np.eye(K, dtype=bool)]
    vmax = max(int(off.max()) if off.size else 1, 1)
    ax.imshow(np.where(np.eye(K, dtype=bool), 0, C), cmap="Reds", vmin=0, vmax=vmax)
    for i in range(K):
        for j in range(K):
            if C[i, j]:
                ax.text(
                    j,
                    i,
                    str(C[i, j]),
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="black" if i == j or C[i, j] < 0.6 * vmax else "white",
                    fontweight="bold" if i == j else "normal",
                )
    ax.set_xticks(range(K))
    ax.set_yticks(range(K))
    ax.tick_params(labelsize=11)
    ax.set_xlabel("predicted class", fontsize=12)
    ax.set_ylabel("true class", fontsize=12)
    ax.set_title(title or "confusion matrix (diagonal: correct; red: errors)", fontsize=12)

    total, right = int(C.sum()), int(np.trace(C))
    errors = np.where(np.eye(K, dtype=bool), 0, C)
    order = sorted((-int(errors[i, j]), i, j) for i in range(K) for j in range(K) if errors[i, j])
    if len(order) > top:  # the top counts, and every confusion tied with the last of them
        order = [o for o in order if top and o[0] <= order[top - 1][0]]
    biggest = "; ".join(f"{-c} of class {i} predicted as {j}" for c, i, j in order)
    fig.alt = (
        (f"{title}. " if title else "")
        + f"Confusion matrix of {total} samples and {K} classes, rows the true class, columns the predicted "
        f"class, each count written in its cell: {right} on the diagonal are correct"
        + (f" ({100 * right / total:.1f} %)" if total else "")
        + f", {total - right} off it are mistakes"
        + (f". The biggest confusions: {biggest}." if order else ".")
    )
    return fig


def reliability_figure(curves: Mapping[str, Reliability], title: str = "") -> DescribedFigure:
    """Reliability diagram: accuracy against mean confidence per bin, one line per named curve.

    The dashed diagonal is perfect calibration; below it the model is overconfident, above it
    underconfident. Each curve has its own colour, marker and line style; marker area grows with
    the number of samples in the bin. The legend gives each
    curve's ECE; the alt text gives it too, with the samples and the share of them in bins above
    the diagonal (accuracy > confidence) and below it.
    """
    if not curves:
        raise ValueError("curves must name at least one Reliability")
    if len(curves) > len(CURVE_COLORS):
        raise ValueError(f"curves: at most {len(CURVE_COLORS)} (one colour, marker and line style each)")
    fig = DescribedFigure(figsize=(7.4, 3.8), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], "--", color="0.5", lw=1, label="calibrated")
    described = []
    styles = zip(CURVE_COLORS, CURVE_MARKERS, CURVE_LINESTYLES, strict=True)
    for (name, rel), (color, marker, linestyle) in zip(curves.items(), styles, strict=False):
        if not isinstance(rel, Reliability):
            raise TypeError(f"curves[{name!r}] must be a Reliability, got {type(rel).__name__}")
        filled = rel.counts > 0
        total = rel.counts.sum()
        ax.plot(
            rel.confidence[filled],
            rel.accuracy[filled],
            linestyle=linestyle,
            color=color,
            lw=2,
            label=f"{name}\n(ECE {100 * rel.ece:.1f} %)",
        )
        ax.scatter(
            rel.confidence[filled],
            rel.accuracy[filled],
            s=20 + 600 * rel.counts[filled] / total,
            color=color,
            marker=marker,
            edgecolors="black",
            linewidths=0.5,
            zorder=3,
        )
        above = rel.counts[filled & (rel.accuracy > rel.confidence)].sum() / total
        below = rel.counts[filled & (rel.accuracy < rel.confidence)].sum() / total
        described.append(
            f"{name}: ECE {100 * rel.ece:.1f} %, {total} samples in {int(filled.sum())} of "
            f"{len(rel.counts)} bins, {100 * above:.0f} % of them in bins above the diagonal "
            f"(underconfident), {100 * below:.0f} % below (overconfident)"
        )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(r"confidence $\max_i S_i$ (mean in each bin)", fontsize=12)
    ax.set_ylabel("accuracy in the bin", fontsize=12)
    ax.tick_params(labelsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=11, frameon=False)  # off the curves
    ax.set_title(title or "reliability diagram (marker area: samples in the bin)", fontsize=12)
    ax.set_aspect("equal")
    fig.alt = (
        (f"{title}. " if title else "")
        + "Reliability diagram: the accuracy of the samples in each confidence bin against their mean "
        "confidence max_i S_i; the dashed diagonal is perfect calibration. " + "; ".join(described) + "."
    )
    return fig


class DigitsFigure(BlitFigure):
    """The digits explorer's three panels: the image; S against y for the 10 classes; dLoss/dx as 8 x 8.

    The gradient map is shown divided by its largest magnitude (colour scale fixed to [-1, 1], so
    nothing static is ever redrawn); the magnitude itself is in the explorer's readout. Red pixels:
    making them darker raises the loss; blue: darker lowers it. 15 x 4.2 in at 72 dpi is
    1080 x 302 px: a deck draws an image at most 95 % of its 1140 px output area wide (1083 px), so
    a 1280 x 720 slide shows this one at its own size, a point a pixel.
    """

    FIGSIZE = (15.0, 4.2)
    TITLE_SIZE, LABEL_SIZE, TICK_SIZE, LEGEND_SIZE = 17, 15, 14, 14

    def __init__(self, K: int = 10, dpi: int = 72) -> None:
        fig = Figure(figsize=self.FIGSIZE, dpi=dpi, layout="constrained")
        super().__init__(fig)
        self.K = K
        ax_i, ax_s, ax_g = fig.subplots(1, 3, width_ratios=[1, 2.2, 1.25])
        for ax in (ax_i, ax_s, ax_g):
            ax.tick_params(labelsize=self.TICK_SIZE)
        blank = np.zeros((SIDE, SIDE))
        self.image = ax_i.imshow(blank, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax_i.set_xticks([])
        ax_i.set_yticks([])
        ax_i.set_title("test image $x$", fontsize=self.TITLE_SIZE)

        x = np.arange(K)
        w = 0.4
        ax_s.set_ylim(0, 1.3)  # the legend lives in the top 0.3, clear of every bar
        ax_s.set_yticks(np.linspace(0, 1, 6))
        ax_s.set_xticks(x, [str(i) for i in x])
        ax_s.set_xlabel("digit i", fontsize=self.LABEL_SIZE)
        ax_s.set_title(r"$S = \mathrm{softmax}(z/T)$ against $y$", fontsize=self.TITLE_SIZE)
        self.s_bars = ax_s.bar(x - w / 2, np.zeros(K), w, color=S_COLOR, label="$S$")
        self.y_bars = ax_s.bar(x + w / 2, np.zeros(K), w, color=Y_COLOR, label="$y$ (true digit)")
        ax_s.legend(loc="upper left", fontsize=self.LEGEND_SIZE, ncols=2, frameon=False, borderaxespad=0.2)

        self.grad_image = ax_g.imshow(blank, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        ax_g.set_xticks([])
        ax_g.set_yticks([])
        ax_g.set_title(r"$\partial \mathrm{Loss}/\partial x$ (scaled to $\pm 1$)", fontsize=self.TITLE_SIZE)
        colorbar = fig.colorbar(self.grad_image, ax=ax_g, shrink=0.9, ticks=[-1, 0, 1])
        colorbar.ax.tick_params(labelsize=self.TICK_SIZE)
        for ax in (ax_i, ax_g):  # the pictures need no frame
            for spine in ax.spines.values():
                spine.set_visible(False)
        freeze_layout(fig)
        self.add_dynamic(self.image, *self.s_bars, *self.y_bars, self.grad_image)

    def update(self, x: np.ndarray, S: np.ndarray, y: np.ndarray, grad: np.ndarray) -> None:
        """Show image x (64,), probabilities S (K,), labels y (K,) and dLoss/dx (64,); no drawing yet."""
        with self.lock:
            self.image.set_data(np.asarray(x).reshape(SIDE, SIDE))
            for i in range(self.K):
                self.s_bars[i].set_height(S[i])
                self.y_bars[i].set_height(y[i])
            scale = float(np.max(np.abs(grad)))
            shown = np.asarray(grad) / scale if scale > 0 else np.zeros_like(grad)
            self.grad_image.set_data(shown.reshape(SIDE, SIDE))

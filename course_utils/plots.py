"""Figures the notebooks and the explorers draw, all on ``matplotlib.figure.Figure``.

Nothing here touches pyplot's global state: a widget callback may run on another thread
(ipykernel 7 subshells), and pyplot's "current figure" is shared by every thread. Each explorer
owns a :class:`BlitFigure`: its axes, ticks and labels are drawn once; an update only redraws
the artists that change over that cached background and encodes the pixels as PNG bytes for an
``ipywidgets.Image``. The notebooks get plain ``Figure`` objects, which Jupyter displays inline.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

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


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """An (H, W, 4) uint8 frame as an RGB PNG with no row filter and zlib ``level``.

    About twice as fast as Pillow's encoder for plots (its adaptive row filters cost more than
    they save on flat colours); lossless, so a browser test can check exact pixel colours.
    """
    h, w = rgba.shape[:2]
    raw = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 0 ("None") for every row
    pixels = np.reshape(raw[:, 1:], (h, w, 3), copy=False)  # a view into raw
    for c in range(3):  # channel by channel: ~20x faster than one strided (h, w, 3) copy
        pixels[..., c] = rgba[..., c]
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB, deflate, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + _png_chunk(b"IEND", b"")
    )


def _freeze_layout(fig: Figure) -> None:
    """Let constrained layout place the axes once, then keep them there (blitting needs fixed axes)."""
    fig.canvas.draw()
    fig.set_layout_engine("none")


# ---------------------------------------------------------------------------------------------
# LogitsExplorer: S against y, the loss, dLoss/dz, and the softmax Jacobian
# ---------------------------------------------------------------------------------------------


class LogitsFigure(BlitFigure):
    """Three panels for K classes: bars of S and y; bars of dLoss/dz; the Jacobian dS/dz as a heat map.

    ``grad_limit`` fixes the gradient axis to [-grad_limit, grad_limit] (|dLoss/dz_i| <= 1/T), and
    ``jac_limit`` the colour scale of the Jacobian (|dS_i/dz_j| <= 1/(4T)), so nothing static
    ever needs redrawing. The numbers themselves are shown beside the figure as HTML (text
    rendering is most of matplotlib's cost per frame).

    Sized like :class:`BackpropFigure` for a projector: 15.5 x 4.43 in at 72 dpi is 1116 x 319 px,
    shown at its own size when presenting at 1280 x 720 (fonts in points = pixels on screen).
    """

    FIGSIZE = (15.5, 4.43)
    TITLE_SIZE, LABEL_SIZE, TICK_SIZE, LEGEND_SIZE = 18, 15, 15, 14

    def __init__(self, K: int, grad_limit: float = 2.0, jac_limit: float = 0.5, dpi: int = 72) -> None:
        fig = Figure(figsize=self.FIGSIZE, dpi=dpi, layout="constrained")
        super().__init__(fig)
        self.K = K
        x = np.arange(K)
        names = [str(i + 1) for i in range(K)]
        ax_s, ax_g, ax_j = fig.subplots(1, 3, width_ratios=[1.25, 1.25, 1])
        for ax in (ax_s, ax_g, ax_j):
            ax.tick_params(labelsize=self.TICK_SIZE)

        ax_s.set_ylim(0, 1.3)  # the top holds the legend, clear of every bar (<= 1)
        ax_s.set_yticks(np.linspace(0, 1, 6))
        ax_s.set_xticks(x, names)
        ax_s.set_xlabel("class i", fontsize=self.LABEL_SIZE)
        ax_s.set_title(r"$S = \mathrm{softmax}(z/T)$ against labels $y$", fontsize=self.TITLE_SIZE)
        w = 0.38
        self.s_bars = ax_s.bar(x - w / 2, np.zeros(K), w, color=S_COLOR, label="$S$")
        self.y_bars = ax_s.bar(x + w / 2, np.zeros(K), w, color=Y_COLOR, label="$y$ (smoothed)")
        ax_s.legend(loc="upper left", fontsize=self.LEGEND_SIZE, ncols=2, frameon=False, borderaxespad=0.2)

        ax_g.set_ylim(-grad_limit * 1.05, grad_limit * 1.05)
        ax_g.axhline(0, color="black", lw=0.8)
        ax_g.set_xticks(x, names)
        ax_g.set_xlabel("logit i", fontsize=self.LABEL_SIZE)
        ax_g.set_title(r"gradient $\partial Loss/\partial z = (S - y)/T$", fontsize=self.TITLE_SIZE)
        self.g_bars = ax_g.bar(x, np.zeros(K), 0.6, color=GRAD_COLOR)

        self.jac_image = ax_j.imshow(np.zeros((K, K)), cmap="RdBu_r", vmin=-jac_limit, vmax=jac_limit)
        ax_j.set_xticks(x, [f"$z_{n}$" for n in names])
        ax_j.set_yticks(x, [f"$S_{n}$" for n in names])
        ax_j.set_title(r"Jacobian $\partial S_i/\partial z_j$", fontsize=self.TITLE_SIZE)
        colorbar = fig.colorbar(self.jac_image, ax=ax_j, shrink=0.85)
        colorbar.ax.tick_params(labelsize=self.TICK_SIZE)

        _freeze_layout(fig)
        self.add_dynamic(*self.s_bars, *self.y_bars, *self.g_bars, self.jac_image)

    def update(self, S: np.ndarray, y: np.ndarray, grad: np.ndarray, jac: np.ndarray) -> None:
        """Move the bars and the heat map to new numbers (no drawing yet)."""
        with self.lock:
            for i in range(self.K):
                self.s_bars[i].set_height(S[i])
                self.y_bars[i].set_height(y[i])
                self.g_bars[i].set_height(grad[i])
            self.jac_image.set_data(jac)


# ---------------------------------------------------------------------------------------------
# BackpropExplorer: loss curve, decision regions, gradient norms, one sample's S - y
# ---------------------------------------------------------------------------------------------


def grid_points(bounds: Sequence[float], n: int) -> np.ndarray:
    """An n x n grid over bounds = (x_min, x_max, y_min, y_max) as (n * n, 2) points, row-major from y_min."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.column_stack([gx.ravel(), gy.ravel()])


def region_colors(S: np.ndarray, n: int) -> np.ndarray:
    """Probabilities S (n * n, K) on a grid -> an (n, n, 3) image: each class's tint weighted by S_k."""
    tint = 1.0 - 0.45 * (1.0 - class_colors(S.shape[1]))  # light versions of the class colours
    return np.clip(S @ tint, 0.0, 1.0).reshape(n, n, 3)


class BackpropFigure(BlitFigure):
    """Four panels in one row: the loss up to the current step; the decision regions; the gradient
    norm of each parameter; one sample's S, y and S - y. (Step, loss and the sample's numbers are
    shown as HTML.)

    Sized for a projector: 15.5 x 5.4 in at 72 dpi is 1116 x 389 px, the width JupyterLab's
    slideshow gives an output at 1280 x 720, so the PNG is shown at its own size there (sharp text,
    fonts in points = pixels on screen) and the explorer with its controls is about 560 px tall.
    In a notebook the image shrinks to the cell's width with everything in proportion.

    :meth:`set_run` draws what stays fixed for one training run (axes limits, the whole loss curve
    in grey); :meth:`update` moves the dynamic artists to one step.
    """

    FIGSIZE = (15.5, 5.4)
    TITLE_SIZE, LABEL_SIZE, TICK_SIZE, LEGEND_SIZE = 20, 16.5, 16.5, 15

    def __init__(
        self,
        X: np.ndarray,
        labels: np.ndarray,
        K: int,
        param_names: Sequence[str],
        grid_n: int = 64,
        dpi: int = 72,
    ) -> None:
        fig = Figure(figsize=self.FIGSIZE, dpi=dpi, layout="constrained")
        super().__init__(fig)
        self.K = K
        self.grid_n = grid_n
        self.bounds = self.bounds_of(X)
        ax_l, ax_r, ax_g, ax_s = fig.subplots(1, 4, width_ratios=[1.2, 1.25, 0.95, 1.05])
        self.ax_loss, self.ax_grad = ax_l, ax_g
        for ax in (ax_l, ax_r, ax_g, ax_s):
            ax.tick_params(labelsize=self.TICK_SIZE)

        def title(ax, text: str) -> None:
            ax.set_title(text, fontsize=self.TITLE_SIZE)

        ax_l.set_xlabel("step", fontsize=self.LABEL_SIZE)
        title(ax_l, "mean cross-entropy loss\n(grey: the whole run)")
        (self.loss_all,) = ax_l.plot([], [], color="0.8", lw=2)
        (self.loss_line,) = ax_l.plot([], [], color=S_COLOR, lw=2.5)
        (self.loss_dot,) = ax_l.plot([], [], "o", color=GRAD_COLOR, ms=9)

        self.region = ax_r.imshow(
            np.ones((grid_n, grid_n, 3)),
            origin="lower",
            extent=self.bounds,
            interpolation="nearest",
            aspect="equal",
        )
        # One Line2D of markers per class: stamped as one marker path each (much faster than scatter)
        self.points = [
            ax_r.plot(
                X[labels == k, 0],
                X[labels == k, 1],
                "o",
                ms=5,
                mfc=class_colors(K)[k],
                mec="black",
                mew=0.4,
            )[0]
            for k in range(K)
        ]
        (self.chosen,) = ax_r.plot([], [], "o", ms=15, mfc="none", mec="black", mew=2.5)
        ax_r.set_xlim(self.bounds[:2])
        ax_r.set_ylim(self.bounds[2:])
        ax_r.set_xticks([])
        ax_r.set_yticks([])
        title(ax_r, "decision regions\n(ring: the sample)")

        xg = np.arange(len(param_names))
        ax_g.set_xticks(xg, [f"${name[0]}_{name[1:]}$" for name in param_names])
        ax_g.set_xlabel("parameter p", fontsize=self.LABEL_SIZE)
        title(ax_g, "gradient norm\n" + r"$\|\partial Loss/\partial p\|$")
        self.grad_bars = ax_g.bar(xg, np.zeros(len(param_names)), 0.6, color=GRAD_COLOR)

        x = np.arange(K)
        w = 0.27
        ax_s.axhline(0, color="black", lw=0.8)
        ax_s.set_ylim(-1.1, 1.6)  # the top 0.5 holds the legend, clear of every bar (|bar| <= 1)
        ax_s.set_yticks([-1, -0.5, 0, 0.5, 1])
        ax_s.set_xticks(x, [str(i + 1) for i in x])
        ax_s.set_xlabel("class i", fontsize=self.LABEL_SIZE)
        title(ax_s, "sample: $S$, $y$ and\n" + r"$S - y = \partial Loss_n/\partial z$")
        self.s_bars = ax_s.bar(x - w, np.zeros(K), w, color=S_COLOR, label="$S$")
        self.y_bars = ax_s.bar(x, np.zeros(K), w, color=Y_COLOR, label="$y$")
        self.d_bars = ax_s.bar(x + w, np.zeros(K), w, color=GRAD_COLOR, label="$S - y$")
        ax_s.legend(
            loc="upper center",
            fontsize=self.LEGEND_SIZE,
            ncols=3,
            frameon=False,
            handlelength=1.0,
            columnspacing=1.0,
            borderaxespad=0.2,
        )

        _freeze_layout(fig)
        self.loss_dot.set_clip_on(False)  # whole at step 0 and the last step (after layout: it ignores it)
        self.add_dynamic(
            self.loss_line,
            self.loss_dot,
            self.region,
            *self.points,
            self.chosen,
            *self.grad_bars,
            *self.s_bars,
            *self.y_bars,
            *self.d_bars,
        )

    @staticmethod
    def bounds_of(X: np.ndarray, pad: float = 0.12) -> tuple[float, float, float, float]:
        """(x_min, x_max, y_min, y_max) of the points, padded: the area the decision regions cover."""
        return (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)

    def set_run(self, history: Sequence[float], grad_norm_max: float) -> None:
        """Fix the limits for a new training run and draw its full loss curve in grey as background."""
        with self.lock:
            history = np.asarray(history)
            self.loss_all.set_data(np.arange(len(history)), history)
            self.ax_loss.set_xlim(0, max(len(history) - 1, 1))
            self.ax_loss.set_ylim(0, float(np.max(history)) * 1.05)
            self.ax_grad.set_ylim(0, grad_norm_max * 1.1 if grad_norm_max > 0 else 1.0)
            self.redraw_background()

    def update(
        self,
        step: int,
        history: Sequence[float],
        S_grid: np.ndarray,
        grad_norms: np.ndarray,
        sample_xy: np.ndarray,
        S: np.ndarray,
        y: np.ndarray,
        d: np.ndarray,
    ) -> None:
        """Show step ``step``: S_grid (grid_n**2, K) over the plane, the sample's S, y and d = S - y."""
        with self.lock:
            self.loss_line.set_data(np.arange(step + 1), history[: step + 1])
            self.loss_dot.set_data([step], [history[step]])
            self.region.set_data(region_colors(S_grid, self.grid_n))
            self.chosen.set_data([sample_xy[0]], [sample_xy[1]])
            for bar, h in zip(self.grad_bars, grad_norms, strict=True):
                bar.set_height(h)
            for i in range(self.K):
                self.s_bars[i].set_height(S[i])
                self.y_bars[i].set_height(y[i])
                self.d_bars[i].set_height(d[i])


# ---------------------------------------------------------------------------------------------
# Static figures for notebook 04
# ---------------------------------------------------------------------------------------------


def network_figure(sizes: Sequence[int], max_units: int = 8) -> Figure:
    """The MLP as neurons and connections: one column per layer (at most ``max_units`` drawn per layer)."""
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    columns = []
    for c, n in enumerate(sizes):
        shown = min(n, max_units)
        ys = np.linspace(-1, 1, shown) if shown > 1 else np.zeros(1)
        columns.append((c, ys))
        kind = "input x" if c == 0 else ("logits z" if c == len(sizes) - 1 else "tanh")
        ax.text(
            c,
            1.25,
            f"{kind}\n{n} units" + (" (some drawn)" if n > shown else ""),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    for (c0, ys0), (c1, ys1) in zip(columns[:-1], columns[1:], strict=True):
        for a in ys0:
            for b in ys1:
                ax.plot([c0, c1], [a, b], color="0.75", lw=0.6, zorder=1)
        ax.text((c0 + c1) / 2, -1.3, f"W{c1} ({sizes[c0]}x{sizes[c1]}), b{c1}", ha="center", fontsize=9)
    for c, ys in columns:
        color = "#F0E442" if c == 0 else (S_COLOR if c == len(sizes) - 1 else "#009E73")
        ax.scatter(np.full(len(ys), c), ys, s=160, color=color, edgecolors="black", zorder=2)
    last = len(sizes) - 1
    ax.annotate(
        "softmax -> S\ncross-entropy\nwith y -> Loss",
        xy=(last + 0.08, 0),
        xytext=(last + 0.45, 0),
        va="center",
        fontsize=9,
        arrowprops={"arrowstyle": "<-"},
    )
    ax.set_xlim(-0.4, last + 1.2)
    ax.set_ylim(-1.5, 1.7)
    return fig


def computational_graph_figure(num_layers: int = 2) -> Figure:
    """The computational graph of the MLP: forward arrows (black), backward rules (red).

    For num_layers = 2: X -> Z1 = X W1 + b1 -> A1 = tanh(Z1) -> z = A1 W2 + b2 -> S = softmax(z)
    -> Loss. Under each node, in red, the gradient of the loss with respect to it; above each dense
    layer, its parameters and their gradients. The backward pass starts at dz = (S - y) / N.
    """
    if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 1:
        raise ValueError(f"num_layers must be an integer >= 1, got {num_layers!r}")
    L = num_layers

    def a(i: int) -> str:  # the input of dense layer i + 1
        return "X" if i == 0 else f"A_{i}"

    nodes: list[tuple[str, str, str]] = [(r"$X$", "", "")]  # (node, gradient below, parameters above)
    for i in range(1, L + 1):
        out = "z" if i == L else f"Z_{i}"
        d_out = "dz" if i == L else f"dZ_{i}"
        params = (
            rf"$W_{i},\ b_{i}$"
            + "\n"
            + rf"$dW_{i} = {a(i - 1)}^\top {d_out}$"
            + "\n"
            + rf"$db_{i} = \sum_n {d_out}$"
        )
        if i == L:
            below = r"$dz = (S - y)/N$" + "\n(cross_entropy_grad)"
        else:
            below = rf"$dZ_{i} = dA_{i} \odot (1 - A_{i}^2)$"
        nodes.append((rf"${out} = {a(i - 1)} W_{i} + b_{i}$", below, params))
        if i < L:
            nodes.append(
                (
                    rf"$A_{i} = \tanh(Z_{i})$",
                    rf"$dA_{i} = dZ_{{{i + 1}}} W_{{{i + 1}}}^\top$".replace(f"dZ_{{{L}}}", "dz"),
                    "",
                )
            )
    nodes.append(
        (
            r"$S = \mathrm{softmax}(z)$",
            "S and Loss are differentiated\ntogether: notebook 03's rule\ngoes straight to dz (no dS)",
            "",
        )
    )
    nodes.append(
        (
            r"$Loss = -\frac{1}{N}\sum y \log S$",
            "start: " + r"$\partial Loss/\partial Loss = 1$" + "\n(the chain's first factor)",
            "labels $y$",
        )
    )

    fig = Figure(figsize=(2.0 * len(nodes), 3.0), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    xs = np.arange(len(nodes)) * 2.0
    boxes = []
    for x, (label, below, above) in zip(xs, nodes, strict=True):
        box = ax.text(
            x,
            0,
            label,
            ha="center",
            va="center",
            fontsize=10,
            bbox={"boxstyle": "round,pad=0.4", "fc": "#E8F1FA", "ec": S_COLOR},
        )
        boxes.append(box.get_bbox_patch())
        if below:
            ax.text(x, -0.8, below, ha="center", va="center", fontsize=9, color=GRAD_COLOR)
        if above:
            first, _, rest = above.partition("\n")
            ax.text(x, 1.0, first, ha="center", va="center", fontsize=9, color="0.25")
            if rest:
                ax.text(x, 0.62, rest, ha="center", va="center", fontsize=8.5, color=GRAD_COLOR)
    for k in range(len(nodes) - 1):  # arrows clipped at the boxes they join
        for y, color, (a, b) in ((0.07, "black", (k, k + 1)), (-0.07, GRAD_COLOR, (k + 1, k))):
            ax.annotate(
                "",
                xy=(xs[b], y),
                xytext=(xs[a], y),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": color,
                    "patchA": boxes[a],
                    "patchB": boxes[b],
                    "shrinkA": 3,
                    "shrinkB": 3,
                },
            )
    ax.text(xs[0], 1.0, "forward: left to right", ha="center", va="center", fontsize=8)
    ax.text(
        xs[0], -0.8, "backward: right\nto left (red)", ha="center", va="center", fontsize=8, color=GRAD_COLOR
    )
    ax.set_xlim(xs[0] - 1.0, xs[-1] + 1.1)
    ax.set_ylim(-1.2, 1.3)
    return fig


def decision_regions_figure(
    net, X: np.ndarray, labels: np.ndarray, title: str = "", grid_n: int = 150
) -> Figure:
    """The classes ``net`` predicts over the plane (tinted by S) with the data points on top."""
    bounds = BackpropFigure.bounds_of(X)
    fig = Figure(figsize=(4.2, 4.0), layout="constrained")
    ax = fig.add_subplot()
    K = net.sizes[-1]
    ax.imshow(
        region_colors(net.predict_proba(grid_points(bounds, grid_n)), grid_n),
        origin="lower",
        extent=bounds,
        interpolation="bilinear",
        aspect="auto",
    )
    colors = class_colors(K)
    for k in range(K):  # one scatter per class, so the legend can name them
        ax.scatter(
            X[labels == k, 0],
            X[labels == k, 1],
            color=colors[k],
            s=14,
            edgecolors="black",
            linewidths=0.4,
            label=f"class {k + 1} (label {k})",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper left", fontsize=7, framealpha=0.85)
    ax.set_title(title)
    return fig


def timing_figure(
    num_params: Sequence[int], t_backprop: Sequence[float], t_numerical: Sequence[float]
) -> Figure:
    """Seconds per full gradient against the parameter count P, log-log: backprop vs finite differences."""
    fig = Figure(figsize=(5.6, 3.6), layout="constrained")
    ax = fig.add_subplot()
    ax.loglog(num_params, t_numerical, "s-", color=GRAD_COLOR, label="finite differences (2P forward passes)")
    ax.loglog(num_params, t_backprop, "o-", color=S_COLOR, label="backprop (1 forward + 1 backward)")
    ax.set_xlabel("number of parameters P (log scale)")
    ax.set_ylabel("seconds per gradient")
    # Ticks only at the measured P values: log-axis minor labels (3x10^1, 4x10^1, ...) overlap
    ax.xaxis.set_major_locator(FixedLocator(list(num_params)))
    ax.xaxis.set_major_formatter(FixedFormatter([str(p) for p in num_params]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)
    return fig


def loss_curves_figure(histories: dict[str, Sequence[float]], title: str = "") -> Figure:
    """One loss curve per label (e.g. per learning rate), log y axis."""
    fig = Figure(figsize=(5.6, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for label, history in histories.items():
        ax.semilogy(history, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("mean cross-entropy")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig

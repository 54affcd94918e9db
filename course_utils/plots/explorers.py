"""The explorers' live figures: drawn once, then updated by moving artists (see :mod:`.blit`).

``LogitsFigure`` for the LogitsExplorer (S against y, dLoss/dz, the softmax Jacobian);
``BackpropFigure`` for the BackpropExplorer (loss curve, decision regions, gradient norms, one
sample's S - y).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .blit import BlitFigure, freeze_layout
from .colors import GRAD_COLOR, S_COLOR, Y_COLOR, class_colors
from .regions import region_bounds, region_colors


class LogitsFigure(BlitFigure):
    """Three panels for K classes: bars of S and y; bars of dLoss/dz; the Jacobian dS/dz as a heat map.

    ``grad_limit`` fixes the gradient axis to [-grad_limit, grad_limit] (|dLoss/dz_i| <= 1/T), and
    ``jac_limit`` the colour scale of the Jacobian (|dS_i/dz_j| <= 1/(4T)), so nothing static
    ever needs redrawing. The numbers themselves are shown beside the figure as HTML (text
    rendering is most of matplotlib's cost per frame).

    Sized like :class:`BackpropFigure` for a projector: 14.4 x 4.43 in at 72 dpi is 1036 x 318 px,
    shown at its own size when presenting at 1280 x 720 (fonts in points = pixels on screen).
    """

    FIGSIZE = (14.4, 4.43)
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
        ax_g.set_title(r"gradient $\partial \mathrm{Loss}/\partial z = (S - y)/T$", fontsize=self.TITLE_SIZE)
        self.g_bars = ax_g.bar(x, np.zeros(K), 0.6, color=GRAD_COLOR)

        self.jac_image = ax_j.imshow(np.zeros((K, K)), cmap="RdBu_r", vmin=-jac_limit, vmax=jac_limit)
        ax_j.set_xticks(x, [f"$z_{n}$" for n in names])
        ax_j.set_yticks(x, [f"$S_{n}$" for n in names])
        ax_j.set_title(r"Jacobian $\partial S_i/\partial z_j$", fontsize=self.TITLE_SIZE)
        colorbar = fig.colorbar(self.jac_image, ax=ax_j, shrink=0.85)
        colorbar.ax.tick_params(labelsize=self.TICK_SIZE)

        freeze_layout(fig)
        self.add_dynamic(*self.s_bars, *self.y_bars, *self.g_bars, self.jac_image)

    def update(self, S: np.ndarray, y: np.ndarray, grad: np.ndarray, jac: np.ndarray) -> None:
        """Move the bars and the heat map to new numbers (no drawing yet)."""
        with self.lock:
            for i in range(self.K):
                self.s_bars[i].set_height(S[i])
                self.y_bars[i].set_height(y[i])
                self.g_bars[i].set_height(grad[i])
            self.jac_image.set_data(jac)


class BackpropFigure(BlitFigure):
    """Four panels in one row: the loss up to the current step; the decision regions; the gradient
    norm of each parameter; one sample's S, y and S - y. (Step, loss and the sample's numbers are
    shown as HTML.)

    Sized for a projector: 14.4 x 5.4 in at 72 dpi is 1036 x 388 px, within the width an output
    gets at 1280 x 720 both in JupyterLab's slideshow (1116 px) and in an exported reveal.js deck
    (1040 px), so the PNG is shown at its own size in both (sharp text, fonts in points = pixels on
    screen; at 1116 px the deck shrank it to 93 %) and the explorer with its controls is about 520 px tall.
    In a notebook the image shrinks to the cell's width with everything in proportion.

    :meth:`set_run` draws what stays fixed for one training run (axes limits, the whole loss curve
    in grey); :meth:`update` moves the dynamic artists to one step.
    """

    FIGSIZE = (14.4, 5.4)
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
        self.bounds = region_bounds(X)
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
        title(ax_g, "gradient norm\n" + r"$\|\partial \mathrm{Loss}/\partial p\|$")
        self.grad_bars = ax_g.bar(xg, np.zeros(len(param_names)), 0.6, color=GRAD_COLOR)

        x = np.arange(K)
        w = 0.27
        ax_s.axhline(0, color="black", lw=0.8)
        ax_s.set_ylim(-1.1, 1.6)  # the top 0.5 holds the legend, clear of every bar (|bar| <= 1)
        ax_s.set_yticks([-1, -0.5, 0, 0.5, 1])
        ax_s.set_xticks(x, [str(i + 1) for i in x])
        ax_s.set_xlabel("class i", fontsize=self.LABEL_SIZE)
        title(ax_s, "sample: $S$, $y$ and\n" + r"$S - y = \partial \mathrm{Loss}_n/\partial z$")
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

        freeze_layout(fig)
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

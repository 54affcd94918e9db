"""Notebook 04's static figures: plain ``Figure`` objects, which Jupyter displays inline.

The network as neurons, its computational graph, the decision regions of a trained net, the
cost of a gradient by backprop and by finite differences, and loss curves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from .._checks import positive_int
from .colors import GRAD_COLOR, S_COLOR, class_colors, learning_rate_color, learning_rate_linestyle
from .regions import grid_points, region_bounds, region_colors


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
        for y0 in ys0:
            for y1 in ys1:
                ax.plot([c0, c1], [y0, y1], color="0.75", lw=0.6, zorder=1)
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
    L = positive_int(num_layers, "num_layers")

    def layer_input(i: int) -> str:  # the input of dense layer i + 1
        return "X" if i == 0 else f"A_{i}"

    nodes: list[tuple[str, str, str]] = [(r"$X$", "", "")]  # (node, gradient below, parameters above)
    for i in range(1, L + 1):
        out = "z" if i == L else f"Z_{i}"
        d_out = "dz" if i == L else f"dZ_{i}"
        params = (
            rf"$W_{i},\ b_{i}$"
            + "\n"
            + rf"$dW_{i} = {layer_input(i - 1)}^\top {d_out}$"
            + "\n"
            + rf"$db_{i} = \sum_n {d_out}$"
        )
        if i == L:
            below = r"$dz = (S - y)/N$" + "\n(cross_entropy_grad)"
        else:
            below = rf"$dZ_{i} = dA_{i} \odot (1 - A_{i}^2)$"
        nodes.append((rf"${out} = {layer_input(i - 1)} W_{i} + b_{i}$", below, params))
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
        for y, color, (start, end) in ((0.07, "black", (k, k + 1)), (-0.07, GRAD_COLOR, (k + 1, k))):
            ax.annotate(
                "",
                xy=(xs[end], y),
                xytext=(xs[start], y),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": color,
                    "patchA": boxes[start],
                    "patchB": boxes[end],
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
    bounds = region_bounds(X)
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


def loss_curves_figure(histories: dict[float | str, Sequence[float]], title: str = "") -> Figure:
    """One loss curve per key, log y axis. A number as key is a learning rate: the curve is labelled
    "lr = <key>" and drawn in :func:`learning_rate_color` and :func:`learning_rate_linestyle`, the
    same in every figure."""
    fig = Figure(figsize=(5.6, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for key, history in histories.items():
        if isinstance(key, str):
            ax.semilogy(history, label=key)
        else:
            ax.semilogy(
                history, label=f"lr = {key}", color=learning_rate_color(key), ls=learning_rate_linestyle(key)
            )
    ax.set_xlabel("step")
    ax.set_ylabel("mean cross-entropy")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig

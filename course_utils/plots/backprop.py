"""Notebook 04's static figures, each a :class:`DescribedFigure`: a PNG with its alt text.

The network as neurons, its computational graph, the decision regions of a trained net, the
cost of a gradient by backprop and by finite differences, and loss curves. Every figure is
drawn for a 1280 x 720 slide: at 100 dpi, at most 1083 px wide (a deck draws an image at most 95 %
of its 1140 px output area wide, then scales the slide by 0.96), with no text under 11 pt (15.3 px,
14.7 px as drawn). Its ``alt`` is computed from the data it draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from .._checks import positive_int
from .colors import (
    GRAD_COLOR,
    S_COLOR,
    class_colors,
    class_marker,
    learning_rate_color,
    learning_rate_linestyle,
)
from .described import DPI, DescribedFigure
from .regions import grid_points, region_bounds, region_colors


def _layer_kind(c: int, num_columns: int) -> str:
    return "input x" if c == 0 else ("logits z" if c == num_columns - 1 else "tanh")


def network_figure(sizes: Sequence[int], max_units: int = 8) -> DescribedFigure:
    """The MLP as neurons and connections: one column per layer (at most ``max_units`` drawn per layer).

    ``sizes`` = [n_0, n_1, ..., K]: layer l holds n_l units; W_l is (n_{l-1}, n_l) and b_l is (n_l,),
    so P = sum_l (n_{l-1} + 1) n_l parameters. The alt text names every layer and weight shape.
    """
    sizes = [positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must name at least an input and an output layer, got {sizes}")
    max_units = positive_int(max_units, "max_units")
    fig = DescribedFigure(figsize=(8.4, 4.0), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    columns = []
    last = len(sizes) - 1
    for c, n in enumerate(sizes):
        shown = min(n, max_units)
        ys = np.linspace(-1, 1, shown) if shown > 1 else np.zeros(1)
        columns.append((c, ys))
        drawn = f"\n({shown} drawn)" if n > shown else ""
        ax.text(
            c, 1.22, f"{_layer_kind(c, len(sizes))}\n{n} units{drawn}", ha="center", va="bottom", fontsize=12
        )
    for (c0, ys0), (c1, ys1) in zip(columns[:-1], columns[1:], strict=True):
        for y0 in ys0:
            for y1 in ys1:
                ax.plot([c0, c1], [y0, y1], color="0.75", lw=0.6, zorder=1)
        ax.text(
            (c0 + c1) / 2,
            -1.35,
            f"W{c1} ({sizes[c0]}x{sizes[c1]}), b{c1}",
            ha="center",
            va="top",
            fontsize=12,
        )
    for c, ys in columns:
        color = "#F0E442" if c == 0 else (S_COLOR if c == last else "#009E73")
        ax.scatter(np.full(len(ys), c), ys, s=180, color=color, edgecolors="black", zorder=2)
    ax.annotate(
        "softmax -> S\ncross-entropy\nwith y -> Loss",
        xy=(last + 0.08, 0),
        xytext=(last + 0.4, 0),
        va="center",
        fontsize=12,
        arrowprops={"arrowstyle": "<-"},
    )
    ax.set_xlim(-0.3, last + 1.25)
    ax.set_ylim(-1.6, 1.75)

    layers = []
    for c, n in enumerate(sizes):
        shown = min(n, max_units)
        layers.append(
            f"{_layer_kind(c, len(sizes))}, {n} units" + (f" ({shown} of them drawn)" if n > shown else "")
        )
    weights = [f"W{c} ({sizes[c - 1]} x {sizes[c]}) and b{c} ({sizes[c]})" for c in range(1, len(sizes))]
    P = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    fig.alt = (
        f"The network {sizes} drawn as neurons in {len(sizes)} columns, left to right: "
        + "; ".join(layers)
        + ". Every unit is joined to every unit of the next column; the connections are the weights "
        + ", ".join(weights)
        + f", {P} parameters in all. The logits go through softmax to S, and cross-entropy with the "
        "labels y gives the Loss."
    )
    return fig


def _graph_columns(L: int) -> list[dict[str, str]]:
    """The graph's columns for ``L`` dense layers, left to right: a box; the red gradient below
    it; for a dense layer its parameters (grey) and their gradients (red) above it; and ``fwd``
    and ``back``, the same in words for the alt text."""
    columns = [{"box": r"$X$", "fwd": "X", "back": ""}]
    for i in range(1, L + 1):
        a = "X" if i == 1 else f"A_{i - 1}"  # the input of dense layer i
        out, d = ("z", "dz") if i == L else (f"Z_{i}", f"dZ_{i}")
        if i == L:
            below, below_txt = r"$dz = (S - y)/N$", "dz = (S - y)/N"
        else:
            below = rf"$dZ_{i} = dA_{i} \odot (1 - A_{i}^2)$"
            below_txt = f"dZ_{i} = dA_{i} times (1 - A_{i} squared), element by element"
        columns.append(
            {
                "box": rf"${out} = {a} W_{i} + b_{i}$",
                "below": below,
                "params": rf"$W_{i},\ b_{i}$",
                "param_grads": rf"$dW_{i} = {a}^\top {d}$" + "\n" + rf"$db_{i} = \sum_n {d}$",
                "fwd": f"{out} = {a} W_{i} + b_{i}",
                "back": (
                    f"{below_txt}, dW_{i} = {a} transposed times {d}, db_{i} = {d} summed over the samples"
                ),
            }
        )
        if i < L:
            nxt = "dz" if i + 1 == L else f"dZ_{i + 1}"
            columns.append(
                {
                    "box": rf"$A_{i} = \tanh(Z_{i})$",
                    "below": rf"$dA_{i} = {nxt}\, W_{i + 1}^\top$",
                    "fwd": f"A_{i} = tanh(Z_{i})",
                    "back": f"dA_{i} = {nxt} times W_{i + 1} transposed",
                }
            )
    columns.append(
        {
            "box": r"$S = \mathrm{softmax}(z)$",
            "below": "no $dS$: notebook 03\ngives $dz$ directly",
            "fwd": "S = softmax(z)",
            "back": (
                "no dS: S and the loss are differentiated together, and notebook 03's rule gives dz directly"
            ),
        }
    )
    columns.append(
        {
            "box": r"$\mathrm{Loss}$",
            "below": "start: 1",
            "params": "labels $y$",
            "fwd": "Loss, the mean cross-entropy of S and the labels y",
            "back": "it starts at the loss with dLoss/dLoss = 1",
        }
    )
    return columns


def computational_graph_figure(num_layers: int = 2) -> DescribedFigure:
    """The computational graph of the MLP: forward arrows (black), backward rules (red).

    For num_layers = 2: X -> Z_1 = X W_1 + b_1 -> A_1 = tanh(Z_1) -> z = A_1 W_2 + b_2 -> S = softmax(z)
    -> Loss. Under each node, in red, the gradient of the loss with respect to it; above each dense
    layer, its parameters and their gradients. The backward pass starts at Loss with 1 and reaches
    dz = (S - y) / N in one step (notebook 03). Columns are spaced by their widest text, so the
    figure is as narrow as its 14 pt boxes and 13 pt rules allow (2 layers: about 1000 px at 100 dpi).
    """
    L = positive_int(num_layers, "num_layers")
    columns = _graph_columns(L)
    box_pt, rule_pt, gap, margin, height = 14, 13, 0.3, 0.12, 3.2
    y_note, y_params, y_param_grads, y_box, y_below = 3.02, 2.5, 2.02, 1.28, 0.45
    # Laid out in inches: the axes fill the figure and one data unit is one inch, so the texts are
    # measured first and the figure is then cut to their width.
    fig = DescribedFigure(figsize=(12.0, height), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    placed = []
    for col in columns:
        box = {"boxstyle": "round,pad=0.35", "fc": "#E8F1FA", "ec": S_COLOR}
        texts = [ax.text(0, y_box, col["box"], ha="center", va="center", fontsize=box_pt, bbox=box)]
        for key, y, color in (
            ("below", y_below, GRAD_COLOR),
            ("params", y_params, "0.25"),
            ("param_grads", y_param_grads, GRAD_COLOR),
        ):
            if col.get(key):
                texts.append(ax.text(0, y, col[key], ha="center", va="center", fontsize=rule_pt, color=color))
        placed.append(texts)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # places the boxes round the texts
    renderer = canvas.get_renderer()
    widths = [
        max(
            [t.get_window_extent(renderer).width for t in texts]
            + [texts[0].get_bbox_patch().get_window_extent(renderer).width]
        )
        / fig.dpi
        for texts in placed
    ]
    xs = margin + np.cumsum([0.0, *widths[:-1]]) + gap * np.arange(len(widths)) + np.array(widths) / 2
    width = float(xs[-1] + widths[-1] / 2 + margin)
    fig.set_size_inches(width, height)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    for x, texts in zip(xs, placed, strict=True):
        for t in texts:
            t.set_x(x)
    boxes = [texts[0].get_bbox_patch() for texts in placed]
    for k in range(len(columns) - 1):  # arrows clipped at the boxes they join
        for dy, color, (start, end) in ((0.06, "black", (k, k + 1)), (-0.06, GRAD_COLOR, (k + 1, k))):
            ax.annotate(
                "",
                xy=(xs[end], y_box + dy),
                xytext=(xs[start], y_box + dy),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": color,
                    "patchA": boxes[start],
                    "patchB": boxes[end],
                    "shrinkA": 2,
                    "shrinkB": 2,
                },
            )
    ax.text(margin, y_note, "forward: black, left to right", ha="left", va="center", fontsize=rule_pt)
    ax.text(
        width - margin,
        y_note,
        "backward: red, right to left, from 1 at the loss",
        ha="right",
        va="center",
        fontsize=rule_pt,
        color=GRAD_COLOR,
    )
    layers = f"{L} dense layer" + ("s" if L > 1 else "")
    fig.alt = (
        f"The computational graph of an MLP with {layers}, as boxes joined by arrows. "
        "Forward, in black, left to right: "
        + " -> ".join(col["fwd"] for col in columns)
        + ". Backward, in red, right to left: "
        + "; ".join(col["back"] for col in reversed(columns) if col["back"])
        + "."
    )
    return fig


def decision_regions_figure(
    net, X: np.ndarray, labels: np.ndarray, title: str = "", grid_n: int = 150
) -> DescribedFigure:
    """The classes ``net`` predicts over the plane (tinted by S) with the data points on top.

    ``X`` (N, 2) points, ``labels`` (N,) integer classes 0..K-1 with K = net.sizes[-1]. Class k is
    drawn in its colour and with :func:`class_marker` (k), so the classes differ without colour
    too. The alt text gives the points per class, how many the net classifies correctly and the
    share of the plane each class is predicted on.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (N, 2), points in the plane, got {X.shape}")
    labels = np.asarray(labels)
    if labels.shape != (len(X),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be {len(X)} integer classes, one per row of X, got shape {labels.shape}"
        )
    K = net.sizes[-1]
    if labels.min() < 0 or labels.max() >= K:
        raise ValueError(
            f"labels must be classes 0..{K - 1}, got values from {labels.min()} to {labels.max()}"
        )
    bounds = region_bounds(X)
    fig = DescribedFigure(figsize=(6.6, 4.2), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    S_grid = net.predict_proba(grid_points(bounds, grid_n))
    ax.imshow(
        region_colors(S_grid, grid_n), origin="lower", extent=bounds, interpolation="bilinear", aspect="auto"
    )
    colors = class_colors(K)
    counts = np.bincount(labels, minlength=K)
    for k in range(K):  # one scatter per class, so the legend can name them
        ax.scatter(
            X[labels == k, 0],
            X[labels == k, 1],
            color=colors[k],
            marker=class_marker(k),
            s=26,
            edgecolors="black",
            linewidths=0.5,
            label=f"class {k + 1} (label {k})",
        )
    ax.set_xlabel("$x_1$", fontsize=12)
    ax.set_ylabel("$x_2$", fontsize=12)
    ax.tick_params(labelsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=11, frameon=False)  # off the points
    if title:
        ax.set_title(title, fontsize=13)

    predicted = net.predict(X)
    correct = int(np.sum(predicted == labels))
    area = np.bincount(S_grid.argmax(axis=1), minlength=K) / len(S_grid)
    marker_names = {
        "o": "circles",
        "s": "squares",
        "^": "triangles",
        "D": "diamonds",
        "v": "down triangles",
        "P": "plus signs",
        "X": "crosses",
        "*": "stars",
    }
    per_class = ", ".join(
        f"class {k + 1} (label {k}) {counts[k]} as {marker_names[class_marker(k)]}" for k in range(K)
    )
    fig.alt = (
        (f"{title}. " if title else "")
        + f"Decision regions of the network {list(net.sizes)} over the plane, x_1 from {bounds[0]:.1f} "
        f"to {bounds[1]:.1f} and x_2 from {bounds[2]:.1f} to {bounds[3]:.1f}: the background takes the "
        "colour of the predicted class, paler where S is less sure. The predicted classes cover "
        + ", ".join(f"{100 * a:.0f} % (class {k + 1})" for k, a in enumerate(area))
        + f" of the plane. On top, {len(X)} points by their true class: {per_class}. "
        f"The network puts {correct} of the {len(X)} points ({100 * correct / len(X):.1f} %) in the "
        "right region."
    )
    return fig


def timing_figure(
    num_params: Sequence[int], t_backprop: Sequence[float], t_numerical: Sequence[float]
) -> DescribedFigure:
    """Seconds per full gradient against the parameter count P, log-log: backprop vs finite differences.

    Three sequences of the same length n: ``num_params`` (P per network), ``t_backprop`` and
    ``t_numerical`` (seconds per gradient). The alt text gives both times and their ratio at the
    smallest and the largest P.
    """
    P = [positive_int(p, "num_params") for p in num_params]
    t_b = np.asarray(t_backprop, dtype=np.float64)
    t_n = np.asarray(t_numerical, dtype=np.float64)
    if not P or t_b.shape != (len(P),) or t_n.shape != (len(P),):
        raise ValueError(
            f"num_params, t_backprop and t_numerical must have the same length >= 1, got "
            f"{len(P)}, {t_b.shape}, {t_n.shape}"
        )
    if not (np.all(t_b > 0) and np.all(t_n > 0)):
        raise ValueError("t_backprop and t_numerical must be positive times in seconds (log axes)")
    fig = DescribedFigure(figsize=(6.4, 4.0), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.loglog(P, t_n, "s-", color=GRAD_COLOR, label="finite differences (2P forward passes)")
    ax.loglog(P, t_b, "o-", color=S_COLOR, label="backprop (1 forward + 1 backward)")
    ax.set_xlabel("number of parameters P (log scale)", fontsize=12)
    ax.set_ylabel("seconds per gradient", fontsize=12)
    # Ticks only at the measured P values: log-axis minor labels (3x10^1, 4x10^1, ...) overlap
    ax.xaxis.set_major_locator(FixedLocator(P))
    ax.xaxis.set_major_formatter(FixedFormatter([str(p) for p in P]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.tick_params(labelsize=11)
    ax.legend(fontsize=11)
    ax.grid(True, which="major", alpha=0.3)

    def at(i: int) -> str:
        return (
            f"at P = {P[i]}, backprop {_ms(t_b[i])} and finite differences {_ms(t_n[i])}, "
            f"{t_n[i] / t_b[i]:.0f} times slower"
        )

    fig.alt = (
        "Seconds per full gradient against the number of parameters P, both axes logarithmic, "
        f"measured at P = {', '.join(map(str, P))}: " + (at(0) if len(P) == 1 else f"{at(0)}; {at(-1)}") + "."
    )
    return fig


def _ms(seconds: float) -> str:
    """A time in milliseconds with 2 significant digits: 0.0123 -> '12 ms', 0.000123 -> '0.12 ms'."""
    return f"{float(f'{1e3 * seconds:.2g}'):g} ms"


def loss_curves_figure(histories: dict[float | str, Sequence[float]], title: str = "") -> DescribedFigure:
    """One loss curve per key, log y axis: ``histories`` maps a key to the losses at steps 0, 1, ...

    A number as key is a learning rate: the curve is labelled "lr = <key>" and drawn in
    :func:`learning_rate_color` and :func:`learning_rate_linestyle`, the same in every figure. The
    alt text gives each curve's first, highest and last loss (3 significant digits).
    """
    if not histories:
        raise ValueError("histories must map at least one learning rate or name to its losses")
    fig = DescribedFigure(figsize=(6.4, 4.0), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    described = []
    for key, history in histories.items():
        h = np.asarray(history, dtype=np.float64)
        if h.ndim != 1 or len(h) == 0 or not np.all(np.isfinite(h)) or np.any(h <= 0):
            raise ValueError(f"histories[{key!r}] must be a non-empty sequence of positive, finite losses")
        label = key if isinstance(key, str) else f"lr = {key}"
        if isinstance(key, str):
            ax.semilogy(h, label=label)
        else:
            ax.semilogy(h, label=label, color=learning_rate_color(key), ls=learning_rate_linestyle(key))
        peak = int(np.argmax(h))
        climb = f", highest {h[peak]:.3g} at step {peak}" if h[peak] > h[0] else ""
        described.append(f"{label}: {h[0]:.3g} at step 0{climb}, {h[-1]:.3g} at step {len(h) - 1}")
    ax.set_xlabel("step", fontsize=12)
    ax.set_ylabel("mean cross-entropy", fontsize=12)
    ax.tick_params(labelsize=11)
    if title:
        ax.set_title(title, fontsize=13)
    ax.legend(fontsize=11)
    fig.alt = (
        (f"{title}. " if title else "")
        + "Loss curves: the mean cross-entropy against the training step, log scale, one curve per "
        + ("learning rate" if all(not isinstance(k, str) for k in histories) else "run")
        + ". "
        + "; ".join(described)
        + "."
    )
    return fig

"""The lesson figures of notebooks 01-03, each a :class:`DescribedFigure` whose alt text is computed
from the numbers it draws.

``logits_probabilities_figure``  01: logits z beside the probabilities S = softmax(z)
``loss_curve_figure``            01: Loss = -log p, with a few predictions marked on the curve
``jacobian_heatmaps_figure``     02: the softmax Jacobian dS/dz as signed heat maps, one per case
``gradient_step_figure``         03: S, y and the step -(S - y) of the logits, class by class

Colour is never the only cue: bars carry hatching and their values, heat-map cells their signed
numbers, marked points a marker of their own.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._checks import as_float_array, check_probabilities, number
from ..softmax import softmax, softmax_jacobian
from .colors import GRAD_COLOR, S_COLOR, Y_COLOR, class_marker
from .described import DescribedFigure

# Sized for a 1280 x 720 slide at the default 100 dpi: at most about 900 x 380 pixels.
_LOGITS_FIGSIZE = (9.0, 3.4)
_CURVE_FIGSIZE = (7.0, 3.1)
_JACOBIAN_FIGSIZE = (8.6, 3.2)
_GRADIENT_FIGSIZE = (9.0, 3.5)


def _fmt(values, spec: str) -> str:
    """``[a, b, c]`` with every number formatted by ``spec``; a rounded -0 is written 0."""
    parts = []
    for value in np.asarray(values, dtype=float).ravel():
        text = format(float(value), spec)
        if float(text) == 0.0:
            text = format(0.0, spec)
        parts.append(text)
    return "[" + ", ".join(parts) + "]"


def _signed(value: float, spec: str = "+.3f") -> str:
    """``+0.250`` / ``-0.118`` / ``0.000``: the sign written out, so it reads without colour."""
    text = format(float(value), spec)
    return text if float(text) != 0.0 else format(0.0, spec.lstrip("+"))


def _logits(z, name: str) -> np.ndarray:
    z = as_float_array(z, name, max_ndim=1)
    if z.size < 2:
        raise ValueError(f"{name} needs at least 2 logits (one per class), got {z.size}")
    return z


def logits_probabilities_figure(z) -> DescribedFigure:
    """Two bar charts of one sample's K classes: the logits ``z`` and the probabilities ``S = softmax(z)``.

    ``S_i = e^{z_i} / sum_j e^{z_j}``; ``z`` has shape (K,), K >= 2. The left panel shows that
    logits can be any real numbers, the right one that S lies in [0, 1] and sums to 1, each bar
    labelled with its value.
    """
    z = _logits(z, "z")
    S = softmax(z)
    K = z.size
    names = [f"class {k + 1}" for k in range(K)]
    fig = DescribedFigure(figsize=_LOGITS_FIGSIZE, layout="constrained")
    ax_z, ax_S = fig.subplots(1, 2)
    ax_z.bar(names, z, color="0.55", edgecolor="black")
    ax_z.axhline(0, color="black", linewidth=0.8)
    ax_z.set_title("logits z (any real numbers)")
    ax_z.set_ylabel("logit value")
    span = max(z.max(), 0) - min(z.min(), 0)
    for x, value in enumerate(z):
        offset = 0.03 * span if value >= 0 else -0.03 * span
        ax_z.text(x, value + offset, f"{value:g}", ha="center", va="bottom" if value >= 0 else "top")
    ax_z.set_ylim(min(z.min(), 0) - 0.15 * span, max(z.max(), 0) + 0.15 * span)
    ax_S.bar(names, S, color=S_COLOR, edgecolor="black")
    ax_S.set_title("probabilities S = softmax(z)")
    ax_S.set_ylim(0, 1)
    ax_S.set_ylabel("probability")
    for x, p in enumerate(S):
        ax_S.text(x, p + 0.03, f"{p:.3f}", ha="center")
    fig.alt = (
        f"Two bar charts for {K} classes. Left: the logits z = {_fmt(z, 'g')}, any real numbers. "
        f"Right: the probabilities S = softmax(z) = {_fmt(S, '.3f')}, each between 0 and 1, "
        f"summing to 1; the largest logit (class {int(np.argmax(z)) + 1}) gets the largest probability."
    )
    return fig


def loss_curve_figure(marked: Mapping) -> DescribedFigure:
    """The curve ``Loss = -log p`` for p in (0, 1], with each prediction of ``marked`` on it.

    ``marked`` maps p (the probability of the true class, 0 < p <= 1) to a short label, e.g.
    ``{0.05: "confident and wrong", 0.6: "the slide's example"}``; each point is annotated with its
    label, p and its loss -log p (natural log), and gets a marker of its own.
    """
    if not isinstance(marked, Mapping):
        raise TypeError(f"marked must be a dict {{p: label}}, got {type(marked).__name__}")
    if not marked:
        raise ValueError("marked must hold at least one {p: label} pair")
    points = []
    for p, label in marked.items():
        p = number(p, "marked's p", low=0)
        if p == 0:
            raise ValueError("marked's p must be > 0 (the loss -log 0 is infinite), got 0")
        if p > 1:
            raise ValueError(f"marked's p must be <= 1 (a probability), got {p!r}")
        if not isinstance(label, str) or not label.strip():
            raise TypeError(f"marked's label for p = {p:g} must be a non-empty str, got {label!r}")
        points.append((p, label.strip()))
    points.sort()

    p_grid = np.linspace(0.005, 1.0, 400)
    fig = DescribedFigure(figsize=_CURVE_FIGSIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.plot(p_grid, -np.log(p_grid), color=S_COLOR, label=r"Loss $= -\log p$")
    top = max(5.5, -np.log(points[0][0]) + 1.5)
    for n, (p, label) in enumerate(points):
        loss = -np.log(p)
        ax.plot(p, loss, class_marker(n), color=GRAD_COLOR, markersize=8, clip_on=False, zorder=3)
        # Text up and to the right of a point on the left half, up and to the left on the right half.
        text_x = p + 0.08 if p < 0.4 else p - 0.2
        ax.annotate(
            f"{label}\np = {p:g}, loss = {loss:.3f}",
            (p, loss),
            xytext=(text_x, min(loss + 0.8, top - 0.8)),
            arrowprops={"arrowstyle": "-", "color": "0.5"},
        )
    ax.set_xlabel("p = predicted probability of the true class")
    ax.set_ylabel("loss")
    ax.set_xlim(0, 1.0)
    ax.set_ylim(0, top)
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    marks = "; ".join(f"{label} at p = {p:g}, loss {-np.log(p):.3f}" for p, label in points)
    fig.alt = (
        f"Line plot of Loss = -log p against p from 0 to 1: the curve falls steeply from "
        f"{-np.log(p_grid[0]):.2f} at p = {p_grid[0]:g}, and slowly to 0 at p = 1. "
        f"Marked on the curve: {marks}."
    )
    return fig


def jacobian_heatmaps_figure(cases: Mapping, limit: float = 0.5) -> DescribedFigure:
    """One heat map of the softmax Jacobian ``dS_i/dz_j = S_i (delta_ij - S_j)`` per case.

    ``cases`` maps a name to logits z of shape (K,), e.g. ``{"uncertain": [0.5, 0.2, 0.0]}``.
    Red is positive, blue negative, on one colour scale [-``limit``, ``limit``] (the entries lie
    in [-1/4, 1/4]); every cell also shows its value with its sign, so the heat map reads without
    colour.
    """
    if not isinstance(cases, Mapping):
        raise TypeError(f"cases must be a dict {{name: logits}}, got {type(cases).__name__}")
    if not cases:
        raise ValueError("cases must hold at least one {name: logits} pair")
    limit = number(limit, "limit")
    if limit <= 0:
        raise ValueError(f"limit must be > 0 (the colour scale is [-limit, limit]), got {limit!r}")
    checked = []
    for name, z in cases.items():
        if not isinstance(name, str) or not name.strip():
            raise TypeError(f"cases' names must be non-empty str, got {name!r}")
        checked.append((name.strip(), _logits(z, f"cases[{name!r}]")))

    fig = DescribedFigure(figsize=_JACOBIAN_FIGSIZE, layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(checked)))
    described = []
    for ax, (name, z) in zip(axes, checked, strict=True):
        S, J = softmax(z), softmax_jacobian(z)
        K = z.size
        image = ax.imshow(J, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (i, j), value in np.ndenumerate(J):
            ax.text(j, i, _signed(value), ha="center", va="center")
        ax.set_xticks(range(K), [f"$z_{j + 1}$" for j in range(K)])
        ax.set_yticks(range(K), [f"$S_{i + 1}$" for i in range(K)])
        ax.set_title(f"{name}: z = {_fmt(z, 'g')}\nS = {_fmt(S, '.3f')}")
        off = J[~np.eye(K, dtype=bool)]
        described.append(
            f"{name}: z = {_fmt(z, 'g')}, S = {_fmt(S, '.3f')}; diagonal S_i(1 - S_i) = "
            f"{_fmt(np.diag(J), '.3f')}, off the diagonal -S_i S_j from {_signed(off.min())} to "
            f"{_signed(off.max())}; largest |entry| {np.abs(J).max():.3f}"
        )
    fig.colorbar(image, ax=list(axes), label=r"$\partial S_i / \partial z_j$")
    fig.alt = (
        f"{len(checked)} heat map{'s' if len(checked) > 1 else ''} of the softmax Jacobian dS_i/dz_j "
        f"(rows S_i, columns z_j; red positive, blue negative, colour scale -{limit:g} to +{limit:g}; "
        f"each cell shows its signed value). " + ". ".join(described) + "."
    )
    return fig


def gradient_step_figure(S, y) -> DescribedFigure:
    """Grouped bars per class: the prediction ``S``, the label ``y`` and the step ``-(S - y)``.

    ``S`` (K,) are probabilities, ``y`` (K,) the label row (one-hot or soft, summing to 1), so
    ``dLoss/dz = S - y`` and gradient descent with step size 1 moves the logits by ``-(S - y)``:
    up by ``1 - S_c`` for the true class c, down by ``S_i`` for every other class. The three
    series differ by colour and by hatching; each step bar is labelled with its signed value.
    """
    S = as_float_array(S, "S", max_ndim=1)
    check_probabilities(S, "S")
    y = as_float_array(y, "y", max_ndim=1)
    if y.shape != S.shape:
        raise ValueError(f"y must have the same shape as S, got {y.shape} and {S.shape}")
    check_probabilities(y, "y")
    K = S.size
    if K < 2:
        raise ValueError(f"S needs at least 2 classes, got {K}")
    step = -(S - y)
    true = int(np.argmax(y))
    names = [f"class {k + 1}" + (" (true)" if k == true else "") for k in range(K)]
    with np.errstate(divide="ignore"):
        loss = float(-np.sum(y[y > 0] * np.log(S[y > 0])))

    fig = DescribedFigure(figsize=_GRADIENT_FIGSIZE, layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(K)
    width = 0.27
    ax.bar(x - width, S, width=width, label="S (prediction)", color=S_COLOR, edgecolor="black")
    ax.bar(x, y, width=width, label="y (label)", color=Y_COLOR, edgecolor="black", hatch="//")
    ax.bar(
        x + width,
        step,
        width=width,
        label="−(S − y), the direction z moves",
        color=GRAD_COLOR,
        edgecolor="black",
        hatch="..",
    )
    for xi, push in zip(x, step, strict=True):
        ax.text(
            xi + width,
            push + (0.03 if push >= 0 else -0.03),
            _signed(push, "+.2g"),
            ha="center",
            va="bottom" if push >= 0 else "top",
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, names)
    ax.set_ylim(min(-0.55, step.min() - 0.2), 1.2)
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    ax.set_title("A step −(S − y) raises the true class's logit, lowers the others")
    others = ", ".join(f"class {k + 1} by {-step[k]:.2g}" for k in range(K) if k != true and step[k] < 0)
    fig.alt = (
        f"Grouped bar chart for {K} classes, true class {true + 1}: bars of the prediction "
        f"S = {_fmt(S, '.2g')}, the label y = {_fmt(y, '.2g')} and the step -(S - y) = "
        f"[{', '.join(_signed(v, '+.2g') for v in step)}]; loss {loss:.3f}. "
        f"The true class's logit goes up by {step[true]:.2g}"
        + (f"; the others go down: {others}." if others else ".")
    )
    return fig

"""How fast the explorers answer a slider, against the naive way, measured in the same run.

    python benchmarks/bench_widgets.py [--quick]

Setting a slider's ``.value`` from Python runs its observers synchronously, so timing the
assignment times the whole update: the numbers, the redraw and the PNG the browser receives.

The naive baseline is what a notebook usually does: an ``ipywidgets.interactive`` callback that
builds a brand-new pyplot figure each time and renders it to PNG (what the inline backend sends),
drawing the same panels from the same numbers.

Targets: LogitsExplorer update <= 20 ms, BackpropExplorer scrub <= 30 ms, retrain on a
learning-rate change <= 1 s (medians). A script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time

import matplotlib

matplotlib.use("Agg")  # noqa: E402  (before pyplot, and only in this script)
import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course_utils import cross_entropy_grad, cross_entropy_with_logits, one_hot, softmax, softmax_jacobian  # noqa: E402
from course_utils.network import MLP, train  # noqa: E402
from course_utils.plots import class_colors, grid_points, region_colors  # noqa: E402
from course_utils.widgets import BackpropExplorer, LogitsExplorer  # noqa: E402


def timed_assignments(widget, values) -> list[float]:
    """Seconds per ``widget.value = v``. (Outside a kernel, ``interactive`` prints terminal escape
    codes when it clears its output; they are swallowed here.)"""
    times = []
    with contextlib.redirect_stdout(io.StringIO()):
        for v in values:
            t0 = time.perf_counter()
            widget.value = v
            times.append(time.perf_counter() - t0)
    return times


def png_of(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72)
    plt.close(fig)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Naive baselines: interact callbacks that build a new pyplot figure every time
# ---------------------------------------------------------------------------------------------


def naive_logits(K: int = 3):
    frames = []

    def show(z1, z2, z3, T, eps, c):
        z = np.array([z1, z2, z3]) / T
        y = (1 - eps) * one_hot(c, K) + eps / K
        S, grad, jac = softmax(z), cross_entropy_grad(z, y) / T, softmax_jacobian(z) / T
        loss = cross_entropy_with_logits(z, y)
        fig, (a, b, j) = plt.subplots(1, 3, figsize=(10.5, 3.0), layout="constrained")
        a.bar(np.arange(K) - 0.2, S, 0.4, label="S")
        a.bar(np.arange(K) + 0.2, y, 0.4, label="y")
        a.set_ylim(0, 1.15)
        a.legend()
        a.set_title(f"Loss = {loss:.4f}")
        b.bar(np.arange(K), grad)
        b.set_ylim(-2.1, 2.1)
        fig.colorbar(j.imshow(jac, cmap="RdBu_r", vmin=-0.5, vmax=0.5), ax=j)
        frames.append(png_of(fig))

    sliders = {f"z{i + 1}": widgets.FloatSlider(value=0.0, min=-10, max=10, step=0.01) for i in range(3)}
    ui = widgets.interactive(
        show,
        **sliders,
        T=widgets.FloatSlider(value=1.0, min=0.5, max=5, step=0.05),
        eps=widgets.FloatSlider(value=0.0, min=0, max=0.5, step=0.01),
        c=widgets.Dropdown(options=[0, 1, 2], value=2),
    )
    return ui, sliders


def naive_backprop(bx: BackpropExplorer):
    """Scrub and retrain callbacks that redraw everything with pyplot, from the same recorded run."""
    state = {"run": bx.run}
    grid_n = bx._figure.grid_n
    grid = grid_points(bx._figure.bounds, grid_n)
    probe = MLP(bx.sizes, seed=bx.seed)

    def draw(step, sample):
        run = state["run"]
        probe.set_params(run.snapshots[step])
        S_grid = softmax(probe.forward(grid))
        z = probe.forward(bx.X[sample : sample + 1])[0]
        S, y = softmax(z), one_hot(int(bx.labels[sample]), bx.K)
        d = cross_entropy_grad(z, int(bx.labels[sample]))
        fig, ((ax_l, ax_r), (ax_g, ax_s)) = plt.subplots(2, 2, figsize=(9.6, 6.4), layout="constrained")
        ax_l.plot(run.history, color="0.8")
        ax_l.plot(run.history[: step + 1])
        ax_l.plot([step], [run.history[step]], "o")
        ax_l.set_title(f"step {step}: loss {run.history[step]:.4f}")
        ax_r.imshow(region_colors(S_grid, grid_n), origin="lower", extent=bx._figure.bounds)
        ax_r.scatter(bx.X[:, 0], bx.X[:, 1], c=class_colors(bx.K)[bx.labels], s=14, edgecolors="black")
        ax_g.bar(np.arange(len(run.param_names)), run.grad_norms[step])
        x = np.arange(bx.K)
        ax_s.bar(x - 0.27, S, 0.27)
        ax_s.bar(x, y, 0.27)
        ax_s.bar(x + 0.27, d, 0.27)
        return png_of(fig)

    def scrub(step):
        draw(step, bx.sample_slider.value)

    def retrain(lr):
        state["run"] = train(MLP(bx.sizes, seed=bx.seed), bx.X, bx.labels, lr, bx.steps)
        draw(0, bx.sample_slider.value)

    step = widgets.IntSlider(value=0, min=0, max=bx.steps)
    lr = widgets.FloatLogSlider(value=2.0, base=10, min=-2, max=1, continuous_update=False)
    return widgets.interactive(scrub, step=step), step, widgets.interactive(retrain, lr=lr), lr


def row(name: str, fast: list[float], naive: list[float], target_s: float) -> str:
    f, n = np.median(fast), np.median(naive)
    verdict = "meets" if f <= target_s else "MISSES"
    return (
        f"{name:<34} {1e3 * f:>9.1f} ms {1e3 * n:>10.1f} ms {n / f:>8.1f}x   "
        f"target <= {1e3 * target_s:.0f} ms: {verdict} (n={len(fast)}, {len(naive)})"
    )


def train_with_separate_loss_calls(net: MLP, X, labels, lr: float, steps: int) -> None:
    """The training loop as it was before the fused loss: the loss and dLoss/dz from two calls,
    each validating the logits and taking its own softmax. Everything else as in ``train``."""
    names = list(net.params)
    for t in range(steps + 1):
        net.copy_params()  # the snapshot train keeps at every step
        logits = net.forward(X, check=False)
        cross_entropy_with_logits(logits, labels)
        np.mean(np.argmax(logits, axis=1) == labels)
        net.backward(cross_entropy_grad(logits, labels), check=False)
        [np.linalg.norm(net.grads[k]) for k in names]
        if t < steps:
            net.step(lr)


def training_loop_times(bx: BackpropExplorer, reps: int) -> dict[str, list[float]]:
    """Seconds for the explorer's training run (800 steps), fused loss against separate calls, alternated."""
    times = {"fused": [], "separate": []}
    for _ in range(reps):
        for name in times:
            net = MLP(bx.sizes, seed=bx.seed)
            t0 = time.perf_counter()
            if name == "fused":
                train(net, bx.X, bx.labels, 2.0, bx.steps)
            else:
                train_with_separate_loss_calls(net, bx.X, bx.labels, 2.0, bx.steps)
            times[name].append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    reps = 15 if args.quick else 60
    rng = np.random.default_rng(0)

    # LogitsExplorer: a random walk over every control
    ex = LogitsExplorer()
    with contextlib.redirect_stdout(io.StringIO()):
        naive_ui, naive_sliders = naive_logits()
    moves = [(i % 3, round(float(rng.uniform(-10, 10)), 2)) for i in range(reps)]
    fast = [t for i, v in moves for t in timed_assignments(ex.logit_sliders[i], [v])]
    fast += timed_assignments(ex.temperature, np.round(rng.uniform(0.5, 5, reps // 3) / 0.05) * 0.05)
    fast += timed_assignments(ex.smoothing, np.round(rng.uniform(0, 0.5, reps // 3), 2))
    naive = [t for i, v in moves[: reps // 2] for t in timed_assignments(naive_sliders[f"z{i + 1}"], [v])]

    # BackpropExplorer: scrub to random steps; retrain at several learning rates
    t0 = time.perf_counter()
    bx = BackpropExplorer()
    build = time.perf_counter() - t0
    default_accuracy, default_lr = bx.run.accuracy[-1], bx.lr_slider.value
    with contextlib.redirect_stdout(io.StringIO()):
        n_scrub, n_slider, n_retrain_ui, n_lr = naive_backprop(bx)
    steps = [int(s) for s in rng.integers(0, bx.steps + 1, reps)]
    scrub_fast = timed_assignments(bx.step_slider, steps)
    scrub_naive = timed_assignments(n_slider, steps[: reps // 3])
    lrs = [0.05, 0.5, 5.0, 1.0, 2.0][: 3 if args.quick else 5]
    retrain_fast = timed_assignments(bx.lr_slider, lrs)
    retrain_naive = timed_assignments(n_lr, lrs[:3])
    loops = training_loop_times(bx, 3 if args.quick else 8)

    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} cores; BackpropExplorer() built in {build:.2f} s")
    print(f"{'median time per update':<34} {'explorer':>12} {'naive':>13} {'ratio':>9}")
    print(row("LogitsExplorer update", fast, naive, 0.020))
    print(row("BackpropExplorer scrub (step)", scrub_fast, scrub_naive, 0.030))
    print(row("BackpropExplorer retrain (lr)", retrain_fast, retrain_naive, 1.0))
    fused, separate = (float(np.median(loops[k])) for k in ("fused", "separate"))
    print(
        f"training run inside a retrain ({bx.steps} steps): fused loss {1e3 * fused:.1f} ms, "
        f"separate loss calls {1e3 * separate:.1f} ms ({separate / fused:.2f}x)"
    )
    print(f"default run: {bx.steps} steps, lr {default_lr:g}, final training accuracy {default_accuracy:.1%}")


if __name__ == "__main__":
    main()

"""The measurements behind notebook 04's tests of the lecture's claims about backpropagation.

Each function does one measurement the notebook reports: a gradient check of every parameter,
the time of a function (best of several runs), the peak memory of a function, a gradient by
finite differences that keeps nothing between passes, and training runs over several seeds.

Training runs and timings differ between machines in their last digits (and a chaotic run in
more than that), so the notebook prints them as measured and asserts only what holds with a
margin: over several seeds, or as a ratio far from its threshold.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ._checks import positive_int, positive_number
from .data import make_spirals
from .gradcheck import numerical_gradient, relative_error
from .losses import cross_entropy_grad, cross_entropy_with_logits
from .network import MLP, TrainingRun, check_network, train


def backprop_gradient(net: MLP, X, labels) -> dict[str, np.ndarray]:
    """Steps 1-3 of the lecture: forward pass (with cache), loss gradient S - y, backward pass.

    Returns ``net.grads``: dLoss/dp for every parameter p, each of p's shape.
    """
    check_network(net)
    return net.backward(cross_entropy_grad(net.forward(X), labels))


def gradient_check(net: MLP, X, labels) -> dict[str, float]:
    """Relative error between backprop and central differences, for every parameter array.

    {"W1": relative_error(dLoss/dW1 by backprop, by ``numerical_gradient``), ...}. Costs one
    forward and one backward pass plus 2P forward passes (P = ``net.num_params``).
    """
    backprop = {k: g.copy() for k, g in backprop_gradient(net, X, labels).items()}

    def loss_at(name: str, value: np.ndarray) -> float:
        saved = net.params[name].copy()
        net.params[name][...] = value
        try:
            return cross_entropy_with_logits(net.forward(X), labels)
        finally:
            net.params[name][...] = saved

    return {
        name: relative_error(backprop[name], numerical_gradient(lambda v, n=name: loss_at(n, v), p))
        for name, p in net.params.items()
    }


def loss_without_cache(net: MLP, X, labels) -> float:
    """Steps 1 and 2 keeping nothing: each layer's output replaces its input (no backward possible).

    For tanh networks (the default ``MLP``); the mean cross-entropy of the logits on (X, labels).
    """
    if check_network(net).activation != "tanh":
        raise ValueError(f"net must have tanh hidden layers, got activation={net.activation!r}")
    A = np.asarray(X, dtype=np.float64)
    for i in range(1, net.num_layers):
        A = np.tanh(A @ net.params[f"W{i}"] + net.params[f"b{i}"])
    L = net.num_layers
    return cross_entropy_with_logits(A @ net.params[f"W{L}"] + net.params[f"b{L}"], labels)


def finite_difference_gradient(
    net: MLP, X, labels, eps: float = 1e-6, first: int | None = None
) -> dict[str, np.ndarray]:
    """Central differences, one parameter at a time, in place: 2P forward passes, no cache.

    dLoss/dp_k ~ (Loss(p + eps e_k) - Loss(p - eps e_k)) / (2 eps), each of p's shape.
    ``first=n`` stops after n coordinates per parameter array (the rest stay 0): every pass is
    alike, so the memory peak of all 2P passes is reached after a few, in a fraction of the time.
    """
    check_network(net)
    eps = positive_number(eps, "eps")
    if first is not None:
        first = positive_int(first, "first")
    grads = {}
    for name, p in net.params.items():
        g, flat = np.zeros(p.size), p.reshape(-1)
        for j in range(p.size if first is None else min(first, p.size)):
            saved = flat[j]
            flat[j] = saved + eps
            up = loss_without_cache(net, X, labels)
            flat[j] = saved - eps
            down = loss_without_cache(net, X, labels)
            flat[j] = saved
            g[j] = (up - down) / (2 * eps)
        grads[name] = g.reshape(p.shape)
    return grads


def best_seconds(f: Callable[[], object], repeat: int) -> float:
    """The shortest wall-clock time of ``f()`` over ``repeat`` runs, in seconds.

    The minimum, not the mean: other work on a busy machine only ever adds time, so the fastest
    run is the one closest to the cost of ``f`` itself.
    """
    if not callable(f):
        raise TypeError(f"f must be a callable, got {type(f).__name__}")
    repeat = positive_int(repeat, "repeat")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_bytes(f: Callable[[], object]) -> int:
    """The most memory Python and numpy held at once while ``f()`` ran (``tracemalloc``), in bytes."""
    if not callable(f):
        raise TypeError(f"f must be a callable, got {type(f).__name__}")
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def spiral_runs(
    lr: float, seeds: Iterable[int] = range(5), steps: int = 800, sizes: Sequence[int] = (2, 16, 3)
) -> list[TrainingRun]:
    """Train ``MLP(sizes, seed=s)`` on ``make_spirals(seed=s)`` for each seed s, by :func:`train`.

    One run of a sensitive setting (a large learning rate) is one trajectory of a chaotic system:
    another machine's last-digit differences can send it elsewhere. A claim that holds for every
    seed, or for the median, holds on other machines too. Returns one ``TrainingRun`` per seed
    (only the first and last parameters are snapshotted).
    """
    lr = positive_number(lr, "lr")
    steps = positive_int(steps, "steps")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    runs = []
    for seed in seeds:
        net = MLP(list(sizes), seed=seed)  # checks seed and sizes
        X, labels = make_spirals(n_per_class=60, K=net.sizes[-1], seed=seed)
        runs.append(train(net, X, labels, lr=lr, steps=steps, snapshot_every=steps))
    return runs


def gradient_timings(
    widths: Sequence[int], X, labels, repeat: int = 20
) -> tuple[list[int], list[float], list[float]]:
    """Seconds for one full gradient of ``MLP([d, width, K])``, by backprop and by finite differences.

    For each hidden width: (P, backprop seconds, finite-difference seconds), each time the
    fastest of several runs (``repeat`` for backprop, 3 for the much slower finite differences).
    Returns three lists: P, t_backprop, t_numerical. d and K come from ``X`` and ``labels``.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    K = int(labels.max()) + 1
    P, t_backprop, t_numerical = [], [], []
    for width in widths:
        net = MLP([X.shape[1], width, K], seed=0)  # checks width
        P.append(net.num_params)
        t_backprop.append(best_seconds(lambda n=net: backprop_gradient(n, X, labels), repeat))
        t_numerical.append(best_seconds(lambda n=net: gradient_check(n, X, labels), 3))
    return P, t_backprop, t_numerical


def memory_peaks(X, labels, hidden_layers: Sequence[int] = (1, 4), width: int = 8) -> dict[int, tuple]:
    """Peak memory of one gradient of a tanh ``MLP`` with that many hidden layers of ``width`` units.

    {depth: (backprop bytes, finite-difference bytes, cache bytes)}. Backprop starts from an
    empty cache; finite differences (:func:`finite_difference_gradient`) run 8 coordinates per
    parameter array, which already reach the peak of all 2P passes (every pass is alike).
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    K = int(labels.max()) + 1
    peaks = {}
    for depth in hidden_layers:
        net = MLP([X.shape[1], *[width] * depth, K], seed=0)
        net.forward(X)
        cache_bytes = 8 * sum(net.cache_sizes().values())
        net.cache = []  # measure from an empty cache
        backprop = peak_bytes(lambda n=net: backprop_gradient(n, X, labels))
        numerical = peak_bytes(lambda n=net: finite_difference_gradient(n, X, labels, first=8))
        peaks[depth] = (backprop, numerical, cache_bytes)
    return peaks

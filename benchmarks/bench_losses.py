"""Forward + backward of cross-entropy at N = 4096, K = 1000: course_utils vs naive numpy vs PyTorch.

    python benchmarks/bench_losses.py [--repeat 30]

One "step" is the loss plus its gradient dLoss/dz, integer class labels, reduction="mean".

* course_utils fused: cross_entropy_with_logits_and_grad, what training uses: one exp of
  the logits, all rows at once (input validation included).
* course_utils separate: cross_entropy_with_logits then cross_entropy_grad, the lecture's
  readable definitions (two passes of exp, each call validating its input).
* naive numpy: the textbook formulas with no max shift and no checks:
  S = exp(z) / sum exp(z); loss = -mean log S[y]; grad = (S - onehot(y)) / N.
  (It overflows for large logits; here the logits are N(0, 1), so it is finite.)
* torch: torch.nn.functional.cross_entropy forward + autograd backward on the CPU,
  when torch is importable. torch is not in requirements.txt: run this script with a Python that
  has both (e.g. a side virtual environment with ``pip install torch numpy`` and
  ``PYTHONPATH=.``).

Prints the median time of each, and the ratios (fused / torch in particular) measured in this
same run. What bounds the fused path: it reads z once from memory and writes the gradient once;
it makes about seven passes over the logits (row max, shift, min, exp, row sum, one
multiplication by 1 / (N s), the subtraction at the labels), all in the gradient's buffer, of
which exp costs the most, then the shift and the multiplication; input validation rides on the
row maxima and the shifted minimum. PyTorch's CPU path makes a similar number of passes
(log_softmax, then softmax - one-hot in the backward pass).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from course_utils import cross_entropy_grad, cross_entropy_with_logits, cross_entropy_with_logits_and_grad

N, K = 4096, 1000


def fused_step(z, labels):
    return cross_entropy_with_logits_and_grad(z, labels)


def separate_step(z, labels):
    return cross_entropy_with_logits(z, labels), cross_entropy_grad(z, labels)


def naive_step(z, labels):
    e = np.exp(z)
    S = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(z.shape[0])
    loss = -np.mean(np.log(S[rows, labels]))
    grad = S.copy()
    grad[rows, labels] -= 1
    return loss, grad / z.shape[0]


def median_seconds(fns: dict, repeat: int) -> dict:
    """Median wall time of each function, run in turn (a, b, c, a, b, c, ...) so that
    whatever else the machine is doing slows all of them alike."""
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None

    rng = np.random.default_rng(0)
    labels = rng.integers(0, K, size=N)
    print(f"cross-entropy forward + backward, N={N}, K={K}, median of {args.repeat} runs, 1 thread for torch")
    for dtype in (np.float64, np.float32):
        z = rng.normal(size=(N, K)).astype(dtype)
        steps = {
            "fused": lambda z=z: fused_step(z, labels),
            "separate": lambda z=z: separate_step(z, labels),
            "naive numpy": lambda z=z: naive_step(z, labels),
        }
        loss_ours, grad_ours = fused_step(z, labels)
        tol = 1e-4 if dtype == np.float32 else 1e-10
        for other in (separate_step, naive_step):
            loss_other, grad_other = other(z, labels)
            assert abs(loss_ours - loss_other) < tol * loss_ours and np.allclose(
                grad_ours, grad_other, atol=tol
            )
        if torch is not None:
            zt = torch.from_numpy(z)
            yt = torch.from_numpy(labels)

            def torch_step(zt=zt, yt=yt):
                leaf = zt.detach().requires_grad_(True)  # a fresh leaf on the same memory: no copy
                loss = torch.nn.functional.cross_entropy(leaf, yt)
                loss.backward()
                return loss.item(), leaf.grad

            steps["torch (CPU)"] = torch_step
            loss_t, grad_t = torch_step()
            assert abs(loss_t - loss_ours) < tol * loss_ours and np.allclose(
                grad_t.numpy(), grad_ours, atol=tol
            )
        timings = median_seconds(steps, args.repeat)
        print(f"\n{np.dtype(dtype).name}:")
        base = timings["fused"]
        for name, seconds in timings.items():
            print(f"  {name:<13} {seconds * 1e3:8.2f} ms   fused / this = {base / seconds:5.2f}x")
        if torch is None:
            print("  torch not importable: install it (pip install torch) to compare with PyTorch's CPU path")
        else:
            ratio = base / timings["torch (CPU)"]
            print(f"  fused / torch = {ratio:.2f}x  (target <= 1.0x, never above 1.3x)")


if __name__ == "__main__":
    main()

"""What the exercises on logits share (exercises 1 to 3): seeded random logits and their words.

The softmax, its Jacobian and the cross-entropy gradient are all checked on logits z, of one
sample (K,) or a batch (N, K). This module makes the random ones and says what a case holds
("a batch of N = 3, K = 4 with very large logits") and what a check covered; each exercise's
module picks its own fixed cases.
"""

from __future__ import annotations

import numpy as np

from .cases import LARGE, Case, span


def logits_cases(rng: np.random.Generator, batch: bool = True) -> list[np.ndarray]:
    """Seeded random logits, K = 2..10: a single sample; a batch; a batch near +-1000 per row."""
    out = []
    for K in range(2, 11):
        out.append(rng.normal(scale=3.0, size=K))
        if batch:
            N = int(rng.integers(2, 7))
            out.append(rng.normal(scale=3.0, size=(N, K)))
            out.append(rng.normal(scale=30.0, size=(N, K)) + rng.choice([-LARGE, LARGE], size=(N, 1)))
        else:
            out.append(rng.normal(scale=30.0, size=K) + rng.choice([-LARGE, LARGE]))
    return out


def about_logits(z: np.ndarray) -> str:
    """What a case of logits ``z`` is, in the feedback's words: "a batch of N = 2, K = 3"."""
    where = "a single sample" if z.ndim == 1 else f"a batch of N = {z.shape[0]}"
    size = " with very large logits" if np.max(np.abs(z)) >= LARGE / 2 else ""
    return f"{where}, K = {z.shape[-1]}{size}"


def logits_covered(cases: list[Case]) -> str:
    """E.g. "single samples and batches of N = 2 to 6, K = 2 to 10, |z| up to 1088"."""
    zs = [np.asarray(c.inputs["z"]) for c in cases]
    batches = [z.shape[0] for z in zs if z.ndim == 2]
    where = (
        "single samples"
        if not batches
        else (
            f"single samples and batches of N = {span(batches)}"
            if any(z.ndim == 1 for z in zs)
            else f"batches of N = {span(batches)}"
        )
    )
    return f"{where}, K = {span(z.shape[-1] for z in zs)}, |z| up to {max(np.abs(z).max() for z in zs):.0f}"

"""SymPy builders shared by the notebooks: softmax, its Jacobian and the cross-entropy gradient.

Notation (the lecture's): logits ``z``, probabilities ``S = softmax(z)``, labels ``y``,
classes ``K``. Indices run from 1 to K, as on the slides.

Two kinds of builders:

* **K given** (e.g. K = 3): plain symbols z1..zK, S1..SK, y1..yK and sympy Matrices.
  ``softmax_jacobian_sym(z)`` *derives* dS/dz with ``Matrix.jacobian``;
  ``in_terms_of_S`` rewrites any result in S; ``slide_jacobian(S)`` is the slide's matrix
  with entries S_i (delta_ij - S_j); ``chain_rule_product(m, S, y)`` is the slides'
  row vector x Jacobian column for dLoss/dz_m.
* **Any K**: ``general_symbols()`` gives ``IndexedBase`` z, S, y and the symbol K;
  ``general_softmax_jacobian`` and ``general_cross_entropy_grad`` differentiate
  exp(z_i) / sum_k exp(z_k) written with ``Sum`` and return the raw derivative and the same
  result in the lecture's S notation (with ``KroneckerDelta``).

``lambdify_matrix`` turns a symbolic matrix into a numpy function, so every notebook can
assert its symbolic result equals what ``course_utils`` computes.

Import it explicitly (``from course_utils.symbolic import ...``); ``import course_utils``
stays free of SymPy so that it loads fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import sympy as sp

from ._checks import positive_int

__all__ = [
    "logit_symbols",
    "probability_symbols",
    "label_symbols",
    "softmax_sym",
    "softmax_jacobian_sym",
    "in_terms_of_S",
    "slide_jacobian",
    "cross_entropy_sym",
    "loss_grad_wrt_S",
    "chain_rule_product",
    "GeneralSymbols",
    "general_symbols",
    "general_softmax",
    "general_softmax_jacobian",
    "general_cross_entropy_grad",
    "evaluate_general",
    "lambdify_matrix",
    "equation",
    "aligned_equation",
    "entry_equations",
    "chain_rule_equation",
]


# --------------------------------------------------------------------------- K given


def logit_symbols(K: int) -> tuple[sp.Symbol, ...]:
    """The logits z1, ..., zK as real SymPy symbols."""
    K = positive_int(K, "K")
    return sp.symbols(f"z1:{K + 1}", real=True)


def probability_symbols(K: int) -> tuple[sp.Symbol, ...]:
    """The probabilities S1, ..., SK as positive SymPy symbols (softmax never gives 0)."""
    K = positive_int(K, "K")
    return sp.symbols(f"S1:{K + 1}", positive=True)


def label_symbols(K: int) -> tuple[sp.Symbol, ...]:
    """The labels y1, ..., yK as real SymPy symbols (one-hot, soft, or anything else)."""
    K = positive_int(K, "K")
    return sp.symbols(f"y1:{K + 1}", real=True)


def softmax_sym(z: Sequence[sp.Expr]) -> sp.Matrix:
    """S_i = exp(z_i) / sum_j exp(z_j), as a K x 1 column Matrix of expressions in z."""
    if len(z) == 0:
        raise ValueError("z must hold at least one logit, got an empty sequence")
    exps = [sp.exp(zi) for zi in z]
    total = sp.Add(*exps)
    return sp.Matrix([e / total for e in exps])


def softmax_jacobian_sym(z: Sequence[sp.Symbol]) -> sp.Matrix:
    """dS/dz derived by SymPy: entry (i, j) = dS_i/dz_j, a K x K Matrix of expressions in z.

    Row i holds the derivatives of S_i, column j the derivatives with respect to z_j
    (the slide's layout, and ``course_utils.softmax_jacobian``'s).
    """
    return softmax_sym(z).jacobian(list(z))


def in_terms_of_S(expr, z: Sequence[sp.Symbol], S: Sequence[sp.Symbol]):
    """Rewrite an expression (or Matrix) in the logits z as one in the probabilities S.

    Softmax ignores a constant added to every logit, so any S can be reached from the
    logits z_i = log S_i: then exp(z_i) = S_i and sum_j exp(z_j) = sum_j S_j = 1.
    Substituting both is exact, not an approximation. The result is expanded
    (S1 - S1**2 rather than S1*(1 - S1)); compare it with ``sp.expand``.
    """
    if len(z) != len(S):
        raise ValueError(f"z and S must have the same length, got {len(z)} and {len(S)}")
    rewritten = sp.sympify(expr).subs({zi: sp.log(Si) for zi, Si in zip(z, S, strict=True)})
    rewritten = rewritten.subs(sp.Add(*S), 1)
    if isinstance(rewritten, sp.MatrixBase):
        return rewritten.applyfunc(sp.expand)
    return sp.expand(rewritten)


def slide_jacobian(S: Sequence[sp.Symbol]) -> sp.Matrix:
    """The slide's Jacobian: entry (i, j) = S_i (delta_ij - S_j).

    For K = 3:  [[S1(1 - S1), -S1 S2, -S1 S3], [-S2 S1, S2(1 - S2), -S2 S3], [-S3 S1, -S3 S2, S3(1 - S3)]]
    kept in this factored form for display (SymPy would otherwise print S1 - S1**2).
    """
    K = len(S)
    return sp.Matrix(K, K, lambda i, j: S[i] * (sp.KroneckerDelta(i, j) - S[j]))


def cross_entropy_sym(S: Sequence[sp.Expr], y: Sequence[sp.Expr]) -> sp.Expr:
    """The lecture's loss: Loss = -sum_{i=1}^K y_i log(S_i) (natural log)."""
    if len(S) != len(y):
        raise ValueError(f"S and y must have the same length, got {len(S)} and {len(y)}")
    return -sp.Add(*[yi * sp.log(Si) for yi, Si in zip(y, S, strict=True)])


def loss_grad_wrt_S(S: Sequence[sp.Symbol], y: Sequence[sp.Symbol]) -> sp.Matrix:
    """The row vector dLoss/dS = [dLoss/dS_1, ..., dLoss/dS_K], derived: entry i is -y_i / S_i."""
    loss = cross_entropy_sym(S, y)
    return sp.Matrix([[sp.diff(loss, Si) for Si in S]])


def chain_rule_product(
    m: int, S: Sequence[sp.Symbol], y: Sequence[sp.Symbol], expand: bool = True
) -> sp.Expr:
    """dLoss/dz_m = sum_i dLoss/dS_i * dS_i/dz_m, as the slides write it for m = 1, 2, 3:

        [-y1/S1  -y2/S2 ... -yK/SK]  x  column m of the Jacobian [S_i (delta_im - S_m)]_i

    ``m`` counts from 1 like the slides. With ``expand`` (default) the product is multiplied
    out, e.g. for m = 1, K = 3: S1 y1 + S1 y2 + S1 y3 - y1 = y1(S1 - 1) + y2 S1 + y3 S1.
    """
    K = len(S)
    if isinstance(m, bool) or not isinstance(m, int):
        raise TypeError(f"m must be an integer class index 1..K, got {type(m).__name__} {m!r}")
    if not 1 <= m <= K:
        raise ValueError(f"m must be between 1 and K={K} (the slides count from 1), got {m}")
    product = (loss_grad_wrt_S(S, y) * slide_jacobian(S)[:, m - 1])[0, 0]
    return sp.expand(product) if expand else product


# --------------------------------------------------------------------------- any K


class GeneralSymbols(NamedTuple):
    """Symbols for a general number of classes K: indices i, j, k, m in 1..K and IndexedBases."""

    K: sp.Symbol
    i: sp.Symbol
    j: sp.Symbol
    k: sp.Symbol
    m: sp.Symbol
    z: sp.IndexedBase
    S: sp.IndexedBase
    y: sp.IndexedBase


def general_symbols() -> GeneralSymbols:
    """K (a positive integer), the indices i, j, k, m and z[i], S[i], y[i] as IndexedBases."""
    K = sp.Symbol("K", integer=True, positive=True)
    i, j, k, m = sp.symbols("i j k m", integer=True, positive=True)
    return GeneralSymbols(
        K, i, j, k, m, sp.IndexedBase("z", real=True), sp.IndexedBase("S", positive=True), sp.IndexedBase("y")
    )


def _denominator(g: GeneralSymbols) -> sp.Sum:
    return sp.Sum(sp.exp(g.z[g.k]), (g.k, 1, g.K))


def general_softmax(g: GeneralSymbols, index: sp.Symbol | None = None) -> sp.Expr:
    """S_index = exp(z_index) / sum_{k=1}^K exp(z_k) (index defaults to i)."""
    index = g.i if index is None else index
    return sp.exp(g.z[index]) / _denominator(g)


def _in_range(expr, g: GeneralSymbols, *indices: sp.Symbol):
    """Resolve the Piecewise(..., (K >= j)) that Sum(... KroneckerDelta(j, k)).doit() leaves.

    SymPy does not know that the index j lies in 1..K, so it answers "exp(z_j) if j <= K
    else 0"; every index here is a class, so the first branch is the one that applies.
    """
    facts = {}
    for t in indices:
        facts[sp.Ge(g.K, t)] = True
        facts[sp.Le(t, g.K)] = True
    return expr.subs(facts)


def _to_S(expr, g: GeneralSymbols):
    """Name the denominator D and write each exp(z_w) as S_w * D, then simplify (D cancels)."""
    D = sp.Symbol("D", positive=True)
    w = sp.Wild("w")
    return sp.simplify(expr.subs(_denominator(g), D).replace(sp.exp(g.z[w]), g.S[w] * D))


def general_softmax_jacobian(g: GeneralSymbols) -> tuple[sp.Expr, sp.Expr]:
    """dS_i/dz_j for any K, derived from S_i = exp(z_i) / Sum_k exp(z_k).

    Returns (raw, in_S): the derivative in z as SymPy finds it, and the same expression in
    the S notation, which SymPy simplifies to S_i (delta_ij - S_j).
    """
    raw = _in_range(sp.diff(general_softmax(g), g.z[g.j]).doit(), g, g.j)
    return raw, _to_S(raw, g)


def general_cross_entropy_grad(g: GeneralSymbols) -> tuple[sp.Expr, sp.Expr]:
    """dLoss/dz_m for any K, derived from Loss = -Sum_i y_i log(exp(z_i) / Sum_k exp(z_k)).

    Returns (raw, in_S); in_S is S_m * Sum_i y_i - y_m. Nothing about y is assumed:
    it becomes S_m - y_m only once Sum_i y_i = 1 is substituted.
    """
    loss = -sp.Sum(g.y[g.i] * sp.log(general_softmax(g)), (g.i, 1, g.K))
    raw = _in_range(sp.diff(loss, g.z[g.m]).doit(), g, g.m)
    return raw, _to_S(raw, g)


# --------------------------------------------------------------------------- numbers and display


def evaluate_general(expr, g: GeneralSymbols, K: int, *, z=None, S=None, y=None, **indices: int) -> float:
    """Put numbers into a general-K expression and return a float.

    ``K`` becomes a number first, so every Sum(..., (k, 1, K)) expands into K terms; the
    indices are given by name (``i=1, j=2``; they count from 1, like the slides); ``z``,
    ``S`` and ``y`` are arrays of length K whose entry c - 1 replaces z[c], S[c], y[c].
    """
    K = positive_int(K, "K")
    unknown = set(indices) - {"i", "j", "k", "m"}
    if unknown:
        raise ValueError(f"indices must be among i, j, k, m; got {sorted(unknown)}")
    expr = sp.sympify(expr).subs({g.K: K, **{getattr(g, name): int(v) for name, v in indices.items()}}).doit()
    values = {}
    for name, base, arr in (("z", g.z, z), ("S", g.S, S), ("y", g.y, y)):
        if arr is None:
            continue
        arr = np.asarray(arr, dtype=np.float64)
        if arr.shape != (K,):
            raise ValueError(f"{name} must have shape ({K},) for K={K}, got {arr.shape}")
        values.update({base[c]: float(arr[c - 1]) for c in range(1, K + 1)})
    result = expr.subs(values).doit()
    if not result.is_number:
        raise ValueError(
            f"expression still has free symbols {sorted(map(str, result.free_symbols))} after substitution"
        )
    return float(result)


def lambdify_matrix(expr, symbols: Sequence[sp.Symbol]) -> Callable[[np.ndarray], np.ndarray]:
    """A numpy function of one array: f(values)[...] = expr evaluated at symbols = values.

    ``values`` must have one entry per symbol (shape (len(symbols),)); the result is a
    float64 array with ``expr``'s shape (a scalar expression gives a 0-d array).
    """
    symbols = list(symbols)
    compiled = sp.lambdify(symbols, expr, "numpy")

    def evaluate(values) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (len(symbols),):
            raise ValueError(
                f"values must have shape ({len(symbols)},), one per symbol {symbols}, got {values.shape}"
            )
        return np.asarray(compiled(*values), dtype=np.float64)

    return evaluate


def equation(lhs: str, *rhs) -> object:
    """IPython Math object showing ``lhs = rhs[0] = rhs[1] ...``, each SymPy rhs rendered by sp.latex.

    ``lhs`` is LaTeX; strings in ``rhs`` are inserted as LaTeX too. Its text/plain form is the
    same on every machine, so notebooks that display it stay comparable under nbval.
    """
    from IPython.display import Math

    parts = [lhs] + [r if isinstance(r, str) else sp.latex(r) for r in rhs]
    return Math(" = ".join(parts))


def entry_equations(name: str, column) -> object:
    """IPython Math object with one line per entry of a SymPy column: ``name_i = column[i]``.

    Each entry is typeset at full display size (LaTeX ``aligned``); inside a matrix, fractions are
    set in small text style, too small to read on a projector. ``name`` is LaTeX, ``i`` counts from 1.
    """
    from IPython.display import Math

    if not isinstance(name, str):
        raise TypeError(f"name must be a LaTeX str, got {type(name).__name__}")
    if not isinstance(column, sp.MatrixBase) or column.shape[1] != 1 or column.shape[0] == 0:
        raise ValueError(f"column must be a non-empty SymPy column (n x 1), got {column!r}")
    lines = [f"{name}_{{{i}}} &= {sp.latex(entry)}" for i, entry in enumerate(column, start=1)]
    return Math(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")


def aligned_equation(lhs: str, *rhs) -> object:
    """Like ``equation``, but one ``= rhs`` per line (LaTeX ``aligned``): for chains too wide for a slide.

    ``lhs`` is LaTeX; each rhs is LaTeX text or a SymPy object rendered by sp.latex.
    """
    from IPython.display import Math

    if not rhs:
        raise ValueError("aligned_equation needs at least one right-hand side")
    parts = [r if isinstance(r, str) else sp.latex(r) for r in rhs]
    lines = [f"{lhs} &= {parts[0]}"] + [f"&= {part}" for part in parts[1:]]
    return Math(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")


def chain_rule_equation(
    m: int, S: Sequence[sp.Symbol], y: Sequence[sp.Symbol], slide_expression: sp.Expr | None = None
) -> object:
    """dLoss/dz_m step by step, one line each, as the slides write it:

        dLoss/dz_m = [-y1/S1 ... -yK/SK] x (column m of the Jacobian)   (row x column)
                   = the product, as SymPy writes it (not expanded)
                   = slide_expression                                    (if given)

    ``m`` counts from 1 like the slides (checked by ``chain_rule_product``).
    """
    product = chain_rule_product(m, S, y, expand=False)
    row_times_column = sp.latex(loss_grad_wrt_S(S, y)) + sp.latex(slide_jacobian(S)[:, m - 1])
    rhs = [row_times_column, product] + ([] if slide_expression is None else [slide_expression])
    return aligned_equation(rf"\frac{{\partial \mathrm{{Loss}}}}{{\partial z_{m}}}", *rhs)

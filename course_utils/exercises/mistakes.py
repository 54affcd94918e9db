"""Known mistakes: :class:`Mistake`, and the kinds every exercise shares (scale errors, overflow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .attempts import Attempt, quiet


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``applies(attempt)`` says whether this attempt shows it.

    ``show`` names the output whose expected/received numbers the diagnosis prints; ``message``
    may use ``{factor}`` (received / expected, least squares), ``{factor_name}`` (" (1/N = 1/5: ...)"
    when the factor has a name in the case's terms, else ""), ``{N}``, ``{K}``, ``{NK}`` (N·K) and
    ``{show}``; a callable ``message(attempt)`` builds the text itself.
    """

    name: str
    applies: Callable[[Attempt], bool]
    message: str | Callable[[Attempt], str]
    show: str | None = None


def gives(output: str, *wrong_answers: Callable[[Attempt], np.ndarray]) -> Callable[[Attempt], bool]:
    """Predicate: the student's ``output`` equals one of these wrong formulas' answers on the case."""
    return lambda a: any(a.gives(output, quiet(lambda w=w: w(a))) for w in wrong_answers)


def least_squares_factor(
    received: np.ndarray, expected: np.ndarray, rtol: float, atol: float
) -> float | None:
    """c minimising |received - c expected|, when received really is c times expected."""
    if received.shape != expected.shape or not np.all(np.isfinite(received)):
        return None
    denom = float(np.sum(expected * expected))
    if denom == 0.0:
        return None
    c = float(np.sum(received * expected)) / denom
    if not np.allclose(received, c * expected, rtol=rtol, atol=atol):
        return None
    return c


def off_by_factor(*names: str) -> Callable[[Attempt], bool]:
    """Every output in ``names`` is the same constant multiple (not 1, not 0) of the right answer."""

    def applies(a: Attempt) -> bool:
        cs = [least_squares_factor(a.outputs[n], a.case.expected[n], a.rtol, a.atol(n)) for n in names]
        if any(c is None for c in cs) or abs(cs[0] - 1.0) <= 10 * a.rtol or abs(cs[0]) <= 1e-12:
            return False
        return all(abs(c - cs[0]) <= 10 * a.rtol * abs(cs[0]) for c in cs)

    return applies


def returned_a_number(output: str, message: str) -> Mistake:
    """The answer ``output`` came back as a single number where an array belongs."""
    return Mistake("a number", lambda a: a.shape(output) == (), message)


def constant_factor(
    output: str, what: str, rule: str, name: str = "constant factor", show: str | None = None
) -> Mistake:
    """``output`` is a constant multiple of the right answer; ``rule`` restates the formula."""
    return Mistake(
        name,
        off_by_factor(output),
        f"{what} is off by a constant factor: received = {{factor}} x expected{{factor_name}}. {rule}",
        show,
    )


def name_factor(c: float, facts: dict) -> str:
    """A scale factor and, when it is one, its name in the case's terms: "0.2 (1/N = 1/5: ...)"."""
    N, K = facts.get("N"), facts.get("K")
    named = []
    for value, words in (
        (-1.0, "a flipped sign"),
        (1 / N if N and N > 1 else None, f"1/N = 1/{N}: you divided by N twice (or averaged an average)"),
        (float(N) if N and N > 1 else None, f"N = {N}: the 1/N of the mean is missing"),
        (1 / K if K and K != N else None, f"1/K = 1/{K}: divided by the number of classes"),
        (float(K) if K and K != N else None, f"K = {K}"),
        (1 / (N * K) if N and K else None, f"1/(N·K) = 1/{N * K if N and K else ''}"),
    ):
        if value is not None and abs(c - value) <= 1e-6 * max(1.0, abs(value)):
            named.append(words)
    return f"{c:.4g}" + (f" ({named[0]})" if named else "")


def no_max_shift(advice: str) -> Mistake:
    """The overflow mistake, defined once for every checker whose answer goes through exp(z).

    It applies to a case with large logits where the answer came out non-finite or numpy warned of
    overflow. A checker whose answer can also go non-finite another way (dividing by a probability
    that rounded to 0) puts that mistake before this one, so it is never blamed on a max shift.
    """
    return Mistake(
        "no max shift",
        lambda a: a.case.large and a.overflowed(),
        "overflow at large logits: no max shift (or a shift by something other than each "
        "row's own max). exp(1000) is inf (and exp(-1000) is 0), so the division gives "
        "inf/inf or 0/0 = nan. Subtract each row's max first: the same numbers, and nothing "
        "overflows:\nS_i = exp(z_i - max z) / sum_j exp(z_j - max z)" + (f"\n{advice}" if advice else ""),
    )


def message(mistake: Mistake, attempt: Attempt, show: str) -> str:
    """The mistake's text, with {factor}, {N}, {K}, {NK} and {show} filled in for this attempt."""
    if callable(mistake.message):
        return mistake.message(attempt)
    c = (
        least_squares_factor(
            attempt.outputs[show], attempt.case.expected[show], attempt.rtol, attempt.atol(show)
        )
        if show in attempt.outputs
        else None
    )
    facts = {"N": attempt.case.facts.get("N", ""), "K": attempt.case.facts.get("K", "")}
    facts["NK"] = facts["N"] * facts["K"] if facts["N"] != "" and facts["K"] != "" else ""
    named = name_factor(c, attempt.case.facts) if c is not None else "?"
    factor, _, name = named.partition(" (")
    return mistake.message.format(show=show, factor=factor, factor_name=f" ({name}" if name else "", **facts)


EPSILONS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15)  # clip bounds seen in public code


def clip_bound(a: Attempt, S: np.ndarray, received: np.ndarray) -> float | None:
    """The eps for which ``received`` (the student's probabilities) is the right ``S`` clipped to
    [eps, 1 - eps] (renormalised or not), judged at float64's precision; None when no eps fits."""
    if received.shape != S.shape or not np.all(np.isfinite(received)):
        return None
    guesses = sorted({*EPSILONS, float(received.min())} - {0.0})
    for eps in guesses:
        if not 0 < eps < 0.5:
            continue
        clipped = np.clip(S, eps, 1 - eps)
        if np.array_equal(clipped, S):
            continue
        for wrong in (clipped, clipped / clipped.sum(axis=-1, keepdims=True)):
            if np.allclose(received, wrong, rtol=1e-6, atol=1e-12):
                return eps
    return None


def clipped(output: str, recover: Callable[[Attempt], np.ndarray], what: str) -> Mistake:
    """``recover(attempt)`` gives the probabilities the student's ``output`` was built from."""

    def text(a: Attempt) -> str:
        eps = clip_bound(a, a.case.facts["S"], recover(a))
        return (
            f"your probabilities are clipped to [{eps:.0e}, 1 - {eps:.0e}] (np.clip, a habit from code "
            f"that takes log S): every probability below {eps:.0e} comes back as {eps:.0e}, so {what} is "
            "off by up to that much there. Nothing here needs clipping: with the max subtracted "
            "nothing overflows, and exp of a very negative number is 0, which is right. Drop the clip."
        )

    return Mistake(
        "clipped probabilities",
        lambda a: clip_bound(a, a.case.facts["S"], recover(a)) is not None,
        text,
        output,
    )

"""The inputs a check runs a student's function on: :class:`Case`, and what all exercises share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SEED = 2026  # the random cases are the same on every run and every machine
LARGE = 1000.0  # |z| this large makes a naive exp(z) overflow (exp(710) is already inf in float64)


@dataclass
class Case:
    """One input for the student's function and the reference answer.

    ``inputs``: argument name -> value, passed positionally in this order (copies, every call).
    ``expected``: output name -> reference float64 array.
    ``facts``: what the known mistakes need to build their wrong answers (S, Y, N, ...).
    """

    inputs: dict[str, object]
    expected: dict[str, np.ndarray]
    about: str
    facts: dict[str, object] = field(default_factory=dict)
    large: bool = False  # logits large enough to overflow a naive exp
    atol: float = 1e-9  # float64 absolute tolerance (finite-difference references need more)
    key: str = ""  # a name for a probe case that a diagnosis looks up (Attempt.other)

    def size(self) -> int:
        """How many numbers the case's inputs hold: the smallest wrong case is shown."""
        return sum(
            int(np.size(v)) if not isinstance(v, dict) else sum(np.size(x) for x in v.values())
            for v in self.inputs.values()
        )


def span(values) -> str:
    values = sorted({int(v) for v in values})
    return f"{values[0]} to {values[-1]}" if len(values) > 1 else f"{values[0]}"


def facts_covered(*names: str) -> Callable[[list[Case]], str]:
    return lambda cases: ", ".join(f"{n} = {span(c.facts[n] for c in cases)}" for n in names)

"""Checkers for notebook 05's exercises: run a student's function, say what is most likely wrong.

    from course_utils.exercises import check_softmax, check_softmax_jacobian, ...

Each ``check_*`` runs the student's function on small cases a student can follow by hand, on
adversarial ones (the largest logit in every position, rows near +1000 and -1000 in one batch,
a spread of 1600 in every order) and on seeded random ones. It prints ✔ or the most likely
mistake with the smallest wrong case in full, expected beside received, and returns True (right),
False (wrong) or None (not attempted yet). Answers computed in float32 (numpy or torch) are
compared at float32's precision. Nothing the student's code does escapes a checker.

``engine`` holds the run of a check and the registry of exercises; ``cases``, ``attempts`` and
``mistakes`` the pieces it runs (a case, a call of the student's function, a known mistake);
``report`` the printing, ``logits`` what the exercises on logits share, and one module per
exercise its cases and known mistakes: ``softmax``, ``jacobian``, ``cross_entropy``, ``dense``,
``mlp``. Each of those registers its exercise when it is imported (``engine.register``); this
package imports every module in its folder, so :data:`EXERCISES` (number -> :class:`Exercise`)
lists them all, and the ``check_*`` names below are read from it.
"""

from __future__ import annotations

import importlib
import pkgutil

from .engine import EXERCISES, Exercise

for _module in pkgutil.iter_modules(__path__):  # an exercise's module registers it when imported
    importlib.import_module(f"{__name__}.{_module.name}")

globals().update({exercise.name: exercise.check for exercise in EXERCISES.values()})  # check_softmax, ...

__all__ = [*(exercise.name for exercise in EXERCISES.values()), "summary", "points", "EXERCISES", "Exercise"]


def summary(passed: dict[int, bool | None]) -> str:
    """One line per exercise: passed, failed or not attempted (what the checks returned: True, False, None).

    ``passed`` maps exercise number -> a check's return value; an exercise missing from it counts as
    not attempted (its check cell was not run). Returns the text, e.g. for ``print``.
    """
    if not isinstance(passed, dict):
        raise TypeError(
            f"passed must be a dict of exercise number -> True/False/None, got {type(passed).__name__}"
        )
    word = {True: "✔ passed", False: "✘ failed", None: "… not attempted"}
    lines = []
    for n, exercise in EXERCISES.items():
        lines.append(f"{n} {exercise.task:<20} {word.get(passed.get(n), '✘ failed')}")
    done = sum(passed.get(n) is True for n in EXERCISES)
    return "\n".join([f"{done} of {len(EXERCISES)} exercises pass."] + lines)


def points(passed: bool | None, out_of: float) -> float:
    """The points a check earns: ``out_of`` when it passed, 0 otherwise (what nbgrader records).

    nbgrader reads a graded test cell's last value as its partial credit, so a test cell ends with
    ``points(passed[n], out_of=...)`` and a notebook run top to bottom never stops on an error.
    """
    if isinstance(out_of, bool) or not isinstance(out_of, int | float) or out_of <= 0:
        raise ValueError(f"out_of must be a positive number of points, got {out_of!r}")
    if passed is not None and not isinstance(passed, bool):
        raise TypeError(
            f"passed must be what a check returned (True, False or None), got {type(passed).__name__}"
        )
    return float(out_of) if passed is True else 0.0

"""Judge one submission in the grader's own process: the sandbox only ran the student's functions.

:func:`grade` takes the answer cells' source and the graded check cells (their ``check_*`` call,
read from the instructor's source of the cell, and their points), has :mod:`.sandbox` run the
answers on each check's inputs, and judges what came back with the course's checkers
(``Checker.judge``): the cases with their expected values are made here and never leave this
process. A check earns its points only when the judge says True; a missing function, a crash, a
timeout or an unreadable reply earn 0, each with a sentence that says which.

The answers' source is read (never run) here for three things a diagnosis names: the functions it
defines (a renamed function), the helpers ``my_mlp_backward`` calls (exercise 5 blames them only
when their own checks fail) and any use of ``course_utils``, which is not available to answers.
"""

from __future__ import annotations

import ast
import functools
import re
import secrets
from dataclasses import dataclass

import numpy as np

from .. import exercises
from ..exercises import report
from ..exercises.attempts import NUMPY_DEFAULTS, TIME_LIMIT, Evaluation
from ..exercises.cases import Case
from ..exercises.engine import Exercise, by_task
from . import sandbox, wire

# check name ("check_softmax") -> the exercise as its module registered it: task, cases, judge
EXERCISES: dict[str, Exercise] = {exercise.name: exercise for exercise in exercises.EXERCISES.values()}


@dataclass(frozen=True)
class Check:
    """One graded test cell: its nbgrader id, the check it calls on which function, its points."""

    grade_id: str
    check: str
    function: str
    points: float


@dataclass
class Verdict:
    """A check's result: the points earned (None: a cell this grader cannot judge) and the text."""

    score: float | None
    text: str


FRESH = np.random.default_rng(secrets.randbits(128))  # this grading run's own random cases


@functools.cache
def cases_of(check: str) -> list[Case]:
    """The check's cases with their expected values, made once per grading run: the notebook's
    (seeded, the same everywhere) and a few drawn afresh for this run (:func:`fresh_cases`)."""
    with np.errstate(**NUMPY_DEFAULTS):
        return EXERCISES[check].make_cases() + fresh_cases(check, FRESH)


def fresh_cases(check: str, rng: np.random.Generator) -> list[Case]:
    """Random cases no one could know before grading: an answer that looks its inputs up in a
    table of the notebook's own (seeded, public) cases fails on these."""
    return EXERCISES[check].fresh_cases(rng)


def checks_in(source: str) -> list[tuple[str, str]]:
    """The ``check_*(function)`` calls in a test cell's source: (check, function name) pairs."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in EXERCISES
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            found.append((node.func.id, node.args[0].id))
    return found


def _parsed(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def defined_functions(cells: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """What the answers bind at top level, name -> its cell: (functions, by ``def`` or as a
    lambda; every name, also by assignment or import)."""
    functions: dict[str, str] = {}
    names: dict[str, str] = {}
    for label, source in cells:
        tree = _parsed(source)
        for node in tree.body if tree else []:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.setdefault(node.name, label)
                names.setdefault(node.name, label)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        names.setdefault(target.id, label)
                        if isinstance(node.value, ast.Lambda):
                            functions.setdefault(target.id, label)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    names.setdefault(alias.asname or alias.name.split(".")[0], label)
    return functions, names


def names_used_by(cells: list[tuple[str, str]], function: str) -> set[str]:
    """Every name the body of ``def function`` mentions."""
    for _, source in cells:
        tree = _parsed(source)
        for node in tree.body if tree else []:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return set()


def reference_uses(cells: list[tuple[str, str]]) -> list[str]:
    """The answers' lines that import or name course_utils (whose reference they may not use)."""
    lines = []
    for _, source in cells:
        for line in source.splitlines():
            if "course_utils" in line and not line.strip().startswith("#"):
                lines.append(line.strip()[:120])
    return lines


def grade(
    cells: list[tuple[str, str]],
    checks: list[Check],
    limits: sandbox.Limits | None = None,
    hidden=None,
    elsewhere: list[tuple[str, str]] = (),
) -> tuple[dict[str, Verdict], sandbox.Result]:
    """Run the answer ``cells`` ((label, source)) in a sandbox on every check's inputs and judge
    each check here; a verdict per grade id, and the sandbox's result (for the log).
    ``elsewhere``: the notebook's other code cells, never run, read only to tell a student whose
    function misses a name that it is defined outside the answer cells."""
    tasks = [
        {
            "name": c.grade_id,
            "function": c.function,
            "inputs": [case.inputs for case in cases_of(c.check)],
            "time_limit": TIME_LIMIT,
        }
        for c in checks
    ]
    result = sandbox.run(cells, tasks, limits, hidden)
    defined, bound = defined_functions(cells)
    cell_errors = {c.get("label"): c.get("error") for c in result.cells if c.get("error")}
    reference = reference_uses(cells)
    verdicts: dict[str, Verdict] = {}
    passed: dict[str, bool] = {}
    for c in checks:
        exercise = EXERCISES[c.check]
        used = names_used_by(cells, c.function) if exercise.helpers else set()
        helpers = {
            h.function: passed.get(h.name, False)
            for h in map(by_task, exercise.helpers)
            if h.function in used
        }
        outcome = result.outcomes.get(c.grade_id)
        verdict, text = _judge(c, exercise, outcome, helpers, defined, bound.get(c.function), cell_errors)
        passed[c.check] = verdict is True
        if verdict is not True and reference:
            text += "\n" + report.wrap(
                "  Your answers use course_utils (" + "; ".join(f"`{r}`" for r in reference[:2]) + "): it "
                "holds the course's reference solutions, and it is not available while answers are "
                "graded. Writing the function yourself is the exercise, so using it earns no points."
            )
        if verdict is not True:
            text += _defined_elsewhere(text, elsewhere)
        verdicts[c.grade_id] = Verdict(c.points if verdict is True else 0.0, text)
    return verdicts, result


def _judge(
    c: Check, exercise: Exercise, outcome, helpers, defined, cell, cell_errors
) -> tuple[bool | None, str]:
    """The verdict and text for one check; ``cell``: the answer cell that binds its function."""
    task = exercise.task
    raised = cell_errors.get(cell) if cell else None
    if outcome is None or outcome.missing:
        if raised:
            return False, report.wrap(
                f"✘ {task}: your answer cell {cell} raised {raised.get('type')}: "
                f"{str(raised.get('message'))[:300]}, so {c.function} was never defined and this check "
                "had nothing to run."
            )
        return False, _missing(task, c.function, defined, cell_errors)
    if outcome.timed_out:
        timed = Evaluation([], timed_out=True, time_limit=TIME_LIMIT)
        return exercise.judge(cases_of(c.check), timed, helpers)
    if outcome.too_large:
        return False, report.wrap(
            f"✘ {task}: your function returned more data than grading accepts ({wire.MAX_FRAME // 2**20} MB "
            "for a check). Return only the arrays asked for."
        )
    if outcome.stopped or outcome.evaluation is None:
        return False, report.wrap(
            f"✘ {task}: no result, so no points: while your {c.function} ran in grading, "
            f"{outcome.stopped or 'nothing readable came back'}. Run the check in your notebook to see "
            "what happens."
        )
    try:
        evaluation = wire.evaluation_from_data(outcome.evaluation, TIME_LIMIT)
        if not complete(evaluation, len(cases_of(c.check))):
            return False, report.wrap(
                f"✘ {task}: no result, so no points: grading got back {len(evaluation.calls)} answers for "
                f"{len(cases_of(c.check))} cases, with no error or timeout to explain the difference "
                "(did something in your answers change how the check runs?)."
            )
        verdict, text = exercise.judge(cases_of(c.check), evaluation, helpers)
    except Exception as err:  # noqa: BLE001  whatever came back, the grader itself never fails
        verdict, text = (
            False,
            (
                f"✘ {task}: the check could not judge what your function returned ({type(err).__name__}). "
                "Return plain numpy arrays of the shapes asked for."
            ),
        )
    if verdict is not True and raised:
        text += "\n" + report.wrap(
            f"  (Your answer cell also raised {raised.get('type')}: {str(raised.get('message'))[:300]})"
        )
    return verdict, text


def complete(evaluation: Evaluation, cases: int) -> bool:
    """Is this what running a function on ``cases`` cases can give? One call per case; fewer only
    when the last one raised or the time ran out (evaluation stops there); none when what was
    checked is not a function. Anything else was not made by the sandbox's own code (a student's
    code can rewrite it), and a judge shown fewer calls would pass the cases it never saw."""
    calls = evaluation.calls
    if evaluation.not_callable is not None:
        return not calls
    if len(calls) > cases or any(call.error is not None for call in calls[:-1]):
        return False
    return len(calls) == cases or evaluation.timed_out or bool(calls and calls[-1].error is not None)


def _missing(task: str, function: str, defined: dict[str, str], cell_errors: dict) -> str:
    text = f"✘ {task}: your answers define no function named {function}, so this check had nothing to run."
    others = [name for name in defined if name != function]
    if others:
        text += f" They define {', '.join(others[:6])}: the check calls {function} by that name."
    else:
        text += f" Write `def {function}(...)` in its answer cell."
    for label, error in cell_errors.items():
        text += f"\n  (Answer cell {label} raised {error.get('type')}: {str(error.get('message'))[:300]})"
    return report.wrap(text)


def _defined_elsewhere(text: str, elsewhere: list[tuple[str, str]]) -> str:
    """A hint when the diagnosis is a NameError for a name that a non-answer cell defines."""
    missing = set(re.findall(r"NameError: name '(\w+)' is not defined", " ".join(text.split())))
    _, bound = defined_functions(list(elsewhere))
    names = sorted(missing & set(bound))
    if not names:
        return ""
    return "\n" + report.wrap(
        f"  {', '.join(names)} is defined in a cell outside the answer cells, and only the answer cells "
        "run when your notebook is graded: move it into the answer cell that uses it."
    )

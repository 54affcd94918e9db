"""What a checker prints: the diagnosis, the smallest wrong case in full, expected beside received.

Numbers are shown with as many significant digits as it takes to tell the expected and the
received value of every differing entry apart (at least 4, at most 12); differing entries carry a
``*``; the largest absolute and relative error and where it is close the report. -0 prints as 0,
so the text is the same on every machine whenever the numbers are.
"""

from __future__ import annotations

import re
import textwrap

import numpy as np

WIDTH = 100  # prose is wrapped at this many characters
SHOW_AT_MOST = (
    6,
    8,
)  # rows and columns of an array shown in full; larger ones are cut around the worst entry
INDENT = "    "


def wrap(text: str) -> str:
    """Wrap each line of ``text`` at WIDTH, never next to an operator, so a formula isn't cut at its minus."""
    glued = re.sub(r" ([=+\-/@*x]) ", "\u00a0\\1\u00a0", text)
    lines = [
        textwrap.fill(
            line,
            width=WIDTH,
            initial_indent="  " if i else "",
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for i, line in enumerate(glued.split("\n"))
    ]
    return "\n".join(lines).replace("\u00a0", " ")


def number(x: float, digits: int) -> str:
    """One entry: ``digits`` significant digits, -0 as 0, nan/inf spelled as numpy does."""
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x + 0.0:.{digits}g}"
    return "0" if float(text) == 0 else text


def digits_needed(expected: np.ndarray, received: np.ndarray, differs: np.ndarray) -> int:
    """Fewest significant digits (4..12) at which every differing entry prints differently."""
    for digits in range(4, 13):
        if all(
            number(e, digits) != number(r, digits)
            for e, r in zip(expected[differs], received[differs], strict=True)
        ):
            return digits
    return 12


def _window(shape: tuple, worst: tuple) -> tuple[slice, ...]:
    """Rows/columns to show: all of them, or SHOW_AT_MOST around the worst entry."""
    out = []
    for n, w, most in zip(shape, worst, SHOW_AT_MOST[-len(shape) :] if shape else (), strict=False):
        start = min(max(0, w - most // 2), max(0, n - most))
        out.append(slice(start, start + most))
    return tuple(out)


def _rows(arr: np.ndarray, digits: int, marks: np.ndarray | None) -> list[str]:
    """An array of ndim <= 2 as lines of aligned numbers (a trailing * where ``marks`` is True)."""
    grid = np.atleast_2d(arr)
    marked = np.atleast_2d(marks) if marks is not None else np.zeros(grid.shape, bool)
    cells = [
        [
            number(v, digits) + ("*" if m else " " if marks is not None else "")
            for v, m in zip(row, mrow, strict=True)
        ]
        for row, mrow in zip(grid, marked, strict=True)
    ]
    width = max((len(c) for row in cells for c in row), default=1)
    return ["[" + "  ".join(c.rjust(width) for c in row) + "]" for row in cells]


def array_text(value, digits: int = 6) -> str:
    """An input shown in full when small, else its shape and its first rows."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {np.shape(v)}" for k, v in value.items())
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return number(float(arr), digits)
    if arr.ndim > 2:
        return f"an array of shape {arr.shape}"
    window = _window(arr.shape, (0,) * arr.ndim)
    rows = _rows(arr[window], digits, None)
    cut = arr[window].shape != arr.shape
    text = ("\n").join(rows) if arr.ndim == 2 else rows[0]
    return text + (f"   (shape {arr.shape}, first {arr[window].shape} shown)" if cut else "")


def comparison(name: str, expected: np.ndarray, received: np.ndarray, differs: np.ndarray) -> list[str]:
    """expected | received side by side (or one above the other when too wide), * on differing entries."""
    lines: list[str] = []
    if expected.ndim > 2 or received.shape != expected.shape:
        lines.append(f"{INDENT}expected {name}: shape {expected.shape}:")
        lines += [INDENT + "  " + r for r in array_text(expected).split("\n")]
        lines.append(f"{INDENT}received {name}: shape {received.shape}:")
        lines += [INDENT + "  " + r for r in array_text(received).split("\n")]
        return lines
    worst = _worst_index(expected, received, differs)
    window = _window(expected.shape, worst) if expected.ndim else ()
    e, r, d = expected[window], received[window], differs[window]
    digits = digits_needed(e, r, d)
    left, right = _rows(e, digits, np.zeros(e.shape, bool)), _rows(r, digits, d)
    if e.shape != expected.shape:
        ranges = ", ".join(
            f"{s.start}..{min(s.stop, n) - 1}" for s, n in zip(window, expected.shape, strict=True)
        )
        lines.append(f"{INDENT}(entries [{ranges}] of shape {expected.shape}, around the largest error)")
    width = max(len(x) for x in left + [f"expected {name}"])
    if len(INDENT) + width + 4 + max(len(x) for x in right) <= WIDTH + 10:
        lines.append(f"{INDENT}{('expected ' + name).ljust(width)}    received {name}   (* differs)")
        lines += [f"{INDENT}{a.ljust(width)}    {b}" for a, b in zip(left, right, strict=True)]
    else:
        lines.append(f"{INDENT}expected {name}:")
        lines += [INDENT + "  " + a for a in left]
        lines.append(f"{INDENT}received {name}:   (* differs)")
        lines += [INDENT + "  " + b for b in right]
    lines.append(INDENT + error_summary(expected, received, differs))
    return lines


def _worst_index(expected: np.ndarray, received: np.ndarray, differs: np.ndarray) -> tuple:
    if expected.ndim == 0:
        return ()
    with np.errstate(all="ignore"):
        err = np.where(np.isfinite(received), np.abs(received - expected), np.inf)
    err = np.where(differs, err, -1.0)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), expected.shape))


def error_summary(expected: np.ndarray, received: np.ndarray, differs: np.ndarray) -> str:
    """ "3 of 9 entries differ; largest error 0.1674 at [0, 2] (100% of the expected value)"."""
    count = int(np.sum(differs))
    if count == 0:
        return "every entry agrees"
    bad = int(np.sum(~np.isfinite(received) & differs))
    head = f"{count} of {expected.size} entries differ"
    if bad:
        head += f" ({bad} of them nan or inf)"
    finite = differs & np.isfinite(received)
    if not finite.any():
        return head + "."
    with np.errstate(all="ignore"):
        err = np.where(finite, np.abs(received - expected), -1.0)
    where = np.unravel_index(int(np.argmax(err)), expected.shape) if expected.ndim else ()
    abs_err, ref = float(err[where]), abs(float(expected[where]))
    rel = f"{abs_err / ref:.3g} x the expected value" if ref > 0 else "the expected value is 0"
    at = f" at [{', '.join(str(int(i)) for i in where)}]" if expected.ndim else ""
    return f"{head}; largest absolute error {abs_err:.3g}{at}, relative error {rel}."


def failure(
    task: str,
    headline: str,
    advice: str,
    attempt,
    show: str | None = None,
    wrong_cases: tuple[int, int] | None = None,
) -> str:
    """The whole printed diagnosis of a failed check."""
    lines = [wrap(f"✘ {task}: {headline}")]
    if advice:
        lines.append(wrap(f"  {advice}"))
    if attempt is not None:
        case = attempt.case
        where = (
            f" (wrong on {wrong_cases[0]} of {wrong_cases[1]} cases; the smallest is shown)"
            if wrong_cases
            else ""
        )
        lines.append(f"  On {case.about}{where}:")
        for name, value in case.inputs.items():
            text = array_text(value).split("\n")
            lines.append(f"{INDENT}{name} = {text[0]}")
            lines += [INDENT + " " * (len(name) + 3) + t for t in text[1:]]
        names = [show] if show else list(case.expected)
        for name in names:
            if name in attempt.outputs:
                lines += comparison(
                    name,
                    case.expected[name],
                    attempt.outputs[name],
                    attempt.differs(name)
                    if attempt.outputs[name].shape == case.expected[name].shape
                    else np.ones(case.expected[name].shape, bool),
                )
            else:
                lines.append(
                    f"{INDENT}expected {name} = "
                    + array_text(case.expected[name]).replace("\n", "\n" + INDENT + " " * (len(name) + 12))
                )
    return "\n".join(lines)


def dtype_note(dtypes: set[str]) -> str:
    """What precision the answers were compared at, when it is not float64's (``dtypes``: the
    dtype names of the answers, float32 also for float64 arrays holding float32 numbers)."""
    from .attempts import tolerance

    narrow = sorted(d for d in dtypes if d != "float64")
    if not narrow:
        return ""
    rtol = f"relative tolerance {tolerance(np.dtype(narrow[0])):.1e}"
    return f" Your answers are {', '.join(narrow)} numbers: compared to that precision ({rtol})."


def explain_exception(err: BaseException) -> str:
    """A hint for the student's exception, for the usual numpy pitfalls."""
    message = str(err)
    if isinstance(err, np.exceptions.AxisError):
        return (
            "A single sample has shape (K,) and only axis 0; axis=-1 means 'the class axis' "
            "for (K,) and (N, K) alike."
        )
    if "broadcast" in message:
        return (
            "Two shapes don't line up: when you divide by a sum over a row, keep the summed "
            "axis with keepdims=True so (N, K) / (N, 1) broadcasts row by row."
        )
    if "matmul" in message or "aligned" in message:
        return (
            "A matrix product's inner sizes must agree: write each factor's shape under the "
            "formula, and transpose (.T) the one that doesn't fit."
        )
    if isinstance(err, FloatingPointError | OverflowError) and "overflow" in message:
        return "A number overflowed: exp of a large logit is too big for a float. Subtract the max first."
    if isinstance(err, FloatingPointError):
        return "numpy was told to raise instead of warning (np.seterr or np.errstate set to 'raise')."
    return "Run your function on the input below and read the error message line by line."

"""What the exercise checkers' time limit costs and how fast it stops a runaway function.

    python benchmarks/bench_checkers.py

Prints the cost of the timer per call of the student's function; for each check with the course's
own (right) answer: the median time of the whole check
with the time limit (SIGALRM timer around every call of the student's function) and without it,
and the student's code's share of it; then how long a check takes to stop an infinite loop, with
the signal timer (main thread) and with the helper-thread fallback (called from another thread).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import threading
import time

from course_utils import cross_entropy_grad, softmax, softmax_jacobian
from course_utils.exercises import check_cross_entropy_grad, check_softmax, check_softmax_jacobian
from course_utils.exercises import softmax as ex_softmax
from course_utils.exercises.limits import run_limited

ROUNDS = 7


def timed(run) -> float:
    times = []
    for _ in range(ROUNDS):
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def forever(z):
    while True:
        pass


def main() -> None:
    for name, check, fn in [
        ("softmax", check_softmax, softmax),
        ("softmax_jacobian", check_softmax_jacobian, softmax_jacobian),
        ("cross_entropy_grad", check_cross_entropy_grad, cross_entropy_grad),
    ]:
        limited = timed(lambda c=check, f=fn: c(f))
        free = timed(lambda c=check, f=fn: c(f, time_limit=None))
        print(f"{name:20s} with limit {limited * 1e3:7.1f} ms   without {free * 1e3:7.1f} ms")
    calls = 10_000
    for limit in (None, 5.0):
        start = time.perf_counter()
        for _ in range(calls):
            run_limited(abs, (1,), limit)
        per_call = (time.perf_counter() - start) / calls
        print(f"run_limited, limit {limit}: {per_call * 1e6:.1f} µs per call")
    cases = ex_softmax.CHECKER.make_cases()
    evaluation = ex_softmax.CHECKER.evaluate(softmax, cases)
    student = sum(c.seconds for c in evaluation.calls)
    print(f"softmax: the student's code ran {student * 1e3:.2f} ms of it on {len(cases)} cases")
    for limit in (0.5, 5.0):
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            check_softmax(forever, time_limit=limit)
            main_thread = time.perf_counter() - start
            box = {}
            start = time.perf_counter()
            worker = threading.Thread(
                target=lambda b=box, t=limit: b.setdefault("v", check_softmax(forever, time_limit=t))
            )
            worker.start()
            worker.join()
            other_thread = time.perf_counter() - start
        print(
            f"infinite loop, limit {limit:g} s: stopped after {main_thread:.2f} s (signal), "
            f"{other_thread:.2f} s (thread fallback)"
        )


if __name__ == "__main__":
    main()

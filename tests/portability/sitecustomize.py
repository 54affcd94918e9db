"""Nudge the course's numerics by one unit in the last place (1 ulp), as another machine would.

Another CPU, BLAS build or numpy version computes the same formulas with results that differ in
the last bit; many training steps can turn that into a different accuracy. tests/test_portability.py
puts this folder on the PYTHONPATH of the Jupyter kernels that nbval starts, so Python imports this
module at start-up and every notebook runs with

- every ``MLP``'s initial weights moved by 1 ulp, and
- the data that ``make_spirals`` generates moved by 1 ulp,

in the direction COURSE_ULP_NUDGE says ("up": towards +inf, "down": towards -inf). Each nudge is
written to the file COURSE_ULP_LOG, so the test can check that the nudges really happened.
A notebook whose stored outputs and asserts are facts passes either way.
"""

import os

DIRECTION = os.environ.get("COURSE_ULP_NUDGE")
LOG = os.environ.get("COURSE_ULP_LOG")


def _log(what: str) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(what + "\n")


def _install() -> None:
    import functools

    import numpy as np

    import course_utils.data
    import course_utils.network

    towards = {"up": np.inf, "down": -np.inf}[DIRECTION]

    def nudge(a: np.ndarray) -> None:
        a[...] = np.nextafter(a, towards)

    original_init = course_utils.network.MLP.__init__

    @functools.wraps(original_init)
    def init_and_nudge(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        for name, p in self.params.items():
            if name.startswith("W"):  # the biases start at exactly 0 on every machine
                nudge(p)
        _log(f"MLP {self.sizes}")

    course_utils.network.MLP.__init__ = init_and_nudge

    original_spirals = course_utils.data.make_spirals

    @functools.wraps(original_spirals)
    def spirals_and_nudge(*args, **kwargs):
        X, labels = original_spirals(*args, **kwargs)
        nudge(X)
        _log(f"make_spirals {X.shape}")
        return X, labels

    course_utils.data.make_spirals = spirals_and_nudge


if DIRECTION:
    _install()

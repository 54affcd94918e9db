"""Marks what makes the full suite slow, so `python3 run.py test -m "not slow"` is a fast loop.

Slow: every notebook cell run by nbval (a kernel per notebook), everything under tests/browser/
(JupyterLab and Chromium), every test that starts the grading sandbox (the ``grading_sandbox``
fixture), publishes to a git remote (``remote``) or imports torch (``torch``), and the tests marked
``@pytest.mark.slow`` in their own files (notebook mutation runs, slide export, ``jupyter
labextension list``, ``run.py``'s own setup, the Binder build, and the checks that render figures
at full size, train several networks or import colour-science: about a second each). The fast
loop is the rest: course_utils, its figures' content, widgets and checkers, and the files' own
rules.

The ``grading_sandbox`` fixture skips a test that autogrades when bubblewrap cannot run here, or
fails it where ``COURSE_REQUIRE_SANDBOX=1`` (CI). The ``torch`` fixture skips a test of torch
answers where torch is not installed, or fails it where ``COURSE_TORCH=1`` (CI installs it then).

``run.py test`` runs the suite on every core with pytest-xdist (``--dist loadfile``): the tests
of one file stay on one worker, in order (a notebook's cells share one kernel; a module's fixtures
are set up once), and the slowest files start first. ``-n 0`` runs it in one process.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

BROWSER = Path(__file__).parent / "browser"
ROOT = Path(__file__).parent.parent

SLOW_FIXTURES = {"grading_sandbox", "remote", "torch"}  # a bwrap sandbox per test; git
# repositories and a build; importing torch (about 2 s)

# The files that take longest (measured on 2 cores, slowest first): under pytest-xdist these start
# first, so that no worker is left with a long file at the end while the other waits.
SLOWEST_FIRST = [
    "tests/browser/test_deck_fit.py",
    "tests/browser/test_widgets_in_browser.py",
    "tests/browser/test_site_phone.py",
    "tests/browser/test_axe.py",
    "tests/test_binder.py",
    "tests/test_portability.py",
    "tests/test_notebooks_mutation.py",
    "tests/test_classroom.py",
    "tests/test_grading_redteam.py",
    "tests/browser/test_handout.py",
    # and the fast loop's longest (1-3 s each), so that its two workers finish together too
    "tests/test_widgets.py",
    "tests/test_plots.py",
    "tests/test_exercises_fair.py",
    "tests/test_digits.py",
    "tests/test_exercises.py",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        uses = set(getattr(item, "fixturenames", ()))
        if path.suffix == ".ipynb" or BROWSER in path.parents or uses & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the slowest files first
        rank = {where: i for i, where in enumerate(SLOWEST_FIRST)}

        def slowness(item: pytest.Item) -> int:
            return rank.get(Path(str(item.path)).resolve().relative_to(ROOT).as_posix(), len(rank))

        items.sort(key=slowness)  # stable: in-file order kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected lives until the run ends: move it out of the garbage
    collector's sight (``gc.freeze``), so that no later collection walks it again. A test's own
    garbage is collected as before. In the fast loop this saves about 1.5 s of 14 (each worker's
    full collections walked sympy, matplotlib and the collected tests again and again, and pytest
    collects twice more at the end)."""
    gc.freeze()


@pytest.fixture(scope="session")
def grading_sandbox() -> None:
    """Autograde's sandbox works here; else skip (a machine without bubblewrap or user namespaces),
    or fail where COURSE_REQUIRE_SANDBOX=1."""
    from course_utils.grading import sandbox

    reason = sandbox.unavailable()
    if reason is None:
        return
    if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
        pytest.fail(f"COURSE_REQUIRE_SANDBOX=1 but the grading sandbox cannot run: {reason}")
    pytest.skip(f"the grading sandbox cannot run here: {reason}")


@pytest.fixture(scope="session")
def torch():
    """The torch module; else skip (torch is not in the course's pins), or fail where COURSE_TORCH=1
    (``run.py`` then installs requirements-torch.txt)."""
    try:
        import torch
    except ImportError as err:
        if os.environ.get("COURSE_TORCH") == "1":
            pytest.fail(f"COURSE_TORCH=1 but torch cannot be imported: {err}")
        pytest.skip("torch is not installed (COURSE_TORCH=1 python3 run.py test installs it)")
    return torch

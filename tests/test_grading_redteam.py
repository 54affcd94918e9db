"""Submissions that try to fool or harm nbgrader's autograde of notebook 05, and honest ones.

One course, one ``nbgrader autograde`` and one ``generate_feedback`` for every submission below
(nbgrader's real commands, with notebooks/nbgrader_config.py), in student-id order: attackers
first, then honest students graded after them (``zz_*``), so a change an attacker left behind
would show in their scores. Each attack must earn 0 (or only what its honest part deserves),
honest answers full marks, and nothing outside the attacker's own autograded/feedback folders may
change: the other submissions, source/, nbgrader_config.py, gradebook.db, course_utils, the
environment, HOME. No feedback may contain a solution line or an instructor note, and no process
started by a submission may outlive the run. The attacks come in classes: the score computed in
the student's own process, the displayed value taken as the score, the answer key within reach,
code brought in or written where grading imports it, the instructor's data and other students
within reach, and costs for honest students.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course_utils.exercises import EXERCISES
from course_utils.grading import grade, sandbox, wire

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "05_exercises"
MARKER = "redteam-survivor-7f3a"
SKIP = (
    "autograded",
    "feedback",
    "gradebook.db",
    "gradebook-backups",
    ".nbgrader.log",
)  # nbgrader's output  # in the command line of every process an attack leaves behind

needs_bwrap = pytest.mark.usefixtures("grading_sandbox")  # skip, or fail in CI, without bubblewrap
TOTAL = sum(e.points for e in EXERCISES.values())  # every check passed
BUT_SOFTMAX = TOTAL - EXERCISES[1].points  # every check but exercise 1's

SOLVED = {  # right answers (numpy, one style of the many that pass)
    "softmax_answer": """
def my_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
""",
    "softmax_jacobian_answer": """
def my_softmax_jacobian(z):
    e = np.exp(z - z.max())
    S = e / e.sum()
    return np.diag(S) - np.outer(S, S)
""",
    "cross_entropy_grad_answer": """
def my_cross_entropy_grad(z, Y):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True) - Y) / len(z)
""",
    "dense_backward_answer": """
def my_dense_backward(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
""",
    "mlp_backward_answer": """
def my_mlp_backward(params, X, A1, z, Y):
    dz = my_cross_entropy_grad(z, Y)
    dA1, dW2, db2 = my_dense_backward(A1, params["W2"], params["b2"], dz)
    _, dW1, db1 = my_dense_backward(X, params["W1"], params["b1"], dA1 * (1 - A1**2))
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
""",
}


def with_first(code: str, answers: dict[str, str] | None = None) -> dict[str, str]:
    """``code`` at the top of the first answer cell, the other answers as given (default: blank)."""
    answers = dict(answers or {})
    answers["softmax_answer"] = (
        code + "\n" + answers.get("softmax_answer", "def my_softmax(z):\n    return z\n")
    )
    return answers


PASSED_ALWAYS_TRUE = """
class Always(dict):
    def __setitem__(self, key, value):
        super().__setitem__(key, True)

passed = Always()
"""
FAKE_CHECKS = "".join(  # every check replaced by one that passes, and claims the real one's module
    f"\ndef {e.name}(fn, **kw):\n    return True\n{e.name}.__module__ = {e.check.__module__!r}"
    for e in EXERCISES.values()
)
PATCH_CHECKERS = """
import sys
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.zeros(np.shape(b), bool)
try:
    import course_utils.exercises.engine as engine
    engine.Checker.judge = lambda self, cases, evaluation: (True, "ok")
except ImportError:
    pass
for module in list(sys.modules.values()):
    if hasattr(module, "CHECKER"):
        module.CHECKER.judge = lambda *a: (True, "ok")
"""
INPUT_TRANSFORMER = """
def rewrite(lines):
    return [line.replace("points(passed", "(lambda *a, **k: 2.0)(passed") for line in lines]
get_ipython().input_transformers_post.append(rewrite)
"""
EXPECTED_FROM_FRAMES = """
import inspect

def my_softmax(z):
    for info in inspect.stack():
        case = info.frame.f_locals.get("case")
        if case is not None and getattr(case, "expected", None):
            return next(iter(case.expected.values()))
    return np.zeros_like(z)
"""
HIDE_THE_VALUE = """
ip = get_ipython()
ip.ast_node_interactivity = "none"
ip.events.register("post_run_cell", lambda result: None)
def points(passed, out_of):
    return "full marks"
"""
REFERENCE = {
    "softmax_answer": "from course_utils.softmax import softmax as my_softmax",
    "softmax_jacobian_answer": """
def my_softmax_jacobian(z):
    from course_utils.softmax import softmax_jacobian
    return softmax_jacobian(z)
""",
    "cross_entropy_grad_answer": """
import importlib
my_cross_entropy_grad = importlib.import_module("course" + "_utils.losses").cross_entropy_grad
""",
    "dense_backward_answer": SOLVED["dense_backward_answer"].replace("dZ @ W.T", "-dZ @ W.T"),
    "mlp_backward_answer": """
def my_mlp_backward(params, X, A1, z, Y):
    from course_utils.network import MLP
    return MLP([1, 1, 1]).backward(z)
""",
}
RUN_THE_SOURCE = """
import glob, json
paths = glob.glob("../../../source/*/*.ipynb") + glob.glob({course!r} + "/source/*/*.ipynb")
for path in paths:
    for cell in json.load(open(path))["cells"]:
        if "BEGIN SOLUTION" in "".join(cell["source"]):
            exec("".join(cell["source"]))
"""
WRITE_THE_ENVIRONMENT = """
import os
targets = [
    ({pth!r}, "import os"),
    ({repo_init!r}, "points = lambda passed, out_of: out_of"),
    (os.path.expanduser("~/.ipython/profile_default/startup/00-redteam.py"), "x = 1"),
    (os.path.join(os.path.dirname(np.__file__), "redteam.py"), "x = 1"),
]
for path, text in targets:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "a").write(text)
    except OSError:
        pass
"""
INSTRUCTOR_FILES = """
import os, sqlite3
for root in ["../../..", {course!r}]:
    for name, text in [
        ("nbgrader_config.py", "\\nc.Autograde.autograde_preprocessors = []\\n"),
        ({victim!r}, "{{}}"),
    ]:
        try:
            open(os.path.join(root, name), "a").write(text)
        except OSError:
            pass
    try:
        db = sqlite3.connect(os.path.join(root, "gradebook.db"))
        db.execute("update grade set auto_score = 2")
        db.commit()
        db.execute("begin exclusive")
    except Exception:
        pass
    try:
        os.remove(os.path.join(root, "gradebook.db"))
    except OSError:
        pass
"""
PROCESSES_LEFT_BEHIND = """
import os, sys
for _ in range(20):
    try:
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", {marker!r}])
            os._exit(0)
    except OSError:
        break
"""
FIFTY_MEGABYTES = """
import sys
print("x" * 50_000_000)
print("y" * 50_000_000, file=sys.stderr)
"""
CRASH = """
import os

def my_softmax(z):
    os._exit(3)
"""
IGNORES_THE_TIME_LIMIT = """
import signal

def my_softmax(z):
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
    while True:
        pass
"""
FORGED_REPLY = """
import sys
wire = sys.modules["_gradekit.grading.wire"]
empty = {"calls": [], "timed_out": False, "time_limit": 5.0, "not_callable": None, "float32_in_code": False}
wire.evaluation_to_data = lambda evaluation: empty
"""
LOOKUP_TABLE = """
TABLE = {table!r}

def my_softmax(z):
    return np.array(TABLE.get(np.asarray(z, dtype=np.float64).tobytes().hex(), np.zeros_like(z)))
"""
DEBUG_PRINT = "):\n    print('debugging', file=__import__('sys').stderr)\n"


def _softmax_table() -> dict[str, list]:
    """The notebook's softmax cases, input bytes -> answer: all a student could compute beforehand."""
    from course_utils.exercises import softmax

    return {case.inputs["z"].tobytes().hex(): case.expected["S"].tolist() for case in softmax.cases()}


def attacks(course: Path, victim: Path) -> dict[str, tuple[dict[str, str], float | None]]:
    """student id -> (answer cells, the points the submission deserves; None: not graded at all)."""
    site = Path(nbformat.__file__).resolve().parents[1]
    paths = {
        "course": str(course),
        "victim": str(victim.relative_to(course)),
        "pth": str(site / "zz_redteam.pth"),
        "repo_init": str(ROOT / "course_utils" / "exercises" / "__init__.py"),
        "marker": MARKER,
    }
    return {
        # -- the score computed in the student's kernel
        "a01_redefine_points": (with_first("def points(passed, out_of):\n    return float(out_of)"), 0),
        "a02_passed_always_true": (with_first(PASSED_ALWAYS_TRUE), 0),
        "a03_fake_checks": (with_first(FAKE_CHECKS), 0),
        "a04_patch_checkers": (with_first(PATCH_CHECKERS), 0),
        "a05_input_transformer": (with_first(INPUT_TRANSFORMER), 0),
        "a06_expected_from_frames": ({"softmax_answer": EXPECTED_FROM_FRAMES}, 0),
        # -- the displayed value taken as the score
        "a07_hide_the_value": (with_first(HIDE_THE_VALUE), 0),
        # -- the answer key
        "a08_reference_functions": (REFERENCE, 0),
        "a09_run_the_source": (with_first(RUN_THE_SOURCE.format(**paths)), 0),
        # -- code brought in or written where grading imports it (the folder is added by the fixture)
        "a10_course_utils_folder": ({}, 0),
        "a11_write_the_environment": (with_first(WRITE_THE_ENVIRONMENT.format(**paths)), 0),
        # -- the instructor's data, other students, processes, output
        "a12_instructor_files": (with_first(INSTRUCTOR_FILES.format(**paths)), 0),
        "a13_processes_left_behind": (with_first(PROCESSES_LEFT_BEHIND.format(**paths)), 0),
        "a14_fifty_megabytes_of_output": (with_first(FIFTY_MEGABYTES, SOLVED), TOTAL),
        "a15_duplicated_check_cell": (SOLVED, None),  # the copy is added by the fixture: fails alone
        "a15b_damaged_metadata": (SOLVED, None),  # an answer cell's nbgrader metadata emptied: fails alone
        # softmax 0; the other answers do not call my_softmax, and a fresh sandbox runs them
        "a16_crash_then_right": ({**SOLVED, "softmax_answer": CRASH}, BUT_SOFTMAX),
        "a17_ignores_the_time_limit": ({**SOLVED, "softmax_answer": IGNORES_THE_TIME_LIMIT}, BUT_SOFTMAX),
        # the sandbox's own code rewritten to report no case at all; the seeded cases' answers looked up
        "a18_forged_reply": (with_first(FORGED_REPLY), 0),
        "a19_lookup_table": ({"softmax_answer": LOOKUP_TABLE.format(table=_softmax_table())}, 0),
        # -- honest students
        "h01_prints_to_stderr": ({k: v.replace("):\n", DEBUG_PRINT, 1) for k, v in SOLVED.items()}, TOTAL),
        "h02_renamed_function": (
            {**SOLVED, "softmax_answer": SOLVED["softmax_answer"].replace("my_softmax", "softmax_mine")},
            BUT_SOFTMAX,
        ),
        # a helper in a cell of its own (added by the fixture): only the answer cells run
        "h03_helper_outside_the_answers": (
            {**SOLVED, "softmax_answer": "def my_softmax(z):\n    return stable_softmax(z)"},
            BUT_SOFTMAX,
        ),
        "zz_blank_after_the_attacks": ({}, 0),
        "zz_right_after_the_attacks": (SOLVED, TOTAL),
    }


def _hashes(*roots: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out = {}
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if (
                path.is_file()
                and not any(part in skip for part in path.parts)
                and "__pycache__" not in path.parts
            ):
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _survivors() -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if MARKER.encode() in (proc / "cmdline").read_bytes():
                found.append(proc.name)
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, grading_sandbox):
    """The course after one autograde and one generate_feedback of every submission."""
    import test_exercises_nbgrader as end_to_end  # the builder and how a submission is made

    builder = end_to_end.builder
    course = tmp_path_factory.mktemp("redteam")
    released = builder.release(course)
    with (course / "nbgrader_config.py").open("a") as config:  # the looping attack is killed sooner
        config.write("\nc.SandboxedChecks.task_slack_seconds = 3\n")
    victim = course / "submitted" / "zz_right_after_the_attacks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    expected = {}
    for student, (answers, points) in attacks(course, victim).items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nb = end_to_end.submission(released, answers)
        if student == "a15_duplicated_check_cell":
            copy = next(
                c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "softmax_check"
            )
            nb.cells.append(nbformat.from_dict({**copy, "id": "pasted-copy"}))  # as JupyterLab pastes it
        if student == "a15b_damaged_metadata":
            next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")).metadata.nbgrader = {}
        if student == "h03_helper_outside_the_answers":
            helper = SOLVED["softmax_answer"].replace("my_softmax", "stable_softmax")
            nb.cells.insert(4, nbformat.v4.new_code_cell(helper))
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        expected[student] = points
    fake = course / "submitted" / "a10_course_utils_folder" / ASSIGNMENT / "course_utils"
    (fake / "exercises").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "exercises" / "__init__.py").write_text(
        "def _ok(*a, **k):\n    return True\n\n"
        + " = ".join(e.name for e in EXERCISES.values())
        + " = _ok\n\n"
        "def points(passed, out_of):\n    return float(out_of)\n\n"
        "def summary(passed):\n    return ''\n"
    )
    site = Path(nbformat.__file__).resolve().parents[1]
    watched_course = _hashes(course, skip=SKIP)
    watched_repo = _hashes(ROOT / "course_utils", ROOT / "notebooks" / "nbgrader_config.py")
    startup = Path.home() / ".ipython" / "profile_default" / "startup"
    # The first IPython kernel anywhere creates that folder with a README: let it exist before the
    # snapshot, so a kernel another test worker starts meanwhile does not look like an escape.
    from IPython.core.profiledir import ProfileDir

    ProfileDir.create_profile_dir(str(startup.parent))
    before = {"site": _listing(site), "numpy": _listing(Path(__import__("numpy").__file__).parent)}
    before["startup"] = _listing(startup)
    started = time.perf_counter()
    env = dict(
        os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    autograde = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, f"--CourseDirectory.root={course}"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = time.perf_counter() - started
    builder.nbgrader("generate_feedback", ASSIGNMENT, course=course)
    time.sleep(0.5)  # a process that escaped would still be starting
    return {
        "course": course,
        "expected": expected,
        "autograde": autograde,
        "seconds": seconds,
        "unchanged": (watched_course, watched_repo, before, site, startup),
        "survivors": _survivors(),
    }


def _scores(course: Path) -> dict[str, float | None]:
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                out[student.id] = gb.find_submission(ASSIGNMENT, student.id).score
            except MissingEntry:
                out[student.id] = None
    return out


@pytest.mark.slow
@needs_bwrap
def test_every_attack_earns_nothing_and_honest_answers_full_marks(graded):
    scores = _scores(graded["course"])
    expected = {s: p for s, p in graded["expected"].items() if p is not None}
    assert {s: scores.get(s) for s in expected} == expected, graded["autograde"].stderr[-3000:]
    print(f"autograde of {len(graded['expected'])} submissions: {graded['seconds']:.1f} s")


@pytest.mark.slow
@needs_bwrap
def test_a_duplicated_cell_or_damaged_metadata_fails_that_submission_alone_with_a_clear_message(graded):
    log = graded["autograde"].stdout + graded["autograde"].stderr
    assert "'a15_duplicated_check_cell' not graded" in log
    assert "'softmax_check' more than once (a copied cell)" in log
    assert "'a15b_damaged_metadata' not graded" in log and "metadata that was edited or damaged" in log
    for broken in ("a15_duplicated_check_cell", "a15b_damaged_metadata"):
        assert not (graded["course"] / "autograded" / broken).exists()
    assert (graded["course"] / "autograded" / "zz_right_after_the_attacks").exists()


@pytest.mark.slow
@needs_bwrap
def test_no_file_outside_the_grading_output_changed(graded):
    watched_course, watched_repo, before, site, startup = graded["unchanged"]
    course = graded["course"]
    assert _hashes(course, skip=SKIP) == watched_course
    assert _hashes(ROOT / "course_utils", ROOT / "notebooks" / "nbgrader_config.py") == watched_repo
    assert _listing(site) == before["site"] and _listing(startup) == before["startup"]
    assert _listing(Path(__import__("numpy").__file__).parent) == before["numpy"]


@pytest.mark.slow
@needs_bwrap
def test_the_gradebook_survives_and_was_backed_up(graded):
    course = graded["course"]
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        students = {row[0] for row in db.execute("select id from student")}
    assert set(graded["expected"]) <= students
    backups = list((course / "gradebook-backups").glob("gradebook-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as db:
        assert db.execute("select count(*) from notebook").fetchone() == (1,)


@pytest.mark.slow
@needs_bwrap
def test_no_process_outlives_grading(graded):
    assert graded["survivors"] == []


@pytest.mark.slow
@needs_bwrap
def test_feedback_never_shows_a_solution_or_an_instructor_note(graded):
    import test_exercises_nbgrader as end_to_end

    source = nbformat.read(end_to_end.builder.SOURCE, as_version=4)
    solution_lines = [
        line.strip()
        for cell in source.cells
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        for line in region.splitlines()
        if len(line.strip()) > 12 and not line.strip().startswith("#")
    ]
    feedback = sorted((graded["course"] / "feedback").rglob("*.html"))
    assert len(feedback) == len(graded["expected"]) - 2  # all but the two broken submissions
    for path in feedback:
        html = path.read_text()
        assert path.stat().st_size < 2_000_000, f"{path.parts[-3]}: feedback of {path.stat().st_size} bytes"
        for marker in ("The check names", "HIDDEN TESTS", "AssertionError"):
            assert marker not in html, f"{path.parts[-3]}: {marker!r}"
        for line in solution_lines:
            assert line not in html, f"{path.parts[-3]}: solution line {line!r}"


@pytest.mark.slow
@needs_bwrap
def test_feedback_names_the_reason_for_zero(graded):
    def feedback(student: str) -> str:  # the text with its line breaks (the diagnosis is wrapped) as spaces
        html = (graded["course"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        return " ".join(html.split())

    assert feedback("a08_reference_functions").count("using it earns no points") >= 4
    renamed = feedback("h02_renamed_function")
    assert "no function named my_softmax" in renamed and "softmax_mine" in renamed
    assert "took more than 5 s" in feedback("a17_ignores_the_time_limit")
    assert "exited (code 3)" in feedback("a16_crash_then_right")
    assert feedback("zz_right_after_the_attacks").count("correct on all") == len(EXERCISES)
    assert "stable_softmax is defined in a cell outside the answer cells" in feedback(
        "h03_helper_outside_the_answers"
    )


# -- without bubblewrap grading refuses; the wire rejects what it did not write ----------------------


@pytest.fixture
def preprocessors():
    """course_utils.grading.preprocessors, imported by the tests that use it (it imports nbgrader,
    half a second that every other test of the fast loop would wait for)."""
    from course_utils.grading import preprocessors

    return preprocessors


def test_without_the_sandbox_autograde_refuses(monkeypatch, preprocessors):
    monkeypatch.setattr(sandbox, "unavailable", lambda: "bwrap is not installed")
    nb = nbformat.v4.new_notebook()
    with pytest.raises(preprocessors.SandboxUnavailable, match="Refusing to grade.*bwrap is not installed"):
        preprocessors.SandboxedChecks().preprocess(nb, {"nbgrader": {}})


def test_without_bwrap_on_the_path_the_sandbox_says_so(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.Unavailable, match="apt-get install bubblewrap"):
        sandbox.command(3, sandbox.Limits(), [])


def test_a_frame_round_trips_arrays_and_containers():
    import numpy as np

    value = {"S": np.arange(6, dtype=np.float32).reshape(2, 3), "t": (1, 2.5, None, "x", 1j), 3: [True]}
    back = wire.loads(wire.dumps(value)[8:])
    assert back["S"].dtype == np.float32 and back["S"].tolist() == value["S"].tolist()
    assert back["t"] == value["t"] and back[3] == [True]
    assert type(wire.loads(wire.dumps(object())[8:])).__name__ == "object"


@pytest.mark.parametrize(
    "body",
    [
        b'\x00\x00\x00\x05{"t":',  # not JSON
        b"\x00\x00\x00\x2a" + b'{"t": "array", "dtype": "|O", "shape": [1], "at": 0}',  # objects
        b"\x00\x00\x00\x2b" + b'{"t": "array", "dtype": "<f8", "shape": [99], "at": 0}',  # no bytes
        b"\x00\x00\x00\x1c" + b'{"t": "pickle", "v": "gASVAA"}',  # an unknown tag
    ],
)
def test_a_malformed_frame_is_rejected(body):
    with pytest.raises(wire.WireError):
        wire.loads(body)


def test_an_exception_comes_back_as_a_plain_object_of_its_name():
    err = wire.exception_from_data({"type": "NotImplementedError", "module": "builtins", "message": "todo"})
    assert type(err) is NotImplementedError and str(err) == "todo"
    odd = wire.exception_from_data({"type": "SystemExit", "module": "builtins", "message": "1"})
    assert type(odd).__name__ == "SystemExit" and isinstance(odd, Exception)


def test_the_checks_in_a_test_cell_are_read_from_its_source():
    source = "passed[1] = check_softmax(my_softmax)\npoints(passed[1], out_of=2)"
    assert grade.checks_in(source) == [("check_softmax", "my_softmax")]


PROBE = """
import os, resource, socket, time

def probe(x):
    def network():
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=1)
            return 1.0
        except OSError:
            return 0.0
    def forks(n=40):
        made = 0
        for _ in range(n):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:  # each child stays while the next ones are made: the limit counts them all
                time.sleep(3)
                os._exit(0)
            made += 1
        return float(made)
    return np.array([
        network(),
        float(os.path.exists({repo!r})),
        float(os.path.exists({course!r})),
        float(len(os.listdir(os.path.expanduser("~")))),
        float(os.getuid() == 0),
        float(resource.getrlimit(resource.RLIMIT_NPROC)[1]),
        forks(),
    ])
"""


@needs_bwrap
def test_the_sandbox_has_no_network_no_repository_no_course_and_no_root(tmp_path):
    """What the student's code sees, asked from inside: each probe's answer comes back as data."""
    import numpy as np

    (tmp_path / "gradebook.db").write_text("")
    cells = [("probe", PROBE.format(repo=str(ROOT / "course_utils"), course=str(tmp_path / "gradebook.db")))]
    task = {"name": "probe", "function": "probe", "inputs": [{"x": np.zeros(1)}], "time_limit": 5.0}
    result = sandbox.run(cells, [task], hidden=[tmp_path])
    data = result.outcomes["probe"].evaluation
    assert data is not None, result.stderr
    network, repo, course, home, root, nproc, forks = wire.evaluation_from_data(data, 5.0).calls[0].value
    assert (network, repo, course, home, root) == (0, 0, 0, 0, 0)
    assert nproc == sandbox.Limits().processes and forks < nproc


HANGS = """
import signal, time

def hang(x):
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
    time.sleep(60)

def fine(x):
    return x + 1
"""


@needs_bwrap
def test_a_check_that_hangs_is_killed_and_the_next_checks_still_run():
    import numpy as np

    cells = [("a", HANGS)]
    tasks = [
        {"name": name, "function": name, "inputs": [{"x": np.zeros(2)}], "time_limit": 0.5}
        for name in ("hang", "fine")
    ]
    started = time.perf_counter()
    result = sandbox.run(cells, tasks, sandbox.Limits(task_slack_seconds=1.0))
    assert time.perf_counter() - started < 10
    assert result.outcomes["hang"].timed_out and result.runs == 2
    fine = wire.evaluation_from_data(result.outcomes["fine"].evaluation, 0.5).calls[0].value
    assert fine.tolist() == [1.0, 1.0]


def test_the_gradebook_is_backed_up_once_per_run_and_the_newest_copies_are_kept(
    tmp_path, monkeypatch, preprocessors
):
    db = tmp_path / "gradebook.db"
    with sqlite3.connect(db) as connection:
        connection.execute("create table t (x)")
        connection.execute("insert into t values (42)")
    connection.close()
    monkeypatch.setattr(preprocessors.BackupGradebook, "_last", {})
    backup = preprocessors.BackupGradebook(keep=2)
    resources = {"nbgrader": {"db_url": f"sqlite:///{db}"}}
    backup.preprocess(None, resources)
    backup.preprocess(None, resources)  # the next submission of the same run: no second copy
    copies = sorted((tmp_path / "gradebook-backups").glob("gradebook-*.db"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as connection:
        assert connection.execute("select x from t").fetchall() == [(42,)]
    connection.close()
    for _ in range(3):  # three later runs: only the two newest copies stay
        preprocessors.BackupGradebook(keep=2, interval=0).preprocess(None, resources)
    assert len(list((tmp_path / "gradebook-backups").glob("gradebook-*.db"))) == 2


@needs_bwrap
@pytest.mark.parametrize("root", [True, False])
def test_both_forms_of_the_bwrap_command_start_python_with_numpy_and_the_kit(root):
    """As root bwrap runs without a user namespace, otherwise with one: both command lines work
    here (the unprivileged one tried from root too, when this test runs as root)."""
    if root and os.geteuid() != 0:
        pytest.skip("the privileged form needs root")
    cmd = sandbox.command(3, sandbox.Limits(), [], root=root)
    code = "import sys; sys.path += sys.argv[1:]; import numpy, os; print(sorted(os.listdir('/kit')))"
    inner = [sys.executable, "-I", "-S", "-c", code, *cmd[cmd.index("-c") + 3 :]]
    out = subprocess.run(cmd[: cmd.index("--") + 1] + inner, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['_gradekit', 'course_utils']"


# -- where the grading environment lives, who runs it, and torch answers ---------------------------

CHECKS = [  # one graded cell per exercise, as the notebook's test cells call them
    grade.Check(f"{e.task}_check", e.name, e.function, e.points) for e in EXERCISES.values()
]
TORCH_SOLVED = {  # right answers written with torch: tensors in, tensors out
    "softmax_answer": """
import torch

def my_softmax(z):
    return torch.softmax(torch.as_tensor(z), dim=-1)
""",
    "softmax_jacobian_answer": """
def my_softmax_jacobian(z):
    S = torch.softmax(torch.as_tensor(z), dim=-1)
    return torch.diag(S) - torch.outer(S, S)
""",
    "cross_entropy_grad_answer": """
def my_cross_entropy_grad(z, Y):
    z, Y = torch.as_tensor(z), torch.as_tensor(Y)
    return (torch.softmax(z, dim=-1) - Y) / z.shape[0]
""",
    "dense_backward_answer": """
def my_dense_backward(X, W, b, dZ):
    X, W, dZ = torch.as_tensor(X), torch.as_tensor(W), torch.as_tensor(dZ)
    return dZ @ W.T, X.T @ dZ, dZ.sum(dim=0)
""",
    "mlp_backward_answer": """
def my_mlp_backward(params, X, A1, z, Y):
    A1 = torch.as_tensor(A1)
    dz = my_cross_entropy_grad(z, Y)
    dA1, dW2, db2 = my_dense_backward(A1, params["W2"], params["b2"], dz)
    _, dW1, db1 = my_dense_backward(X, params["W1"], params["b1"], dA1 * (1 - A1**2))
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
""",
}


def _scores_of(answers: dict[str, str]) -> dict[str, float | None]:
    verdicts, result = grade.grade(list(answers.items()), CHECKS)
    return {k: v.score for k, v in verdicts.items()}, verdicts, result


@needs_bwrap
def test_torch_answers_score_full_marks_in_the_sandbox(torch):
    """The notebook promises that a correct torch answer passes wherever torch is installed:
    graded in the sandbox with its default limits (2 GB of memory, 32 processes)."""
    scores, verdicts, result = _scores_of(TORCH_SOLVED)
    assert scores == {c.grade_id: c.points for c in CHECKS}, (
        "\n".join(v.text for v in verdicts.values()) + result.stderr
    )


@needs_bwrap
def test_a_python_environment_inside_tmp_is_seen_by_the_sandbox(tmp_path, monkeypatch):
    """A clone (and its .venv) under /tmp: the sandbox's fresh /tmp must not hide it."""
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "grading_probe_module.py").write_text("ANSWER = 42\n")
    for path in (tmp_path, site, site / "grading_probe_module.py"):
        path.chmod(0o755)
    dirs, sites = sandbox._python_dirs(), sandbox._site_dirs()
    monkeypatch.setattr(sandbox, "_python_dirs", lambda: [*dirs, site])
    monkeypatch.setattr(sandbox, "_site_dirs", lambda: [*sites, str(site)])
    cells = [("a", "import grading_probe_module\n\ndef f(x):\n    return x + grading_probe_module.ANSWER\n")]
    task = {"name": "f", "function": "f", "inputs": [{"x": 0.0}], "time_limit": 5.0}
    result = sandbox.run(cells, [task], hidden=[])
    assert result.cells == [{"label": "a", "error": None}], result.stderr
    assert wire.evaluation_from_data(result.outcomes["f"].evaluation, 5.0).calls[0].value == 42


UNPRIVILEGED = """
import json, sys
from course_utils.grading import grade, sandbox
sys.path.insert(0, sys.argv[1])
from test_grading_redteam import CHECKS, SOLVED
cmd = sandbox.command(3, sandbox.Limits(), [])
scores = {}
for name, answers in (("solved", SOLVED), ("blank", {})):
    verdicts, result = grade.grade(list(answers.items()), CHECKS)
    scores[name] = {k: v.score for k, v in verdicts.items()}
print(json.dumps({"unshare_all": "--unshare-all" in cmd, "scores": scores, "stderr": result.stderr}))
"""


@needs_bwrap
@pytest.mark.slow  # two whole submissions graded in a second interpreter: about 13 s
def test_grading_as_a_normal_user_uses_a_user_namespace_and_scores_the_same():
    """An instructor who grades as a normal user: bwrap makes its own user namespace. Run as root
    (CI), this test drops to ``nobody`` first, so the unprivileged path is what runs."""
    import shutil
    import tempfile

    if os.geteuid() == 0:
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    else:
        prefix = []
    work = Path(tempfile.mkdtemp(prefix="grader-"))  # pytest's tmp_path is closed to other users
    work.chmod(0o777)
    env = {"PATH": os.environ["PATH"], "HOME": str(work), "TMPDIR": str(work), "LANG": "C.UTF-8"}
    try:
        out = subprocess.run(
            [*prefix, sys.executable, "-c", UNPRIVILEGED, str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=300,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["unshare_all"] is True
    assert report["scores"]["solved"] == {c.grade_id: c.points for c in CHECKS}, report["stderr"]
    assert report["scores"]["blank"] == {c.grade_id: 0.0 for c in CHECKS}

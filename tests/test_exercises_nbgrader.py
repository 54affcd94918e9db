"""Notebook 05 as an nbgrader assignment, end to end, with nbgrader's own commands.

From the one source (notebooks/source/05_exercises/05_exercises.ipynb) ``nbgrader
generate_assignment`` makes the release: it must hold no solution code and no hidden test, and
match the committed student notebook cell for cell. Four submissions are then autograded in one
course: a blank one, a fully correct one (in other styles than the source's solutions), one with
typical mistakes and one that redefines a check; the scores must be 0, 10 and the points of the
one right exercise, the feedback HTML must carry each checker's diagnosis, and the redefined
check must earn nothing. Autograde runs each submission's answers in the sandbox of
course_utils.grading (tests/test_grading_redteam.py attacks it).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from course_utils import exercises

ROOT = Path(__file__).resolve().parents[1]
BUILDER_PATH = ROOT / "notebooks" / "source" / "build_student_notebook.py"
ASSIGNMENT = "05_exercises"
pytestmark = pytest.mark.slow  # runs nbgrader's generate_assignment and autograde: about 20 s

if not BUILDER_PATH.exists():  # the answers (notebooks/source/) are withheld from this copy
    pytest.skip(
        "notebooks/source/ withheld from this copy (see README, 'For instructors')", allow_module_level=True
    )

EXERCISES = exercises.EXERCISES
TOTAL = sum(e.points for e in EXERCISES.values())  # the assignment's points, what a correct submission earns

spec = importlib.util.spec_from_file_location("build_student_notebook", BUILDER_PATH)
builder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(builder)

# Correct answers in other styles than the source's: float32, loops, einsum, a transposed Jacobian.
CORRECT = {
    "softmax_answer": """
def my_softmax(z):
    z32 = np.asarray(z, dtype=np.float32)
    e = np.exp(z32 - z32.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
""",
    "softmax_jacobian_answer": """
def my_softmax_jacobian(z):
    S = my_softmax(z).astype(np.float64)
    K = len(S)
    J = np.zeros((K, K))
    for i in range(K):
        for j in range(K):
            J[j, i] = S[i] * ((i == j) - S[j])
    return J
""",
    "cross_entropy_grad_answer": """
def my_cross_entropy_grad(z, Y):
    return (my_softmax(z) - Y) / Y.sum()
""",
    "dense_backward_answer": """
def my_dense_backward(X, W, b, dZ):
    return np.einsum("nm,dm->nd", dZ, W), np.einsum("nd,nm->dm", X, dZ), list(dZ.sum(axis=0))
""",
    "mlp_backward_answer": """
def my_mlp_backward(params, X, A1, z, Y):
    dz = my_cross_entropy_grad(z, Y)
    dA1, dW2, db2 = my_dense_backward(A1, params["W2"], params["b2"], dz)
    dZ1 = np.asarray(dA1) * (1 - A1**2)
    _, dW1, db1 = my_dense_backward(X, params["W1"], params["b1"], dZ1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
""",
}

# Typical mistakes: no max shift; the delta_ij term missing; the lecture's -y/S route (right on
# paper, NaN where a probability rounds to 0); a right dense layer; A1 where the first layer's
# input X belongs. Only exercise 4 earns its points.
MISTAKES = {
    "softmax_answer": """
def my_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
""",
    "softmax_jacobian_answer": """
def my_softmax_jacobian(z):
    e = np.exp(z - z.max())
    S = e / e.sum()
    return -np.outer(S, S)
""",
    "cross_entropy_grad_answer": """
def my_cross_entropy_grad(z, Y):
    rows = []
    for z_n, y_n in zip(z, Y):
        e = np.exp(z_n - z_n.max())
        S = e / e.sum()
        J = np.diag(S) - np.outer(S, S)
        rows.append(J.T @ (-y_n / S))
    return np.array(rows) / len(z)
""",
    "dense_backward_answer": CORRECT["dense_backward_answer"],
    "mlp_backward_answer": """
def my_mlp_backward(params, X, A1, z, Y):
    dz = my_cross_entropy_grad(z, Y)
    dA1, dW2, db2 = my_dense_backward(A1, params["W2"], params["b2"], dz)
    dZ1 = dA1 * (1 - A1**2)
    _, dW1, db1 = my_dense_backward(A1, params["W1"], params["b1"], dZ1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
""",
}

# Redefines the check so that it "passes": a hidden test notices.
CHEAT = {"softmax_answer": "def my_softmax(z):\n    return z\n\n\ndef check_softmax(fn):\n    return True"}

DIAGNOSES = [
    "overflow at large logits: no max shift",
    "the diagonal δ_ij term is missing",
    "Simplify before computing",
    "the first layer's input is X (A1 is its output)",
]


def submission(released: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id].strip("\n")
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory, grading_sandbox) -> Path:
    """A course with the release generated and three submissions autograded, feedback generated."""
    root = tmp_path_factory.mktemp("course")
    released = builder.release(root)
    for student, answers in (("blank", {}), ("correct", CORRECT), ("mistakes", MISTAKES), ("cheat", CHEAT)):
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(released, answers), folder / f"{ASSIGNMENT}.ipynb")
    builder.nbgrader("autograde", ASSIGNMENT, course=root)
    builder.nbgrader("generate_feedback", ASSIGNMENT, course=root)
    return root


def _released(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def test_the_release_has_no_solution_code_and_no_hidden_test(course: Path):
    text = (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "The check names"):
        assert marker not in text
    source = nbformat.read(builder.SOURCE, as_version=4)
    solution_lines = [
        line.strip()
        for cell in source.cells
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        for line in region.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(solution_lines) >= 10
    released_code = "\n".join(c.source for c in _released(course).cells)
    for line in solution_lines:
        assert line not in released_code, f"solution code in the release: {line!r}"
    stubs = [c for c in _released(course).cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(stubs) == len(EXERCISES) and all("raise NotImplementedError()" in c.source for c in stubs)


def test_the_release_is_the_committed_student_notebook(course: Path):
    committed = nbformat.read(builder.STUDENT, as_version=4)
    assert builder.cells(committed) == builder.cells(_released(course)), (
        "notebooks/05_exercises.ipynb differs from nbgrader's release of the source: "
        "run notebooks/source/build_student_notebook.py"
    )


def test_graded_cells_are_locked_and_worth_their_exercises_points(course: Path):
    graded = [c for c in _released(course).cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in graded] == [f"{e.task}_check" for e in EXERCISES.values()]
    for cell, exercise in zip(graded, EXERCISES.values(), strict=True):
        assert cell.metadata.nbgrader.locked and cell.metadata.nbgrader.points == exercise.points
        assert exercise.name in cell.source and cell.source.rstrip().endswith(f"out_of={exercise.points})")


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(ASSIGNMENT, s).score for s in ("blank", "correct", "mistakes")}


def test_autograde_scores_blank_correct_and_mistakes(course: Path):
    dense = exercises.engine.by_task("dense_backward")  # the one exercise the mistakes get right
    assert _scores(course) == {"blank": 0.0, "correct": TOTAL, "mistakes": dense.points}


def test_feedback_carries_the_diagnoses(course: Path):
    feedback = (course / "feedback" / "mistakes" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    for diagnosis in DIAGNOSES:
        assert diagnosis in feedback, diagnosis
    blank = (course / "feedback" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert blank.count("not implemented yet. Replace") == len(EXERCISES)
    correct = (course / "feedback" / "correct" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert correct.count("correct on all") == len(EXERCISES) and "float32" in correct


def test_a_redefined_checker_earns_nothing(course: Path):
    """The grader runs the real checker on what my_softmax returns: redefining check_softmax in the
    notebook changes nothing, and the feedback carries the real diagnosis."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = {
            g.name: g.score for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "cheat").grades
        }
    assert grades["softmax_check"] == 0.0
    feedback = (course / "feedback" / "cheat" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "✔ softmax" not in feedback and "✘ softmax" in feedback

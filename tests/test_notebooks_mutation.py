"""Each notebook fails when a course_utils function it checks is made subtly wrong.

nbval proves the notebooks pass with the real course_utils. This proves the converse: their
asserts have teeth. For each mutant below, course_utils is copied to a temporary folder, one
small change is made to its source (the kind of slip a student or a maintainer could make),
the copy is put first on the kernel's PYTHONPATH, and the notebook is executed with nbclient.
The test passes only if execution stops with an AssertionError raised by one of the
notebook's own cells (not an ImportError, not a TypeError from a broken copy).

Notebook 01 checks softmax, log_softmax, cross_entropy, cross_entropy_with_logits, one_hot;
02 checks softmax_jacobian, numerical_gradient, relative_error; 03 checks cross_entropy_grad,
softmax_jacobian and numerical_gradient; 04 checks the MLP's backward pass and weight update;
06 checks cross_entropy_grad and numerical_gradient on the digits.
Every one of those functions has a mutant for every
notebook that checks it; the list is kept short because each case starts a kernel (~3-5 s).

If course_utils is refactored and a mutant's ``old`` text no longer appears exactly once, the
test says so: update the mutant to the new code rather than deleting it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course_utils"
NOTEBOOKS = {
    "01": ROOT / "notebooks" / "01_softmax_and_cross_entropy.ipynb",
    "02": ROOT / "notebooks" / "02_softmax_jacobian.ipynb",
    "03": ROOT / "notebooks" / "03_cross_entropy_gradient.ipynb",
    "04": ROOT / "notebooks" / "04_backpropagation.ipynb",
    "06": ROOT / "notebooks" / "06_real_data_digits.ipynb",
}


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # inside course_utils/
    old: str  # must occur exactly once in that file
    new: str
    notebooks: tuple[str, ...]  # every notebook that must fail


MUTANTS = [
    # softmax.py
    Mutant(
        "softmax-without-max-shift",
        "softmax.py",
        "return z - np.max(z, axis=axis, keepdims=True)",
        "return z.copy()",
        ("01",),
    ),
    Mutant(
        "softmax-normalises-over-the-batch-axis",
        "softmax.py",
        "e /= np.sum(e, axis=axis, keepdims=True)",
        "e /= np.sum(e, axis=0, keepdims=True)",
        ("01",),
    ),
    Mutant(
        "log_softmax-as-log-of-softmax",
        "softmax.py",
        "shifted -= np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))\n    return shifted",
        "return np.log(_softmax(z, axis))",
        ("01",),
    ),
    Mutant(
        "jacobian-sign-of-outer-product-flipped",
        "softmax.py",
        "* S[..., :, None] - outer",
        "* S[..., :, None] + outer",
        ("02", "03"),
    ),
    # losses.py
    Mutant(
        "cross_entropy-uses-log2",
        "losses.py",
        "log_S = np.log(S)",
        "log_S = np.log2(S)",
        ("01",),
    ),
    Mutant(
        "cross_entropy_with_logits-forgets-the-max-at-the-label",
        "softmax.py",
        "at_label = np.take_along_axis(shifted, labels[..., None], axis=-1)[..., 0]",
        "at_label = np.take_along_axis(z, labels[..., None], axis=-1)[..., 0]",
        ("01",),
    ),
    Mutant(
        "one_hot-off-by-one",
        "losses.py",
        "np.eye(num_classes, dtype=np.float64)[labels]",
        "np.eye(num_classes, dtype=np.float64)[labels - 1]",
        ("01",),
    ),
    Mutant(
        "grad-forgets-1/N",
        "losses.py",
        "grad /= z.shape[0]",
        "grad /= 1",
        ("03", "06"),
    ),
    Mutant(
        "grad-assumes-labels-sum-to-1",
        "losses.py",
        "grad = (S * y.sum(axis=-1, keepdims=True) - y)",
        "grad = (S - y)",
        ("03",),
    ),
    Mutant(
        "grad-batch-labels-hit-whole-columns",
        "losses.py",
        "grad[np.arange(z.shape[0]), y] -= 1",
        "grad[:, y] -= 1",
        ("03",),
    ),
    Mutant(
        "fused-grad-forgets-1/N",
        "losses.py",
        'scale = 1.0 / N if reduction == "mean" and z.ndim == 2 else 1.0',
        "scale = 1.0",
        ("04",),
    ),
    # gradcheck.py
    Mutant(
        "numerical_gradient-forgets-the-2",
        "gradcheck.py",
        "/ (2 * eps)",
        "/ eps",
        ("02", "03", "06"),
    ),
    Mutant(
        "relative_error-min-instead-of-max",
        "gradcheck.py",
        "numerator = np.max(np.abs(a - b))",
        "numerator = np.min(np.abs(a - b))",
        ("02",),
    ),
    # network.py
    Mutant(
        "backward-forgets-the-tanh-derivative",
        "network.py",
        "dZ = dA_prev * self.dphi_from_output(A_prev)",
        "dZ = dA_prev",
        ("04",),
    ),
    Mutant(
        "backward-averages-db-instead-of-summing",
        "network.py",
        'self.grads[f"b{i}"] = dZ.sum(axis=0)',
        'self.grads[f"b{i}"] = dZ.mean(axis=0)',
        ("04",),
    ),
    Mutant(
        "step-climbs-the-gradient",
        "network.py",
        "p -= lr * self.grads[k]",
        "p += lr * self.grads[k]",
        ("04",),
    ),
]

CASES = [pytest.param(m, nb, id=f"{nb}-{m.name}") for m in MUTANTS for nb in m.notebooks]


def make_mutant(mutant: Mutant, folder: Path) -> Path:
    """Copy course_utils into ``folder`` with the mutation applied; return the folder for PYTHONPATH."""
    target = folder / "course_utils"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    path = target / mutant.file
    source = path.read_text()
    count = source.count(mutant.old)
    assert count == 1, (
        f"mutant {mutant.name!r}: expected {mutant.old!r} exactly once in course_utils/{mutant.file}, "
        f"found it {count} times. course_utils changed: update the mutant to the new code."
    )
    path.write_text(source.replace(mutant.old, mutant.new))
    return folder


def test_every_mutant_changes_something_and_every_notebook_is_covered():
    for mutant in MUTANTS:
        assert mutant.old != mutant.new, mutant.name
        assert set(mutant.notebooks) <= set(NOTEBOOKS), mutant.name
    assert {nb for m in MUTANTS for nb in m.notebooks} == set(NOTEBOOKS)


@pytest.mark.slow  # runs a notebook per mutant
@pytest.mark.parametrize(("mutant", "notebook"), CASES)
def test_notebook_fails_on_mutant(mutant: Mutant, notebook: str, tmp_path: Path, monkeypatch):
    pythonpath = make_mutant(mutant, tmp_path)
    paths = [str(pythonpath), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")

    nb = nbformat.read(NOTEBOOKS[notebook], as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert failure.value.ename == "AssertionError", (
        f"notebook {notebook} stopped on {failure.value.ename}, not on one of its asserts:\n{failure.value}"
    )

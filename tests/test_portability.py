"""Every notebook gives the same verdict on every machine, not just on the one that stored it.

Another CPU, BLAS build or numpy version computes the same formulas a unit in the last place
(ulp) differently, and 800 training steps can turn that into another accuracy. So a stored
output that strict nbval compares must be a fact (exact, symbolic, a count, a value rounded far
from a rounding edge), and an assert about a training run must hold with a margin.

This test proves it by running strict nbval over every notebook twice, the way another machine
would, which differs from this one in both ways at once:

- every ``MLP``'s initial weights and the ``make_spirals`` data moved 1 ulp up in one run, 1 ulp
  down in the other (``tests/portability/sitecustomize.py``, put on the kernels' PYTHONPATH);
- numpy's AVX-512 code paths switched off in both (``NPY_DISABLE_CPU_FEATURES``), so exp, tanh
  and the reductions take the AVX2 paths that most other CPUs use.

A third run with the SIMD paths alone switched off is not made: it costs a full run of the
notebooks (about 30 s of CPU), and an output that either change moves is moved in these runs too,
unless the two changes cancel exactly.

BLAS is left alone: machines of this kind set OPENBLAS_CORETYPE on purpose, and the 1-ulp
nudges already move every matrix product as much as another BLAS kernel would.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NUDGER = ROOT / "tests" / "portability"
_spec = importlib.util.spec_from_file_location("run", ROOT / "run.py")
run_py = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_py)
# The README's test command, over the notebooks only, in one process: it runs inside a worker of
# the suite, whose other workers already keep every core busy (more processes only start more
# interpreters).
NBVAL = [arg for arg in run_py.TEST_ARGS if arg != "tests"] + ["-p", "no:cacheprovider", "-q", "-n", "0"]


def simd_paths_to_disable() -> list[str]:
    """numpy's dispatched SIMD targets that this CPU would use and another CPU may lack.

    The AVX-512 ones where the CPU has them; on a CPU without AVX-512, every dispatched target it
    has (so the run still takes other code paths than the plain one).
    """
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    used = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    avx512 = [t for t in used if t.startswith("AVX512") or t == "X86_V4"]
    return avx512 or used


def run_nbval(env_changes: dict[str, str], log: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COURSE_ULP_LOG=str(log), **env_changes)
    return subprocess.run(
        [sys.executable, *NBVAL], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )


def report(result: subprocess.CompletedProcess) -> str:
    return (
        f"strict nbval failed (exit {result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["up", "down"])
def test_notebooks_agree_when_weights_and_data_move_one_ulp_without_avx512(direction, tmp_path):
    log = tmp_path / "nudges.log"
    pythonpath = os.pathsep.join(filter(None, [str(NUDGER), os.environ.get("PYTHONPATH")]))
    changes = {"COURSE_ULP_NUDGE": direction, "PYTHONPATH": pythonpath}
    disabled = simd_paths_to_disable()  # none on a CPU that dispatches none: it is the other machine
    if disabled:
        changes["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
    result = run_nbval(changes, log)
    assert result.returncode == 0, report(result)
    nudged = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    # The nudges really happened inside the notebooks' kernels (not only in this process).
    assert any(line.startswith("MLP [2, 16, 3]") for line in nudged), nudged[:20]
    assert any(line.startswith("make_spirals (180, 2)") for line in nudged), nudged[:20]


def test_simd_paths_to_disable_are_accepted_by_numpy():
    """numpy refuses (with a warning, then ignores) features it does not dispatch: none of ours."""
    disabled = simd_paths_to_disable()
    code = (
        "from numpy._core._multiarray_umath import __cpu_features__ as f\n"
        "print(sorted(k for k, v in f.items() if not v))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        env=dict(os.environ, NPY_DISABLE_CPU_FEATURES=" ".join(disabled)),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for target in disabled:
        assert f"'{target}'" in result.stdout, (target, result.stdout)


def test_nudger_moves_weights_and_data_by_exactly_one_ulp(tmp_path):
    """The sitecustomize really nudges, by one ulp, in the direction asked, and logs it."""
    code = (
        "import numpy as np\n"
        "from course_utils.network import MLP\n"
        "from course_utils.data import make_spirals\n"
        "net = MLP([2, 4, 3], seed=0)\n"
        "X, _ = make_spirals(n_per_class=5, K=3, seed=0)\n"
        "np.save('W1.npy', net.params['W1']); np.save('b1.npy', net.params['b1']); np.save('X.npy', X)\n"
    )
    plain, up = tmp_path / "plain", tmp_path / "up"
    for folder, env in ((plain, {}), (up, {"COURSE_ULP_NUDGE": "up", "PYTHONPATH": str(NUDGER)})):
        folder.mkdir()
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=folder,
            env=dict(os.environ, COURSE_ULP_LOG=str(tmp_path / "log"), **env),
            check=True,
        )
    import numpy as np

    for name in ("W1", "X"):
        a, b = np.load(plain / f"{name}.npy"), np.load(up / f"{name}.npy")
        np.testing.assert_array_equal(b, np.nextafter(a, np.inf), err_msg=name)
    np.testing.assert_array_equal(np.load(up / "b1.npy"), 0.0, err_msg="biases start at exactly 0")
    assert (tmp_path / "log").read_text().splitlines() == ["MLP [2, 4, 3]", "make_spirals (15, 2)"]

"""Repository hygiene that students and maintainers rely on."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(path: Path) -> list[str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def test_every_requirement_is_pinned_exactly():
    for line in requirement_lines(ROOT / "requirements.txt"):
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line), f"not an exact pin: {line!r}"


def test_the_known_traps_are_respected_by_the_pins():
    pins = dict(line.split("==") for line in requirement_lines(ROOT / "requirements.txt"))
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    assert pins["ipykernel"].startswith("6.31."), "ipykernel 7 draws slider plots blank about half the time"
    major, minor = map(int, pins["numpy"].split(".")[:2])
    assert (major, minor) < (2, 5), "numpy 2.5 has no wheels for Python 3.11"
    for needed in (
        "numpy",
        "sympy",
        "matplotlib",
        "ipywidgets",
        "jupyterlab",
        "nbval",
        "pytest",
        "hypothesis",
    ):
        assert needed in pins, f"{needed} is not pinned"


def test_binder_installs_the_same_pins_and_the_package():
    assert requirement_lines(ROOT / "binder" / "requirements.txt") == ["-r ../requirements.txt"]
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()


def test_readme_commands_are_the_ones_run_py_and_ci_run():
    readme = (ROOT / "README.md").read_text()
    assert "`python3 run.py lab`" in readme and "`python3 run.py test`" in readme
    assert "python3 run.py test" in (ROOT / ".ci" / "run").read_text()


def test_readme_links_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        assert str(nb.relative_to(ROOT)) in readme, f"README does not mention {nb.relative_to(ROOT)}"


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed in this environment")
    result = subprocess.run([str(ruff), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

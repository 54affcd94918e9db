"""binder/ builds the students' environment on its own, checked the way Binder (repo2docker) builds it.

What repo2docker does with a repository (read from its Python buildpack): once ``binder/`` exists it
ignores the files at the root; ``binder/runtime.txt`` picks the Python version; it runs
``pip install --no-cache-dir -r "binder/requirements.txt"`` from the repository root (here the
students' lock, written by ``tools/lock_student.py``); then ``./binder/postBuild`` from the root
with the environment's ``bin`` first on PATH.

What Binder and a hub open is the student edition (``tools/build_student.py``), which has no
``run.py``, no ``pyproject.toml`` and ``course_utils`` beside the notebooks. The quick tests below
check the files. ``test_the_student_editions_binder_builds_alone_and_runs_every_notebook`` builds
the edition, repeats repo2docker's steps in a brand-new virtual environment from the edition alone,
checks that it holds exactly the students' lock, and executes every student notebook in a kernel
started in the notebooks' folder (the notebooks assert their own claims, so a wrong result fails).
It installs everything from PyPI (a few minutes), so it only runs when ``COURSE_TEST_BINDER=1``
(``.ci/run`` sets it). Nothing is reused between runs except pip's download cache, which cannot
stand in for a missing pin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
sys.path.insert(0, str(ROOT / "tools"))
import build_student  # noqa: E402
import lock_student  # noqa: E402

# Installed by venv and pip themselves, not by the lock.
BOOTSTRAP = {"pip", "setuptools", "wheel"}


def test_runtime_pins_python_311() -> None:
    # Without runtime.txt Binder takes its default Python (3.10), not the one the pins are for.
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_installs_the_students_lock() -> None:
    text = (BINDER / "requirements.txt").read_text()
    assert "-r " not in text, "binder/requirements.txt must stand alone (the edition has no other lock)"
    assert text == lock_student.student_lock()


def test_postbuild_uses_only_what_binder_holds() -> None:
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), (
        "binder/postBuild must be executable (repo2docker runs ./binder/postBuild)"
    )
    text = post_build.read_text()
    assert text.startswith("#!/bin/bash") and "set -euo pipefail" in text
    commands = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert "python binder/install_settings.py" in commands
    assert not any("run" in ln.split() or "import run" in ln for ln in commands), commands
    # Only the instructor's repository (pyproject.toml and course_utils at its root) installs anything.
    installs = [i for i, ln in enumerate(commands) if "pip install" in ln]
    assert all("pyproject.toml" in commands[i - 1] for i in installs), commands


def _python_311() -> str:
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if not found:
        pytest.fail("binder/runtime.txt asks for Python 3.11, and no python3.11 is on PATH")
    return found


# Executes one notebook in the environment under test, in a kernel started in the notebook's folder.
EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
print(sum(c.cell_type == "code" for c in nb.cells))
"""


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("COURSE_TEST_BINDER") != "1",
    reason="slow (a full install from PyPI): set COURSE_TEST_BINDER=1 to build the Binder environment",
)
def test_the_student_editions_binder_builds_alone_and_runs_every_notebook(tmp_path: Path) -> None:
    edition = tmp_path / "student"
    build_student.build(edition)
    venv = tmp_path / "env"
    subprocess.run([_python_311(), "-m", "venv", str(venv)], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")
        # Bytecode is written as modules are first imported (see --no-compile below).
        and key != "PYTHONDONTWRITEBYTECODE"
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())

    def run(*cmd: str | Path, cwd: Path = edition) -> subprocess.CompletedProcess:
        result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (
            f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        )
        return result

    python = venv / "bin" / "python"
    # repo2docker's assemble step, from the edition's root. --no-compile: pip would byte-compile all
    # of site-packages (half of the install's 60 s of CPU); the kernels below compile what they
    # import, once, which is what the notebooks need. It installs the same files otherwise.
    run(python, "-m", "pip", "install", "--quiet", "--no-compile", "-r", "binder/requirements.txt")
    run("./binder/postBuild")
    run(python, "-m", "pip", "check")

    listed = json.loads(run(python, "-m", "pip", "list", "--format=json").stdout)
    installed = {lock_student.canonicalize_name(d["name"]) for d in listed} - BOOTSTRAP
    assert installed == set(lock_student.read_pins(edition / "binder" / "requirements.txt")), (
        "the Binder environment is not exactly the students' lock"
    )
    app_dir = run(python, "-c", "from jupyterlab.commands import get_app_dir; print(get_app_dir())")
    settings = Path(app_dir.stdout.strip()) / "settings" / "overrides.json"
    assert settings.read_bytes() == (BINDER / "overrides.json").read_bytes(), (
        "postBuild installed no settings"
    )

    notebooks = edition / "notebooks"
    where = run(python, "-c", "import course_utils; print(course_utils.__file__)", cwd=notebooks)
    assert Path(where.stdout.strip()) == notebooks / "course_utils" / "__init__.py"
    names = [p.name for p in build_student.teaching_notebooks(notebooks)]
    assert names == [p.name for p in build_student.teaching_notebooks()]
    for name in names:
        cells = run(python, "-c", EXECUTE, name, cwd=notebooks).stdout.split()[-1]
        assert int(cells) > 0, name

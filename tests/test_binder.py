"""binder/ builds the tested environment, checked the way Binder (repo2docker) builds it.

What repo2docker does with this repository (read from its Python buildpack): once ``binder/``
exists it ignores the files at the root; ``binder/runtime.txt`` picks the Python version;
because ``binder/requirements.txt`` has a local reference (``-r ../requirements.txt``) it copies
the whole repository first and then runs ``pip install --no-cache-dir -r "binder/requirements.txt"``
from the repository root; then it runs ``./binder/postBuild`` from the repository root with the
environment's ``bin`` first on PATH.

The quick tests below check those files. ``test_fresh_binder_environment_passes_strict_nbval``
repeats the build in a brand-new virtual environment made from a copy of the repository (tracked
and new files, as a clone would have them; no ``.venv``, no ``build/``) and runs strict nbval on
every notebook in it, plus the JupyterLab extension check. It installs everything from PyPI (a few
minutes), so it only runs when ``COURSE_TEST_BINDER=1`` (``.ci/run`` sets it). Nothing is reused
between runs except pip's download cache, which cannot stand in for a missing pin: the environment
is new every time and gets only what ``binder/`` asks for.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def _nbval_args() -> list[str]:
    """run.py's TEST_ARGS without ``-m pytest`` and ``tests``: the same strict nbval flags."""
    spec = importlib.util.spec_from_file_location("course_run", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [a for a in module.TEST_ARGS if a not in ("-m", "pytest", "tests")]


def _requirement_lines(path: Path) -> list[str]:
    return [
        ln.split("#", 1)[0].strip() for ln in path.read_text().splitlines() if ln.split("#", 1)[0].strip()
    ]


def test_runtime_pins_python_311() -> None:
    # Without runtime.txt Binder takes its default Python (3.10), not the one the pins are for.
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_requirements_are_the_tested_pins() -> None:
    lines = _requirement_lines(BINDER / "requirements.txt")
    assert lines == ["-r ../requirements.txt"], lines
    # pip resolves a nested -r relative to the file containing it: binder/../requirements.txt.
    assert (BINDER / ".." / "requirements.txt").resolve() == ROOT / "requirements.txt"
    pins = _requirement_lines(ROOT / "requirements.txt")
    unpinned = [p for p in pins if "==" not in p]
    assert not unpinned, f"requirements.txt must pin every package exactly: {unpinned}"


def test_postbuild_installs_course_utils_and_settings() -> None:
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), (
        "binder/postBuild must be executable (repo2docker runs ./binder/postBuild)"
    )
    text = post_build.read_text()
    assert text.startswith("#!/bin/bash") and "set -euo pipefail" in text
    assert "pip install --no-deps -e ." in text
    assert "overrides.json" in text and (BINDER / "overrides.json").exists()


def _repository_copy(dest: Path) -> Path:
    """The files a clone would have: tracked and new (not ignored) files."""
    try:
        listed = (
            subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(
            ROOT,
            dest,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "build", "test-artifacts", "*.egg-info", "__pycache__"
            ),
        )
        return dest
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)  # keeps postBuild's executable bit
    return dest


def _python_311() -> str:
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if not found:
        pytest.fail("binder/runtime.txt asks for Python 3.11, and no python3.11 is on PATH")
    return found


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("COURSE_TEST_BINDER") != "1",
    reason="slow (a full install from PyPI): set COURSE_TEST_BINDER=1 to build the Binder environment",
)
def test_fresh_binder_environment_passes_strict_nbval(tmp_path: Path) -> None:
    repo = _repository_copy(tmp_path / "repo")
    venv = tmp_path / "env"
    subprocess.run([_python_311(), "-m", "venv", str(venv)], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())

    def run(*cmd: str | Path) -> subprocess.CompletedProcess:
        result = subprocess.run([str(c) for c in cmd], cwd=repo, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (
            f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        )
        return result

    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # repo2docker's assemble step, from the repository root:
    run(python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt")
    run("./binder/postBuild")
    run(python, "-m", "pip", "check")

    where = run(
        python, "-c", "import course_utils, sys; print(course_utils.__file__); print(sys.version_info[:2])"
    )
    path_line, version_line = where.stdout.split("\n")[:2]
    assert Path(path_line).is_relative_to(repo), f"course_utils comes from {path_line}, not the repository"
    assert version_line == "(3, 11)"
    app_dir = run(
        python, "-c", "from jupyterlab.commands import get_app_dir; print(get_app_dir())"
    ).stdout.strip()
    assert (Path(app_dir) / "settings" / "overrides.json").exists(), (
        "postBuild did not install overrides.json"
    )

    notebooks = sorted((repo / "notebooks").rglob("*.ipynb"))
    assert notebooks, "no notebooks in the repository copy"
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", *_nbval_args(), "tests/test_labextensions.py"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    tail = "\n".join(result.stdout.splitlines()[-40:])
    print(tail)
    assert result.returncode == 0, (
        f"strict nbval in the Binder environment failed:\n{tail}\n{result.stderr[-3000:]}"
    )

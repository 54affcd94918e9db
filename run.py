#!/usr/bin/env python3
"""Set up the course environment and open the notebooks, or run every test.

    python3 run.py lab     # create .venv, install, open JupyterLab on the notebooks
    python3 run.py test    # create .venv, install, run the unit tests and strict nbval
    python3 run.py build   # create .venv, install, write build/student/, build/site/, build/handout/,
                           # build/slides/
    python3 run.py publish DEST [--branch student]
                           # build the student edition and commit it on top of DEST's branch

Uses only the standard library, so it works with any Python 3.11 on the PATH.
The virtual environment lives in .venv next to this file (override with COURSE_VENV).
COURSE_TORCH=1 also installs requirements-torch.txt (torch, for the tests of torch answers).
Installing is skipped when requirements.txt has not changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COURSE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def cores() -> int:
    """The CPU cores this process may use (its affinity, where the system has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# The whole test suite: unit/property/widget tests, then every notebook under strict nbval, on
# every core (pytest-xdist; one file's tests stay together on one worker: tests/conftest.py).
# One worker more than the cores: the browser, kernel and server tests spend part of their time
# waiting, which the extra worker fills (on 2 cores, 599 s with 3 workers against 626-717 s with 2).
# The fast loop (-m "not slow") waits on nothing, so it runs a worker per core (FAST_WORKERS).
# ``python3 run.py test -n 0`` runs it in one process (for -s, --pdb).
WORKERS = min(cores() + 1, 4)  # beyond 4, the slowest test file (about 3 minutes) bounds the run anyway
FAST_WORKERS = min(cores(), 4)
TEST_ARGS = [
    "-m",
    "pytest",
    "-n",
    str(WORKERS),
    "--dist",
    "loadfile",
    "--no-loadscope-reorder",
    "--nbval",
    "--nbval-current-env",
    "--nbval-sanitize-with",
    "tests/nbval_sanitize.cfg",
    "tests",
    "notebooks",
]


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


# JupyterLab's settings defaults (no news pop-up, the presenting styles): binder/install_settings.py
# installs binder/overrides.json, for `run.py lab`, Binder (binder/postBuild) and the student edition.
SETTINGS = ROOT / "binder" / "overrides.json"


def install_settings(python: str | Path = sys.executable) -> Path:
    """Run binder/install_settings.py with ``python``: SETTINGS becomes the JupyterLab settings
    defaults of that environment. Return the path written."""
    script = ROOT / "binder" / "install_settings.py"
    out = subprocess.run([str(python), str(script)], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def setup() -> None:
    if sys.version_info[:2] != (3, 11):
        print(f"note: tested on Python 3.11, this is {sys.version.split()[0]}", file=sys.stderr)
    if not PY.exists():
        print(f"creating virtual environment {VENV.name}", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".installed"
    inputs = ["requirements.txt", "pyproject.toml", "binder/overrides.json", "binder/install_settings.py"]
    requirements = ["-r", "requirements.txt"]
    if os.environ.get("COURSE_TORCH") == "1":  # also torch, for the tests of torch answers
        inputs.append("requirements-torch.txt")
        requirements += ["-r", "requirements-torch.txt"]
    want = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in inputs))
    if stamp.exists() and stamp.read_text() == want.hexdigest():
        return
    files = requirements[1::2]
    pins = sum(1 for f in files for line in (ROOT / f).read_text().splitlines() if "==" in line)
    step(1, "upgrading pip")
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    step(2, f"installing {' and '.join(files)}: {pins} pinned packages (a few minutes the first time)")
    run(PY, "-m", "pip", "install", "--progress-bar", "off", *requirements)
    step(3, "installing course_utils (editable)")
    run(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    step(4, "installing the JupyterLab settings (binder/overrides.json)")
    install_settings(PY)
    stamp.write_text(want.hexdigest())
    print(f"{VENV.name} is ready", flush=True)


def step(n: int, what: str, of: int = 4) -> None:
    print(f"[setup {n}/{of}] {what}", flush=True)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in ("lab", "test", "build", "publish"):
        print(__doc__)
        return 2
    setup()
    if argv[0] == "lab":
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in argv:
            argv.append("--allow-root")  # JupyterLab refuses to start as root otherwise (containers)
        return subprocess.call(
            [str(PY), "-m", "jupyter", "lab", "notebooks/01_softmax_and_cross_entropy.ipynb", *argv[1:]],
            cwd=ROOT,
        )
    if argv[0] == "publish":
        return subprocess.call([str(PY), "tools/publish_student.py", *argv[1:]], cwd=ROOT)
    if argv[0] == "build":
        tools = (["tools/build_site.py"], ["tools/build_handout.py"], ["tools/export_slides.py", "--offline"])
        for tool in tools:
            status = subprocess.call([str(PY), *tool, *argv[1:]], cwd=ROOT)
            if status:
                return status
        return 0
    fast = ["-n", str(FAST_WORKERS)] if "not slow" in argv[1:] else []  # a later -n wins
    return subprocess.call([str(PY), *TEST_ARGS, *fast, *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The JupyterLab of this environment has the extensions the course needs, all compatible.

Parses ``jupyter labextension list``: every extension must be enabled and ``OK`` (JupyterLab
marks a broken or version-mismatched one with ``X`` and prints "incompatible"), and the widget
manager (ipywidgets 8) and the slideshow extension used to present live must be there.
User-level folders are replaced by empty temporary ones, so only this environment is judged.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REQUIRED = {
    "@jupyter-widgets/jupyterlab-manager": "renders ipywidgets 8 (the explorers)",
    "jupyterlab-slideshow": "presents a notebook as slides inside JupyterLab, widgets working",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXTENSION_LINE = re.compile(
    r"^\s+(?P<name>\S+) v(?P<version>\S+) (?P<state>enabled|disabled)\s+(?P<status>\S+)"
)


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("jupyter")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_DATA_DIR": str(tmp / "data")}
    env.pop("JUPYTER_PATH", None)
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return ANSI.sub("", result.stdout + result.stderr)


def extensions(text: str) -> dict[str, tuple[str, str, str]]:
    """name -> (version, enabled/disabled, status) from ``jupyter labextension list`` output."""
    return {
        m["name"]: (m["version"], m["state"], m["status"])
        for m in map(EXTENSION_LINE.match, text.splitlines())
        if m
    }


@pytest.mark.slow  # starts `jupyter labextension list`
def test_no_extension_is_incompatible_or_disabled(listing: str) -> None:
    found = extensions(listing)
    assert found, f"no extension parsed from:\n{listing}"
    bad = {name: info for name, info in found.items() if info[1:] != ("enabled", "OK")}
    assert not bad, f"extensions not enabled and OK: {bad}\n{listing}"
    assert "incompatible" not in listing.lower(), listing


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_extension_is_installed(name: str, listing: str) -> None:
    assert name in extensions(listing), f"{name} missing ({REQUIRED[name]}):\n{listing}"


def test_parser_flags_an_incompatible_extension() -> None:
    sample = (
        "JupyterLab v4.6.6\n/env/share/jupyter/labextensions\n"
        "        jupyterlab-slideshow v0.3.4 enabled OK\n"
        "        @jupyterlab/mathjax3-extension v4.3.0 enabled  X (python, jupyterlab-mathjax3)\n"
        "\n   The following extensions may be outdated or specify dependencies that are incompatible "
        "with the current version of jupyterlab:\n        @jupyterlab/mathjax3-extension\n"
    )
    found = extensions(sample)
    assert found["jupyterlab-slideshow"] == ("0.3.4", "enabled", "OK")
    assert found["@jupyterlab/mathjax3-extension"] == ("4.3.0", "enabled", "X")

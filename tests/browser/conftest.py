"""Fixtures for the real-browser tests: a private JupyterLab (or Notebook 7) server and headless Chromium.

JupyterLab runs from the test environment (``sys.executable``) on a free loopback port, with a
known token, on a temporary copy of ``notebooks/`` (running and saving never touches the repo),
with its own config, data, runtime, settings and workspace folders, and with binder/overrides.json
as its settings defaults (so the "Jupyter news" toast never covers the page).

The ``notebook7`` fixture starts Jupyter Notebook 7 the same way (``python -m notebook``, the same
folders and settings), for the tests that check the explorers there too.

Chromium is Debian's (``/usr/bin/chromium``) driven by pip's playwright; ``playwright install`` is
never needed. Without Chromium (or playwright) every browser test is skipped with the reason,
unless COURSE_REQUIRE_BROWSER=1 (CI sets it), which turns the skip into a failure.
Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_env import ARTIFACTS, ROOT, chromium, chromium_missing, load_tool, skip_or_fail


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium (tests/browser)")


def _extra_notebooks() -> list[Path]:
    """Notebooks named in COURSE_BROWSER_NOTEBOOKS (os.pathsep-separated), e.g. to test one draft."""
    value = os.environ.get("COURSE_BROWSER_NOTEBOOKS", "")
    return [Path(p).resolve() for p in value.split(os.pathsep) if p]


def shows_widgets(notebook: Path) -> bool:
    """Whether a notebook displays ipywidgets: a stored widget view, widget state in its metadata,
    or (for stripped notebooks) a cell that displays an explorer's ``.widget``."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    if "widgets" in nb.get("metadata", {}):
        return True
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if any(
            "application/vnd.jupyter.widget-view+json" in out.get("data", {})
            for out in cell.get("outputs", [])
        ):
            return True
        source = "".join(cell.get("source", ""))
        if re.search(r"Explorer\(|\.widget\b|ipywidgets", source):
            return True
    return False


def widget_notebooks() -> list[Path]:
    """Every notebook that shows a widget: those in notebooks/, or those in COURSE_BROWSER_NOTEBOOKS."""
    candidates = _extra_notebooks() or sorted((ROOT / "notebooks").glob("*.ipynb"))
    return [p for p in candidates if shows_widgets(p)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "widget_notebook" in metafunc.fixturenames:
        notebooks = widget_notebooks()
        metafunc.parametrize("widget_notebook", notebooks, ids=[p.name for p in notebooks])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: where it listens and where its files are."""

    url: str
    token: str
    root_dir: Path
    runtime_dir: Path
    log: Path
    app: str = "jupyterlab"  # or "notebook" (Jupyter Notebook 7)

    def api(self, path: str) -> object:
        """GET a JSON REST endpoint of the server."""
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.url}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def notebook_url(self, relpath: str) -> str:
        if self.app == "notebook":  # Notebook 7 opens one notebook per page
            return f"{self.url}/notebooks/{relpath}?token={self.token}"
        # ?reset: ignore any saved workspace so only this notebook is open.
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from _serve(tmp_path_factory, "jupyterlab")


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Jupyter Notebook 7 (``python -m notebook``), set up as ``lab`` is."""
    yield from _serve(tmp_path_factory, "notebook")


def _serve(tmp_path_factory: pytest.TempPathFactory, app: str) -> Iterator[Lab]:
    """A private server of ``app`` ("jupyterlab" or "notebook") on a copy of the notebooks."""
    reason = chromium_missing()
    if reason:
        skip_or_fail(reason)
    tmp = tmp_path_factory.mktemp(app)
    root_dir = tmp / "root"
    (root_dir / "notebooks").mkdir(parents=True)
    # The repository's notebooks, then COURSE_BROWSER_NOTEBOOKS (a draft replaces its namesake).
    for notebook in [*sorted((ROOT / "notebooks").glob("*.ipynb")), *_extra_notebooks()]:
        shutil.copy(notebook, root_dir / "notebooks" / notebook.name)
    dirs = {
        name: tmp / name
        for name in ("config", "data", "runtime", "settings", "workspaces", "app-settings", "ipython")
    }
    for d in dirs.values():
        d.mkdir()
    shutil.copy(ROOT / "binder" / "overrides.json", dirs["app-settings"] / "overrides.json")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),  # no user-level kernelspec can shadow this env's python3
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "PYTHONWARNINGS": "",
    }
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
    ]
    if app == "jupyterlab":
        cmd += [
            f"--LabApp.app_settings_dir={dirs['app-settings']}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    else:
        cmd.append(f"--JupyterNotebookApp.app_settings_dir={dirs['app-settings']}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = tmp / f"{app}.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(cmd, env=env, cwd=root_dir, stdout=log_file, stderr=subprocess.STDOUT)
    server = Lab(f"http://127.0.0.1:{port}", token, root_dir, dirs["runtime"], log, app)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{app} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                server.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{app} did not answer within 90 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.25)
        yield server
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS / log.name)


@pytest.fixture(scope="session")
def _session_chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A headless Chromium with a fresh profile (``--user-data-dir``) for the whole session, shared
    by the JupyterLab and the Notebook 7 tests (playwright's sync API runs one at a time)."""
    reason = chromium_missing()
    if reason:
        skip_or_fail(reason)
    with chromium(tmp_path_factory.mktemp("chromium-profile"), 1400, 1000) as context:
        yield context


@pytest.fixture(scope="session")
def browser_context(lab: Lab, _session_chromium: object) -> object:
    """The session's Chromium, for pages of the JupyterLab server."""
    return _session_chromium


@pytest.fixture(scope="session")
def notebook7_context(notebook7: Lab, _session_chromium: object) -> object:
    """The session's Chromium, for pages of the Notebook 7 server."""
    return _session_chromium


def _need_chromium_and_npm() -> None:
    reason = chromium_missing()
    if reason:
        skip_or_fail(reason)
    if shutil.which("npm") is None:
        skip_or_fail("npm (Node.js) not found: the offline decks and the site fetch their scripts with it")


@pytest.fixture(scope="session")
def offline_decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every notebook exported once as an offline deck (tools/export_slides.py --offline): name -> path."""
    _need_chromium_and_npm()
    export_slides = load_tool("export_slides")
    out = tmp_path_factory.mktemp("slides-offline")
    return {deck.name: deck for deck in export_slides.export(export_slides.notebooks(), out, offline=True)}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website built once from the student edition (tools/build_site.py): its root folder."""
    _need_chromium_and_npm()
    work = tmp_path_factory.mktemp("site-src")
    out = tmp_path_factory.mktemp("site")
    return load_tool("build_site").build(out / "html", work / "src", work / "student").parent

"""Fixtures for the real-browser tests: a private JupyterLab (or Notebook 7) server and headless Chromium.

JupyterLab (``lab``) and Jupyter Notebook 7 (``notebook7``) start from ``tools/lab_server.py``,
the launcher the tools use too: the test environment's Python, a free loopback port, a temporary
copy of ``notebooks/`` (running and saving never touches the repo), folders of its own, and
binder/overrides.json as its settings defaults (so the "Jupyter news" toast never covers the page).

Chromium is Debian's (``/usr/bin/chromium``) driven by pip's playwright; ``playwright install`` is
never needed. Without Chromium (or playwright) every browser test is skipped with the reason,
unless COURSE_REQUIRE_BROWSER=1 (CI sets it), which turns the skip into a failure.
Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_env import ARTIFACTS, ROOT, chromium, chromium_missing, load_tool, skip_or_fail
from filelock import FileLock

lab_server = load_tool("lab_server")


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


Lab = lab_server.Server  # a running JupyterLab (or Notebook 7): url, token, api(), notebook_url()


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
    # The repository's notebooks, then COURSE_BROWSER_NOTEBOOKS (a draft replaces its namesake).
    notebooks = [*sorted((ROOT / "notebooks").glob("*.ipynb")), *_extra_notebooks()]
    try:
        with lab_server.serve(notebooks, tmp, app) as server:
            yield server
    finally:
        log = tmp / f"{app}.log"
        if log.exists():
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


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]):
    """``build(folder)``'s result, built once for the whole run: under pytest-xdist the first worker
    to ask builds it into a folder all workers share (holding a file lock while it does) and the
    others read what it wrote. ``build`` returns something JSON can store (paths as strings)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(tmp_path_factory.mktemp(name))
    folder = tmp_path_factory.getbasetemp().parent / name  # the run's folder, above every worker's
    done = folder.with_name(f"{name}.json")
    with FileLock(folder.with_name(f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed on another worker
            folder.mkdir()
            done.write_text(json.dumps(build(folder)), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


def _export_decks(out: Path) -> dict[str, str]:
    export_slides = load_tool("export_slides")
    return {
        deck.name: str(deck) for deck in export_slides.export(export_slides.notebooks(), out, offline=True)
    }


def _build_site(out: Path) -> str:
    return str(load_tool("build_site").build(out / "html", out / "src", out / "student").parent)


@pytest.fixture(scope="session")
def offline_decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every notebook exported once as an offline deck (tools/export_slides.py --offline): name -> path."""
    _need_chromium_and_npm()
    return {
        name: Path(deck)
        for name, deck in built_once(tmp_path_factory, "slides-offline", _export_decks).items()
    }


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website built once from the student edition (tools/build_site.py): its root folder."""
    _need_chromium_and_npm()
    return Path(built_once(tmp_path_factory, "site", _build_site))

"""Where the browser tests find Chromium and put their screenshots; skip or fail without it; what
every test that drives a notebook page waits for.

Shared by ``conftest.py`` and the browser test modules (a module of its own, so no test imports
``conftest`` by name).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

# What axe-core checks, everywhere the browser tests run it (website, decks, the explorers in
# JupyterLab and Notebook 7): WCAG 2.0, 2.1 and 2.2 at levels A and AA. Serious and critical
# findings fail a test.
AXE_WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SEVERE = ("serious", "critical")
# Two best-practice rules run on the website and the decks as well, and fail at any impact: all
# content inside a landmark ("region", moderate) and no header cell without text
# ("empty-table-header", minor).
AXE_PAGE_RULES = ["region", "empty-table-header"]

sys.path.insert(0, str(ROOT / "tools"))
from chromium import CHROMIUM, CHROMIUM_ARGS, browser, chromium, playwright_driver  # noqa: E402, F401


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (
            f"Chromium not found at {CHROMIUM}: install it (Debian/Ubuntu: apt-get install chromium) "
            "or set CHROMIUM=/path/to/chromium"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    return None


def load_tool(name: str):
    """The module ``tools/<name>.py``, loaded once (the tools import each other by plain name)."""
    if name not in sys.modules:
        if str(ROOT / "tools") not in sys.path:
            sys.path.insert(0, str(ROOT / "tools"))
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def skip_or_fail(reason: str) -> None:
    """Skip (a user's machine without Chromium), or fail where COURSE_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"COURSE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def offline_page(context) -> tuple[object, list[str], list[str]]:
    """A new page that may load only file:, data: and blob: URLs: (page, blocked URLs, errors).

    ``blocked`` collects every request that tried to reach the network; ``errors`` every script
    error, console error and failed request (other than the blocked ones).
    """
    page = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "requestfailed", lambda r: errors.append(f"{r.url}: {r.failure}") if r.url not in blocked else None
    )
    return page, blocked, errors


def wait_for_kernel_idle(page, sessions: Callable[[], list], path: str, timeout_s: float = 120) -> None:
    """Wait until the notebook's kernel has started and answered, as a person waits before pressing
    Restart: ``sessions()`` (the server's ``/api/sessions``; ``[]`` while it cannot answer) shows
    one kernel for ``path``, idle, and so does the toolbar's indicator where the page shows one.

    A restart sent earlier races the kernel's first start: it cancels the page's own kernel_info
    request (JupyterLab reports a page error) and can leave the kernel "Starting" for minutes.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        states = [s["kernel"]["execution_state"] for s in sessions() if s["path"] == path]
        if states == ["idle"]:
            break
        assert time.monotonic() < deadline, f"{path}: kernel not idle after {timeout_s:.0f} s: {states}"
        page.wait_for_timeout(250)
    page.wait_for_function(
        "() => { const e = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');"
        " return !e || e.dataset.status === 'idle'; }",
        timeout=timeout_s * 1000,
        polling=250,
    )

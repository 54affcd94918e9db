"""Where the browser tests find Chromium and put their screenshots; skip or fail without it.

Shared by ``conftest.py`` and the browser test modules (a module of its own, so no test imports
``conftest`` by name).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


_driver = None


def playwright_driver():
    """The process's one Playwright driver, started on first use and stopped at exit.

    Playwright's sync API refuses to start a second driver while one is running in the same
    thread, and a session-scoped browser holds one for the whole test run: every ``chromium()``
    in the process therefore shares this one.
    """
    global _driver
    if _driver is None:
        from playwright.sync_api import sync_playwright

        _driver = sync_playwright().start()
        atexit.register(_driver.stop)
    return _driver


@contextmanager
def chromium(profile: Path, width: int, height: int) -> Iterator[object]:
    """A headless Chromium (Debian's, driven by playwright) with a fresh profile and that viewport."""
    context = playwright_driver().chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": width, "height": height},
    )
    try:
        yield context
    finally:
        context.close()


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

"""Headless Chromium for the tools and the tests: where it is, how it starts, one driver per process.

Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``), driven by pip's playwright;
``playwright install`` is never needed. Playwright's sync API refuses to start a second driver
while one runs in the same thread (a test session keeps a browser open for its whole run), so
every tool and test in a process shares :func:`playwright_driver`.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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

_driver = None


def playwright_driver():
    """The process's one Playwright driver, started on first use and stopped at exit."""
    global _driver
    if _driver is None:
        from playwright.sync_api import sync_playwright

        _driver = sync_playwright().start()
        atexit.register(_driver.stop)
    return _driver


@contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium (no profile kept), closed on exit."""
    launched = playwright_driver().chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@contextmanager
def chromium(profile: Path, width: int, height: int) -> Iterator[object]:
    """A headless Chromium with a fresh profile and that viewport (a persistent context)."""
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

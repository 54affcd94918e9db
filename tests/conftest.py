"""Marks what makes the full suite slow, so `python3 run.py test -m "not slow"` is a fast loop.

Slow: every notebook cell run by nbval (a kernel per notebook), everything under tests/browser/
(JupyterLab and Chromium), and the tests marked ``@pytest.mark.slow`` in their own files
(notebook mutation runs, slide export, ``jupyter labextension list``, the Binder build).
"""

from __future__ import annotations

from pathlib import Path

import pytest

BROWSER = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb" or BROWSER in path.parents:
            item.add_marker(pytest.mark.slow)

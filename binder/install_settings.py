"""Install ``overrides.json`` (beside this file) as JupyterLab's settings defaults.

    python binder/install_settings.py      # prints the path it wrote

JupyterLab reads ``<app dir>/settings/overrides.json`` of the environment it runs in. The file
turns the news pop-up off (its toast covers the notebook) and sets the presenting styles (larger
text and code while a jupyterlab-slideshow deck is on). ``binder/postBuild`` (Binder, a hub image)
and ``python3 run.py`` (a maintainer's .venv) both run this script with the environment's Python;
it needs JupyterLab and nothing else, so it works in the student edition as in the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jupyterlab.commands import get_app_dir

SETTINGS = Path(__file__).resolve().with_name("overrides.json")


def install() -> Path:
    """Copy SETTINGS to ``<app dir>/settings/overrides.json``; return the path written."""
    folder = Path(get_app_dir()) / "settings"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(SETTINGS, folder / "overrides.json"))


if __name__ == "__main__":
    print(install())

"""A private Jupyter server on a copy of some notebooks: JupyterLab, or Jupyter Notebook 7.

For the tools (``measure_live_fit.py``) and the browser tests alike. The server runs from this
Python (``sys.executable``) on a free loopback port with a random token, in a temporary folder
holding a copy of the notebooks (running and saving never touches the originals), with its own
config, data, runtime, settings and workspace folders, and with ``binder/overrides.json`` as its
settings defaults (the course's presenting styles; no "Jupyter news" toast over the page).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "binder" / "overrides.json"
APPS = ("jupyterlab", "notebook")  # python -m jupyterlab, python -m notebook (Notebook 7)


@dataclass
class Server:
    """A running server: where it listens and where its files are."""

    url: str
    token: str
    root_dir: Path
    runtime_dir: Path
    log: Path
    app: str = "jupyterlab"

    def api(self, path: str) -> object:
        """GET a JSON REST endpoint of the server."""
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.url}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def notebook_url(self, relpath: str) -> str:
        """The page that opens ``relpath`` (relative to the server's root) alone."""
        if self.app == "notebook":  # Notebook 7 opens one notebook per page
            return f"{self.url}/notebooks/{relpath}?token={self.token}"
        # ?reset: ignore any saved workspace so only this notebook is open.
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    notebooks: Iterable[Path], tmp: Path, app: str = "jupyterlab", timeout_s: float = 90
) -> Iterator[Server]:
    """Start ``app`` on copies of ``notebooks`` (in ``tmp/root/notebooks``; a later one of the same
    name replaces an earlier one), wait until it answers, yield it, and stop it (its kernels too).
    Raises RuntimeError with the end of the server's log if it exits or does not answer in time."""
    if app not in APPS:
        raise ValueError(f"app must be one of {APPS}, got {app!r}")
    root_dir = tmp / "root"
    (root_dir / "notebooks").mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy(notebook, root_dir / "notebooks" / Path(notebook).name)
    names = ("config", "data", "runtime", "settings", "workspaces", "app-settings", "ipython")
    dirs = {name: tmp / name for name in names}
    for d in dirs.values():
        d.mkdir()
    shutil.copy(SETTINGS, dirs["app-settings"] / "overrides.json")
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
        sys.executable, "-m", app, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
    ]  # fmt: skip
    if app == "jupyterlab":
        cmd += [
            f"--LabApp.app_settings_dir={dirs['app-settings']}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    else:
        cmd.append(f"--JupyterNotebookApp.app_settings_dir={dirs['app-settings']}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers run as root; Jupyter refuses to otherwise
    log = tmp / f"{app}.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(cmd, env=env, cwd=root_dir, stdout=log_file, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", token, root_dir, dirs["runtime"], log, app)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{app} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                server.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{app} did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.25)  # polling the server's status, not a measurement
        yield server
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

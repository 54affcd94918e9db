"""A local JupyterHub classroom on loopback: the hub, its proxy, one single-user server per student.

    with Classroom() as hub:
        ada = hub.add_student("ada")
        ada.start_server()
        ada.log_in()
        ada.pull(nbgitpuller_link(repo_url, "student", "softmax-course/notebooks/01_x.ipynb"))
        kernel = ada.open_notebook("softmax-course/notebooks/01_x.ipynb")
        run = kernel.run_notebook()

What runs, all on 127.0.0.1 and free ports, all from this Python environment:

- ``configurable-http-proxy`` (pinned, installed once from npm into ``build/hub/chp/``), which
  JupyterHub starts and stops itself;
- JupyterHub as a subprocess, with its sqlite database, cookie secret, configuration and log in a
  temporary folder of its own: ``DummyAuthenticator`` with one shared password,
  ``SimpleLocalProcessSpawner`` (every student's home a folder of the classroom),
  ``jupyterhub-singleuser`` opening JupyterLab, and one admin service whose token drives the REST
  API;
- per student, a single-user server with its own Jupyter config, data and runtime folders and its
  own IPython folder, with nbgrader's server and JupyterLab extensions switched off (students do
  not grade) and no package installed for them: the notebooks import what they find beside them.

A :class:`Student` does what a student's browser does, over HTTP: logs in through the hub's
login form, follows an nbgitpuller link (the hub's redirect, the ``/git-pull`` page, then the
event stream its script reads), opens a notebook the way JupyterLab does (a session for the
notebook's path, so the kernel starts in the notebook's folder, then the kernel's websocket),
runs its code cells in order, and moves an explorer's slider the way the widget manager does (a
``comm_msg`` update). Memory and CPU are read with psutil from the student's server process and
its kernels.

Leaving the ``with`` block stops every server, the hub and the proxy, and kills any process of
the classroom still alive (each carries the classroom's id in its environment).
"""

from __future__ import annotations

import concurrent.futures
import html.parser
import json
import os
import queue
import secrets
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import urllib3
import websocket

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # this environment's scripts: jupyterhub, jupyterhub-singleuser
CHP_VERSION = "5.3.0"
CHP_DIR = ROOT / "build" / "hub" / "chp"
MARKER = "COURSE_CLASSROOM"  # environment variable naming the classroom every process belongs to
# nbgrader 0.9.6's server extensions (its etc/jupyter/jupyter_server_config.d/nbgrader.json):
# about 40 MB per server that students never use.
NBGRADER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
NBGRADER_LAB_EXTENSIONS = ("@jupyter/nbgrader",)  # its menu and assignment panels in JupyterLab
MAX_SOCKET_PATH = 107  # the longest path of a Unix socket on Linux (sun_path, less the final NUL)
WIDGET_TARGET = "jupyter.widget"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The hub's configuration: fixed code reading this run's settings from settings.json beside it.
HUB_CONFIG = """\
# Written by tools/classroom.py for one local classroom: ports, paths and secrets are in settings.json.
import json
import os

c = get_config()  # noqa: F821
s = json.load(open(os.path.join(os.path.dirname(__file__), "settings.json")))

c.JupyterHub.bind_url = s["public_url"]
c.JupyterHub.hub_bind_url = s["hub_url"]
c.JupyterHub.db_url = s["db_url"]
c.JupyterHub.cookie_secret_file = s["cookie_secret_file"]
c.JupyterHub.pid_file = s["pid_file"]
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.command = [s["proxy"]]
c.ConfigurableHTTPProxy.api_url = s["proxy_api_url"]
c.ConfigurableHTTPProxy.auth_token = s["proxy_token"]
c.ConfigurableHTTPProxy.pid_file = s["proxy_pid_file"]

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = s["password"]
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = s["homes"] + "/{username}"
c.Spawner.cmd = [s["singleuser"]]
c.Spawner.args = s["server_args"]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = s["start_timeout"]
c.Spawner.http_timeout = s["start_timeout"]


def _student_dir(kind):
    return lambda spawner: os.path.join(s["state"], spawner.user.name, kind)


c.Spawner.environment = {
    **s["server_env"],
    "JUPYTER_CONFIG_DIR": _student_dir("config"),
    "JUPYTER_DATA_DIR": _student_dir("data"),
    "JUPYTER_RUNTIME_DIR": _student_dir("runtime"),
    "IPYTHONDIR": _student_dir("ipython"),
}

c.JupyterHub.services = [{"name": "classroom", "api_token": s["admin_token"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["classroom"]}]
"""

# What every student's single-user server reads besides its defaults. Kernels talk to their server
# over Unix sockets: on a hub each student's pod has a loopback of its own, here all students share
# one, and kernels picking free TCP ports at the same moment in different servers can collide.
SERVER_CONFIG = """\
# Written by tools/classroom.py: what students' servers do not load, and no calls to the network.
c = get_config()  # noqa: F821
c.KernelManager.transport = "ipc"
c.ServerApp.jpserver_extensions = {extensions!r}
c.LabApp.news_url = None
c.LabApp.extension_manager = "readonly"
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
"""

# Run in a notebook's kernel after notebook 03: the LogitsExplorer it displayed, by its widgets' ids.
EXPLORER_PROBE = """\
import gc as _gc, json as _json
from course_utils.widgets import LogitsExplorer as _LogitsExplorer
_explorers = [o for o in _gc.get_objects() if type(o) is _LogitsExplorer]
print(_json.dumps({"slider": _explorers[-1].logit_sliders[0].model_id,
                   "image": _explorers[-1].image.model_id,
                   "value": _explorers[-1].logit_sliders[0].value,
                   "count": len(_explorers)}))
"""


class ClassroomError(RuntimeError):
    """Something in the classroom failed: a server, a pull, a cell; the message says what and why."""


# -- small helpers ------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(check: Callable[[], object], timeout: float, what: str, interval: float = 0.1) -> object:
    """Call ``check`` until it returns something truthy (returned), at most ``timeout`` seconds.

    ``check`` may raise ClassroomError to give up at once; a timeout raises ClassroomError naming
    ``what``. The interval grows from ``interval`` to 1 s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise ClassroomError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)
        interval = min(interval * 1.5, 1.0)


def concurrently(function: Callable, items: Iterable, workers: int | None = None) -> list:
    """``[function(item) for item in items]``, run on up to ``workers`` threads (default: all at
    once); the first exception is raised after every call has finished."""
    items = list(items)
    if not items:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers or len(items)) as pool:
        futures = [pool.submit(function, item) for item in items]
        concurrent.futures.wait(futures)
    return [f.result() for f in futures]


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, linearly interpolated."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[max(1, min(99, round(p))) - 1]


def http_session(token: str | None = None) -> requests.Session:
    """A requests session (with ``token`` in its Authorization header, if given) that retries a
    request once when a kept-alive connection turns out closed, as browsers do: the proxy closes
    idle connections after 5 s, and one reused at that moment fails before any answer."""
    session = requests.Session()
    retry = urllib3.util.Retry(
        total=3, connect=2, read=1, status=0, other=0, allowed_methods=None, backoff_factor=0.1
    )
    session.mount("http://", requests.adapters.HTTPAdapter(max_retries=retry))
    if token:
        session.headers["Authorization"] = f"token {token}"
    return session


def nbgitpuller_link(repo: str, branch: str, path: str) -> str:
    """The hub-relative nbgitpuller link that opens ``path`` (relative to the student's home, e.g.
    ``REPO/notebooks/01_x.ipynb``) in JupyterLab after pulling ``branch`` of ``repo``."""
    query = urllib.parse.urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{path}"})
    return f"/hub/user-redirect/git-pull?{query}"


def install_proxy(prefix: Path = CHP_DIR, version: str = CHP_VERSION) -> Path:
    """Install configurable-http-proxy ``version`` from npm into ``prefix`` once (a stamp file
    lets later calls skip npm); return its command."""
    command = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    stamp = prefix / "installed.json"
    want = {"configurable-http-proxy": version}
    if command.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        return command
    npm = shutil.which("npm")
    if npm is None:
        raise ClassroomError(f"npm (Node.js) is needed once, to install configurable-http-proxy {version}")
    prefix.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--save-exact", "--no-audit", "--no-fund",
         "--loglevel", "error", "--silent", f"configurable-http-proxy@{version}"],
        check=True,
        timeout=600,
    )  # fmt: skip
    stamp.write_text(json.dumps(want))
    return command


# -- the hub ------------------------------------------------------------------------------------


class Classroom:
    """JupyterHub, its proxy and the students' servers, from ``__enter__`` to ``__exit__``.

    ``root`` holds the hub's files, the students' homes (``homes/<name>``) and their Jupyter
    folders (``state/<name>``, with the kernels' sockets: keep the path short, and student names
    at most 16 characters); by default a temporary folder removed on exit.
    """

    def __init__(
        self, root: Path | None = None, start_timeout: float = 300, proxy: Path | None = None
    ) -> None:
        self._tmp = None if root else tempfile.TemporaryDirectory(prefix="classroom-")
        self.root = Path(root or self._tmp.name)
        longest_socket = self.root / "state" / ("n" * 16) / "runtime" / f"kernel-{uuid.uuid4()}-ipc-5"
        if len(str(longest_socket)) > MAX_SOCKET_PATH:
            raise ClassroomError(
                f"{self.root} is too long a path for the kernels' Unix sockets: use a shorter one"
            )
        self.start_timeout = start_timeout
        self.proxy = proxy
        self.id = uuid.uuid4().hex
        self.password = secrets.token_hex(8)
        self.admin_token = secrets.token_hex(32)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.homes = self.root / "homes"
        self.students: dict[str, Student] = {}
        self.process: subprocess.Popen | None = None
        self.api = http_session(self.admin_token)

    # -- starting and stopping

    def __enter__(self) -> Classroom:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _settings(self, proxy: Path) -> dict:
        """What the hub's configuration reads: this run's ports, paths and secrets."""
        hub_dir = self.root / "hub"
        student_config = self._student_config(hub_dir / "student-config")
        return {
            "public_url": self.url,
            "hub_url": f"http://127.0.0.1:{free_port()}",
            "db_url": f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}",
            "cookie_secret_file": str(hub_dir / "jupyterhub_cookie_secret"),
            "pid_file": str(hub_dir / "jupyterhub.pid"),
            "proxy": str(proxy),
            "proxy_api_url": f"http://127.0.0.1:{free_port()}",
            "proxy_token": secrets.token_hex(32),
            "proxy_pid_file": str(hub_dir / "proxy.pid"),
            "password": self.password,
            "homes": str(self.homes),
            "state": str(self.root / "state"),
            "singleuser": str(BIN / "jupyterhub-singleuser"),
            "server_args": ["--allow-root"] if os.geteuid() == 0 else [],
            "server_env": {**self._environment(), "JUPYTER_CONFIG_PATH": str(student_config)},
            "start_timeout": int(self.start_timeout),
            "admin_token": self.admin_token,
        }

    @staticmethod
    def _student_config(folder: Path) -> Path:
        """Write the configuration every student's server reads (before its own and the system's):
        SERVER_CONFIG, and JupyterLab's page config without nbgrader's lab extension."""
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        extensions = dict.fromkeys(NBGRADER_EXTENSIONS, False)
        (folder / "jupyter_server_config.py").write_text(SERVER_CONFIG.format(extensions=extensions))
        page = {"disabledExtensions": dict.fromkeys(NBGRADER_LAB_EXTENSIONS, True)}
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(page))
        return folder

    def _environment(self) -> dict[str, str]:
        """The environment of the hub and of every server: this Python's tools first, then node and
        git, and the classroom's id; nothing else of the caller's (no PYTHONPATH, no JUPYTER_*)."""
        node = shutil.which("node")
        path = [str(BIN), *([str(Path(node).parent)] if node else []), "/usr/local/bin", "/usr/bin", "/bin"]
        return {"PATH": os.pathsep.join(dict.fromkeys(path)), "LANG": "C.UTF-8", MARKER: self.id}

    def start(self) -> None:
        """Write the configuration, start JupyterHub (which starts the proxy), wait until it answers."""
        proxy = self.proxy or install_proxy()
        hub_dir = self.root / "hub"
        hub_dir.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        secret = hub_dir / "jupyterhub_cookie_secret"
        secret.write_text(secrets.token_hex(32))
        secret.chmod(0o600)
        (hub_dir / "settings.json").write_text(json.dumps(self._settings(proxy), indent=1))
        (hub_dir / "jupyterhub_config.py").write_text(HUB_CONFIG)
        self.log = hub_dir / "jupyterhub.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(hub_dir / "jupyterhub_config.py")],
                cwd=hub_dir,
                env={**self._environment(), "HOME": str(hub_dir)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        poll(self._answers, 120, "JupyterHub answering on " + self.url)

    def _answers(self) -> bool:
        """Whether the hub answers its REST API through the proxy (ClassroomError if it died)."""
        if self.process.poll() is not None:
            raise ClassroomError(f"JupyterHub exited with {self.process.returncode}:\n{self.log_tail()}")
        try:
            return self.api.get(f"{self.url}/hub/api/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the hub's log (its own lines and every server's)."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def processes(self) -> list[psutil.Process]:
        """Every live process of this classroom: the hub, its descendants, and anything carrying the
        classroom's id in its environment (servers and kernels outlive a killed hub)."""
        found = {}
        if self.process is not None and self.process.poll() is None:
            hub = psutil.Process(self.process.pid)
            found = {p.pid: p for p in [hub, *hub.children(recursive=True)]}
        for p in psutil.process_iter():
            try:
                if p.pid not in found and p.environ().get(MARKER) == self.id:
                    found[p.pid] = p
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return list(found.values())

    def stop(self) -> None:
        """Stop the servers, the hub and the proxy (the hub's shutdown API), then kill whatever of
        the classroom survives; remove the temporary folder. Calling it again does nothing."""
        for student in self.students.values():
            student.close()
        if self.process is not None:
            survivors = self.processes()
            try:
                self.api.post(
                    f"{self.url}/hub/api/shutdown", json={"servers": True, "proxy": True}, timeout=10
                )
                self.process.wait(timeout=60)
            except (requests.RequestException, subprocess.TimeoutExpired):
                self.process.terminate()
            _, alive = psutil.wait_procs(survivors + self.processes(), timeout=10)
            for p in alive:
                try:
                    p.kill()
                except psutil.NoSuchProcess:
                    pass
            psutil.wait_procs(alive, timeout=10)
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        self.api.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # -- the REST API

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to the hub's REST API (``/hub/api`` + ``path``) as the admin service; raises
        ClassroomError unless it succeeds."""
        response = self.api.request(method, f"{self.url}/hub/api{path}", timeout=30, **kwargs)
        if not response.ok:
            raise ClassroomError(f"{method} /hub/api{path}: {response.status_code} {response.text[:500]}")
        return response

    def add_student(self, name: str) -> Student:
        """Create the user ``name`` and an API token of theirs (what JupyterLab's requests carry)."""
        self.call("POST", f"/users/{name}")
        token = self.call("POST", f"/users/{name}/tokens", json={"note": "classroom", "expires_in": 86400})
        student = Student(self, name, token.json()["token"], self.homes / name)
        self.students[name] = student
        return student

    def memory(self) -> dict[str, int]:
        """RSS of the hub and of the proxy, in bytes."""
        hub = psutil.Process(self.process.pid)
        proxy = [p for p in hub.children() if "configurable-http-proxy" in " ".join(p.cmdline())]
        return {"hub": hub.memory_info().rss, "proxy": sum(p.memory_info().rss for p in proxy)}


# -- a student ----------------------------------------------------------------------------------


@dataclass
class Pull:
    """One nbgitpuller pull: its wall time, the git output it streamed and where it sends the browser."""

    seconds: float
    output: str
    redirect: str


@dataclass
class Memory:
    """A student's memory: their server and each of its kernels, RSS and PSS in bytes."""

    server_rss: int
    server_pss: int
    kernels_rss: list[int]
    kernels_pss: list[int]

    @property
    def rss(self) -> int:
        """Server and kernels together, RSS."""
        return self.server_rss + sum(self.kernels_rss)

    @property
    def pss(self) -> int:
        """Server and kernels together, PSS (shared pages split between the processes sharing them)."""
        return self.server_pss + sum(self.kernels_pss)


class _Page(html.parser.HTMLParser):
    """What a script or a form reads from a page: the ``data-*`` attributes of its ``<body>``
    (url-decoded, as nbgitpuller's script reads them) and the values of its named ``<input>``s."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.inputs: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs)
        if tag == "body":
            self.data = {
                k[5:]: urllib.parse.unquote(v) for k, v in attrs.items() if k.startswith("data-") and v
            }
        elif tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs.get("value") or ""


@dataclass
class Student:
    """One student of a :class:`Classroom`: their home folder, ``http`` (a session with their
    token, for the servers' REST APIs and kernels, as JupyterLab's requests) and ``browser`` (a
    session with cookies alone, for pages: the hub accepts no token on its pages)."""

    classroom: Classroom
    name: str
    token: str
    home: Path
    http: requests.Session = field(init=False)
    browser: requests.Session = field(default_factory=http_session)
    kernels: list[NotebookKernel] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.http = http_session(self.token)

    @property
    def base(self) -> str:
        """The URL of the student's server: ``<hub>/user/<name>/``."""
        return f"{self.classroom.url}/user/{self.name}/"

    def start_server(self) -> float:
        """Start the student's server through the REST API and wait until it is ready: seconds."""
        started = time.monotonic()
        self.classroom.call("POST", f"/users/{self.name}/server")
        poll(self._ready, self.classroom.start_timeout, f"{self.name}'s server starting")
        return time.monotonic() - started

    def _ready(self) -> bool:
        """Whether the hub reports the server ready (ClassroomError if it stopped pending without)."""
        server = self.classroom.call("GET", f"/users/{self.name}").json()["servers"].get("")
        if server is None:
            raise ClassroomError(f"{self.name}'s server failed to start:\n{self.classroom.log_tail()}")
        return bool(server["ready"])

    def server_process(self) -> psutil.Process:
        """The student's single-user server process (the spawner's pid, as the hub records it)."""
        server = self.classroom.call("GET", f"/users/{self.name}").json()["servers"][""]
        return psutil.Process(server["state"]["pid"])

    def get(self, url: str, **kwargs) -> requests.Response:
        """GET ``url`` (absolute, or relative to the hub) in the student's browser session, following
        redirects; ClassroomError unless it ends in a 2xx."""
        response = self.browser.get(urllib.parse.urljoin(self.classroom.url, url), timeout=60, **kwargs)
        if not response.ok:
            raise ClassroomError(f"{self.name}: GET {url}: {response.status_code} {response.text[:500]}")
        return response

    def log_in(self) -> None:
        """Log in through the hub's login form, as a browser does (the hub's cookie goes to ``browser``)."""
        form = _Page(self.get("/hub/login").text).inputs
        form.update(username=self.name, password=self.classroom.password)
        response = self.browser.post(f"{self.classroom.url}/hub/login", data=form, timeout=60)
        if not response.ok or "/hub/login" in response.url:
            raise ClassroomError(f"{self.name}: logging in failed: {response.status_code} {response.url}")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to the student's server REST API (``/user/<name>/api/`` + ``path``)."""
        response = self.http.request(method, f"{self.base}api/{path}", timeout=60, **kwargs)
        if not response.ok:
            raise ClassroomError(
                f"{self.name}: {method} api/{path}: {response.status_code} {response.text[:500]}"
            )
        return response

    # -- nbgitpuller

    def pull(self, link: str, timeout: float = 180) -> Pull:
        """Follow an nbgitpuller link as a logged-in browser would: the hub redirects to the
        student's ``/git-pull`` page (through the server's OAuth login with the hub), whose script
        reads the event stream ``git-pull/api`` (with the page's repo, branch, targetpath and xsrf
        token) until it reports ``finished``, then opens the page's path. A stream that reports
        ``error`` (or ends without ``finished``) raises. Needs :meth:`log_in` first."""
        started = time.monotonic()
        data = _Page(self.get(link).text).data
        if "xsrf" not in data:
            raise ClassroomError(f"{self.name}: {link} did not lead to nbgitpuller's page (logged in?)")
        params = {"_xsrf": data["xsrf"], "repo": data["repo"], "targetpath": data["targetpath"]}
        params.update({key: data[key] for key in ("depth", "branch", "backup") if key in data})
        stream = f"{data['base-url']}git-pull/api?{urllib.parse.urlencode(params)}"
        output = self._read_pull_events(stream, started + timeout)
        redirect = data["base-url"] + data["path"]
        self.get(redirect)
        return Pull(time.monotonic() - started, output, redirect)

    def _read_pull_events(self, url: str, deadline: float) -> str:
        """The git output of an nbgitpuller event stream; ClassroomError on an ``error`` event."""
        output = []
        with self.browser.get(
            urllib.parse.urljoin(self.classroom.url, url), stream=True, timeout=60
        ) as response:
            if not response.ok:
                raise ClassroomError(f"{self.name}: {url}: {response.status_code} {response.text[:500]}")
            for line in response.iter_lines(decode_unicode=True):
                if time.monotonic() > deadline:
                    raise ClassroomError(f"{self.name}: the pull did not finish in time:\n{''.join(output)}")
                if not line or not line.startswith("data: "):
                    continue
                event = json.loads(line[len("data: ") :])
                output.append(event.get("output", ""))
                if event["phase"] == "error":
                    raise ClassroomError(f"{self.name}: nbgitpuller: {event['message']}\n{''.join(output)}")
                if event["phase"] == "finished":
                    return "".join(output)
        raise ClassroomError(
            f"{self.name}: the pull's event stream ended without 'finished':\n{''.join(output)}"
        )

    # -- notebooks and files

    def notebook(self, path: str) -> dict:
        """The notebook at ``path`` (relative to the home) as the server reads it (nbformat JSON)."""
        return self.api("GET", f"contents/{urllib.parse.quote(path)}", params={"content": 1}).json()[
            "content"
        ]

    def save_notebook(self, path: str, notebook: dict) -> None:
        """Save ``notebook`` at ``path`` through the contents API, as JupyterLab's save does."""
        self.api(
            "PUT", f"contents/{urllib.parse.quote(path)}", json={"type": "notebook", "content": notebook}
        )

    def open_notebook(self, path: str) -> NotebookKernel:
        """A kernel for the notebook at ``path``, started as JupyterLab starts one (kept in ``kernels``)."""
        kernel = NotebookKernel(self, path)
        self.kernels.append(kernel)
        return kernel

    # -- measurements

    def memory(self) -> Memory:
        """RSS and PSS of the student's server and of each of its kernels (its other descendants)."""
        server = self.server_process()
        kernels = [p for p in server.children(recursive=True) if _is_kernel(p)]
        server_info = server.memory_full_info()
        kernel_infos = [p.memory_full_info() for p in kernels]
        return Memory(
            server_info.rss, server_info.pss, [k.rss for k in kernel_infos], [k.pss for k in kernel_infos]
        )

    def close(self) -> None:
        """Close the student's kernels' websockets and HTTP sessions (their kernels keep running)."""
        for kernel in self.kernels:
            kernel.disconnect()
        self.http.close()
        self.browser.close()


def _is_kernel(process: psutil.Process) -> bool:
    """Whether ``process`` is an IPython kernel."""
    try:
        return "ipykernel_launcher" in " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False


# -- a notebook's kernel ------------------------------------------------------------------------


@dataclass
class Cell:
    """One executed code cell: its source, its outputs (nbformat-like dicts) and its wall time."""

    source: str
    outputs: list[dict]
    seconds: float

    def text(self) -> str:
        """Everything the cell printed or returned as text."""
        parts = []
        for out in self.outputs:
            if out["output_type"] == "stream":
                parts.append(out["text"])
            elif "data" in out and "text/plain" in out["data"]:
                parts.append(out["data"]["text/plain"])
        return "".join(parts)


@dataclass
class NotebookRun:
    """A whole notebook run: every code cell, the wall time and the kernel's CPU seconds for it."""

    path: str
    cells: list[Cell]
    seconds: float
    cpu_seconds: float


def encode_message(msg_type: str, content: dict, session: str, channel: str = "shell") -> dict:
    """A Jupyter message (protocol 5.3) for the kernel websocket's JSON form."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "student",
        "session": session,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "version": "5.3",
    }
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": channel}


def decode_frame(frame: bytes | str) -> dict:
    """A kernel websocket frame as a message with ``buffers``: JSON text, or jupyter_server's binary
    form (a count n of parts, n big-endian 32-bit offsets, the JSON message, then the buffers)."""
    if isinstance(frame, str):
        msg = json.loads(frame)
        msg.setdefault("buffers", [])
        return msg
    (count,) = struct.unpack("!I", frame[:4])
    offsets = [*struct.unpack(f"!{count}I", frame[4 : 4 * (count + 1)]), len(frame)]
    parts = [frame[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    msg = json.loads(parts[0])
    msg["buffers"] = parts[1:]
    return msg


class NotebookKernel:
    """A notebook's kernel, as JupyterLab drives it: a session for the notebook's path (the kernel
    starts in the notebook's folder), then the kernel's websocket. Widgets the kernel opens are
    tracked in ``widgets`` (model id -> state, with binary values such as PNG bytes filled in)."""

    def __init__(self, student: Student, path: str, ready_timeout: float = 120) -> None:
        self.student, self.path = student, path
        self.session = uuid.uuid4().hex
        started = time.monotonic()
        body = {"path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": "python3"}}
        model = student.api("POST", "sessions", json=body).json()
        self.session_id, self.kernel_id = model["id"], model["kernel"]["id"]
        ws_url = student.base.replace("http://", "ws://", 1) + f"api/kernels/{self.kernel_id}/channels"
        self.ws = websocket.create_connection(
            f"{ws_url}?session_id={self.session}",
            header=[f"Authorization: token {student.token}"],
            timeout=ready_timeout,
        )
        self.ws.settimeout(None)  # the reader waits for the server as long as the connection lasts
        self.widgets: dict[str, dict] = {}
        self._inbox: queue.Queue[dict | None] = queue.Queue()
        self.closed_because = ""
        self._reader = threading.Thread(target=self._read, name=f"kernel {self.kernel_id}", daemon=True)
        self._reader.start()
        self._request("kernel_info_request", {}, ready_timeout, wait_idle=False)
        self.start_seconds = time.monotonic() - started
        self.process = self._find_process()

    def _find_process(self) -> psutil.Process:
        """The kernel's process: the server's descendant started with this kernel's connection file."""
        for p in self.student.server_process().children(recursive=True):
            try:
                if f"kernel-{self.kernel_id}.json" in " ".join(p.cmdline()):
                    return p
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue
        raise ClassroomError(f"{self.student.name}: no process for kernel {self.kernel_id}")

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the kernel process has used so far."""
        times = self.process.cpu_times()
        return times.user + times.system

    # -- messages

    def _read(self) -> None:
        """Queue every message the server sends, until the websocket closes (then None). Reading all
        the time, as a browser does, answers the server's pings: unanswered, it drops the connection."""
        while True:
            try:
                opcode, frame = self.ws.recv_data()
            except (websocket.WebSocketException, OSError) as error:
                self.closed_because = repr(error)
                break
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                self.closed_because = f"the server closed it: {bytes(frame)!r}"
                break
            self._inbox.put(decode_frame(frame.decode() if opcode == websocket.ABNF.OPCODE_TEXT else frame))
        self._inbox.put(None)

    def _receive(self, deadline: float) -> dict:
        """The next message from the kernel (tracking widget state); TimeoutError after ``deadline``,
        ClassroomError if the websocket has closed."""
        try:
            msg = self._inbox.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty:
            raise TimeoutError from None
        if msg is None:
            self._inbox.put(None)
            raise ClassroomError(
                f"{self.student.name} {self.path}: the kernel's websocket closed ({self.closed_because});\n"
                f"the hub's log ends:\n{self.student.classroom.log_tail()}"
            )
        self._track(msg)
        return msg

    def _track(self, msg: dict) -> None:
        """Keep ``widgets`` current from a widget's comm_open or update message."""
        content, kind = msg.get("content", {}), msg["header"]["msg_type"]
        if kind == "comm_open" and content.get("target_name") == WIDGET_TARGET:
            self.widgets[content["comm_id"]] = {}
        if kind in ("comm_open", "comm_msg") and content.get("comm_id") in self.widgets:
            data = content.get("data", {})
            state = dict(data.get("state", {}))
            for path, buffer in zip(data.get("buffer_paths", []), msg["buffers"], strict=False):
                if len(path) == 1:
                    state[path[0]] = bytes(buffer)
            self.widgets[content["comm_id"]].update(state)

    def send(self, msg_type: str, content: dict) -> str:
        """Send a shell message; its msg_id."""
        msg = encode_message(msg_type, content, self.session)
        self.ws.send(json.dumps(msg))
        return msg["header"]["msg_id"]

    def _answers(self, msg_id: str, timeout: float, late: str) -> Iterator[dict]:
        """The kernel's messages whose parent is ``msg_id``, as they come; ClassroomError(``late``)
        when ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self._receive(deadline)
            except TimeoutError:
                raise ClassroomError(late) from None
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                yield msg

    def _request(self, msg_type: str, content: dict, timeout: float, wait_idle: bool = True) -> list[dict]:
        """Send a shell request and collect every message it causes until its reply has come and (when
        ``wait_idle``) the kernel is idle again: [the reply, then the iopub messages in order]."""
        msg_id = self.send(msg_type, content)
        late = f"{self.student.name} {self.path}: no answer to {msg_type} within {timeout:.0f} s"
        reply, iopub, idle = None, [], not wait_idle
        for msg in self._answers(msg_id, timeout, late):
            if msg["channel"] == "shell":
                reply = msg
            elif msg["channel"] == "iopub":
                iopub.append(msg)
                idle = idle or _is_idle(msg)
            if reply is not None and idle:
                return [reply, *iopub]
        raise AssertionError("unreachable: _answers ends only by raising")

    def execute(self, code: str, timeout: float = 180) -> Cell:
        """Run ``code`` as a cell: its outputs; ClassroomError on an error output or a timeout."""
        started = time.monotonic()
        reply, *iopub = self._request(
            "execute_request",
            {"code": code, "silent": False, "store_history": True, "user_expressions": {},
             "allow_stdin": False, "stop_on_error": True},
            timeout,
        )  # fmt: skip
        outputs = [_output(m) for m in iopub if m["header"]["msg_type"] in OUTPUT_TYPES]
        cell = Cell(code, outputs, time.monotonic() - started)
        errors = [o for o in outputs if o["output_type"] == "error"]
        if errors or reply["content"]["status"] != "ok":
            trace = "\n".join("\n".join(o.get("traceback", [])) for o in errors) or str(reply["content"])
            raise ClassroomError(
                f"{self.student.name} {self.path}: a cell failed:\n{code[:300]}\n{trace[-3000:]}"
            )
        return cell

    def run_notebook(self, cell_timeout: float = 180) -> NotebookRun:
        """Run every code cell of the notebook (as the server has it) in order: a NotebookRun."""
        notebook = self.student.notebook(self.path)
        cpu, started = self.cpu_seconds(), time.monotonic()
        cells = [
            self.execute(_source(cell), cell_timeout)
            for cell in notebook["cells"]
            if cell["cell_type"] == "code"
        ]
        return NotebookRun(self.path, cells, time.monotonic() - started, self.cpu_seconds() - cpu)

    def module_file(self, module: str) -> str:
        """Where the kernel imports ``module`` from (its ``__file__``)."""
        return self.execute(f"import {module} as _m; print(_m.__file__)").text().strip()

    # -- widgets

    def explorer(self) -> dict:
        """The LogitsExplorer the notebook displayed: {"slider": z1's model id, "image": the picture's
        model id, "value": z1}."""
        return json.loads(self.execute(EXPLORER_PROBE).text().strip().splitlines()[-1])

    def update_widget(
        self, model_id: str, state: dict, watch: str, timeout: float = 30
    ) -> tuple[float, dict]:
        """Send what the browser's widget manager sends when a control moves (a ``comm_msg`` update of
        ``state``), and wait for the kernel's update of model ``watch``: (seconds, that model's
        state). Then wait until the kernel is idle again."""
        data = {"method": "update", "state": state, "buffer_paths": []}
        started = time.monotonic()
        msg_id = self.send("comm_msg", {"comm_id": model_id, "data": data})
        late = f"{self.student.name}: no update of {watch} within {timeout:.0f} s"
        seconds, idle = None, False
        for msg in self._answers(msg_id, timeout, late):
            content, kind = msg["content"], msg["header"]["msg_type"]
            if (
                kind == "comm_msg"
                and content["comm_id"] == watch
                and content["data"].get("method") == "update"
            ):
                seconds = seconds or time.monotonic() - started
            idle = idle or _is_idle(msg)
            if seconds is not None and idle:
                return seconds, self.widgets[watch]
        raise AssertionError("unreachable: _answers ends only by raising")

    # -- closing

    def disconnect(self) -> None:
        """Close the websocket (the kernel keeps running, as when a browser tab closes)."""
        if self.ws.connected:
            try:
                self.ws.send_close()
            except (websocket.WebSocketException, OSError):
                pass
            self._reader.join(timeout=5)
        self.ws.shutdown()
        self._reader.join(timeout=5)

    def shutdown(self) -> None:
        """Close the websocket and delete the session, which shuts the kernel down."""
        self.disconnect()
        self.student.api("DELETE", f"sessions/{self.session_id}")
        if self in self.student.kernels:
            self.student.kernels.remove(self)


OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error", "update_display_data")


def _is_idle(msg: dict) -> bool:
    """Whether ``msg`` is the kernel's status message saying it is idle again."""
    return msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"


def _output(msg: dict) -> dict:
    """An iopub output message as an nbformat output."""
    return {"output_type": msg["header"]["msg_type"], **msg["content"]}


def _source(cell: dict) -> str:
    """A notebook cell's source as one string (nbformat JSON may split it into lines)."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def still_running(processes: Iterable[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still running (not exited, not a zombie waiting to be reaped)."""
    running = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                running.append(p)
        except psutil.NoSuchProcess:
            continue
    return running


def is_png(data: object) -> bool:
    """Whether ``data`` is a non-empty PNG image."""
    return isinstance(data, bytes) and data.startswith(PNG_SIGNATURE) and len(data) > 1000

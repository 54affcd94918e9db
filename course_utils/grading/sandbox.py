"""Run a student's answers in a throwaway bubblewrap sandbox and collect what their functions return.

:func:`run` starts ``bwrap`` (Debian's ``bubblewrap``) around :mod:`.child`. The sandbox sees:

- read-only: ``/usr`` (and the ``/lib``, ``/bin`` links), this Python's installation and its
  virtual environment, and ``/kit``: a pruned copy of this package made once per grading run
  (:class:`Kit`), with a stub ``course_utils`` that refuses to import;
- fresh and empty: ``/tmp`` and ``HOME`` (small tmpfs), ``/proc``, ``/dev``; no network (its own
  network namespace), its own pid namespace (no process outlives it: when bwrap ends, the kernel
  kills everything in that namespace), a new session, ``--die-with-parent``;
- nothing else: no course folder (no ``gradebook.db``, ``source/``, ``submitted/``, other
  students, ``nbgrader_config.py``), no files handed in with the notebook, no real ``course_utils``
  (a tmpfs is laid over it and over the course folder should they lie inside a bound folder).

The student's code gets only the answer cells' source, on stdin. Run as root, bwrap runs without a
user namespace and the child drops to ``nobody`` (uid 65534) before reading its request, so that
the process limit binds (the kernel exempts root from RLIMIT_NPROC). Limits (:class:`Limits`) are
set as hard rlimits by the child; wall-clock deadlines are kept here, and on any deadline the whole
process group is killed. Output on stdout is discarded, stderr is kept up to 64 kB for the log.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import wire

PACKAGE = Path(__file__).resolve().parents[1]  # course_utils/
KIT_FILES = {  # what the sandbox gets of course_utils: the calling machinery, no reference, no checker
    "exercises/attempts.py": PACKAGE / "exercises" / "attempts.py",
    "exercises/cases.py": PACKAGE / "exercises" / "cases.py",
    "exercises/limits.py": PACKAGE / "exercises" / "limits.py",
    "grading/child.py": PACKAGE / "grading" / "child.py",
    "grading/wire.py": PACKAGE / "grading" / "wire.py",
}
STUB = """raise ImportError(
    "course_utils is not available while your answers are graded: it holds the course's reference "
    "solutions, and writing the functions yourself is the exercise. Use numpy (and your own "
    "functions from the earlier exercises)."
)
"""
BOOT = (
    "import sys; sys.path[:0] = ['/kit']; sys.path += sys.argv[2:]; "
    "from _gradekit.grading.child import main; sys.exit(main(sys.argv[1:2]))"
)
HOME = "/home/student"
NOBODY = 65534
STDERR_KEPT = 64 * 1024


class Unavailable(RuntimeError):
    """The sandbox cannot run on this machine (no bwrap, no namespaces): grading refuses."""


@dataclass
class Limits:
    """What one sandboxed run of a submission may use. Hard rlimits, set inside the sandbox, and
    wall-clock deadlines kept by the grader (a check's own time limit is enforced inside as well)."""

    cpu_seconds: int = 60  # for all the answer cells and checks of one submission together
    memory_bytes: int = 2 * 2**30  # address space (importing torch 2.13 takes 512-768 MB of it)
    processes: int = 32  # processes and threads of the sandbox's user
    file_bytes: int = 16 * 2**20  # largest file the student's code may write (in its tmpfs)
    open_files: int = 256
    core_bytes: int = 0
    tmpfs_bytes: int = 64 * 2**20  # size of /tmp and of HOME
    startup_seconds: float = 60.0  # to start Python and numpy, and run the answer cells
    cell_seconds: float = 10.0  # per answer cell
    task_slack_seconds: float = 10.0  # beyond a check's own time limit, before the process is killed

    def child_settings(self, fd: int, uid: int | None) -> dict:
        keys = ("cpu_seconds", "memory_bytes", "processes", "file_bytes", "open_files", "core_bytes")
        return {"fd": fd, "uid": uid, **{k: v for k, v in asdict(self).items() if k in keys}}


@dataclass
class Outcome:
    """What came back for one check: an evaluation's data, or why there is none."""

    evaluation: dict | None = None
    missing: bool = False  # the student's function is not defined
    stopped: str | None = None  # the process ended or was killed during this check: why
    timed_out: bool = False  # killed at the wall-clock deadline
    too_large: bool = False  # returned more than a frame holds


@dataclass
class Result:
    """One submission's run: each answer cell's error (None when it ran), each check's outcome."""

    cells: list[dict] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    stderr: str = ""
    runs: int = 0  # sandboxes started (a new one after a check that crashed its process)


class Kit:
    """The pruned, read-only copy of this package the sandbox imports, made once per process."""

    _dir: Path | None = None

    @classmethod
    def path(cls) -> Path:
        if cls._dir is None or not cls._dir.exists():
            root = Path(tempfile.mkdtemp(prefix="grading-kit-"))
            for name, source in KIT_FILES.items():
                target = root / "_gradekit" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            for package in ("_gradekit", "_gradekit/exercises", "_gradekit/grading"):
                (root / package / "__init__.py").write_text(
                    '"""A pruned copy of course_utils for the sandbox."""\n'
                )
            (root / "course_utils").mkdir()
            (root / "course_utils" / "__init__.py").write_text(STUB)
            for path in [root, *root.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
            cls._dir = root
            atexit.register(shutil.rmtree, root, True)
        return cls._dir


def _python_dirs() -> list[Path]:
    """This interpreter's installation and environment, outermost folders only."""
    paths = sysconfig.get_paths()
    found = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent}
    found |= {Path(paths[k]) for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    real = sorted({p.resolve() for p in found if p.exists()}, key=lambda p: len(p.parts))
    outer: list[Path] = []
    for p in real:
        if not any(p.is_relative_to(o) for o in outer):
            outer.append(p)
    return outer


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return sorted({paths[k] for k in ("purelib", "platlib") if k in paths})


def command(fd: int, limits: Limits, hidden: list[Path], root: bool | None = None) -> list[str]:
    """The bwrap command line that runs the child with the result descriptor ``fd``; ``hidden``:
    folders laid over with an empty tmpfs when a bound folder contains them; ``root``: whether
    bwrap runs as root (default: whether this process does)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise Unavailable("bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
    root = os.geteuid() == 0 if root is None else root
    args = [bwrap, "--die-with-parent", "--new-session", "--clearenv"]
    if root:  # no user namespace: the child drops to nobody itself (see the module's docstring)
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-all"]
    bound: list[Path] = [Path("/usr")]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
            bound.append(top)
    if Path("/etc/ld.so.cache").exists():
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    # The empty /tmp and HOME first, so that a Python environment inside /tmp (a clone there) is
    # bound on top of the fresh /tmp rather than hidden under it.
    args += ["--size", str(limits.tmpfs_bytes), "--tmpfs", "/tmp"]
    args += ["--size", str(limits.tmpfs_bytes), "--tmpfs", HOME]
    made: set[Path] = {Path("/tmp"), Path(HOME)}
    for folder in _python_dirs():
        if not any(folder.is_relative_to(b) for b in bound):
            for parent in reversed(folder.parents[:-1]):  # bwrap would make them 0700 when run as root
                if parent not in made:
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            args += ["--ro-bind", str(folder), str(folder)]
            bound.append(folder)
    for folder in hidden:
        folder = folder.resolve()
        if any(folder.is_relative_to(b) for b in bound):
            args += ["--tmpfs", str(folder)]
    args += ["--ro-bind", str(Kit.path()), "/kit", "--proc", "/proc", "--dev", "/dev", "--chdir", HOME]
    env = {
        "HOME": HOME,
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    settings = limits.child_settings(fd, NOBODY if root else None)
    return [*args, "--", sys.executable, "-I", "-S", "-c", BOOT, json.dumps(settings), *_site_dirs()]


def hidden_folders() -> list[Path]:
    """Folders the sandbox must never see even when a bound folder holds them: the real
    course_utils (the reference solutions) and the course folder nbgrader runs in."""
    return [PACKAGE, Path.cwd()]


class _Deadline(Exception):
    pass


class _Channel:
    """Frames from the child's result descriptor, each awaited until a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.deadline = 0.0
        self.ended = False  # the child closed the stream (it exited, or is exiting)

    def read(self, n: int) -> bytes:
        left = self.deadline - time.monotonic()
        if left <= 0 or not select.select([self.fd], [], [], left)[0]:
            raise _Deadline
        return os.read(self.fd, min(n, 1 << 20))

    def next(self, seconds: float):
        """The next message, or None when the child closed the stream (exited)."""
        self.deadline = time.monotonic() + seconds
        body = wire.read_frame(self.read)
        self.ended = body is None
        return None if body is None else wire.loads(body)


def run(
    cells: list[tuple[str, str]],
    tasks: list[dict],
    limits: Limits | None = None,
    hidden: list[Path] | None = None,
) -> Result:
    """Run the answer ``cells`` ((label, source) pairs) and every task (``name``, ``function``,
    ``inputs``: one dict of arguments per case, ``time_limit``) in sandboxes: one, and a fresh one
    after any check that ends its process, for the checks still to come."""
    limits = limits or Limits()
    hidden = hidden_folders() if hidden is None else hidden
    result = Result()
    remaining = list(tasks)
    while True:
        result.runs += 1
        finished, cells_ran = _session(cells, remaining, limits, hidden, result)
        left = [t for t in remaining if t["name"] not in result.outcomes]
        if finished or not left or not cells_ran:
            break
        if len(left) == len(remaining):  # it ended between two checks: the next one gets the blame
            result.outcomes[left[0]["name"]] = Outcome(stopped="its process ended as this check began")
            left = left[1:]
        remaining = left
        if not remaining:
            break
    for task in tasks:
        result.outcomes.setdefault(
            task["name"], Outcome(stopped="the grading process ended before your answer cells had run")
        )
    return result


def _session(cells, tasks, limits: Limits, hidden, result: Result) -> tuple[bool, bool]:
    """One sandbox; fills ``result``. (Did it finish every task?, Did the answer cells run?)"""
    read_end, write_end = os.pipe()
    try:
        cmd = command(write_end, limits, hidden)
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write_end,),
            start_new_session=True,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    errors = bytearray()
    drain = threading.Thread(target=_drain, args=(proc.stderr, errors), daemon=True)
    drain.start()
    request = wire.dumps(
        {"cells": [list(c) for c in cells], "tasks": tasks, "cell_seconds": limits.cell_seconds}
    )
    threading.Thread(target=_feed, args=(proc.stdin, request), daemon=True).start()
    channel, current, cells_ran = _Channel(read_end), None, False
    try:
        message = channel.next(limits.startup_seconds + limits.cell_seconds * len(cells))
        if not isinstance(message, dict) or not isinstance(message.get("cells"), list):
            return False, False
        result.cells = [c for c in message["cells"] if isinstance(c, dict)]
        cells_ran = True
        for task in tasks:
            message = channel.next(limits.task_slack_seconds)
            if not isinstance(message, dict) or message.get("start") != task["name"]:
                return False, True
            current = task["name"]
            message = channel.next(task["time_limit"] + limits.task_slack_seconds)
            if message is None:  # the process ended during the check: the finally clause says how
                channel.ended = True
                return False, True
            if not isinstance(message, dict) or message.get("result") != task["name"]:
                raise wire.WireError("an answer out of turn")
            result.outcomes[current] = Outcome(
                evaluation=message.get("evaluation") if isinstance(message.get("evaluation"), dict) else None,
                missing=message.get("missing") is True,
                too_large=message.get("too_large") is True,
            )
            current = None
        message = channel.next(limits.task_slack_seconds)
        return isinstance(message, dict) and message.get("done") is True, True
    except _Deadline:
        if current is not None:
            result.outcomes[current] = Outcome(timed_out=True)
        return False, cells_ran
    except wire.WireError as err:
        if current is not None:
            result.outcomes[current] = Outcome(stopped=f"its process sent back something unreadable ({err})")
        return False, cells_ran
    finally:
        _kill(proc, grace=2.0 if channel.ended else 0.0)
        os.close(read_end)
        drain.join(timeout=5)
        for pipe in (proc.stdin, proc.stderr):
            try:
                pipe.close()
            except OSError:
                pass
        result.stderr += errors.decode(errors="replace")
        if current is not None and current not in result.outcomes:
            result.outcomes[current] = Outcome(stopped=_ended(proc.returncode))


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError, ValueError):
        pass


def _drain(pipe, kept: bytearray) -> None:
    while chunk := pipe.read(65536):
        if len(kept) < STDERR_KEPT:
            kept += chunk[: STDERR_KEPT - len(kept)]


def _kill(proc: subprocess.Popen, grace: float = 0.0) -> None:
    """SIGKILL the sandbox's process group (bwrap, and with it its pid namespace), then reap it;
    ``grace``: seconds to let a sandbox that closed its stream exit by itself (its exit code)."""
    if grace:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _ended(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        return f"its process was killed ({name}): a limit on memory, CPU time or processes, or a crash"
    return f"its process exited (code {code}) before the check was done"


_PROBE: list[str | None] = []


def unavailable() -> str | None:
    """Why the sandbox cannot run here (None when it can): tried once per process with a real run."""
    if not _PROBE:
        reason = None
        try:
            result = run([("probe", "x = 1")], [])
            if result.cells != [{"label": "probe", "error": None}]:
                reason = "a trial run in the sandbox failed: " + (result.stderr.strip() or "no output")
        except (Unavailable, OSError) as err:
            reason = str(err)
        _PROBE.append(reason)
    return _PROBE[0]

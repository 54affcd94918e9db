"""A time limit on the student's code: a check never hangs, whatever the function does.

``run_limited(fn, args, seconds)`` calls ``fn(*args)`` and raises :class:`TimeUp` in it once
``seconds`` have passed. In the main thread (where a Jupyter kernel runs its cells) on a platform
with ``signal.setitimer`` this is a SIGALRM timer whose handler raises TimeUp inside the student's
code: a pure-Python loop, ``time.sleep`` and numpy between two operations are all interrupted at
once, no thread is left spinning, and the cost when nothing times out is two system calls per call.
TimeUp is a BaseException, so ``except Exception`` in the student's code does not catch it; after
the first alarm the timer fires again every 50 ms, so code that swallows one (a bare ``except:``) is
likely, though not certain, to be stopped by a later one. Elsewhere (another thread, Windows) the
function runs in a helper thread; at the deadline TimeUp is raised in that thread
(``PyThreadState_SetAsyncExc``), which stops Python code the same way; a thread stuck inside one
long C call cannot be stopped and is abandoned as a daemon, and the check goes on.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Callable

REFIRE = 0.05  # seconds between alarms once the deadline has passed


class TimeUp(BaseException):  # noqa: N818  not an error of the student's; BaseException so `except Exception` can't catch it
    """The student's function ran past the check's time limit."""


def _signals_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Alarm:
    def __init__(self, seconds: float) -> None:
        self.armed = False
        self.seconds = seconds
        self.old = None

    def _fire(self, signum, frame) -> None:
        if self.armed:
            raise TimeUp

    def start(self) -> None:
        self.old = signal.signal(signal.SIGALRM, self._fire)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 1e-3), REFIRE)

    def stop(self) -> None:
        """Disarm, cancel the timer and restore the previous handler, even if an alarm lands meanwhile."""
        while True:
            try:
                self.armed = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                if self.old is not None:
                    signal.signal(signal.SIGALRM, self.old)
                return
            except TimeUp:  # an alarm delivered just before `armed = False`
                continue


def run_limited(fn: Callable, args: tuple, seconds: float | None):
    """``fn(*args)``, stopped with :class:`TimeUp` after ``seconds`` (None: no limit)."""
    if seconds is None:
        return fn(*args)
    if seconds <= 0:
        raise TimeUp
    if _signals_usable():
        alarm = _Alarm(seconds)
        try:
            alarm.start()
            return fn(*args)
        finally:
            alarm.stop()
    return _in_thread(fn, args, seconds)


def _in_thread(fn: Callable, args: tuple, seconds: float):
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as err:  # noqa: BLE001  handed back to the caller below
            box["error"] = err

    worker = threading.Thread(target=work, daemon=True, name="student-code")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(TimeUp))
        worker.join(1.0)  # Python code stops at once; a long C call is abandoned (the thread is a daemon)
        raise TimeUp
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")

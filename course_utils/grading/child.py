"""The only code that runs next to a student's answers: inside the sandbox, in a throwaway process.

Started by :mod:`.sandbox` as ``python -I -S`` with a pruned copy of this package (this module,
:mod:`.wire`, and ``exercises/attempts.py``, ``cases.py`` and ``limits.py``: the calling machinery,
no reference solution, no checker) and a stub ``course_utils`` that refuses to import. It

1. confines itself before it reads anything else: drops to an unprivileged uid when started as
   root (bubblewrap without a user namespace then), and sets hard rlimits on CPU time, address
   space, processes, file size, open files and core dumps, which the student's code cannot raise;
2. reads one request frame on stdin: the answer cells' source and, for each check, the name of
   the student's function, the inputs of every case and the time limit;
3. runs each answer cell in one namespace (``np`` is numpy, as after the notebook's first cell),
   each within a time limit, recording what a cell raised;
4. for each check, calls the student's function on the inputs exactly as a check in the notebook
   does (:func:`~course_utils.exercises.attempts.evaluate`) and writes back what it returned,
   raised and warned, one frame per check, on the result descriptor.

It never sees an expected value, a checker or a score: whatever the student's code does to this
process can only change what *their function* appears to return, which the grader judges as such.
"""

from __future__ import annotations

import json
import os
import resource
import sys

LIMITS = {  # rlimit name -> the settings key holding its value
    "RLIMIT_CPU": "cpu_seconds",
    "RLIMIT_AS": "memory_bytes",
    "RLIMIT_NPROC": "processes",
    "RLIMIT_FSIZE": "file_bytes",
    "RLIMIT_NOFILE": "open_files",
    "RLIMIT_CORE": "core_bytes",
}


def confine(settings: dict) -> None:
    """Drop root (when ``settings["uid"]`` is set) and set every limit in ``settings``, soft = hard."""
    uid = settings.get("uid")
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    for name, key in LIMITS.items():
        value = settings.get(key)
        if value is not None:
            resource.setrlimit(getattr(resource, name), (int(value), int(value)))


def main(argv: list[str] | None = None) -> int:
    """Serve one request (see the module's docstring); the settings are ``argv[0]`` as JSON."""
    settings = json.loads((argv if argv is not None else sys.argv[1:])[0])
    confine(settings)
    import numpy as np  # after confine: nothing from the environment runs with more rights

    from ..exercises.attempts import evaluate
    from ..exercises.cases import Case
    from ..exercises.limits import TimeUp, run_limited
    from . import wire

    fd = int(settings["fd"])

    def send(message: dict) -> None:
        frame = wire.dumps(message)
        while frame:
            frame = frame[os.write(fd, frame) :]

    body = wire.read_frame(sys.stdin.buffer.read)
    request = wire.loads(body) if body is not None else {}
    namespace: dict = {"__name__": "__main__", "np": np}
    cells = []
    for label, source in request.get("cells", []):
        try:
            code = compile(source, f"<{label}>", "exec")
            run_limited(exec, (code, namespace), request.get("cell_seconds", 10.0))
            cells.append({"label": label, "error": None})
        except TimeUp:
            cells.append({"label": label, "error": {"type": "TimeoutError", "message": "it took too long"}})
        except BaseException as err:  # noqa: BLE001  the student's cell: its error is reported, never raised
            cells.append(
                {"label": label, "error": {"type": type(err).__name__, "message": wire.text_of(err)}}
            )
    send({"cells": cells})
    for task in request.get("tasks", []):
        send({"start": task["name"]})
        if task["function"] not in namespace:
            send({"result": task["name"], "missing": True})
            continue
        cases = [Case(inputs, {}, "") for inputs in task["inputs"]]
        evaluation = evaluate(namespace[task["function"]], cases, task["time_limit"])
        try:
            send({"result": task["name"], "evaluation": wire.evaluation_to_data(evaluation)})
        except wire.WireError:  # the function returned more than a frame holds
            send({"result": task["name"], "too_large": True})
    send({"done": True})
    return 0

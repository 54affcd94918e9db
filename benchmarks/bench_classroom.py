"""How much hub a class needs: N simulated students on a local JupyterHub, measured, then sized for 500.

    .venv/bin/python benchmarks/bench_classroom.py                  # N = 1, 5, 10, 20
    .venv/bin/python benchmarks/bench_classroom.py --students 1 5   # fewer
    .venv/bin/python benchmarks/bench_classroom.py --light-from 20  # N >= 20 run 01 and 03 only

For each N, a fresh classroom (``tools/classroom.py``: JupyterHub, configurable-http-proxy and
nbgitpuller on loopback) with the student edition published into a bare repository: all N
students' servers start at once (spawn time), everyone follows the nbgitpuller link at once (pull
time), then everyone runs notebook 01, 03, 04 and 06 in turn, at the same time, each in a kernel
of its own that stays open (memory of each student's server and kernels after each notebook, the
kernel's CPU seconds per notebook). Last, every student moves the LogitsExplorer's z1 slider of
notebook 03 a number of times, all students at once, each move sent as the browser's widget
manager sends it; the round trip is until the kernel's new picture arrives.

The sizing for 500 students uses the largest N measured and prints its assumptions. A script,
not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import classroom  # noqa: E402
import publish_student  # noqa: E402

REPO = "softmax-course"
NOTEBOOKS = {
    "01": "01_softmax_and_cross_entropy.ipynb",
    "03": "03_cross_entropy_gradient.ipynb",
    "04": "04_backpropagation.ipynb",
    "06": "06_real_data_digits.ipynb",
}
MB = 1024 * 1024
GIB = 1024 * MB
# The sizing's assumptions (printed with it).
CLASS_SIZE, ACTIVE_SHARE = 500, 0.6
NODES = ((4, 16), (8, 32))  # (CPUs, GiB)
NODE_RESERVE_GIB, NODE_RESERVE_CPU = 2.0, 0.5  # OS, kubelet and daemons on every node
SESSION_MINUTES, RUNS_PER_NOTEBOOK = 90, 2  # a lab session; each notebook run twice in it


@dataclass
class Measured:
    """What one classroom of ``n`` students gave."""

    n: int
    notebooks: list[str]
    spawn: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    memory: dict[str, list[classroom.Memory]] = field(default_factory=dict)  # after each notebook
    cpu: dict[str, list[float]] = field(default_factory=dict)
    wall: dict[str, list[float]] = field(default_factory=dict)
    round_trips: list[float] = field(default_factory=list)
    hub: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    load: float = 0.0  # the 1-minute load average at the end: other work on the machine shows here


def slider_values(start: float, count: int) -> list[float]:
    """``count`` slider positions near ``start``, each different from the one before."""
    return [round(start + 0.05 * (k % 10 + 1), 2) for k in range(count)]


def move_slider(kernel: classroom.NotebookKernel, updates: int) -> list[float]:
    """Move notebook 03's z1 slider ``updates`` times, each after the last picture came: round trips."""
    explorer = kernel.explorer()
    return [
        kernel.update_widget(explorer["slider"], {"value": v}, explorer["image"])[0]
        for v in slider_values(explorer["value"], updates)
    ]


def measure(n: int, repo: str, notebooks: list[str], updates: int, cell_timeout: float) -> Measured:
    """Run one classroom of ``n`` students through ``notebooks`` (keys of NOTEBOOKS) and measure it."""
    started, result = time.monotonic(), Measured(n, notebooks)
    path = {key: f"{REPO}/notebooks/{name}" for key, name in NOTEBOOKS.items()}
    link = classroom.nbgitpuller_link(repo, "student", path[notebooks[0]])
    with classroom.Classroom() as hub:
        students = [hub.add_student(f"student{i:03d}") for i in range(n)]
        result.spawn = classroom.concurrently(lambda s: s.start_server(), students)
        classroom.concurrently(lambda s: s.log_in(), students)
        result.pull = [p.seconds for p in classroom.concurrently(lambda s: s.pull(link), students)]
        for key in notebooks:
            runs = classroom.concurrently(
                lambda s, p=path[key]: s.open_notebook(p).run_notebook(cell_timeout), students
            )
            result.cpu[key] = [r.cpu_seconds for r in runs]
            result.wall[key] = [r.seconds for r in runs]
            result.memory[key] = classroom.concurrently(lambda s: s.memory(), students)
        if "03" in notebooks:
            third = [s.kernels[notebooks.index("03")] for s in students]
            moves = classroom.concurrently(lambda k: move_slider(k, updates), third)
            result.round_trips = [t for m in moves for t in m]
        result.hub = hub.memory()
    result.seconds, result.load = time.monotonic() - started, os.getloadavg()[0]
    return result


# -- printing ------------------------------------------------------------------------------------


def median_max(values: list[float], scale: float = 1.0, unit: str = "", digits: int = 1) -> str:
    """'median M / max X unit' of ``values`` divided by ``scale``."""
    med, top = statistics.median(values) / scale, max(values) / scale
    return f"{med:.{digits}f} / {top:.{digits}f}{unit}"


def machine() -> str:
    """Date, cores, memory, CPU model, OS and versions, in two lines."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    import jupyterhub
    import nbgitpuller

    load = os.getloadavg()[0]
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / GIB:.1f} GiB, {model}; {platform.platform()}\n"
        f"Python {platform.python_version()}, JupyterHub {jupyterhub.__version__}, nbgitpuller "
        f"{nbgitpuller.__version__}, configurable-http-proxy {classroom.CHP_VERSION}; load average {load:.2f}"
    )


def report(m: Measured) -> None:
    """Print one classroom's measurements."""
    opened = []
    students = f"{m.n} student" + ("s" if m.n > 1 else "")
    print(
        f"\nN = {students}, notebooks {' '.join(m.notebooks)} (took {m.seconds:.0f} s; "
        f"load average {m.load:.1f} at the end)"
    )
    print(f"  spawn (all at once), median / max:   {median_max(m.spawn, unit=' s')}")
    print(f"  pull (all at once), median / max:    {median_max(m.pull, unit=' s', digits=2)}")
    print(
        f"  {'per student, median / max':<31} {'RSS':>15} {'PSS':>15}   "
        f"{'its kernel CPU':>14} {'its wall time':>15}"
    )
    for key in m.notebooks:
        opened.append(key)
        rss = [x.rss for x in m.memory[key]]
        pss = [x.pss for x in m.memory[key]]
        label = f"after {key}, {'+'.join(opened)} open"
        print(
            f"    {label:<29} {median_max(rss, MB, ' MB', 0):>15} {median_max(pss, MB, ' MB', 0):>15}   "
            f"{median_max(m.cpu[key], unit=' s'):>14} {median_max(m.wall[key], unit=' s'):>15}"
        )
    last = m.memory[m.notebooks[-1]]
    print(
        f"    {'of which the server alone':<29} {median_max([x.server_rss for x in last], MB, ' MB', 0):>15}"
    )
    print(
        f"    all {m.n} together, PSS: {sum(x.pss for x in last) / GIB:.1f} GiB of this machine's "
        f"{psutil.virtual_memory().total / GIB:.1f} GiB"
    )
    if m.round_trips:
        ms = [t * 1000 for t in m.round_trips]
        print(
            f"  explorer update round trip ({len(ms)} updates, {students} at once): "
            f"p50 {classroom.percentile(ms, 50):.0f} ms, p95 {classroom.percentile(ms, 95):.0f} ms, "
            f"max {max(ms):.0f} ms"
        )
    print(f"  hub {m.hub['hub'] / MB:.0f} MB RSS, proxy {m.hub['proxy'] / MB:.0f} MB RSS")


def round_up(value: float, step: float) -> float:
    """``value`` rounded up to a multiple of ``step``."""
    return math.ceil(value / step) * step


def sizing(m: Measured) -> None:
    """Print what the measurements of ``m`` imply for CLASS_SIZE students, with the assumptions."""
    active = round(CLASS_SIZE * ACTIVE_SHARE)
    all_open = [x.rss for x in m.memory[m.notebooks[-1]]]
    guarantee = round_up(statistics.median(all_open) * 1.1, 128 * MB)
    limit = round_up(max(all_open) * 1.5, 256 * MB)
    cpu_session = sum(statistics.median(m.cpu[k]) for k in m.notebooks) * RUNS_PER_NOTEBOOK
    cpu_average = cpu_session / (SESSION_MINUTES * 60)
    cpu_guarantee = max(0.05, round_up(2 * cpu_average, 0.05))
    heaviest = max(m.notebooks, key=lambda k: statistics.median(m.cpu[k]))
    print(f"\nSizing for {CLASS_SIZE} students from N = {m.n} (notebooks {' '.join(m.notebooks)} all open)")
    print(
        f"  assumptions: {ACTIVE_SHARE:.0%} of them active at once = {active} servers;\n"
        "    memory per student = RSS of their server and kernels with those notebooks open\n"
        "    (RSS, not PSS: in pods of their own, students share no library pages);\n"
        "    memory guarantee = 1.1 x median, limit = 1.5 x max;\n"
        f"    a {SESSION_MINUTES}-minute session runs each notebook {RUNS_PER_NOTEBOOK} times; "
        "CPU guarantee = 2 x that average (at least 0.05);\n"
        f"    each node keeps {NODE_RESERVE_GIB:g} GiB and {NODE_RESERVE_CPU:g} CPU for the system; "
        "the hub and the proxy run apart (one small node)"
    )
    print(
        f"  per student: memory guarantee {guarantee / MB:.0f} MB, limit {limit / MB:.0f} MB; CPU "
        f"{cpu_average:.3f} on average over the session ({cpu_session:.0f} CPU s), guarantee "
        f"{cpu_guarantee:.2f}, limit 1"
    )
    for cpus, gib in NODES:
        by_memory = int((gib - NODE_RESERVE_GIB) * GIB // guarantee)
        by_cpu = int((cpus - NODE_RESERVE_CPU) // cpu_guarantee)
        per_node = min(by_memory, by_cpu)
        nodes = math.ceil(active / per_node)
        burst = per_node * statistics.median(m.cpu[heaviest]) / (cpus - NODE_RESERVE_CPU)
        print(
            f"  {cpus} CPU / {gib} GiB nodes: {per_node} students each (memory allows {by_memory}, CPU "
            f"{by_cpu}) -> {nodes} nodes for {active}; if all of a node's students run {heaviest} at once "
            f"it takes about {burst:.0f} s"
        )


def published_course(folder: Path) -> str:
    """The student edition published into a bare repository in ``folder``: its file:// URL."""
    bare = folder / REPO
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    publish_student.publish(str(bare))
    return f"file://{bare}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 5, 10, 20], help="class sizes N")
    parser.add_argument("--notebooks", nargs="+", default=list(NOTEBOOKS), choices=list(NOTEBOOKS))
    parser.add_argument("--light-from", type=int, default=0, help="from this N on, run 01 and 03 only")
    parser.add_argument("--updates", type=int, default=20, help="slider moves per student (max 200)")
    parser.add_argument("--cell-timeout", type=float, default=900, help="seconds per cell at most")
    args = parser.parse_args()
    if any(not 1 <= n <= 40 for n in args.students) or not 1 <= args.updates <= 200:
        parser.error("class sizes must be 1..40 and --updates 1..200")
    print(machine())
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as tmp:
        repo = published_course(Path(tmp))
        for n in args.students:
            light = args.light_from and n >= args.light_from
            notebooks = [k for k in args.notebooks if k in ("01", "03")] if light else args.notebooks
            results.append(measure(n, repo, notebooks, args.updates, args.cell_timeout))
            report(results[-1])
    sizing(max(results, key=lambda m: (len(m.notebooks), m.n)))


if __name__ == "__main__":
    main()

"""A real classroom on this machine: the instructor publishes, students pull with nbgitpuller on a hub.

What the README promises instructors, end to end on loopback (``tools/classroom.py``): the student
edition is published into the ``student`` branch of a bare repository (``tools/publish_student.py``);
JupyterHub with configurable-http-proxy and nbgitpuller serves three students, who log in and
follow the nbgitpuller link; each runs notebooks 01 and 03 in a kernel started in the notebooks'
folder, with no error, importing ``course_utils`` from their own clone (nothing is installed for
them), and moves the LogitsExplorer's slider the way the browser does. One student does it all in
headless Chromium too: the hub's login form, the link, JupyterLab opening notebook 03 and the
explorer's picture drawn. Then the instructor changes notebook 01 and publishes again (a new
commit on top; publishing the same edition again makes none); every student has edited another
notebook meanwhile, follows the link again, and gets the change while keeping their edit.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
import browser_env  # noqa: E402

build_student = browser_env.load_tool("build_student")
classroom = browser_env.load_tool("classroom")
publish_student = browser_env.load_tool("publish_student")

pytestmark = pytest.mark.slow

REPO = "softmax-course"  # the bare repository's folder: nbgitpuller clones it into ~/softmax-course
FIRST = "01_softmax_and_cross_entropy.ipynb"
THIRD = "03_cross_entropy_gradient.ipynb"
STUDENTS = {
    "ada": "03_cross_entropy_gradient.ipynb",
    "ben": "04_backpropagation.ipynb",
    "cleo": "02_softmax_jacobian.ipynb",
}
CHANGE = "\n\n*Updated for this week's lecture.*"


def git(*args: str, cwd: Path) -> str:
    """The output of ``git args`` run in ``cwd``."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def notebook_path(name: str) -> str:
    """A notebook's path in a student's home, as the server and the link name it."""
    return f"{REPO}/notebooks/{name}"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course's bare repository, with the student edition published once into ``student``."""
    bare = tmp_path_factory.mktemp("remote") / REPO
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    assert publish_student.publish(str(bare)) is not None
    return bare


@pytest.fixture(scope="module")
def link(remote: Path):
    """The nbgitpuller link to a notebook of the ``student`` branch: link(name)."""
    return lambda name: classroom.nbgitpuller_link(f"file://{remote}", "student", notebook_path(name))


@pytest.fixture(scope="module")
def hub() -> Iterator[classroom.Classroom]:
    """A classroom (JupyterHub, proxy, servers) for the whole module."""
    with classroom.Classroom() as room:
        yield room


@pytest.fixture(scope="module")
def students(hub: classroom.Classroom, link) -> list[classroom.Student]:
    """Three students with a running server, logged in, who followed the link to notebook 01."""
    started = time.monotonic()
    class_list = [hub.add_student(name) for name in STUDENTS]
    spawns = classroom.concurrently(lambda s: s.start_server(), class_list)
    for student in class_list:
        student.log_in()
    pulls = classroom.concurrently(lambda s: s.pull(link(FIRST)), class_list)
    for student, pull in zip(class_list, pulls, strict=True):
        assert "Cloning into" in pull.output, pull.output
        assert pull.redirect == f"/user/{student.name}/lab/tree/{notebook_path(FIRST)}"
        assert (student.home / notebook_path(FIRST)).is_file()
    print(
        f"\nclassroom: {len(class_list)} servers up in {max(spawns):.1f} s, pulled in "
        f"{max(p.seconds for p in pulls):.1f} s ({time.monotonic() - started:.1f} s in all)"
    )
    return class_list


def run_lesson(student: classroom.Student) -> dict:
    """Notebooks 01 and 03 in kernels of their own, then the explorer's slider moved once."""
    found = {}
    for name in (FIRST, THIRD):
        kernel = student.open_notebook(notebook_path(name))
        run = kernel.run_notebook()
        found[name] = {
            "run": run,
            "course_utils": Path(kernel.module_file("course_utils")),
            "cwd": Path(kernel.execute("import os; print(os.getcwd())").text().strip()),
        }
    explorer = kernel.explorer()
    picture = kernel.widgets[explorer["image"]].get("value")
    seconds, state = kernel.update_widget(
        explorer["slider"], {"value": explorer["value"] + 0.5}, explorer["image"]
    )
    found.update(picture=picture, moved=state["value"], round_trip=seconds, count=explorer["count"])
    for kernel in list(student.kernels):
        kernel.shutdown()
    return found


def test_students_run_the_notebooks_from_their_own_clone(students: list[classroom.Student]) -> None:
    started = time.monotonic()
    lessons = classroom.concurrently(run_lesson, students)
    for student, lesson in zip(students, lessons, strict=True):
        for name in (FIRST, THIRD):
            clone = nbformat.read(student.home / notebook_path(name), as_version=4)
            assert len(lesson[name]["run"].cells) == sum(c.cell_type == "code" for c in clone.cells)
            assert lesson[name]["cwd"] == student.home / REPO / "notebooks", (
                f"{name}: kernel not in notebooks/"
            )
            own = student.home / REPO / "notebooks" / "course_utils"
            assert lesson[name]["course_utils"].is_relative_to(own), (
                f"{student.name} {name}: course_utils from {lesson[name]['course_utils']}, not from {own}"
            )
        assert lesson["count"] == 1, "notebook 03 should display one LogitsExplorer"
        assert classroom.is_png(lesson["picture"]), f"{student.name}: the explorer's picture is not a PNG"
        assert classroom.is_png(lesson["moved"]) and lesson["moved"] != lesson["picture"], (
            f"{student.name}: moving z1 did not redraw the explorer's picture"
        )
        assert student.memory().kernels_rss == [], f"{student.name}: a kernel survived its shutdown"
    times = ", ".join(
        f"{s.name}: 01 {lesson[FIRST]['run'].seconds:.1f} s, 03 {lesson[THIRD]['run'].seconds:.1f} s, "
        f"slider {lesson['round_trip'] * 1000:.0f} ms"
        for s, lesson in zip(students, lessons, strict=True)
    )
    print(f"\nlessons run together in {time.monotonic() - started:.1f} s ({times})")


# -- one student in a real browser ---------------------------------------------------------------

RUN_DONE_JS = """() => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
      .map(e => e.textContent.trim());
  if (document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    return 'error';
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p)) ? 'done' : null;
}"""


def run_all_afresh(page) -> None:
    """Clear the stored outputs (so no stored prompt or picture passes for a fresh one), then
    restart the kernel and run all cells, from JupyterLab's menu and toolbar."""
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.locator(".lm-MenuBar-item", has_text="Edit").first.click()
    clear = page.locator(
        ".lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text="Clear Outputs of All Cells")
    )
    clear.first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]"
        ".every(e => !/\\d/.test(e.textContent))",
        timeout=30_000,
    )
    page.locator(".jp-NotebookPanel [data-command='notebook:restart-run-all']").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()


def student_sessions(student: classroom.Student):
    """The student's server's sessions, ``[]`` while it cannot answer."""

    def sessions() -> list:
        try:
            return student.api("GET", "sessions").json()
        except classroom.ClassroomError:
            return []

    return sessions


def painted(png: bytes) -> tuple[int, float]:
    """(distinct colours, fraction of pixels not near white) of a PNG screenshot."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return len(np.unique(pixels.reshape(-1, 3), axis=0)), float(np.mean(np.any(pixels < 235, axis=-1)))


def test_a_student_in_chromium(
    hub: classroom.Classroom, students: list[classroom.Student], link, tmp_path
) -> None:
    reason = browser_env.chromium_missing()
    if reason:
        browser_env.skip_or_fail(reason)
    student = students[0]
    shots = browser_env.ARTIFACTS / "classroom"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "failure.png").unlink(missing_ok=True)
    started = time.monotonic()
    with browser_env.chromium(tmp_path / "profile", 1280, 900) as context:
        page = context.new_page()
        try:
            page.goto(f"{hub.url}/hub/login")
            page.fill("#username_input", student.name)
            page.fill("#password_input", hub.password)
            page.click("#login_submit")
            page.wait_for_url(re.compile(rf"/user/{student.name}/lab"), timeout=60_000)
            page.goto(hub.url + link(THIRD))
            page.wait_for_url(
                re.compile(rf"/user/{student.name}/lab/tree/{re.escape(notebook_path(THIRD))}"),
                timeout=90_000,
            )
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=90_000)
            assert page.locator(".lm-TabBar-tab.jp-mod-current", has_text=THIRD).count() >= 1
            assert page.locator(".lm-MenuBar-item", has_text="Nbgrader").count() == 0, "nbgrader shown"
            browser_env.wait_for_kernel_idle(page, student_sessions(student), notebook_path(THIRD))
            run_all_afresh(page)
            result = page.wait_for_function(RUN_DONE_JS, timeout=180_000, polling=250).json_value()
            assert result == "done", "notebook 03 wrote to stderr or failed in JupyterLab"
            picture = page.locator("img.logits-explorer-plot").first
            picture.wait_for(state="attached", timeout=60_000)
            picture.scroll_into_view_if_needed()
            page.wait_for_function(
                "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle(), timeout=30_000
            )
            colours, non_white = painted(picture.screenshot(path=str(shots / "explorer.png")))
        except BaseException:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            raise
    assert colours >= 16 and non_white >= 0.02, (
        f"the explorer's picture looks blank ({colours} colours, {non_white:.1%} not white): {shots}"
    )
    print(f"\nbrowser: login, link, JupyterLab and notebook 03 run in {time.monotonic() - started:.1f} s")
    for kernel in student.api("GET", "sessions").json():
        student.api("DELETE", f"sessions/{kernel['id']}")


# -- the next lecture --------------------------------------------------------------------------


def changed_edition(out: Path) -> Path:
    """A fresh student edition whose notebook 01 has CHANGE appended to its first markdown cell."""
    build_student.build(out)
    path = out / "notebooks" / FIRST
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.cell_type == "markdown").source += CHANGE
    nbformat.write(nb, path)
    return out


def add_own_cell(student: classroom.Student, name: str) -> str:
    """The student adds a cell of their own to notebook ``name`` and saves it: the cell's text."""
    text = f"# {student.name}'s own note"
    nb = student.notebook(notebook_path(name))
    nb["cells"].append(
        {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}
    )
    student.save_notebook(notebook_path(name), nb)
    return text


def sources(nb: dict) -> str:
    """Every cell's source of a notebook (nbformat JSON), one after another."""
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def test_students_get_the_next_lecture_and_keep_their_edits(
    students: list[classroom.Student], remote: Path, link, tmp_path
) -> None:
    before = git("rev-parse", "student", cwd=remote)
    edition = changed_edition(tmp_path / "edition")
    commit = publish_student.publish(str(remote), edition=edition)
    assert commit is not None and git("rev-parse", f"{commit}^", cwd=remote) == before, "not on top"
    assert publish_student.publish(str(remote), edition=edition) is None, "an unchanged edition made a commit"
    assert git("rev-parse", "student", cwd=remote) == commit

    edits = {s.name: add_own_cell(s, STUDENTS[s.name]) for s in students}
    pulls = classroom.concurrently(lambda s: s.pull(link(FIRST)), students)
    for student, pull in zip(students, pulls, strict=True):
        clone = student.home / REPO
        assert (
            subprocess.run(["git", "merge-base", "--is-ancestor", commit, "HEAD"], cwd=clone).returncode == 0
        ), f"{student.name}: the clone does not have the new commit:\n{pull.output}"
        assert CHANGE.strip() in sources(student.notebook(notebook_path(FIRST))), f"{student.name}: no change"
        own = sources(student.notebook(notebook_path(STUDENTS[student.name])))
        assert edits[student.name] in own, f"{student.name}: their edit of {STUDENTS[student.name]} was lost"
    print(f"\nsecond pull: {max(p.seconds for p in pulls):.1f} s")


def test_leaving_the_classroom_stops_every_process(
    hub: classroom.Classroom, students: list[classroom.Student]
) -> None:
    for student in students:
        student.open_notebook(notebook_path(FIRST))  # left running, as a student leaves a tab open
    processes = hub.processes()
    assert len(processes) >= 2 + 2 * len(students), "the hub, the proxy, and a server and a kernel each"
    hub.stop()
    alive = classroom.still_running(processes)
    assert not alive, f"still running after the classroom stopped: {[p.cmdline() for p in alive]}"

"""Publishing the student edition: commits on top of the branch, so nbgitpuller keeps merging.

Each test publishes into a bare repository made for it and pulls with nbgitpuller's own
``gitpuller`` command (the code the ``/git-pull`` link runs on a hub), as students would between
two lectures.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # the tools import each other by plain name
import build_student  # noqa: E402
import publish_student  # noqa: E402

FIRST = "01_softmax_and_cross_entropy.ipynb"
THIRD = "03_cross_entropy_gradient.ipynb"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("edition") / "student"
    build_student.build(out)
    return out


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "course.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    return bare


def changed_edition(edition: Path, tmp_path: Path, text: str) -> Path:
    """A copy of ``edition`` whose notebook 01 has ``text`` appended to its first markdown cell."""
    copy = tmp_path / "changed"
    shutil.copytree(edition, copy)
    path = copy / "notebooks" / FIRST
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    first.source += text
    nbformat.write(nb, path)
    return copy


def pull(remote: Path, home: Path) -> Path:
    """What following the nbgitpuller link does: clone the first time, merge after that."""
    target = home / "REPO"
    gitpuller = Path(sys.executable).with_name("gitpuller")
    result = subprocess.run([gitpuller, str(remote), "student", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, f"the pull failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return target


def add_student_cell(notebook: Path, text: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(text))
    nbformat.write(nb, notebook)


def test_first_publish_creates_the_branch_and_a_second_one_without_changes_commits_nothing(
    edition: Path, remote: Path
) -> None:
    first = publish_student.publish(str(remote), edition=edition)
    assert first and git("rev-parse", "student", cwd=remote) == first
    assert publish_student.publish(str(remote), edition=edition) is None
    assert git("rev-list", "--count", "student", cwd=remote) == "1"
    files = git("ls-tree", "-r", "--name-only", "student", cwd=remote).splitlines()
    assert f"notebooks/{FIRST}" in files and "notebooks/course_utils/__init__.py" in files
    mode = git("ls-tree", "student", "binder/postBuild", cwd=remote).split()[0]
    assert mode == "100755", "postBuild must stay executable (repo2docker runs ./binder/postBuild)"


def test_two_publishes_and_two_pulls_deliver_the_change_and_keep_the_students_edits(
    edition: Path, remote: Path, tmp_path: Path
) -> None:
    first = publish_student.publish(str(remote), edition=edition)
    student = pull(remote, tmp_path / "alice")
    untouched = pull(remote, tmp_path / "bob")
    add_student_cell(student / "notebooks" / THIRD, "my_answer = 42  # written by the student")
    (student / "notebooks" / "my_notes.md").write_text("the student's own file\n")

    second = publish_student.publish(str(remote), edition=changed_edition(edition, tmp_path, "\n\nNew line."))
    assert second and second != first
    assert git("rev-parse", f"{second}^", cwd=remote) == first, "the new commit sits on top of the old"

    for home in (student, untouched):
        pull(remote, home.parent)
        assert "New line." in (home / "notebooks" / FIRST).read_text(encoding="utf-8"), home
    assert "my_answer = 42" in (student / "notebooks" / THIRD).read_text(encoding="utf-8")
    assert (student / "notebooks" / "my_notes.md").read_text() == "the student's own file\n"
    assert "my_answer" not in (untouched / "notebooks" / THIRD).read_text(encoding="utf-8")


def test_files_gone_from_the_edition_leave_the_branch_and_other_branches_stay(
    edition: Path, remote: Path, tmp_path: Path
) -> None:
    publish_student.publish(str(remote), branch="other", edition=edition)
    publish_student.publish(str(remote), edition=edition)
    smaller = tmp_path / "smaller"
    shutil.copytree(edition, smaller)
    (smaller / "notebooks" / FIRST).unlink()
    assert publish_student.publish(str(remote), edition=smaller)
    assert f"notebooks/{FIRST}" not in git("ls-tree", "-r", "--name-only", "student", cwd=remote)
    assert f"notebooks/{FIRST}" in git("ls-tree", "-r", "--name-only", "other", cwd=remote)


def test_bad_arguments_and_failing_git_say_what_is_wrong(edition: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="branch"):
        publish_student.publish(str(tmp_path / "x.git"), branch="--force", edition=edition)
    with pytest.raises(ValueError, match="edition"):
        publish_student.publish(str(tmp_path / "x.git"), edition=tmp_path)
    secret = "https://user:s3cr3t@127.0.0.1:9/course.git"
    with pytest.raises(publish_student.PublishError) as failed:
        publish_student.publish(secret, edition=edition)
    assert "s3cr3t" not in str(failed.value) and "ls-remote" in str(failed.value)


def test_the_workflow_publishes_with_the_command_and_never_force_pushes() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["publish"]["steps"]]
    publishing = [run for run in runs if "run.py publish" in run]
    assert len(publishing) == 1 and re.search(r"--branch student\b", publishing[0]), publishing
    assert not any(re.search(r"--force|\bpush\b.*\+|git init", run) for run in runs), runs

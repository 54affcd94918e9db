"""nbgrader preprocessors that grade notebook 05 without running a submission in nbgrader's process.

:func:`configure` puts them into nbgrader's own pipeline (``notebooks/nbgrader_config.py`` calls
it); the commands stay ``nbgrader autograde`` / ``generate_feedback`` / ``export``:

- ``Autograde.sanitize_preprocessors``: :class:`BackupGradebook` first (a copy of gradebook.db
  before this run writes a score), then nbgrader's own, with :class:`RejectBrokenSubmissions` in
  place of ``DeduplicateIds``: a submission with a copied graded cell or damaged nbgrader metadata
  fails alone, with a clear message, instead of aborting the run;
- ``Autograde.autograde_preprocessors``: :class:`SandboxedChecks` in place of nbgrader's
  ``Execute`` (no kernel runs the submission), and :class:`SaveSandboxedGrades` in place of
  ``SaveAutoGrades``: a check cell's score is what the grader judged, never a displayed value;
- ``GenerateFeedback.preprocessors``: nbgrader's ``ClearHiddenTests`` as well, so the feedback
  never shows the instructor's notes in the check cells.
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader import utils
from nbgrader.nbgraderformat import SCHEMA_VERSION
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets import Integer

from . import grade, sandbox

SCORES = "sandboxed_scores"  # resources key: grade id -> points judged (None: grade by hand)
BACKUPS = "gradebook-backups"  # folder next to gradebook.db


class SandboxUnavailable(RuntimeError):
    """Grading refuses: the sandbox cannot run here, and running submissions unsandboxed is unsafe."""


def _db_path(resources) -> Path | None:
    url = resources.get("nbgrader", {}).get("db_url", "")
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


class BackupGradebook(NbGraderPreprocessor):
    """Copy gradebook.db (sqlite's online backup: consistent even while open) into
    gradebook-backups/ before the first submission of an autograde run is sanitized; keeps the
    ``keep`` newest copies. A run is told apart by time: a process (the command line's, or the
    formgrader's server) backs up again once ``interval`` seconds have passed since its last copy."""

    keep = Integer(20, help="How many backups of gradebook.db to keep").tag(config=True)
    interval = Integer(600, help="Seconds after a backup during which this process makes no other").tag(
        config=True
    )
    _last: dict[Path, float] = {}

    def preprocess(self, nb, resources):
        db = _db_path(resources)
        if db is None or not db.exists():
            return nb, resources
        key = db.resolve()
        if time.monotonic() - self._last.get(key, -float("inf")) < self.interval:
            return nb, resources
        folder = db.parent / BACKUPS
        folder.mkdir(exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{db.stem}-{stamp}.db"
        with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        BackupGradebook._last[key] = time.monotonic()
        for old in sorted(folder.glob(f"{db.stem}-*.db"))[: -self.keep]:
            old.unlink()
        self.log.info("Backed up %s to %s", db.name, target)
        return nb, resources


class BrokenSubmission(ValueError):
    """A submission nbgrader cannot grade as it is: two cells with one nbgrader id (a copied
    cell), or a cell whose nbgrader metadata was edited or damaged."""


class RejectBrokenSubmissions(DeduplicateIds):
    """Fail this one submission, saying what is wrong and how to fix it, where nbgrader would
    clear a duplicate's metadata or meet metadata of another schema version: both make nbgrader
    abort the whole run (a schema error), and every later student stays ungraded."""

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        head = (
            f"Submission of student {info.get('student')!r} not graded: the notebook {info.get('notebook')!r}"
        )
        seen: dict[str, int] = {}
        for index, cell in enumerate(nb.cells):
            if "nbgrader" not in cell.metadata:
                continue
            meta = cell.metadata.nbgrader
            if not isinstance(meta, dict) or meta.get("schema_version") != SCHEMA_VERSION:
                raise BrokenSubmission(
                    f"{head} has nbgrader metadata that was edited or damaged in cell {index} "
                    f"(starting {cell.source[:60]!r}). Restore that cell's metadata from the released "
                    "notebook (or copy the student's answers into a fresh copy of it) and run autograde "
                    "again for this student; the other submissions are graded as usual."
                )
            if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell):
                grade_id = meta.get("grade_id", "")
                seen[grade_id] = seen.get(grade_id, 0) + 1
        twice = sorted(k for k, n in seen.items() if n > 1)
        if twice:
            raise BrokenSubmission(
                f"{head} holds the graded cell(s) {', '.join(map(repr, twice))} more than once (a copied "
                "cell). Delete the copy in the submitted notebook (keep the cell with the student's "
                "answer) and run autograde again for this student; the other submissions are graded as "
                "usual."
            )
        return nb, resources


class SandboxedChecks(NbGraderPreprocessor):
    """Grade the check cells in a sandbox (see :mod:`.grade`) instead of executing the notebook.

    Each graded code cell whose (instructor's) source calls a known ``check_*`` gets the judged
    diagnosis as its output and the points as its value; the points go to ``resources[SCORES]``,
    where :class:`SaveSandboxedGrades` reads them. A graded cell without a known check is left for
    grading by hand. Refuses to grade (:class:`SandboxUnavailable`) when the sandbox cannot run.
    The limits of :class:`~.sandbox.Limits` that an instructor may need to change are traits."""

    memory_mb = Integer(
        2048, help="Address space of a submission's sandbox, MB (torch 2.13 answers need about 768)"
    ).tag(config=True)
    cpu_seconds = Integer(60, help="CPU time of a submission's sandbox, all checks together").tag(config=True)
    task_slack_seconds = Integer(
        10, help="Seconds beyond a check's own time limit before its sandbox is killed"
    ).tag(config=True)

    def limits(self) -> sandbox.Limits:
        return sandbox.Limits(
            cpu_seconds=self.cpu_seconds,
            memory_bytes=self.memory_mb * 2**20,
            task_slack_seconds=float(self.task_slack_seconds),
        )

    def preprocess(self, nb, resources):
        reason = sandbox.unavailable()
        if reason is not None:
            raise SandboxUnavailable(
                f"Refusing to grade: the sandbox that runs each submission cannot start here ({reason}). "
                "Without it a submission's code could change its own or other students' scores and the "
                "instructor's files. Install bubblewrap (apt-get install bubblewrap) and make sure "
                "`bwrap --ro-bind / / --unshare-all true` works for this user, then autograde again."
            )
        cells = [
            (c.metadata.nbgrader.get("grade_id", f"cell {i}"), c.source)
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and utils.is_solution(c)
        ]
        checks, graded = [], {}
        for cell in nb.cells:
            if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            graded[grade_id] = cell
            try:
                found = grade.checks_in(cell.source)
            except SyntaxError:
                found = []
            if len(found) == 1:
                points = float(cell.metadata.nbgrader.get("points", 0))
                checks.append(grade.Check(grade_id, found[0][0], found[0][1], points))
        db = _db_path(resources)
        hidden = sandbox.hidden_folders() + ([db.parent] if db is not None else [])
        started = time.perf_counter()
        elsewhere = [
            (f"cell {i}", c.source)
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and not utils.is_solution(c) and not utils.is_grade(c)
        ]
        verdicts, result = grade.grade(cells, checks, self.limits(), hidden, elsewhere)
        self.log.info(
            "Graded %d checks in %.2f s (%d sandbox run%s)",
            len(checks),
            time.perf_counter() - started,
            result.runs,
            "" if result.runs == 1 else "s",
        )
        if result.stderr:
            self.log.debug("sandbox stderr: %s", result.stderr[:2000])
        scores: dict[str, float | None] = {}
        for grade_id, cell in graded.items():
            verdict = verdicts.get(grade_id) or grade.Verdict(
                None, "This test cell is not one of the course's checks: grade it by hand."
            )
            scores[grade_id] = verdict.score
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict.text + "\n")]
            if verdict.score is not None:
                cell.outputs.append(
                    nbformat.v4.new_output(
                        "execute_result", data={"text/plain": repr(verdict.score)}, execution_count=1
                    )
                )
        resources[SCORES] = scores
        return nb, resources


class SaveSandboxedGrades(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, with a graded code cell's score taken from what
    :class:`SandboxedChecks` judged: 0 when it judged nothing, to be graded by hand when it said
    so (None). Other grade cells (written answers) are scored as nbgrader does."""

    def _add_score(self, cell, resources) -> None:
        if cell.cell_type != "code" or utils.is_solution(cell):
            return super()._add_score(cell, resources)
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        grade_row = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id, self.student_id)
        scores = resources.get(SCORES, {})
        grade_row.auto_score = scores.get(grade_id, 0.0)
        grade_row.needs_manual_grade = grade_row.manual_score is not None or grade_row.auto_score is None
        self.gradebook.db.commit()


def configure(c) -> None:
    """Put this module's preprocessors into nbgrader's pipelines in config ``c``."""
    c.Autograde.sanitize_preprocessors = [
        BackupGradebook,
        ClearOutput,
        RejectBrokenSubmissions,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        SandboxedChecks,
        ClearMetadataPreprocessor,
        SaveSandboxedGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

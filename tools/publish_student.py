#!/usr/bin/env python3
"""Publish the student edition as a new commit on top of a branch, never rewriting its history.

    python3 run.py publish DEST [--branch student]
    .venv/bin/python tools/publish_student.py DEST [--branch student] [--edition DIR] [--message M]

``DEST`` is any git remote: a URL (``https://github.com/OWNER/REPO.git``, with a token for CI) or
a path. The student edition is built from this checkout (``tools/build_student.py``; or taken
ready-made from ``--edition``), laid over a clone of ``DEST``'s branch, and committed on top of
it, so the branch only ever moves forward. That is what nbgitpuller needs: it merges the branch
into every student's clone, which works for a descendant and keeps the student's own edits, and
fails with "refusing to merge unrelated histories" after a force-push or a re-created branch.
The first publish creates the branch. A publish that changes nothing makes no commit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other tools, also when loaded by path
import build_student  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Used only where git has no identity configured (a fresh CI runner, a test).
IDENTITY = {"user.name": "Course publisher", "user.email": "publisher@localhost"}


class PublishError(RuntimeError):
    """A git step failed; the message has git's own words, with any credentials removed."""


def redact(text: str, dest: str) -> str:
    """``text`` without the credentials of ``dest`` (a token in ``https://x:TOKEN@host/...``)."""
    parts = urllib.parse.urlsplit(dest)
    if parts.password or parts.username:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        text = text.replace(dest, urllib.parse.urlunsplit(parts._replace(netloc=host)))
        for secret in filter(None, (parts.password, parts.username)):
            text = text.replace(secret, "***")
    return text


def git(*args: str, cwd: Path, dest: str) -> str:
    """Run ``git args`` in ``cwd``; its standard output, or a PublishError with its message."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        command = redact(" ".join(("git", *args)), dest)
        raise PublishError(f"{command} failed:\n{redact(result.stderr.strip(), dest)}")
    return result.stdout.strip()


def source_revision() -> str:
    """This checkout's commit (12 hex digits, "+changes" when the tree differs), or "a working copy"."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
        return sha + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "a working copy"


def checkout_of(dest: str, branch: str, work: Path) -> bool:
    """Clone ``dest``'s ``branch`` into ``work``, or start an empty one; True if the branch existed."""
    heads = git("ls-remote", "--heads", dest, f"refs/heads/{branch}", cwd=work.parent, dest=dest)
    if heads:
        git(
            "clone",
            "--quiet",
            "--single-branch",
            "--branch",
            branch,
            dest,
            str(work),
            cwd=work.parent,
            dest=dest,
        )
        return True
    work.mkdir()
    git("init", "--quiet", "--initial-branch", branch, cwd=work, dest=dest)
    git("remote", "add", "origin", dest, cwd=work, dest=dest)
    return False


def replace_tree(work: Path, edition: Path) -> None:
    """Make ``work``'s files exactly ``edition``'s (its ``.git`` kept): removed files go too."""
    for child in work.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    shutil.copytree(edition, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git"))


def publish(
    dest: str, branch: str = "student", edition: Path | None = None, message: str | None = None
) -> str | None:
    """Commit the student edition on top of ``dest``'s ``branch`` and push it (no force).

    ``edition`` is a ready-made student edition folder; by default one is built from this
    checkout. Returns the new commit's id, or None when the branch already holds exactly this
    edition (nothing is committed or pushed then).
    """
    if not branch or branch.startswith("-"):
        raise ValueError(f"branch must be a branch name, got {branch!r}")
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        tmp = Path(tmp)
        if edition is None:
            edition = tmp / "edition"
            build_student.build(edition)
        elif not (Path(edition) / "notebooks").is_dir():
            raise ValueError(f"edition must be a student edition folder (with notebooks/), got {edition}")
        work = tmp / "work"
        existed = checkout_of(dest, branch, work)
        replace_tree(work, Path(edition))
        git("add", "--all", cwd=work, dest=dest)
        if existed and not git("status", "--porcelain", cwd=work, dest=dest):
            return None
        identity = [f"-c{key}={value}" for key, value in IDENTITY.items() if not _configured(key, work)]
        text = message or f"Student edition of {source_revision()}"
        git(*identity, "commit", "--quiet", "-m", text, cwd=work, dest=dest)
        git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", cwd=work, dest=dest)
        return git("rev-parse", "HEAD", cwd=work, dest=dest)


def _configured(key: str, work: Path) -> bool:
    result = subprocess.run(["git", "config", "--get", key], cwd=work, capture_output=True, text=True)
    return bool(result.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", help="the git remote to publish to: a URL or a path")
    parser.add_argument("--branch", default="student", help="the branch to commit on (default: student)")
    parser.add_argument("--edition", type=Path, help="a ready-made student edition (default: build one)")
    parser.add_argument("--message", help="the commit message (default: 'Student edition of <commit>')")
    args = parser.parse_args(argv)
    try:
        commit = publish(args.dest, args.branch, args.edition, args.message)
    except PublishError as error:
        print(error, file=sys.stderr)
        return 1
    where = redact(args.dest, args.dest)
    if commit is None:
        print(f"{where} {args.branch}: already up to date, no new commit")
    else:
        print(f"{where} {args.branch}: published {commit[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

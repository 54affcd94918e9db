"""The command line the build tools share: ``--out FOLDER``, where to write."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def out_folder(argv: list[str] | None, doc: str, default: Path) -> Path:
    """Parse ``argv`` (None: the command line) for ``--out`` (default ``default``); return it resolved.

    ``doc`` is the tool's docstring: its first paragraph becomes the ``--help`` description.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    shown = default.relative_to(ROOT) if default.is_relative_to(ROOT) else default
    parser.add_argument("--out", type=Path, default=default, help=f"where to write (default: {shown})")
    return parser.parse_args(argv).out.resolve()

"""Copy pinned JavaScript packages from the npm registry into a folder, for pages that work offline."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from filelock import FileLock


def fetch(packages: dict[str, str], out: Path, stamp_name: str = "npm-versions.json") -> None:
    """Unpack each ``"name@version"`` of ``packages`` into ``out / folder`` (its value).

    Skipped when ``out / stamp_name`` records exactly these packages already (so later builds need
    neither npm nor a network). Needs ``npm`` the first time. Builds running at once (the test
    suite's workers) take turns: the first fetches, the others find its stamp.
    """
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]  # one lock per ``out``
    with FileLock(Path(tempfile.gettempdir()) / f"npm-vendor-{key}.lock"):  # nothing left in ``out``
        _fetch(packages, out, out / stamp_name)


def _fetch(packages: dict[str, str], out: Path, stamp: Path) -> None:
    if stamp.exists() and json.loads(stamp.read_text()) == packages:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"npm (Node.js) is needed once, to fetch {', '.join(packages)}")
    for folder in packages.values():
        shutil.rmtree(out / folder, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"fetching {', '.join(packages)} from the npm registry", flush=True)
        packed = subprocess.run(
            [npm, "pack", "--silent", "--pack-destination", tmp, *packages],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        for i, (tgz, folder) in enumerate(zip(packed, packages.values(), strict=True)):
            with tarfile.open(Path(tmp) / tgz) as tar:
                tar.extractall(Path(tmp) / str(i), filter="data")
            (out / folder).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(tmp) / str(i) / "package", out / folder)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(packages, indent=1))

"""Repository hygiene that students and maintainers rely on."""

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from course_notebooks import teaching_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(path: Path) -> list[str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def test_every_requirement_is_pinned_exactly():
    for line in requirement_lines(ROOT / "requirements.txt"):
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line), f"not an exact pin: {line!r}"


def test_the_known_traps_are_respected_by_the_pins():
    pins = dict(line.split("==") for line in requirement_lines(ROOT / "requirements.txt"))
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    assert pins["ipykernel"].startswith("6.31."), "ipykernel 7 draws slider plots blank about half the time"
    major, minor = map(int, pins["numpy"].split(".")[:2])
    assert (major, minor) < (2, 5), "numpy 2.5 has no wheels for Python 3.11"
    for needed in (
        "numpy",
        "sympy",
        "matplotlib",
        "ipywidgets",
        "jupyterlab",
        "nbval",
        "pytest",
        "hypothesis",
    ):
        assert needed in pins, f"{needed} is not pinned"


def test_readme_commands_are_the_ones_run_py_and_ci_run():
    readme = (ROOT / "README.md").read_text()
    assert "`python3 run.py lab`" in readme and "`python3 run.py test`" in readme
    assert "python3 run.py test" in (ROOT / ".ci" / "run").read_text()


def test_readme_links_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        assert str(nb.relative_to(ROOT)) in readme, f"README does not mention {nb.relative_to(ROOT)}"


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed in this environment")
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run([str(ruff), *command], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"ruff {' '.join(command)}:\n" + result.stdout + result.stderr


CORE_MODULES = {"__init__", "_checks", "softmax", "losses", "gradcheck", "network", "data"}
IMPORT_NAMES = {"ipython": "IPython", "scikit-learn": "sklearn"}  # distribution -> import name


def third_party_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("course_utils", "__future__")}


def distribution_names(requirements: list[str]) -> set[str]:
    names = {re.match(r"[A-Za-z0-9_.\-]+", r)[0].lower() for r in requirements}
    return {IMPORT_NAMES.get(n, n) for n in names if n != "course_utils"}


def test_pyproject_declares_what_each_module_imports():
    """The core needs numpy alone; whatever another module imports is in an extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = distribution_names(project["dependencies"])
    extras = {name: distribution_names(reqs) for name, reqs in project["optional-dependencies"].items()}
    declared = core.union(*extras.values())
    package = ROOT / "course_utils"
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package).with_suffix("").parts[0]
        imports = third_party_imports(path)
        assert imports <= declared, (
            f"{path.relative_to(ROOT)} imports {sorted(imports - declared)}, not in pyproject"
        )
        if module in CORE_MODULES:
            assert imports <= core, f"core module {path.name} imports {sorted(imports - core)}"
        elif module in extras:
            assert imports <= core | extras[module], (
                f"extra [{module}] misses {sorted(imports - extras[module])}"
            )


def test_package_data_ships_every_page_side_file():
    """A non-editable install holds only the .py files and what package-data names: every .js and
    .css of course_utils (the control panel's page side, which anywidget reads from beside its
    module) must match a glob of its own package there."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]
    package = ROOT / "course_utils"
    files = sorted(p for ext in ("*.js", "*.css") for p in package.rglob(ext))
    assert files, "the control panel's controls.js and controls.css are gone"
    for path in files:
        owner = ".".join(path.parent.relative_to(ROOT).parts)
        globs = package_data.get(owner, [])
        assert any(path.match(g) for g in globs), f"{path.relative_to(ROOT)}: not in package-data[{owner!r}]"


def test_readme_teaching_times_match_the_slide_metadata():
    """The instructors' table: slides + subslides and fragments as the notebooks have them."""
    from collections import Counter

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in teaching_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        kinds = Counter(c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"])
        row = re.search(
            rf"^\| {path.name[:2]} [^|]*\| (\d+) \+ (\d+) \| (\d+) \| (–|\d+) \| (\d+) min",
            readme,
            re.MULTILINE,
        )
        assert row, f"README has no teaching-time row for {path.name}"
        slides, subslides, fragments, explorers, minutes = row.groups()
        counts = (kinds["slide"], kinds["subslide"], kinds["fragment"])
        assert (int(slides), int(subslides), int(fragments)) == counts, path.name
        # The stated rule: 1.5 min per slide or subslide, 0.5 per fragment, 5 per explorer,
        # rounded to the nearest 5 minutes.
        explorers = 0 if explorers == "–" else int(explorers)
        estimate = 1.5 * (counts[0] + counts[1]) + 0.5 * counts[2] + 5 * explorers
        assert int(minutes) == 5 * round(estimate / 5), (path.name, estimate)


def test_what_students_are_pointed_at_is_the_student_edition_ci_publishes():
    """The Binder badge, the nbgitpuller link and the website's launch buttons open the branch
    that the publish workflow fills with build/student/, never main (the instructor edition)."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    steps = workflow["jobs"]["publish"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.strip() == "python3 run.py build" for run in runs)
    publish = next(run for run in runs if "run.py publish" in run)
    assert "--edition build/student" in publish
    branch = re.search(r"--branch (\S+)", publish).group(1)
    assert branch == "student"
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "build/site"

    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/OWNER/REPO/([^?]+)\?", readme).group(1)
    assert badge == branch
    assert re.findall(r"git-pull\?repo=\S+&branch=([^&]+)&", readme) == [branch]

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_site
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert build_site.STUDENT_BRANCH == branch
    assert build_site.config("t")["repository"]["branch"] == branch


def test_no_tool_hides_an_installed_package():
    """The tests put tools/ first on sys.path, so a tool named like a package (say jupyter_server.py)
    would replace that package for every later import in the run, nbgrader's included. A clash is
    a name that the interpreter finds without the project's own folders on the path (site-packages
    and the standard library), or a standard-library module built into the interpreter."""
    from importlib.machinery import PathFinder

    def ours(folder: Path) -> bool:  # the project's folders (tools/, tests/, notebooks/), not its .venv
        return folder.is_relative_to(ROOT) and not folder.is_relative_to(Path(sys.prefix).resolve())

    elsewhere = [p for p in sys.path if p and not ours(Path(p).resolve())]
    assert all(PathFinder.find_spec(name, elsewhere) for name in ("numpy", "nbgrader", "json"))
    for folder in (ROOT / "tools", ROOT / "tests" / "browser"):
        clashes = sorted(
            p.stem
            for p in folder.glob("*.py")
            if p.stem in sys.stdlib_module_names or PathFinder.find_spec(p.stem, elsewhere)
        )
        assert not clashes, f"{folder.relative_to(ROOT)} has modules named like installed packages: {clashes}"

"""Headings in order: screen-reader users move through a notebook by its headings, so every notebook
has one ``#`` title first, then ``##`` and ``###`` without skipping a level."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from course_notebooks import teaching_notebooks  # noqa: E402

NOTEBOOKS = teaching_notebooks()
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+\S")


def headings(path: Path) -> list[tuple[int, str]]:
    """(level, text) of every Markdown heading, in order, outside code fences."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        fenced = False
        for line in "".join(cell["source"]).splitlines():
            if FENCE.match(line):
                fenced = not fenced
            elif not fenced and (match := HEADING.match(line)):
                found.append((len(match.group(1)), line.strip()))
    return found


def heading_problems(found: list[tuple[int, str]]) -> list[str]:
    """What breaks the outline: no title first, a second title, a level skipped on the way down."""
    if not found:
        return ["no headings at all"]
    problems = []
    if found[0][0] != 1:
        problems.append(f"the first heading must be a '#' title, got {found[0][1]!r}")
    problems += [f"a second '#' title: {text!r}" for level, text in found[1:] if level == 1]
    for (before, _), (level, text) in zip(found[:-1], found[1:], strict=True):
        if level > before + 1:
            problems.append(f"{text!r} skips from level {before} to level {level}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_headings_go_down_one_level_at_a_time(path):
    assert heading_problems(headings(path)) == []


def test_the_check_finds_skipped_levels_and_extra_titles():
    assert heading_problems([(1, "# T"), (2, "## a"), (3, "### b"), (2, "## c"), (3, "### d")]) == []
    assert heading_problems([(1, "# T"), (3, "### b")]) == ["'### b' skips from level 1 to level 3"]
    assert heading_problems([(2, "## a")])[0].startswith("the first heading must be")
    assert heading_problems([(1, "# T"), (1, "# U")]) == ["a second '#' title: '# U'"]
    assert heading_problems([]) == ["no headings at all"]

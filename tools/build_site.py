#!/usr/bin/env python3
"""Build the course website from the student edition, into ``build/site/`` (open ``index.html``).

    .venv/bin/python tools/build_site.py                 # or: python3 run.py build

Jupyter Book 1 (Sphinx + MyST-NB) renders the student notebooks with their stored outputs: nothing
is executed at build time, so formulas, figures and the explorers' snapshots are what the
notebooks show. The site works offline: MathJax, require.js and the widget renderer are copied
at pinned versions from the npm registry into the site (npm is needed once), never loaded from a
CDN. Each page has a launch button that opens the notebook on Binder (set the repository in
``REPOSITORY`` below once the students' repository is public).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import build_args
import build_student
import nbformat
import npm_vendor
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
REPOSITORY = "https://github.com/OWNER/REPO"  # the students' repository (build/student pushed there)
STUDENT_BRANCH = "student"  # the branch CI publishes build/student to (.github/workflows/publish.yml)

# Pinned so the site is the same everywhere: npm package -> folder at the site's root. Not under
# _static/: Jupyter Book puts every .js file there into every page.
VENDOR = {
    "mathjax@3.2.2": "vendor/mathjax",
    "requirejs@2.3.8": "vendor/requirejs",
    "@jupyter-widgets/html-manager@1.0.7": "vendor/@jupyter-widgets/html-manager",
}
# What a page loads from each package (and its licence); the rest (sources, source maps, other
# bundles, MathJax's SVG output) stays out of the site.
KEEP = {
    "vendor/mathjax": [
        "LICENSE",
        "es5/tex-mml-chtml.js",
        "es5/a11y/**/*",
        "es5/input/**/*",
        "es5/output/chtml/**/*",
        "es5/output/chtml.js",
        "es5/sre/**/*",
        "es5/ui/**/*",
    ],
    "vendor/requirejs": ["LICENSE", "require.js"],
    "vendor/@jupyter-widgets/html-manager": [
        "LICENSE",
        "dist/embed-amd.js",
        "dist/*.woff2",
        "dist/*.woff",
        "dist/*.ttf",
        "dist/*.eot",
    ],
}

# html-manager's HTMLMath widget typesets with MathJax 2's MathJax.Hub.Queue; the site runs MathJax 3.
MATHJAX2_SHIM = """\
// The widget renderer's HTMLMath calls MathJax 2's MathJax.Hub.Queue(["Typeset", MathJax.Hub, el]);
// the site runs MathJax 3. Before MathJax 3 starts (window.MathJax is still its configuration) a call
// can do nothing: MathJax typesets the whole page when it starts. Afterwards, typeset the element.
(function () {
  var hub = {
    Queue: function (job) {
      var mj = window.MathJax;
      if (mj && mj.typesetPromise) { mj.typesetPromise(job && job[2] ? [job[2]] : undefined); }
    },
  };
  function addHub() {
    var mj = window.MathJax;
    if (mj && !mj.Hub) { mj.Hub = hub; }
    if (!(mj && mj.startup)) { setTimeout(addHub, 50); }
  }
  addHub();
})();
"""

# Accessible names for the controls of the explorers' snapshots (see the script's header).
WIDGET_A11Y = Path(__file__).resolve().parent / "widget_a11y.js"
# The site's own style and script (reading on a phone, focus, scroll boxes, full-size figures,
# landmarks; see each file's header), copied into _static/ and added to every page.
SITE_FILES = Path(__file__).resolve().parent / "site"
SITE_CSS = ["course.css"]
SITE_JS = ["course.js"]

CONF_EXTRA = """
extensions = [e for e in extensions if e != "sphinx_thebe"]
html_context = {**globals().get("html_context", {}), "default_mode": "light"}
"""

INTRO = """# Softmax, cross-entropy and backpropagation

Interactive notebooks that follow the lecture slides *Loss Function* and *Backpropagation*:
softmax, categorical cross-entropy, the softmax Jacobian, the gradient
$\\frac{{\\partial \\mathrm{{Loss}}}}{{\\partial z}} = S - y$, and backpropagation through a small network.

Read the pages here, or run them: the rocket button at the top of each page opens the notebook
on Binder, where every slider works. The explorers on these pages are snapshots of their last
state; their controls move only in a running notebook.

{rows}
"""


def prune(folder: Path, patterns: list[str]) -> None:
    """Delete every file under ``folder`` that matches none of the glob ``patterns``."""
    keep = {path for pattern in patterns for path in folder.glob(pattern)}
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def config(title: str) -> dict:
    """Jupyter Book's _config.yml: stored outputs only, every script served from the site itself."""
    return {
        "title": title,
        "author": "the course authors",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "repository": {"url": REPOSITORY, "branch": STUDENT_BRANCH, "path_to_book": "notebooks"},
        "launch_buttons": {
            "notebook_interface": "jupyterlab",
            "binderhub_url": "https://mybinder.org",
            "thebe": False,
            "colab_url": "",
        },
        "html": {"use_repository_button": False, "use_issues_button": False, "use_edit_page_button": False},
        "sphinx": {
            "config": {
                "mathjax_path": "../vendor/mathjax/es5/tex-mml-chtml.js",  # relative to _static/
                "mathjax3_config": {
                    "loader": {"load": ["a11y/assistive-mml"]},
                    # Formulas are no Tab stops. MathJax 3.2 puts every formula in the tab order
                    # (menuOptions.settings.inTabOrder, default true) so that the keyboard reaches
                    # its contextual menu and its expression explorer; the explorer is off here
                    # (settings.explorer, default false), and the menu still opens by right-click.
                    # A screen reader reads a formula from its hidden MathML in reading mode, with
                    # no Tab stop needed. With a stop per formula, page 03 took 238 of its 358 Tab
                    # presses to get past them. A formula wider than the page is still focusable,
                    # to scroll it by keyboard (course.js).
                    "options": {"menuOptions": {"settings": {"inTabOrder": False}}},
                },
                "nb_ipywidgets_js": {
                    "../vendor/requirejs/require.js": {},
                    "../vendor/@jupyter-widgets/html-manager/dist/embed-amd.js": {
                        "data-jupyter-widgets-cdn": "vendor/",
                    },
                },
                "html_extra_path": ["site-root"],
                "html_js_files": ["mathjax2-shim.js", "widget_a11y.js", *SITE_JS],
                "html_css_files": SITE_CSS,
                "html_last_updated_fmt": None,
                "html_copy_source": False,
            },
        },
    }


def build(
    out: Path = BUILD / "site",
    work: Path = BUILD / "site-src",
    student: Path = BUILD / "student",
    source: Path = build_student.NOTEBOOKS,
) -> Path:
    """Write the site into ``out`` (replacing it), by way of ``work`` and the student edition in
    ``student`` of the notebooks in ``source``; return the path of its index.html."""
    notebooks = build_student.build(student, source)
    if work.exists():
        shutil.rmtree(work)
    static, site_root = work / "_static", work / "site-root"
    static.mkdir(parents=True)
    cache = BUILD / "npm-cache"  # kept between builds: npm is needed only the first time
    npm_vendor.fetch(VENDOR, cache)
    shutil.copytree(cache / "vendor", site_root / "vendor")
    # html-manager's stylesheet asks for its icon fonts relative to the page, at two places.
    dist = site_root / "vendor" / "@jupyter-widgets" / "html-manager" / "dist"
    for folder in ("@jupyter-widgets/html-manager/dist", "@jupyter-widgets"):
        (site_root / folder).mkdir(parents=True, exist_ok=True)
        for font in [f for ext in ("woff2", "woff", "ttf", "eot") for f in dist.glob(f"*.{ext}")]:
            shutil.copy(font, site_root / folder / font.name)
    for folder, patterns in KEEP.items():
        prune(site_root / folder, patterns)
    # The explorers' control panel is an anywidget: html-manager asks require.js for "anywidget"
    # (anywidget.js next to the page) before its CDN; anywidget's wheel ships that AMD module.
    anywidget_amd = Path(sys.prefix) / "share" / "jupyter" / "nbextensions" / "anywidget" / "index.js"
    shutil.copy(anywidget_amd, site_root / "anywidget.js")
    (static / "mathjax2-shim.js").write_text(MATHJAX2_SHIM, encoding="utf-8")
    shutil.copy(WIDGET_A11Y, static / WIDGET_A11Y.name)
    for name in SITE_CSS + SITE_JS:
        shutil.copy(SITE_FILES / name, static / name)

    rows = []
    for nb in notebooks:
        shutil.copy2(nb, work / nb.name)
        title = build_student.first_heading(nbformat.read(nb, as_version=4))
        rows.append(f"- [{title}]({nb.name})")
    (work / "intro.md").write_text(INTRO.format(rows="\n".join(rows)), encoding="utf-8")
    toc = {"format": "jb-book", "root": "intro", "chapters": [{"file": nb.stem} for nb in notebooks]}
    (work / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    (work / "_config.yml").write_text(
        yaml.safe_dump(config("Softmax, cross-entropy and backpropagation"), sort_keys=False),
        encoding="utf-8",
    )

    # Jupyter Book writes Sphinx's conf.py from _config.yml; two settings it cannot express are
    # appended: no sphinx-thebe (this site launches Binder instead; its script was declared twice
    # per page, an error in every page's console), and the theme's light mode from the start.
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "jupyter-book"), "config", "sphinx", str(work)], check=True, capture_output=True
    )
    with open(work / "conf.py", "a", encoding="utf-8") as conf:
        conf.write(CONF_EXTRA)
    subprocess.run(
        [
            str(bin_dir / "python"),
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            str(work),
            str(work / "_build" / "html"),
        ],
        check=True,
    )
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(work / "_build" / "html", out)
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    index = build(build_args.out_folder(argv, __doc__, BUILD / "site"))
    print(f"website: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

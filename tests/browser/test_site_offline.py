"""The course website opens in Chromium with the network cut off, every page rendered.

Builds the site with ``tools/build_site.py`` (the student edition through Jupyter Book 1, no
execution; MathJax, require.js and the widget renderer copied from the npm registry into the
site), opens every page from disk with every non-file request blocked, and asserts: nothing asked
the network, no request failed, no script error; the formulas are typeset (none left as raw
``$...$`` outside code), with assistive MathML for screen readers; the explorers' stored snapshots
are painted; each notebook page links to running it on Binder. Screenshots:
``test-artifacts/browser/site/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_env import chromium, load_tool, offline_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

build_site = load_tool("build_site")
settle = load_tool("settle").settle
PAGES = ["index.html", "intro.html"] + [
    f"{p.stem}.html" for p in build_site.build_student.teaching_notebooks()
]

# Text of the page's article outside code, formulas and outputs: where a "$" means MathJax missed it.
RAW_MATH_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, mjx-container, .cell_output, script, style').forEach(e => e.remove());
  return (copy.textContent.match(/\\$[^$\\n]{1,60}\\$/g) || []).slice(0, 5);
}"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, site):
    with chromium(tmp_path_factory.mktemp("chromium-profile-site"), 1280, 800) as context:
        yield context


@pytest.mark.parametrize("name", PAGES)
def test_site_page_works_without_network(name: str, site: Path, browser, artifacts: Path) -> None:
    shots = artifacts / "site"
    shots.mkdir(parents=True, exist_ok=True)
    page, blocked, errors = offline_page(browser)
    try:
        page.goto((site / name).as_uri())
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=60_000)
        page.evaluate("() => MathJax.startup.promise")
        settle(page, "article, main, body")  # the screenshot shows the page as typeset and laid out
        page.screenshot(path=str(shots / name.replace(".html", ".png")), full_page=False)
        assert page.locator("mjx-container").count() > 0, f"{name}: no formula typeset"
        assert page.locator("mjx-merror, merror").count() == 0, f"{name}: MathJax could not typeset"
        assert page.locator("mjx-container mjx-assistive-mml").count() > 0, (
            f"{name}: no MathML for screen readers"
        )
        assert page.evaluate(RAW_MATH_JS) == [], f"{name}: formulas left as raw TeX"
        images = page.locator(".jupyter-widgets img, img.widget-image")
        for i in range(images.count()):
            img = images.nth(i)
            img.scroll_into_view_if_needed()
            page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        if name.startswith(("03_", "04_")):
            assert images.count() > 0, f"{name}: the explorer's snapshot is missing"
        if name[:2].isdigit():
            binder = page.locator("a[href*='mybinder.org']")
            assert binder.count() > 0, f"{name}: no link to run the notebook on Binder"
            assert name.replace(".html", ".ipynb") in binder.first.get_attribute("href")
        assert not blocked, f"{name}: asked the network for {blocked}"
        assert not errors, f"{name}: errors in the page: {errors}"
    finally:
        page.close()

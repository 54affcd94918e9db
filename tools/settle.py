"""Wait for a page to settle before measuring it: never a fixed sleep.

A page has settled when its fonts are loaded, its images decoded, MathJax has nothing queued
(MathJax 2's queue in the decks; MathJax 3's startup typesetting on the website), no CSS
animation or transition runs inside the watched elements (a code editor's blinking caret aside),
and those elements' boxes and markup stay the same over ``STABLE_FRAMES`` animation frames in a
row. On a busy machine this takes longer; a fixed sleep would measure a half-drawn page instead.
"""

from __future__ import annotations

STABLE_FRAMES = 5
MAX_FRAMES = 1800  # about 30 s of animation frames: a page that has not settled by then fails

SETTLE_JS = """async ([selector, stableFrames, maxFrames]) => {
  await document.fonts.ready;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all([...document.images].filter(img => !img.complete)
                      .map(img => img.decode().catch(() => null)));
  const frame = () => new Promise(done => requestAnimationFrame(() => done()));
  const snapshot = () => {
    const watched = [...document.querySelectorAll(selector)];
    // A code editor's caret blink moves nothing (CodeMirror restarts its 1.2 s blink on every
    // change of the active cell): not waited for.
    const animating = document.getAnimations().filter(a => a.playState === 'running'
      && a.effect && a.effect.target && !a.effect.target.closest('.cm-cursorLayer')
      && watched.some(w => w.contains(a.effect.target))).length;
    // MathJax 2's queue; the website's MathJax 3 has a stand-in MathJax.Hub without one.
    const mathjax2 = window.MathJax && MathJax.Hub && MathJax.Hub.queue ? MathJax.Hub.queue.pending : 0;
    const boxes = watched.map(w => { const r = w.getBoundingClientRect();
      return [r.top, r.left, r.width, r.height, w.scrollWidth, w.scrollHeight, w.innerHTML.length]; });
    return {busy: animating + mathjax2, key: JSON.stringify(boxes)};
  };
  let last = null, stable = 0, frames = 0;
  while (stable < stableFrames && frames < maxFrames) {
    await frame();
    frames += 1;
    const now = snapshot();
    stable = now.busy === 0 && now.key === last ? stable + 1 : 0;
    last = now.key;
  }
  return stable >= stableFrames;
}"""


def settle(page, selector: str, max_frames: int = MAX_FRAMES) -> None:
    """Wait until the elements matching ``selector`` on ``page`` have settled (see the module's
    docstring); raise TimeoutError after ``max_frames`` animation frames (about 30 s) without."""
    if not page.evaluate(SETTLE_JS, [selector, STABLE_FRAMES, max_frames]):
        raise TimeoutError(f"{selector!r} did not settle within {max_frames} animation frames")

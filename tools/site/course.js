// The course website on a phone and by keyboard: what course.css cannot do alone.
//
// - Scroll boxes: a display formula or a code block wider than the page scrolls inside its own box.
//   Such a box must be reachable by keyboard to be scrolled with the arrow keys (axe's
//   scrollable-region-focusable, WCAG 2.1.1), and a screen reader should say what it is: it gets
//   tabindex="0", role="group" and a name ("Formula, scrolls sideways"), and the class that draws
//   the shadow cue. A box that fits (on a wider screen) is left alone, so it is no Tab stop there.
// - Figures: an image shown smaller than it was drawn (a phone shrinks a figure to the column's
//   width, its text to a few pixels) opens at full size in a dialog, by click, tap, Enter or
//   Space; the dialog scrolls both ways, Escape or "Close" returns to the figure.
// - Landmarks: the primary sidebar (the site's title and its table of contents) is a plain <div>
//   in the theme; it becomes a named navigation region so no content sits outside a landmark.
//
// Widget snapshots are drawn after the page loads and MathJax typesets after that, so everything
// is done again whenever the page's content changes or the article's width does.
(function () {
  "use strict";
  var SCROLL_BOXES = [
    ["mjx-container[display='true']", "Formula, scrolls sideways"],
    [".cell_input pre", "Code, scrolls sideways"],
    [".cell_output pre", "Output, scrolls sideways"],
    [".bd-content pre", "Code, scrolls sideways"],
  ];
  var FIGURES = ".bd-content .cell_output img, .bd-content img.widget-image";

  function markScrollBoxes() {
    var seen = new Set();
    SCROLL_BOXES.forEach(function (entry) {
      document.querySelectorAll(entry[0]).forEach(function (box) {
        if (seen.has(box)) return;
        seen.add(box);
        var scrolls = box.scrollWidth > box.clientWidth + 1;
        var ours = box.dataset.courseScrollBox === "1";
        if (scrolls && !ours) {
          box.dataset.courseScrollBox = "1";
          box.dataset.courseTabindex = box.getAttribute("tabindex") || "";
          box.classList.add("course-scrolls");
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "group");
          box.setAttribute("aria-label", entry[1]);
        } else if (!scrolls && ours) {
          delete box.dataset.courseScrollBox;
          box.classList.remove("course-scrolls");
          if (box.dataset.courseTabindex) box.setAttribute("tabindex", box.dataset.courseTabindex);
          else box.removeAttribute("tabindex");
          delete box.dataset.courseTabindex;
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
        }
      });
    });
  }

  var dialog = null;
  var opener = null;
  function home() {  // inside the main landmark, as all content must be
    return document.querySelector("main") || document.body;
  }
  function figureDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "course-figure";
    dialog.setAttribute("aria-label", "Figure at full size");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "course-figure-close";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(close);
    dialog.appendChild(document.createElement("div"));
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    dialog.addEventListener("close", function () { if (opener) opener.focus(); });
    home().appendChild(dialog);
    return dialog;
  }
  function openFigure(img) {
    var d = figureDialog();
    var copy = document.createElement("img");
    copy.src = img.currentSrc || img.src;
    copy.alt = img.alt || "";
    copy.width = img.naturalWidth;
    copy.height = img.naturalHeight;
    d.lastChild.replaceChildren(copy);
    opener = img;
    d.showModal();
    d.scrollTo(0, 0);
  }
  function hint() {
    var id = "course-figure-hint";
    if (!document.getElementById(id)) {
      var span = document.createElement("span");
      span.id = id;
      span.className = "course-visually-hidden";
      span.textContent = "Opens the figure at full size.";
      home().appendChild(span);
    }
    return id;
  }
  function onFigureKey(e) {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      openFigure(e.currentTarget);
    }
  }
  function onFigureClick(e) { openFigure(e.currentTarget); }
  function markFigures() {
    document.querySelectorAll(FIGURES).forEach(function (img) {
      if (!img.complete || !img.naturalWidth) {
        img.addEventListener("load", schedule, { once: true });
        return;
      }
      var shrunk = img.getBoundingClientRect().width < img.naturalWidth - 1;
      var ours = img.classList.contains("course-zoomable");
      if (shrunk && !ours) {
        img.classList.add("course-zoomable");
        img.setAttribute("role", "button");
        img.setAttribute("tabindex", "0");
        img.setAttribute("aria-haspopup", "dialog");
        img.setAttribute("aria-describedby", hint());
        img.title = "Open full size";
        img.addEventListener("click", onFigureClick);
        img.addEventListener("keydown", onFigureKey);
      } else if (!shrunk && ours) {
        img.classList.remove("course-zoomable");
        ["role", "tabindex", "aria-haspopup", "aria-describedby", "title"].forEach(function (name) {
          img.removeAttribute(name);
        });
        img.removeEventListener("click", onFigureClick);
        img.removeEventListener("keydown", onFigureKey);
      }
    });
  }

  function markLandmarks() {
    var sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.hasAttribute("role")) {
      sidebar.setAttribute("role", "navigation");
      sidebar.setAttribute("aria-label", "Site");
    }
  }

  var pending = false;
  function update() {
    pending = false;
    markLandmarks();
    markScrollBoxes();
    markFigures();
  }
  function schedule() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(update);
    }
  }
  // Our own attribute changes are not watched (childList only), so this never feeds itself.
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", schedule);
  window.addEventListener("load", schedule);
  function start() {
    // The article also changes width without the window (the sidebar toggled on a wide screen).
    var article = document.querySelector(".bd-article") || document.body;
    if (window.ResizeObserver) new ResizeObserver(schedule).observe(article);
    schedule();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

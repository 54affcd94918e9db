// Names for the controls of a stored widget snapshot, which the widget renderer draws without one:
// a slider's handle gets its label's text, an icon-only button (play, stop, repeat) its icon's name
// or tooltip, and a plot image without alt the text of the nearest element of class "widget-image-alt"
// around it (an explorer puts the description of its plot in an HTML widget with that class: the
// renderer cannot draw an Image widget that has a tooltip). Widgets are drawn after the page loads,
// so this watches the page.
(function () {
  var ICON_NAMES = { play: "play", pause: "pause", stop: "stop", retweet: "repeat", repeat: "repeat" };
  function tooltip(el) {
    var title = el.getAttribute("title");
    return title && title !== "null" ? title.trim() : "";
  }
  function iconName(button) {
    var svg = button.querySelector("[data-icon]");
    var name = svg ? svg.getAttribute("data-icon") : "";
    if (!name) {
      var icon = button.querySelector("i[class*='fa-']");
      var match = icon && / fa-([a-z-]+)/.exec(" " + icon.className);
      name = match ? match[1] : "";
    }
    return ICON_NAMES[name] || name.replace(/-/g, " ");
  }
  function nameWidgets() {
    document.querySelectorAll(".widget-slider [role='slider']:not([aria-label])").forEach(function (handle) {
      var box = handle.closest(".widget-slider");
      var label = box && box.querySelector(".widget-label");
      var text = label ? label.textContent.trim() || tooltip(label) : "";
      if (text) handle.setAttribute("aria-label", text);
    });
    document.querySelectorAll("button.jupyter-button:not([aria-label])").forEach(function (button) {
      if (button.textContent.trim()) return;
      var text = tooltip(button) || iconName(button);
      if (text) button.setAttribute("aria-label", text);
    });
    document.querySelectorAll("img.widget-image:not([alt])").forEach(function (img) {
      var text = "";
      for (var box = img.parentElement; box && !text; box = box.parentElement) {
        var caption = box.querySelector(".widget-image-alt");
        if (caption) text = caption.textContent.trim();
      }
      if (text) img.setAttribute("alt", text);
    });
  }
  new MutationObserver(nameWidgets).observe(document, { childList: true, subtree: true });
})();

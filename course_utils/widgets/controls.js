const fmt = (c, v) => {
  if (c.kind === "select") return c.options[v] ? c.options[v][0] : String(v);
  if (c.log) return Number(Math.pow(c.base, v).toPrecision(c.digits)).toString();
  return Number(v).toFixed(c.decimals).replace("-", "\u2212");
};
const pos = (c, value) => (c.log ? Math.log(value) / Math.log(c.base) : value);
const val = (c, x) => {
  if (c.log) return Number(Math.pow(c.base, Number(Number(x).toFixed(c.decimals))).toPrecision(12));
  const v = Number(Number(x).toFixed(c.decimals));
  return c.integer ? Math.round(v) : v;
};

const KEYS_INSTALLED = Symbol.for("course-controls-keys");
// Stops a key pressed on a control of a panel from reaching anything else (see render); the
// browser still performs its default action (move the slider, change the menu, press the button).
function keepKeys(e) {
  const t = e.target;
  if (e.key === "Tab" || e.key === "Escape" || !(t instanceof Element)) return;
  if (!t.closest(".course-controls") || !t.matches("input, select, button")) return;
  e.stopPropagation();
}

// Each control's value lives in its own ipywidgets model (a slider's "value", a menu's "index"):
// the panel reads, sets and observes that model and keeps no copy of it.
const attr = (c) => (c.kind === "select" ? "index" : "value");

async function render({ model, el, host }) {
  const uid = "ce" + Math.random().toString(36).slice(2, 10);
  const root = document.createElement("div");
  root.className = "course-controls";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", model.get("label"));
  el.appendChild(root);
  // Keys pressed on a control are the control's: the notebook's and the deck's shortcuts
  // (arrows, Space, Enter, letters) must not see them and prevent the browser's default action.
  // Tab and Escape still move focus out and leave the cell as everywhere else. JupyterLab handles
  // shortcuts on the document while the event bubbles, so stopping it at the panel is enough there;
  // Jupyter Notebook 7 starts the same Lumino application without `bubblingKeydown`, so its
  // listener on the document runs in the capture phase, before any listener below it (ArrowDown
  // then moved to the next cell and took the focus). Only a capture listener on the window runs
  // earlier: installed once per page, it keeps a control's keys from both.
  root.dataset.lmSuppressShortcuts = "true";
  root.addEventListener("keydown", keepKeys);
  if (!window[KEYS_INSTALLED]) {
    window[KEYS_INSTALLED] = true;
    window.addEventListener("keydown", keepKeys, true);
  }
  const inputs = {};
  const specs = Object.fromEntries(model.get("controls").map((c) => [c.name, c]));
  const refs = model.get("controls").filter((c) => c.ref);
  const found = await Promise.all(refs.map((c) => host.getModel(c.ref)));
  const models = Object.fromEntries(refs.map((c, k) => [c.name, found[k]]));
  let timer = null;

  const get = (name) => models[name].get(attr(specs[name]));
  const send = (name, v) => {
    models[name].set(attr(specs[name]), v);
    models[name].save_changes();
  };
  const show = (c) => {
    const inp = inputs[c.name];
    if (!inp) return;
    const v = get(c.name);
    if (c.kind === "select") {
      inp.value = String(v);
    } else {
      inp.value = String(pos(c, v));
      inp.setAttribute("aria-valuetext", fmt(c, pos(c, v)));
      inp._out.textContent = fmt(c, pos(c, v));
    }
  };

  for (const c of model.get("controls")) {
    const row = document.createElement("div");
    row.className = "course-controls-row";
    const id = `${uid}-${c.name}`;
    if (c.kind === "play") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "course-controls-play";
      b.dataset.control = c.name;
      b.setAttribute("aria-pressed", "false");
      b.innerHTML = '<span aria-hidden="true" class="icon">\u25B6</span> ';
      b.append(c.label);
      const target = model.get("controls").find((t) => t.name === c.target);
      const stop = () => {
        clearInterval(timer);
        timer = null;
        b.setAttribute("aria-pressed", "false");
        b.firstChild.textContent = "\u25B6";
        model.set("playing", false);
        model.save_changes();
      };
      const tick = () => {
        const now = get(target.name);
        const next = Math.min(now + c.step, target.max);
        send(target.name, next); // its model's change event moves the slider
        if (next >= target.max) stop();
      };
      b.addEventListener("click", () => {
        if (timer !== null) return stop();
        if (get(target.name) >= target.max) send(target.name, target.min);
        b.setAttribute("aria-pressed", "true");
        b.firstChild.textContent = "\u23F8";
        model.set("playing", true);
        model.save_changes();
        timer = setInterval(tick, c.interval);
      });
      row.appendChild(b);
      root.appendChild(row);
      continue;
    }
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = c.label;
    row.appendChild(label);
    let inp;
    if (c.kind === "select") {
      inp = document.createElement("select");
      c.options.forEach(([text, v]) => {
        const o = document.createElement("option");
        o.value = String(v);
        o.textContent = text;
        inp.appendChild(o);
      });
      inp.addEventListener("change", () => send(c.name, Number(inp.value)));
    } else {
      inp = document.createElement("input");
      inp.type = "range";
      inp.min = String(c.min);
      inp.max = String(c.max);
      inp.step = String(c.step);
      inp._out = document.createElement("output");
      inp._out.htmlFor = id;
      inp._out.setAttribute("aria-hidden", "true");
      const moved = () => {
        inp.setAttribute("aria-valuetext", fmt(c, Number(inp.value)));
        inp._out.textContent = fmt(c, Number(inp.value));
      };
      inp.addEventListener("input", () => {
        moved();
        if (c.continuous) send(c.name, val(c, inp.value));
      });
      inp.addEventListener("change", () => send(c.name, val(c, inp.value)));
    }
    inp.id = id;
    inp.className = "course-controls-input";
    inp.dataset.control = c.name;
    if (c.aria_label !== c.label) inp.setAttribute("aria-label", c.aria_label);
    inputs[c.name] = inp;
    row.appendChild(inp);
    if (inp._out) row.appendChild(inp._out);
    root.appendChild(row);
    show(c);
  }

  // The live region: the kernel's status text, at most once a second, silent while playing.
  const live = document.createElement("div");
  live.className = "course-controls-status";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  root.appendChild(live);
  let last = 0;
  let pending = null;
  const announce = () => {
    clearTimeout(pending);
    if (model.get("playing")) return;
    const wait = last + model.get("announce_ms") - Date.now();
    if (wait > 0) {
      pending = setTimeout(announce, wait);
      return;
    }
    last = Date.now();
    live.textContent = model.get("status");
  };
  // A change from Python, from this panel or from another view of the same explorer moves the
  // control; ipywidgets' own echo handling keeps a stale reply from pulling back a moving slider.
  const followers = [];
  for (const c of model.get("controls")) {
    if (!models[c.name]) continue;
    const follow = () => show(c);
    models[c.name].on(`change:${attr(c)}`, follow);
    followers.push([models[c.name], `change:${attr(c)}`, follow]);
  }
  model.on("change:status", announce);
  model.on("change:playing", announce);
  return () => {
    clearInterval(timer);
    clearTimeout(pending);
    followers.forEach(([m, name, follow]) => m.off(name, follow));
    model.off("change:status", announce);
    model.off("change:playing", announce);
  };
}
export default { render };

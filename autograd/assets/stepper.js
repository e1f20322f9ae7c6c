// The explorer's front end: shows a step-through computed in Python and navigates it.
// Used as the anywidget module of autograd.explorer.Explorer and, with a small local model,
// by the HTML player (autograd.player). Everything it shows (steps, numbers, text) comes in
// the "data"; this file only displays it and sends the user's input back.

const NS = "http://www.w3.org/2000/svg";
// The smallest scale a drawing starts at: its 10-13 px texts stay readable (8 px and up). A
// drawing wider than the view at this scale scrolls sideways (a hint says so); "fit" shows it
// whole, however small.
const READABLE = 0.8;

function button(label, title, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title = title;
  b.className = "cg-button";
  b.addEventListener("click", onClick);
  return b;
}

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "cg-explorer";
  box.tabIndex = 0;
  const bar = document.createElement("div");
  bar.className = "cg-bar";
  const view = document.createElement("div");
  view.className = "cg-view";
  const stage = document.createElement("div");
  stage.className = "cg-stage";
  view.appendChild(stage);
  const panel = document.createElement("pre");
  panel.className = "cg-panel";
  const leaves = document.createElement("div");
  leaves.className = "cg-leaves";
  const quiz = document.createElement("div");
  quiz.className = "cg-quiz";
  const hint = document.createElement("div");
  hint.className = "cg-hint";
  hint.textContent = "↔ The drawing is wider than this column: scroll it sideways or drag it; “fit” shows it whole.";
  box.append(bar, leaves, panel, quiz, hint, view);
  el.appendChild(box);

  let payload = null;
  let shown = 0; // the step the picture shows
  let initial = new Map(); // grad text element -> [text, state] before the walk
  let timer = null;
  let zoom = 1; // times the starting width
  let whole = false; // the starting width is the view's ("fit"), not kept readable

  const find = (id) => stage.querySelector(`[id="${id}"]`);
  const total = () => (payload ? payload.steps.length : 0);
  const limit = () => {
    const l = model.get("last");
    return l === undefined || l === null || l < 0 ? total() : Math.min(l, total());
  };
  const go = (k) => {
    k = Math.max(0, Math.min(limit(), k));
    if (k !== model.get("current")) {
      model.set("current", k);
      model.save_changes();
    }
  };
  const counter = document.createElement("span");
  counter.className = "cg-counter";
  const play = button("play", "play / pause (space)", () => toggle());
  bar.append(
    button("|◀", "first (Home)", () => go(0)),
    button("◀", "previous step (←)", () => go(model.get("current") - 1)),
    button("▶", "next step (→)", () => go(model.get("current") + 1)),
    button("▶|", "last (End)", () => go(limit())),
    play,
    counter,
    button("−", "zoom out", () => setZoom(zoom / 1.25)),
    button("+", "zoom in", () => setZoom(zoom * 1.25)),
    button("fit", "fit the width", () => { whole = true; setZoom(1); }),
  );

  function toggle() {
    if (timer) { stop(); return; }
    if (model.get("current") >= limit()) go(0);
    play.textContent = "pause";
    timer = setInterval(() => {
      if (model.get("current") >= limit()) stop();
      else go(model.get("current") + 1);
    }, 700);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "play";
  }

  function setZoom(z) {
    // zoom 1: the drawing's own width, shrunk to fit the view but (unless "fit" was pressed)
    // not below READABLE of it; otherwise that starting width times zoom
    zoom = Math.max(0.25, Math.min(8, z));
    const svg = stage.querySelector("svg");
    if (!svg) return;
    const natural = svg.viewBox.baseVal.width;
    const least = whole ? 0 : natural * READABLE;
    if (zoom === 1) {
      svg.style.width = "100%";
      svg.style.minWidth = `${least}px`;
      svg.style.maxWidth = `${natural}px`;
    } else {
      const start = Math.max(least, Math.min(view.clientWidth, natural));
      svg.style.minWidth = "0";
      svg.style.maxWidth = "none";
      svg.style.width = `${start * zoom}px`;
    }
    showHint();
  }
  function showHint() {
    // say so when part of the drawing is out of sight to the side
    hint.style.display = view.scrollWidth > view.clientWidth + 1 ? "" : "none";
  }
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(showHint).observe(view);
  view.addEventListener("wheel", (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });
  let drag = null;
  view.addEventListener("pointerdown", (e) => {
    drag = [e.clientX, e.clientY, view.scrollLeft, view.scrollTop];
  });
  window.addEventListener("pointerup", () => { drag = null; });
  view.addEventListener("pointermove", (e) => {
    if (!drag) return;
    view.scrollLeft = drag[2] - (e.clientX - drag[0]);
    view.scrollTop = drag[3] - (e.clientY - drag[1]);
  });
  function reveal(id) {
    // scroll the view (not the page) so that the node being processed is in sight
    const e = find(id);
    if (!e) return;
    const r = e.getBoundingClientRect(), v = view.getBoundingClientRect();
    if (r.top < v.top || r.bottom > v.bottom) view.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
    if (r.left < v.left || r.right > v.right) view.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
  }

  box.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT") return;
    const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (e.key in keys) go(model.get("current") + keys[e.key]);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(limit());
    else if (e.key === " ") toggle();
    else return;
    e.preventDefault();
  });

  function mark(node, on) {
    const s = payload.steps[node.step];
    const ids = [`v${s.node}`, `o${s.node}`, `f${s.node}`, `f${s.node}a`];
    for (let k = 0; k < s.nparents; k++) ids.push(`e${s.node}-${k}`, `e${s.node}-${k}a`);
    for (const id of ids) {
      const e = find(id);
      if (e) e.classList.toggle("cg-current", on);
    }
  }
  function setGrad(j, text, state) {
    const e = find(`g${j}`);
    if (!e) return;
    const hidden = (model.get("hidden_nodes") || []).includes(j) && state !== "unknown";
    e.textContent = hidden ? "? (your turn)" : text;
    e.setAttribute("data-state", hidden ? "unknown" : state);
  }
  function apply(k, forward) {
    // step k (1-based) done (forward) or undone
    const s = payload.steps[k - 1];
    for (let n = 0; n < s.nparents; n++) {
      const l = find(`l${s.node}-${n}`);
      if (l) l.setAttribute("visibility", forward ? "visible" : "hidden");
    }
    const badge = find(`s${s.node}`);
    if (badge) badge.setAttribute("data-done", forward ? "1" : "0");
    const sets = forward ? s.sets : [...s.sets].reverse();
    for (const [j, bt, bs, at, as] of sets) {
      if (forward) setGrad(j, at, as); else setGrad(j, bt, bs);
    }
  }
  function show(k) {
    if (!payload) return;
    if (shown > 0) mark({ step: shown - 1 }, false);
    if (k < shown) for (let s = shown; s > k; s--) apply(s, false);
    else for (let s = shown + 1; s <= k; s++) apply(s, true);
    shown = k;
    if (k > 0) {
      mark({ step: k - 1 }, true);
      reveal(`v${payload.steps[k - 1].node}`);
    }
    counter.textContent = ` step ${k} of ${total()} `;
    panel.textContent = k === 0 ? payload.intro : payload.steps[k - 1].text;
    box.setAttribute("data-step", String(k));
    refreshQuiz();
  }
  function refreshHidden() {
    // re-show every grad text under the current hidden set
    const k = shown;
    for (const [e, [text, state]] of initial) {
      e.textContent = text;
      e.setAttribute("data-state", state);
    }
    shown = 0;
    for (let s = 1; s <= k; s++) apply(s, true);
    shown = k;
  }

  function buildLeaves() {
    leaves.replaceChildren();
    const constants = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "constants";
    constants.appendChild(summary);
    for (const leaf of payload.leaves || []) {
      const label = document.createElement("label");
      label.textContent = `${leaf.label} `;
      const input = document.createElement("input");
      input.type = "number";
      input.step = "any";
      input.value = String(leaf.value);
      input.setAttribute("data-leaf", String(leaf.id));
      input.addEventListener("change", () => {
        const x = parseFloat(input.value);
        if (Number.isFinite(x)) model.send({ set: [leaf.id, x] });
      });
      label.appendChild(input);
      (leaf.constant ? constants : leaves).appendChild(label);
    }
    if (constants.children.length > 1) leaves.appendChild(constants);
  }
  const question = document.createElement("span");
  const answer = document.createElement("input");
  answer.type = "number";
  answer.step = "any";
  answer.className = "cg-answer";
  const check = button("check", "check your answer", () => {
    const x = parseFloat(answer.value);
    if (Number.isFinite(x)) model.send({ answer: x });
  });
  answer.addEventListener("keydown", (e) => { if (e.key === "Enter") check.click(); });
  const feedback = document.createElement("div");
  feedback.className = "cg-feedback";
  quiz.append(question, answer, check, feedback);
  function refreshQuiz() {
    quiz.style.display = payload && payload.predict ? "" : "none";
    question.textContent = model.get("question_line") || "";
    const open = Boolean(model.get("question_line"));
    answer.style.display = open ? "" : "none";
    check.style.display = open ? "" : "none";
    feedback.textContent = model.get("feedback_line") || "";
  }

  function load() {
    stop();
    payload = model.get("data");
    stage.innerHTML = payload.svg;
    setZoom(zoom);
    initial = new Map();
    for (const e of stage.querySelectorAll('text[id^="g"]')) {
      initial.set(e, [e.textContent, e.getAttribute("data-state")]);
    }
    shown = 0;
    buildLeaves();
    show(Math.min(model.get("current"), total()));
  }

  model.on("change:data", load);
  model.on("change:current", () => show(model.get("current")));
  model.on("change:hidden_nodes", refreshHidden);
  model.on("change:question_line", refreshQuiz);
  model.on("change:feedback_line", refreshQuiz);
  model.on("change:last", refreshQuiz);
  load();
  return () => stop();
}

export default { render };

// The explorer's front end: shows a step-through computed in Python and navigates it.
// Used as the anywidget module of autograd.explorer.Explorer and, with a small local model,
// by the HTML player (autograd.player). Everything it shows (steps, numbers, text) comes in
// the "payload"; this file only displays it and sends the user's input back.

const NS = "http://www.w3.org/2000/svg";

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
  box.append(bar, view, panel, quiz, leaves);
  el.appendChild(box);

  let payload = null;
  let shown = 0; // the step the picture shows
  let initial = new Map(); // grad text element -> [text, state] before the walk
  let timer = null;
  let zoom = 1, panX = 0, panY = 0;

  const find = (id) => stage.querySelector(`[id="${id}"]`);
  const total = () => (payload ? payload.steps.length : 0);
  const limit = () => {
    const l = model.get("limit");
    return l === undefined || l === null || l < 0 ? total() : Math.min(l, total());
  };
  const go = (k) => {
    k = Math.max(0, Math.min(limit(), k));
    if (k !== model.get("step")) {
      model.set("step", k);
      model.save_changes();
    }
  };
  const counter = document.createElement("span");
  counter.className = "cg-counter";
  const play = button("▶▶", "play / pause (space)", () => toggle());
  bar.append(
    button("⏮", "first (Home)", () => go(0)),
    button("◀", "previous step (←)", () => go(model.get("step") - 1)),
    button("▶", "next step (→)", () => go(model.get("step") + 1)),
    button("⏭", "last (End)", () => go(limit())),
    play,
    counter,
    button("−", "zoom out", () => setZoom(zoom / 1.25)),
    button("+", "zoom in", () => setZoom(zoom * 1.25)),
    button("fit", "fit the width", () => { zoom = 1; panX = 0; panY = 0; place(); }),
  );

  function toggle() {
    if (timer) { stop(); return; }
    if (model.get("step") >= limit()) go(0);
    play.textContent = "❚❚";
    timer = setInterval(() => {
      if (model.get("step") >= limit()) stop();
      else go(model.get("step") + 1);
    }, 700);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "▶▶";
  }

  function place() {
    stage.style.transform = `translate(${panX}px, ${panY}px) scale(${zoom})`;
  }
  function setZoom(z) {
    zoom = Math.max(0.2, Math.min(8, z));
    place();
  }
  view.addEventListener("wheel", (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });
  let drag = null;
  view.addEventListener("pointerdown", (e) => { drag = [e.clientX - panX, e.clientY - panY]; });
  window.addEventListener("pointerup", () => { drag = null; });
  view.addEventListener("pointermove", (e) => {
    if (!drag) return;
    panX = e.clientX - drag[0];
    panY = e.clientY - drag[1];
    place();
  });

  box.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT") return;
    const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (e.key in keys) go(model.get("step") + keys[e.key]);
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
    const hidden = (model.get("hidden") || []).includes(j) && state !== "unknown";
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
    if (k > 0) mark({ step: k - 1 }, true);
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
      leaves.appendChild(label);
    }
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
    question.textContent = model.get("question") || "";
    const open = Boolean(model.get("question"));
    answer.style.display = open ? "" : "none";
    check.style.display = open ? "" : "none";
    feedback.textContent = model.get("feedback") || "";
  }

  function load() {
    stop();
    payload = model.get("payload");
    stage.innerHTML = payload.svg;
    initial = new Map();
    for (const e of stage.querySelectorAll('text[id^="g"]')) {
      initial.set(e, [e.textContent, e.getAttribute("data-state")]);
    }
    shown = 0;
    buildLeaves();
    show(Math.min(model.get("step"), total()));
  }

  model.on("change:payload", load);
  model.on("change:step", () => show(model.get("step")));
  model.on("change:hidden", refreshHidden);
  model.on("change:question", refreshQuiz);
  model.on("change:feedback", refreshQuiz);
  model.on("change:limit", refreshQuiz);
  load();
  return () => stop();
}

export default { render };

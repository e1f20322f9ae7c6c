// The playground's browser side: it paints what Python computed (images, points, the
// network, the curves) and sends back the controls, the buttons and a click on a training
// point. No training logic lives here: see nn/playground.py.

const CONTROLS = [
  // [trait, label, kind, step]
  ["dataset", "data", "select"],
  ["csv_path", "CSV file", "text"],
  ["samples", "samples", "int"],
  ["noise", "noise", "float", 0.05],
  ["classes", "classes", "int"],
  ["test_fraction", "test fraction", "float", 0.05],
  ["hidden", "hidden layers", "list"],
  ["activation", "activation", "select"],
  ["loss", "loss", "select"],
  ["optimizer", "optimizer", "select"],
  ["lr", "learning rate", "float", "any"],
  ["schedule", "schedule", "select"],
  ["penalty", "penalty", "select"],
  ["reg", "λ", "float", "any"],
  ["batch_size", "batch (0: all)", "int"],
  ["epochs", "epochs", "int"],
  ["seed", "seed", "int"],
];

const CSS = `
.cg-pg { font: 13px/1.35 system-ui, sans-serif; color: #222; max-width: 1060px; }
.cg-pg .cg-controls { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-bottom: 6px; }
.cg-pg label { display: inline-flex; align-items: center; gap: 4px; }
.cg-pg input[type=number] { width: 5.5em; }
.cg-pg input[type=text] { width: 7em; }
.cg-pg .cg-buttons { display: flex; gap: 6px; align-items: center; margin: 6px 0; flex-wrap: wrap; }
.cg-pg button { min-width: 3em; padding: 2px 8px; cursor: pointer; }
.cg-pg .cg-views { display: flex; gap: 10px; flex-wrap: wrap; align-items: flex-start; }
.cg-pg figure { margin: 0; }
.cg-pg figcaption { font-size: 12px; color: #555; text-align: center; }
.cg-pg canvas { border: 1px solid #ccc; background: #fff; display: block; }
.cg-pg .cg-status { margin-top: 6px; min-height: 1.4em; }
.cg-pg .cg-message.cg-error { color: #b00020; font-weight: 600; }
`;

function element(tag, attrs = {}, parent = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  if (parent) parent.appendChild(node);
  return node;
}

function bytesOf(value) {
  // a Bytes trait arrives as a DataView (or an ArrayBuffer / typed array in a harness)
  if (!value) return new Uint8ClampedArray(0);
  if (value instanceof DataView) return new Uint8ClampedArray(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8ClampedArray(value);
  return new Uint8ClampedArray(value.buffer, value.byteOffset, value.byteLength);
}

function picture(rgba, size, offset = 0) {
  // an RGBA block of size × size pixels as a canvas, to be scaled by drawImage
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const image = new ImageData(size, size);
  image.data.set(rgba.subarray(offset, offset + size * size * 4));
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function controlInput(model, [name, text, kind, step], choices, parent) {
  const label = element("label", { text: text + " " }, parent);
  let input;
  if (kind === "select") {
    input = element("select", { "data-trait": name }, label);
    for (const option of choices[name] || []) element("option", { value: option, text: option }, input);
  } else {
    input = element("input", { "data-trait": name, type: kind === "text" || kind === "list" ? "text" : "number" }, label);
    if (kind === "int") input.step = "1";
    if (kind === "float") input.step = String(step);
  }
  const show = () => {
    const value = model.get(name);
    input.value = kind === "list" ? value.join(", ") : String(value);
  };
  input.addEventListener("change", () => {
    let value = input.value;
    if (kind === "int") value = Math.round(Number(value));
    else if (kind === "float") value = Number(value);
    else if (kind === "list") value = value.split(/[\s,]+/).filter((s) => s).map((s) => Math.round(Number(s)));
    if ((kind === "int" || kind === "float") && !Number.isFinite(value)) return show();
    if (kind === "list" && value.some((v) => !Number.isFinite(v))) return show();
    model.set(name, value);
    model.save_changes();
  });
  model.on("change:" + name, show);
  show();
  return input;
}

function drawBoundary(model, canvas) {
  const ctx = canvas.getContext("2d");
  const size = canvas.width;
  ctx.clearRect(0, 0, size, size);
  const view = model.get("view") || {};
  const rgba = bytesOf(model.get("boundary"));
  const grid = view.grid || 0;
  if (grid && rgba.length === grid * grid * 4) {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(picture(rgba, grid), 0, 0, size, size);
  }
  const points = model.get("points") || {};
  const colors = points.colors || ["#0072B2", "#E69F00"];
  for (const [u, v, c] of points.test || []) {
    const x = u * size, y = v * size;
    ctx.beginPath();
    ctx.moveTo(x, y - 5);
    ctx.lineTo(x + 4.5, y + 3.5);
    ctx.lineTo(x - 4.5, y + 3.5);
    ctx.closePath();
    ctx.fillStyle = colors[c % colors.length];
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1.2;
    ctx.stroke();
  }
  for (const [u, v, c] of points.train || []) {
    ctx.beginPath();
    ctx.arc(u * size, v * size, 3.6, 0, 2 * Math.PI);
    ctx.fillStyle = colors[c % colors.length];
    ctx.fill();
    ctx.strokeStyle = "#222";
    ctx.lineWidth = 0.8;
    ctx.stroke();
  }
  const chosen = model.get("selected");
  const train = points.train || [];
  if (chosen >= 0 && chosen < train.length) {
    const [u, v] = train[chosen];
    ctx.beginPath();
    ctx.arc(u * size, v * size, 8, 0, 2 * Math.PI);
    ctx.strokeStyle = "#d00";
    ctx.lineWidth = 2;
    ctx.stroke();
  }
}

function nearestTrainingPoint(model, canvas, event) {
  const box = canvas.getBoundingClientRect();
  const x = ((event.clientX - box.left) * canvas.width) / box.width;
  const y = ((event.clientY - box.top) * canvas.height) / box.height;
  const train = (model.get("points") || {}).train || [];
  let best = -1, bestDistance = 10; // pixels
  train.forEach(([u, v], i) => {
    const d = Math.hypot(u * canvas.width - x, v * canvas.height - y);
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

function drawNetwork(model, canvas) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const view = model.get("view") || {};
  const net = view.network;
  if (!net) return;
  for (const [x1, y1, x2, y2, width, color] of net.edges) {
    ctx.beginPath();
    ctx.moveTo(x1 * W, y1 * H);
    ctx.lineTo(x2 * W, y2 * H);
    ctx.strokeStyle = color;
    ctx.globalAlpha = 0.75;
    ctx.lineWidth = width;
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  const most = Math.max(...net.sizes);
  const box = Math.max(10, Math.min(34, (H / most) * 0.8));
  const rgba = bytesOf(model.get("neurons"));
  const ng = view.neuron_grid || 0;
  const last = net.sizes.length - 1;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  let row = 0, column = -1;
  for (const [x, y, layer, map] of net.nodes) {
    row = layer === column ? row + 1 : 0;
    column = layer;
    const cx = x * W, cy = y * H;
    if (map >= 0 && ng && rgba.length >= (map + 1) * ng * ng * 4) {
      ctx.drawImage(picture(rgba, ng, map * ng * ng * 4), cx - box / 2, cy - box / 2, box, box);
      ctx.strokeStyle = "#444";
      ctx.lineWidth = 1;
      ctx.strokeRect(cx - box / 2, cy - box / 2, box, box);
    } else {
      ctx.beginPath();
      ctx.arc(cx, cy, 10, 0, 2 * Math.PI);
      ctx.fillStyle = "#f4f4f4";
      ctx.fill();
      ctx.strokeStyle = "#444";
      ctx.stroke();
      ctx.fillStyle = "#222";
      ctx.fillText(layer === 0 ? "x" + (row + 1) : layer === last ? "s" + (row + 1) : "", cx, cy);
    }
  }
}

function drawCurve(ctx, xs, ys, x0, y0, w, h, lo, hi, color, dashed, log) {
  const scale = (v) => (log ? Math.log(v) : v);
  const [a, b] = [scale(lo), scale(hi)];
  const first = xs[0], span = Math.max(1, xs[xs.length - 1] - first);
  ctx.beginPath();
  ctx.setLineDash(dashed ? [4, 3] : []);
  let pen = false;
  xs.forEach((e, i) => {
    const v = ys[i];
    if (v === null || v === undefined || (log && v <= 0)) return void (pen = false);
    const px = x0 + ((e - first) / span) * w;
    const py = y0 + h - ((scale(v) - a) / (b - a || 1)) * h;
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  });
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.6;
  ctx.stroke();
  ctx.setLineDash([]);
}

function drawCurves(model, canvas) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const curves = (model.get("view") || {}).curves;
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#222";
  if (!curves || !curves.epoch.length) {
    ctx.fillText("no epoch yet", 12, 20);
    return;
  }
  const panels = [
    ["loss", curves.train_loss, curves.test_loss],
    ["accuracy", curves.train_accuracy, curves.test_accuracy],
  ];
  const left = 44, width = W - left - 10, height = H / 2 - 34;
  panels.forEach(([title, train, test], k) => {
    const top = 18 + k * (H / 2);
    const values = train.concat(test).filter((v) => v !== null && v !== undefined);
    if (!values.length) return;
    let lo = Math.min(...values), hi = Math.max(...values);
    if (title === "accuracy") [lo, hi] = [Math.min(lo, 0.5), 1];
    const log = title === "loss" && lo > 0 && hi / lo > 10;
    if (hi === lo) hi = lo + 1;
    ctx.strokeStyle = "#bbb";
    ctx.lineWidth = 1;
    ctx.strokeRect(left, top, width, height);
    ctx.fillStyle = "#222";
    ctx.textAlign = "left";
    ctx.fillText(title + (log ? " (log scale)" : ""), left, top - 6);
    ctx.textAlign = "right";
    const label = (v) =>
      title === "accuracy" ? (100 * v).toFixed(0) + "%" : Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(1) : v.toPrecision(2);
    ctx.fillText(label(hi), left - 4, top + 6);
    ctx.fillText(label(lo), left - 4, top + height - 2);
    ctx.textAlign = "center";
    ctx.fillText("epoch " + curves.epoch[curves.epoch.length - 1], left + width / 2, top + height + 12);
    drawCurve(ctx, curves.epoch, train, left, top, width, height, lo, hi, "#0072B2", false, log);
    drawCurve(ctx, curves.epoch, test, left, top, width, height, lo, hi, "#D55E00", true, log);
  });
  ctx.textAlign = "right";
  ctx.fillStyle = "#0072B2";
  ctx.fillText("— train", W - 60, 10);
  ctx.fillStyle = "#D55E00";
  ctx.fillText("- - test", W - 8, 10);
}

function render({ model, el }) {
  const root = element("div", { class: "cg-pg" }, el);
  element("style", { text: CSS }, root);
  const controls = element("div", { class: "cg-controls" }, root);
  const choices = model.get("choices") || {};
  for (const control of CONTROLS) controlInput(model, control, choices, controls);

  const upload = element("label", { text: "or open a CSV " }, controls);
  const chooser = element("input", { type: "file", accept: ".csv,text/csv", "data-action": "csv" }, upload);
  chooser.addEventListener("change", async () => {
    const file = chooser.files[0];
    if (file) model.send({ action: "csv", name: file.name, text: await file.text() });
    chooser.value = "";
  });

  const buttons = element("div", { class: "cg-buttons" }, root);
  const play = element("button", { "data-action": "play", title: "train in the background" }, buttons);
  const showPlay = () => (play.textContent = model.get("running") ? "⏸ pause" : "▶ play");
  play.addEventListener("click", () => {
    model.set("running", !model.get("running"));
    model.save_changes();
  });
  model.on("change:running", showPlay);
  showPlay();
  for (const [action, text] of [["step", "one step"], ["epoch", "one epoch"], ["reset", "reset"], ["save", "save"]]) {
    const button = element("button", { "data-action": action, text }, buttons);
    button.addEventListener("click", () => model.send({ action }));
  }
  controlInput(model, ["save_path", "to", "text"], choices, buttons);
  const exporter = element("button", { "data-action": "export", text: "export ONNX" }, buttons);
  exporter.addEventListener("click", () => model.send({ action: "export" }));
  controlInput(model, ["export_path", "to", "text"], choices, buttons);

  const views = element("div", { class: "cg-views" }, root);
  const figure = (name, caption, w, h) => {
    const fig = element("figure", {}, views);
    const canvas = element("canvas", { width: w, height: h, "data-view": name }, fig);
    element("figcaption", { text: caption }, fig);
    return canvas;
  };
  const boundary = figure("boundary", "boundary: ● train ▲ test; click a ● to explain it", 320, 320);
  const network = figure("network", "network: neurons over the plane, weights as edges", 380, 320);
  const curves = figure("curves", "curves: loss and accuracy", 300, 320);
  boundary.style.cursor = "crosshair";
  boundary.addEventListener("click", (event) => {
    const index = nearestTrainingPoint(model, boundary, event);
    if (index >= 0) model.send({ action: "explain", index });
  });

  const status = element("div", { class: "cg-status" }, root);
  const summary = element("div", { class: "cg-summary" }, status);
  const message = element("div", { class: "cg-message" }, status);
  const showStatus = () => {
    const view = model.get("view") || {};
    const reason = model.get("stop_reason");
    summary.textContent = (view.summary || "epoch " + model.get("epoch")) + (reason ? " · stopped: " + reason : "");
    message.textContent = model.get("message");
    message.classList.toggle("cg-error", !!model.get("error"));
  };
  const paint = () => {
    drawBoundary(model, boundary);
    drawNetwork(model, network);
    drawCurves(model, curves);
    showStatus();
  };
  for (const name of ["view", "boundary", "neurons", "points", "selected", "message", "error", "stop_reason", "epoch"]) {
    model.on("change:" + name, paint);
  }
  paint();
}

export default { render };

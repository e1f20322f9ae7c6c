
// The HTML player: the explorer's front end above, with a model kept in the page instead of
// a Jupyter kernel (autograd.player fills in the two element ids).
{
  const values = {
    data: JSON.parse(document.getElementById("__DATA_ID__").textContent),
    current: 0, hidden_nodes: [], question_line: "", feedback_line: "", last: -1,
  };
  const handlers = {};
  const model = {
    get: (key) => values[key],
    set(key, value) {
      values[key] = value;
      (handlers["change:" + key] || []).forEach((f) => f());
    },
    on(name, f) { (handlers[name] = handlers[name] || []).push(f); },
    off() {}, save_changes() {}, send() {},
  };
  // the first element of this id not yet playing: even if two fragments ever shared ids (the
  // same data, numbered by two processes), each script takes its own place, in page order
  const host = [...document.querySelectorAll('[id="__HOST_ID__"]')].find((e) => !e.hasChildNodes());
  if (host) {
    render({ model, el: host });
    host.firstElementChild.focus({ preventScroll: true });
  }
}


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
  const host = document.getElementById("__HOST_ID__");
  render({ model, el: host });
  host.firstElementChild.focus({ preventScroll: true });
}


// The HTML player: the explorer's front end above, with a model kept in the page instead of
// a Jupyter kernel (autograd.player fills in the two element ids).
{
  const values = {
    payload: JSON.parse(document.getElementById("__DATA_ID__").textContent),
    step: 0, hidden: [], question: "", feedback: "", limit: -1,
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

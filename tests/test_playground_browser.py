"""The playground's browser side in a real browser (Debian chromium, headless, via
selenium): a harness page loads nn/playground.js with a stand-in for the widget model that
holds a real Playground's state (no Jupyter server), and the test checks that the three
canvases are painted, that a click on a training point sends its index, and that the
buttons and controls send what Python expects. The screenshot is saved under
tests/artifacts/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from browsers import start_chromium

from nn.playground import Playground

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ESM = Path(__file__).resolve().parent.parent / "nn" / "playground.js"
BYTES = ("boundary", "neurons")

HARNESS = """<!doctype html>
<html><head><meta charset="utf-8"><title>playground harness</title></head>
<body style="margin:8px;background:#fff">
<div id="root"></div>
<script id="state" type="application/json">STATE</script>
<script>
window.failed = null;  // the first error the page reports: what it waited for will never come
addEventListener("error", (e) => { window.failed = window.failed || String(e.message); });
addEventListener("unhandledrejection", (e) => { window.failed = window.failed || String(e.reason); });
</script>
<script type="module">
try {
const state = JSON.parse(document.getElementById("state").textContent);
for (const name of BYTES) {
  const raw = atob(state[name]);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  state[name] = new DataView(bytes.buffer);
}
const listeners = {};
window.sent = [];
window.saved = [];
const model = {
  get: (name) => state[name],
  set: (name, value) => { state[name] = value; (listeners["change:" + name] || []).forEach((f) => f()); },
  save_changes: () => window.saved.push(JSON.parse(JSON.stringify(state, (k, v) => v instanceof DataView ? null : v))),
  on: (event, f) => { for (const e of event.split(" ")) (listeners[e] = listeners[e] || []).push(f); },
  off: () => {},
  send: (message) => window.sent.push(message),
};
window.model = model;
const source = document.getElementById("esm").textContent;
const module = await import("data:text/javascript;base64," + btoa(unescape(encodeURIComponent(source))));
module.default.render({ model, el: document.getElementById("root") });
window.rendered = true;
} catch (e) { window.failed = window.failed || String(e); }
</script>
<script id="esm" type="text/plain">ESM</script>
</body></html>
"""


def _state(pg: Playground) -> dict:
    """The playground's own traits, as the widget model holds them (bytes as base64)."""
    out = {}
    for name in Playground.class_own_traits(sync=True):
        value = getattr(pg, name)
        out[name] = base64.b64encode(value).decode() if name in BYTES else value
    return out


def _wait_for(browser, condition: str) -> None:
    """Poll until the JavaScript ``condition`` holds, however long a busy machine takes, or
    until the page reports an error (an exception or a rejected promise, caught by the harness:
    the step that would make ``condition`` true never comes), which fails the test at once."""
    while not browser.execute_script(f"return window.failed !== null || ({condition})"):
        time.sleep(0.05)
    failed = browser.execute_script("return window.failed")
    assert failed is None, f"the page failed while waiting for {condition}: {failed}"


@pytest.fixture
def page(tmp_path):
    pg = Playground(dataset="moons", samples=200, noise=0.2, hidden=[6, 4], lr=0.05, seed=0)
    pg.run_epochs(120)
    pg.selected = 4
    html = HARNESS.replace("BYTES", json.dumps(list(BYTES)))
    html = html.replace("STATE", json.dumps(_state(pg)).replace("</", "<\\/"))
    html = html.replace("ESM", ESM.read_text().replace("</", "<\\/"))
    harness = tmp_path / "harness.html"
    harness.write_text(html)
    browser = start_chromium(tmp_path / "profile", 1120, 900)
    try:
        browser.get(harness.as_uri())
        _wait_for(browser, "window.rendered === true")
        yield browser, pg
    finally:
        browser.quit()


def _coloured_pixels(browser, view: str) -> int:
    return browser.execute_script(
        """const c = document.querySelector(`canvas[data-view="${arguments[0]}"]`);
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          const hi = Math.max(d[i], d[i + 1], d[i + 2]), lo = Math.min(d[i], d[i + 1], d[i + 2]);
          if (d[i + 3] > 0 && hi - lo > 40) n++;
        }
        return n;""",
        view,
    )


def test_the_playground_renders_and_a_click_sends_the_point_index(page):
    browser, pg = page
    assert browser.execute_script("return window.rendered === true"), browser.get_log("browser")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "playground.png"))
    size = browser.execute_script("return document.querySelector('canvas[data-view=boundary]').width")
    assert _coloured_pixels(browser, "boundary") > 0.5 * size * size  # the heat map covers the plane
    assert _coloured_pixels(browser, "network") > 300  # coloured edges and neuron pictures
    assert _coloured_pixels(browser, "curves") > 100  # two coloured curves
    summary = browser.find_element("css selector", ".cg-summary").text
    assert summary.startswith("epoch 120") and "train loss" in summary

    # a click on training point k sends {"action": "explain", "index": k}
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = browser.find_element("css selector", "canvas[data-view=boundary]")
    k = 17
    u, v, _ = pg.points["train"][k]
    box = canvas.rect
    ActionChains(browser).move_to_element_with_offset(
        canvas, round(u * box["width"] - box["width"] / 2), round(v * box["height"] - box["height"] / 2)
    ).click().perform()
    assert browser.execute_script("return window.sent") == [{"action": "explain", "index": k}]

    # the buttons send their actions; ▶ sets running; a control sets its trait
    browser.find_element("css selector", "button[data-action=epoch]").click()
    browser.find_element("css selector", "button[data-action=export]").click()
    browser.find_element("css selector", "button[data-action=play]").click()
    lr = browser.find_element("css selector", "input[data-trait=lr]")
    lr.clear()
    lr.send_keys("0.125\n")
    browser.execute_script("document.querySelector('input[data-trait=lr]').dispatchEvent(new Event('change'))")
    assert browser.execute_script("return window.sent")[1:] == [{"action": "epoch"}, {"action": "export"}]
    assert browser.execute_script("return window.model.get('running')") is True
    assert browser.execute_script("return window.model.get('lr')") == 0.125
    # a CSV file chosen in the page is sent with its name and text
    chosen = ARTIFACTS / "chosen.csv"
    chosen.write_text("x1,x2,label\n0.5,1.0,a\n0.1,0.2,b\n")
    browser.find_element("css selector", "input[data-action=csv]").send_keys(str(chosen))
    _wait_for(browser, "window.sent.length > 3")
    assert browser.execute_script("return window.sent")[3] == {
        "action": "csv",
        "name": "chosen.csv",
        "text": chosen.read_text(),
    }
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []

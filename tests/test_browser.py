"""The explorer's front end in a real browser (Debian's chromium, headless, via selenium):
the saved HTML player, and the widget's script in a small harness page with a stand-in for
Jupyter's model. Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browsers import start_chromium
from graphs import lecture

from autograd.explorer import StepThrough
from autograd.player import asset
from autograd.viz import save_player

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), 1000, 900)
    yield driver
    driver.quit()


def _state(driver) -> dict:
    """What the page shows: the step, the highlighted Value boxes, the panel, the SVG's width."""
    return driver.execute_script(
        """
        const box = document.querySelector('.cg-explorer');
        const svg = box.querySelector('svg');
        return {
          step: box.getAttribute('data-step'),
          current: [...box.querySelectorAll('g.cg-value.cg-current')].map((g) => g.id),
          panel: box.querySelector('.cg-panel').textContent,
          svgWidth: svg.getBoundingClientRect().width,
          windowWidth: document.documentElement.clientWidth,
          labels: [...box.querySelectorAll('text[id^="l"]')].filter((t) => getComputedStyle(t).visibility === 'visible')
            .map((t) => t.id),
          grads: Object.fromEntries([...box.querySelectorAll('text[id^="g"]')].map((t) => [t.id, t.textContent])),
        };
        """
    )


def _press(driver, label: str) -> None:
    from selenium.webdriver.common.by import By

    [button] = [b for b in driver.find_elements(By.CSS_SELECTOR, ".cg-button") if b.text == label]
    button.click()


def _keys(driver, *keys) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".cg-explorer").send_keys(*keys)


def test_player_steps_with_buttons_and_keys(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    root = lecture()[0]
    st = StepThrough(root)
    path = save_player(root, tmp_path / "player.html")
    browser.get(path.as_uri())
    start = _state(browser)
    assert start["step"] == "0" and start["current"] == [] and start["panel"].startswith("Step 0 of 9")
    assert 0 < start["svgWidth"] <= start["windowWidth"] <= 1000  # the drawing fits the window
    assert set(start["grads"].values()) <= {"not yet", "1"}

    _press(browser, "▶")
    one = _state(browser)
    assert one["step"] == "1" and one["current"] == [f"v{st.steps[0].node}"]
    # step 1 is L = (y − t)² ÷ 2: the page shows the Python text of that step, whose numbers are
    # by hand ∂L/∂L = 1, ∂(a ÷ 2)/∂a = 0.5 and ∂(a ÷ c)/∂c = −a/c² = −(y − t)²/4 = −0.1671
    st.step = 1
    assert one["panel"] == st.explanation
    head, upstream, *parents = one["panel"].split("\n")
    assert head.startswith("Step 1 of 9: L = ") and head.endswith(" ÷ 2   (div)")
    assert upstream == "upstream ∂L/∂L = 1"
    assert len(parents) == 2 and parents[0].endswith("= 0.5;  1 × 0.5 = 0.5")
    assert parents[1] == "→ 2: local ∂L/∂2 = −0.1671;  1 × −0.1671 = −0.1671"

    _keys(browser, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    three = _state(browser)
    assert three["step"] == "3" and three["current"] == [f"v{st.steps[2].node}"]
    assert three["panel"].startswith("Step 3 of 9") and three["grads"] != one["grads"]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "player_step3.png"))

    _keys(browser, Keys.ARROW_LEFT)
    assert _state(browser)["step"] == "2"
    _keys(browser, Keys.END)
    end = _state(browser)
    assert end["step"] == "9" and "not yet" not in end["grads"].values()
    st.step = 9
    w = st.walk.index[id(next(v for v in st.walk.order if v.label == "w"))]
    from autograd.drawing import format_number

    assert end["grads"][f"g{w}"] == format_number(st.walk.grads[w])  # the engine's dL/dw
    _keys(browser, Keys.HOME)
    home = _state(browser)
    assert home["grads"] == start["grads"]  # stepping back restores every text
    assert start["labels"] == home["labels"] == [] and len(end["labels"]) > 0  # and hides the edge gradients
    _press(browser, "+")  # zoom in: wider than the window, the view scrolls; fit brings it back
    assert _state(browser)["svgWidth"] > start["svgWidth"] * 1.2
    _press(browser, "fit")
    assert _state(browser)["svgWidth"] == pytest.approx(start["svgWidth"], abs=1)


HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
<div id="host"></div>
<script type="application/json" id="data">{data}</script>
<script type="module">
{esm}
// a stand-in for Jupyter's widget model: keeps the values, records what is sent to Python
const values = {{data: JSON.parse(document.getElementById("data").textContent), current: 0,
  hidden_nodes: {hidden}, question_line: {question}, feedback_line: "", last: {last}}};
const handlers = {{}};
window.sent = [];
window.model = {{
  get: (k) => values[k],
  set(k, v) {{ values[k] = v; (handlers["change:" + k] || []).forEach((f) => f()); }},
  on(name, f) {{ (handlers[name] = handlers[name] || []).push(f); }},
  off() {{}}, save_changes() {{ window.saved = (window.saved || 0) + 1; }},
  send(msg) {{ window.sent.push(msg); }},
}};
render({{model: window.model, el: document.getElementById("host")}});
</script></body></html>
"""


def _harness(tmp_path: Path, st: StepThrough) -> str:
    page = HARNESS.format(
        css=asset("stepper.css"),
        esm=asset("stepper.js"),
        data=json.dumps(st.payload()).replace("</", "<\\/"),
        hidden=json.dumps(st.hidden),
        question=json.dumps(st.question_text()),
        last=st.limit if st.predict else -1,
    )
    path = tmp_path / "harness.html"
    path.write_text(page, encoding="utf-8")
    return path.as_uri()


def test_widget_front_end_in_a_harness_page(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    st = StepThrough(lecture()[0])
    browser.get(_harness(tmp_path, st))
    _press(browser, "▶")
    _keys(browser, Keys.ARROW_RIGHT)
    state = _state(browser)
    assert state["step"] == "2" and state["current"] == [f"v{st.steps[1].node}"]
    assert browser.execute_script("return window.model.get('current')") == 2  # the step goes back to Python
    assert browser.execute_script("return window.saved") == 2
    # a leaf's number field sends the new value to Python, which replays the graph
    field = browser.find_element(By.CSS_SELECTOR, 'input[data-leaf="0"]')
    field.clear()
    field.send_keys("0.3", Keys.ENTER, Keys.TAB)
    assert browser.execute_script("return window.sent") == [{"set": [0, 0.3]}]
    st.set(0, 0.3)
    browser.execute_script("window.model.set('data', arguments[0])", st.payload())
    assert _state(browser)["step"] == "2"
    data_text = browser.execute_script("return document.querySelector('[id=\"d0\"]').textContent")
    assert data_text == "0.3"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "widget_harness.png"))


def test_widget_predict_mode_in_a_harness_page(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    st = StepThrough(lecture()[0], predict=True)
    browser.get(_harness(tmp_path, st))
    _press(browser, "▶")  # the first gradient must be predicted before step 1
    assert _state(browser)["step"] == "0"
    assert "Predict ∂L/∂" in browser.find_element(By.CSS_SELECTOR, ".cg-quiz").text
    answer = browser.find_element(By.CSS_SELECTOR, ".cg-answer")
    answer.send_keys("0.5", Keys.ENTER)
    assert browser.execute_script("return window.sent") == [{"answer": 0.5}]

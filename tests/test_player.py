"""The HTML player's pieces: several players on one page keep to their own elements (as text,
and in headless Chromium), and the step-through's drawing options (``auto_label`` given in
``options=`` or as a keyword). Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from autograd import Value
from autograd.drawing import DrawOptions
from autograd.explorer import StepThrough
from autograd.player import player_fragment, player_html


def neuron() -> Value:
    """y = tanh(w·x + b) with its interior values unlabelled (so auto_label names them)."""
    w, x, b = Value(0.5, "w"), Value(-2.0, "x"), Value(0.25, "b")
    y = (w * x + b).tanh()
    y.label = "y"
    return y


def _ids(fragment: str) -> list[str]:
    """The ids of the fragment's own elements (the SVG's ids sit escaped in its JSON)."""
    return re.findall(r'\sid="([^"]+)"', fragment)


def _addressed(fragment: str) -> set[str]:
    """The element ids the fragment's script looks up."""
    script = fragment.split('<script type="module">', 1)[1]
    found = re.findall(r'getElementById\("([^"]+)"\)|\[id="([^"]+)"\]', script)
    return {a or b for a, b in found} - {"${id}"}  # stepper.js's own lookups inside its drawing


def test_two_players_of_the_same_graph_on_one_page_have_their_own_elements():
    data = StepThrough(neuron()).payload()
    first, second = player_fragment(data), player_fragment(data)
    assert _ids(first) and _ids(second)
    assert not set(_ids(first)) & set(_ids(second)), "the second player would draw into the first one's place"
    for fragment in (first, second):
        assert _addressed(fragment) and _addressed(fragment) <= set(_ids(fragment))
    page = first + second
    assert len(_ids(page)) == len(set(_ids(page)))  # every id once on the page


def test_a_player_fragment_still_carries_its_data_unchanged():
    data = StepThrough(neuron()).payload()
    fragment = player_fragment(data)
    [(data_id, text)] = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', fragment)
    assert json.loads(text) == data and data_id in _addressed(fragment)


def test_an_explorer_and_its_predict_twin_show_two_players():
    """Walkthrough 01 shows explore(L) and explore(L, predict=True) of the same graph."""
    from autograd.viz import explore

    root = neuron()
    plain, quiz = (explore(root, predict=p)._repr_mimebundle_()[0]["text/html"] for p in (False, True))
    assert not set(_ids(plain)) & set(_ids(quiz))


def test_auto_label_false_in_options_is_kept():
    st = StepThrough(neuron(), options=DrawOptions(auto_label=False))
    assert st.options.auto_label is False and st.scene.names == {}
    html = player_html(neuron(), options=DrawOptions(auto_label=False))
    assert ">t1<" not in html.replace("\\", "") and "t1 =" not in html


def test_auto_label_is_on_by_default_and_a_keyword_still_decides():
    from autograd.player import step_options  # the one home of the step-through's options

    kept = step_options(DrawOptions(auto_label=False))
    assert kept.auto_label is False and kept.backward is True
    assert step_options().auto_label is True
    assert StepThrough(neuron()).scene.names  # t1, t2 for the unlabelled values
    assert step_options(auto_label=False).auto_label is False
    assert step_options(DrawOptions(auto_label=False), auto_label=True).auto_label is True
    assert step_options(DrawOptions(backward=False)).backward is True  # a step-through is the backward pass
    html = player_html(neuron())
    assert "t1" in html


def test_players_on_one_page_each_step_their_own_drawing_in_a_browser(tmp_path):
    """Two fragments of the same data, and the first one again (ids shared, as two kernels
    could number them): three players, each button steps its own drawing only."""
    from browsers import start_chromium

    data = StepThrough(neuron()).payload()
    first, second = player_fragment(data), player_fragment(data)
    page = tmp_path / "page.html"
    page.write_text(f"<!DOCTYPE html><html><body>{first}{second}{first}</body></html>", encoding="utf-8")
    driver = start_chromium(tmp_path / "profile", 1000, 900)
    try:
        driver.get(page.as_uri())
        players = driver.find_elements("css selector", ".chaingrad-player")
        assert [len(p.find_elements("css selector", ".cg-explorer")) for p in players] == [1, 1, 1]
        total = len(data["steps"])
        for k, player in enumerate(players):
            driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", player)
            player.find_element("css selector", "button.cg-button[title^='next step']").click()
            counters = [p.find_element("css selector", ".cg-counter").text for p in players]
            assert counters == [f"step {int(i == k)} of {total}" for i in range(3)], (k, counters)
            player.find_element("css selector", "button.cg-button[title^='first']").click()
        shots = Path(__file__).resolve().parent / "artifacts"
        shots.mkdir(exist_ok=True)
        driver.save_screenshot(str(shots / "three_players.png"))
    finally:
        driver.quit()

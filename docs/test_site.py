"""The built site checked as a reader gets it (`make docs-check`, after `make docs`).

No page fetches anything from the web, and a real browser (headless Debian Chromium through
Selenium) opening a walkthrough from disk shows its drawings and its formulas; every player
cell shows its own player, whose buttons step its own drawing; a wide drawing stays readable
and scrolls sideways with a hint, at 1,200 and 420 px; the theme's "back to top" button leaves
a player's buttons free; at 420 px inline code keeps its words whole and boxes that scroll
sideways show it. Screenshots go to tests/artifacts/docs/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent
SITE = DOCS / "_build" / "html"
SHOTS = DOCS.parent / "tests" / "artifacts" / "docs"
WALKTHROUGH = SITE / "walkthroughs" / "01_derivatives_three_ways.html"
sys.path.insert(0, str(DOCS.parent / "tests"))
from browsers import find_chromium, launch_chromium  # noqa: E402  (the tests' one way to start chromium)


def _check_site():  # docs/check_site.py, loaded by path (docs/ is not a package)
    spec = importlib.util.spec_from_file_location("check_site", DOCS / "check_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_site"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make docs` first")
    return SITE


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    found = find_chromium()
    if found is None:
        pytest.fail("chromium and chromedriver are needed: `make browser` installs them")
    profile = tempfile.mkdtemp(prefix="chaingrad-docs-chromium-")
    driver = launch_chromium(found, profile, 1280, 2000)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_no_page_fetches_anything_from_the_web(site: Path) -> None:
    assert _check_site().web_references(site) == []


def test_every_walkthrough_is_a_page_with_outputs(site: Path) -> None:
    notebooks = sorted((DOCS.parent / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        page = site / "walkthroughs" / f"{notebook.stem}.html"
        assert page.is_file(), f"{notebook.name} has no page"
        assert "cell_output" in page.read_text(encoding="utf-8"), f"{page.name} shows no output"


def test_a_walkthrough_opened_from_disk_shows_its_drawings_and_formulas(site: Path, browser) -> None:
    browser.get(WALKTHROUGH.as_uri())
    SHOTS.mkdir(parents=True, exist_ok=True)
    shown = browser.execute_script(
        """
        const outputs = [...document.querySelectorAll('.cell_output img, .cell_output svg')]
            .filter(e => !e.parentElement.closest('.cell_output svg'));  // outermost drawings only
        return outputs.map(e => {
            const box = e.getBoundingClientRect();
            const loaded = e.tagName.toLowerCase() !== 'img' || (e.complete && e.naturalWidth > 0);
            return {tag: e.tagName.toLowerCase(), loaded: loaded, width: box.width, height: box.height};
        });
        """
    )
    assert len(shown) >= 3, f"expected the walkthrough's drawings, found {shown}"
    assert all(d["loaded"] and d["width"] > 50 and d["height"] > 20 for d in shown), shown
    drawing = browser.find_elements("css selector", ".cell_output img[src$='.svg'], .cell_output svg")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", drawing)
    browser.save_screenshot(str(SHOTS / "walkthrough_drawing.png"))
    drawing.screenshot(str(SHOTS / "walkthrough_drawing_only.png"))

    formulas = browser.execute_script(
        "return [...document.querySelectorAll('math')].map(m => m.getBoundingClientRect().width)"
    )
    assert formulas and all(w > 0 for w in formulas), "the page's MathML formulas are not drawn"
    browser.execute_script("document.querySelector('math').scrollIntoView({block: 'center', behavior: 'instant'})")
    browser.save_screenshot(str(SHOTS / "walkthrough_math.png"))


def test_no_page_shows_a_python_object_instead_of_its_picture(site: Path) -> None:
    """A widget that cannot run on a static page shows its text repr (``VBox(children=(<...
    object at 0x...>``): tag its cell ``remove-output`` and show a picture of it instead."""
    leaks = [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*.html"))
        if re.search(r"object at 0x[0-9a-f]+", p.read_text(encoding="utf-8"))
    ]
    assert leaks == []


def _pages_with_a_player(site: Path) -> list[Path]:
    pages = sorted((site / "walkthroughs").glob("*.html"))
    return [p for p in pages if "chaingrad-player" in p.read_text(encoding="utf-8")]


def test_explorers_are_shown_as_players_not_as_widgets_without_a_kernel(site: Path) -> None:
    """The site has no kernel to run the explorer widget: every explorer output must show the
    player (its HTML fallback), and no page may hold a widget view that cannot render."""
    pages = sorted((site / "walkthroughs").glob("*.html"))
    widgets = [p.name for p in pages if "application/vnd.jupyter.widget-view+json" in p.read_text(encoding="utf-8")]
    assert widgets == [], f"widget views that cannot render on {widgets}"
    notebooks = sorted((DOCS.parent / "notebooks").glob("*.ipynb"))
    if any("explore(" in nb.read_text(encoding="utf-8") for nb in notebooks):
        assert _pages_with_a_player(site), "walkthroughs call explore() but no page shows a player"


def test_a_player_on_a_walkthrough_steps_forward_and_back(site: Path, browser) -> None:
    pages = _pages_with_a_player(site)
    if not pages:
        pytest.skip("no walkthrough shows a step-through player yet")
    browser.get(pages[0].as_uri())
    player = browser.find_element("css selector", ".chaingrad-player")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})", player)
    counter = player.find_element("css selector", ".cg-counter")
    drawing = player.find_element("css selector", ".cg-stage svg")
    assert drawing.size["width"] > 100 and drawing.size["height"] > 20, drawing.size
    start = counter.text
    assert start.startswith("step 0 of "), start
    total = int(start.split()[-1])
    assert total >= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    player.screenshot(str(SHOTS / "player_step_0.png"))

    def press(title: str) -> None:
        player.find_element("css selector", f"button.cg-button[title^='{title}']").click()

    press("next step")
    assert counter.text == f"step 1 of {total}"
    panel = player.find_element("css selector", ".cg-panel").text
    assert panel.strip(), "the panel shows no chain rule for step 1"
    player.screenshot(str(SHOTS / "player_step_1.png"))
    press("last")
    assert counter.text == f"step {total} of {total}"
    press("previous step")
    assert counter.text == f"step {total - 1} of {total}"
    press("first")
    assert counter.text == start


def _players(browser) -> list[dict]:
    """Each player cell of the page: how many explorers it shows, its counter, its drawing."""
    return browser.execute_script(
        """
        return [...document.querySelectorAll('.chaingrad-player')].map(p => {
            const svg = p.querySelector('.cg-stage svg'), view = p.querySelector('.cg-view');
            const hint = p.querySelector('.cg-hint');
            return {
                explorers: p.querySelectorAll('.cg-explorer').length,
                counter: (p.querySelector('.cg-counter') || {textContent: ''}).textContent.trim(),
                width: svg ? svg.getBoundingClientRect().width : 0,
                natural: svg ? svg.viewBox.baseVal.width : 0,
                view: view ? view.clientWidth : 0,
                scrolls: view ? view.scrollWidth > view.clientWidth + 1 : false,
                hint: Boolean(hint) && getComputedStyle(hint).display !== 'none'
                    && hint.getBoundingClientRect().height > 0,
            };
        });
        """
    )


def test_every_player_cell_on_a_page_has_its_own_working_player(site: Path, browser) -> None:
    """Walkthrough 01 shows explore(L) and explore(L, predict=True) of the same graph: each
    cell must show one player, and each player's buttons step its own drawing only."""
    pages = _pages_with_a_player(site)
    assert pages, "no walkthrough shows a player"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for page in pages:
        browser.get(page.as_uri())
        cells = page.read_text(encoding="utf-8").count('<div class="chaingrad-player">')
        shown = _players(browser)
        assert len(shown) == cells and [p["explorers"] for p in shown] == [1] * cells, (page.name, shown)
        assert all(p["counter"].startswith("step 0 of ") and p["width"] > 100 for p in shown), (page.name, shown)
        players = browser.find_elements("css selector", ".chaingrad-player")
        for k, player in enumerate(players):
            browser.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})", player)
            player.find_element("css selector", "button.cg-button[title^='next step']").click()
            player.find_element("css selector", "button.cg-button[title^='next step']").click()
            counters = [p["counter"] for p in _players(browser)]
            total = counters[k].split()[-1]
            assert counters[k] == f"step 2 of {total}", (page.name, k, counters)
            assert all(c.startswith("step 0 of ") for i, c in enumerate(counters) if i != k), (page.name, k, counters)
            player.screenshot(str(SHOTS / f"{page.stem[:2]}_player_{k}.png"))
            player.find_element("css selector", "button.cg-button[title^='first']").click()
            assert _players(browser)[k]["counter"] == f"step 0 of {total}"


def _at_width(browser, width: int | None) -> None:
    """Lay pages out ``width`` px wide (a phone's 420 px too: headless Chromium's window cannot
    be narrower than 500 px, so the viewport is emulated); None: back to the window's own."""
    if width is None:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        metrics = {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


@pytest.mark.parametrize("width", [1200, 420])
def test_a_wide_drawing_stays_readable_and_scrolls_sideways_with_a_hint(site: Path, browser, width: int) -> None:
    """Walkthrough 05's graph is about 2,100 px wide: it starts at a readable size (at least
    0.8 of its own, READABLE in stepper.js), its view scrolls sideways and says so; "fit"
    shows it whole; a narrow graph (walkthrough 01's) fits the column with no hint when the
    column is wide enough for it at that size."""
    page = site / "walkthroughs" / "05_backprop_through_an_mlp.html"
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _at_width(browser, width)
        browser.get(page.as_uri())
        player = browser.find_element("css selector", ".chaingrad-player")
        browser.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})", player)
        [wide] = _players(browser)
        assert wide["natural"] > 1500, wide
        assert wide["width"] >= 0.8 * wide["natural"] - 1 and wide["scrolls"] and wide["hint"], wide
        browser.save_screenshot(str(SHOTS / f"05_player_wide_{width}.png"))
        fit = player.find_element("css selector", "button.cg-button[title^='fit']")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", fit)
        fit.click()
        [fitted] = _players(browser)
        assert fitted["width"] <= fitted["view"] + 1 and not fitted["scrolls"] and not fitted["hint"], fitted
        player.screenshot(str(SHOTS / f"05_player_fit_{width}.png"))

        browser.get(WALKTHROUGH.as_uri())
        narrow = _players(browser)[0]
        fits = 0.8 * narrow["natural"] <= narrow["view"]  # at 420 px, 01's graph is just wider than that
        assert narrow["scrolls"] == narrow["hint"] == (not fits), narrow
        if fits:
            assert narrow["width"] <= narrow["view"] + 1, narrow
        first = browser.find_element("css selector", ".chaingrad-player")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", first)
        browser.save_screenshot(str(SHOTS / f"01_player_{width}.png"))
    finally:
        _at_width(browser, None)


def test_back_to_top_leaves_a_player_s_buttons_free(site: Path, browser) -> None:
    """The theme's "back to top" button shows while the reader scrolls up; it must not cover
    the step buttons of a player at the top of the window."""
    browser.get(_pages_with_a_player(site)[0].as_uri())
    bar = browser.find_element("css selector", ".chaingrad-player .cg-bar")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})", bar)
    browser.execute_script("document.body.classList.add('show-back-to-top')")
    top, buttons = browser.execute_script(
        """
        const r = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
        return [r(document.querySelector('.back-to-top')), [...arguments[0].children].map(r)];
        """,
        bar,
    )
    assert top[2] > top[0] and top[3] > top[1], "no back-to-top button shown"
    overlaps = [b for b in buttons if b[0] < top[2] and top[0] < b[2] and b[1] < top[3] and top[1] < b[3]]
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "back_to_top.png"))
    assert overlaps == [], f"back to top {top} covers the player's buttons {overlaps}"


def test_a_narrow_window_keeps_flags_whole_and_marks_boxes_that_scroll(site: Path, browser) -> None:
    """At 420 px wide: inline code such as `--compiled` never breaks inside a word, and a
    formula or table wider than its box shows a shadow at the edge that hides more."""
    pages = [site / "benchmarks.html", *sorted((site / "guide").glob("*.html"))]
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _at_width(browser, 420)
        broken, unmarked = [], []
        for page in pages:
            browser.get(page.as_uri())
            found = browser.execute_script(
                """
                const lines = (e) => new Set([...e.getClientRects()].filter(r => r.width > 0)
                    .map(r => Math.round(r.top))).size;
                const broken = [...document.querySelectorAll('code.literal span.pre')]
                    .filter(s => lines(s) > 1).map(s => s.textContent);
                const boxes = [...document.querySelectorAll('div.math, .table-wrapper')]
                    .filter(b => b.scrollWidth > b.clientWidth + 1);
                const unmarked = boxes.filter(b => !getComputedStyle(b).backgroundImage.includes('gradient'))
                    .map(b => b.className);
                if (boxes.length) boxes[0].scrollIntoView({block: 'center', behavior: 'instant'});
                return [broken, unmarked, boxes.length];
                """
            )
            broken += [(page.name, word) for word in found[0]]
            unmarked += [(page.name, box) for box in found[1]]
            if found[2]:
                browser.save_screenshot(str(SHOTS / f"narrow_{page.stem}.png"))
        assert broken == [], f"inline code broken inside a word at 420 px: {broken}"
        assert unmarked == [], f"boxes that scroll sideways with nothing to say so: {unmarked}"
    finally:
        _at_width(browser, None)

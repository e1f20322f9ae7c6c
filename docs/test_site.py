"""The built site checked as a reader gets it (`make docs-check`, after `make docs`).

No page fetches anything from the web, and a real browser (headless Debian Chromium through
Selenium) opening a walkthrough from disk shows its drawings and its formulas, and a
step-through player on a walkthrough steps forward and back. Screenshots go
to tests/artifacts/docs/ (git-ignored) to be looked at.
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

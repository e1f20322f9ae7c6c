"""Player benchmark: writing the HTML step-through of a 1,000-node graph, and stepping it in a
browser.

Two graphs of about 1,000 Values each:

(a) chain: v ← tanh(v · wₖ) for 333 layers (a long, thin graph);
(b) mlp: an MLP(4, [16, 16, 1]) sample with a squared loss, plus enough samples summed to
    reach ~1,000 Values (a wide graph with fan-out at the inputs).

For each: the time of ``save_player`` (layout, SVG, every step's text, the file), median of
5 runs, against the target of 2 s. References in the same run: chaingrad's own static
drawing of the same graph with its gradients (``draw_graph(root, backward=True).svg()``: the
layout and the SVG, no steps, no texts; median of 5 runs, always there), so a ratio near 1
says the layout both share is the cost and what it exceeds 1 by is what the steps add; and,
when Graphviz's ``dot`` is installed, the time ``dot -Tsvg`` takes (one run) to lay out and
draw the same graph's DOT text (the route chaingrad no longer needs); without it that column
says why it is empty. Then, when Debian's chromium and chromium-driver are installed, the player is
opened headless and stepped forward through every step with the arrow key: the time per
step against the target of 50 ms (without them, the column says why it is empty).

Run: ``make bench`` or ``.venv/bin/python bench/player.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograd import Value
from autograd.viz import draw_graph, save_player
from nn import MLP

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browsers import find_chromium, launch_chromium  # noqa: E402  (the tests' one way to start chromium)


def chain(layers: int = 333) -> Value:
    v = Value(0.3, "x")
    for k in range(layers):
        v = (v * Value(1.01, f"w{k}")).tanh()
    return v


def mlp(target: int = 1000) -> Value:
    net = MLP(4, [16, 16, 1], activation="tanh", seed=0)
    total = None
    k = 0
    while True:
        (out,) = net([0.1 * k, -0.2, 0.3, 0.05 * k])
        loss = (out - 1.0) ** 2
        total = loss if total is None else total + loss
        k += 1
        if _count(total) >= target:
            return total


def _count(root: Value) -> int:
    from autograd import topological_order

    return len(topological_order(root))


def _median(f, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _no_browser() -> str | None:
    """Why the browser column stays empty, or None when it can be measured."""
    if find_chromium() is None:
        return "Debian's chromium and chromium-driver are not installed (make browser, as root)"
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


def _browser_step_ms(path: Path) -> tuple[float, int]:
    found = find_chromium()
    assert found is not None
    with tempfile.TemporaryDirectory() as profile:
        driver = launch_chromium(found, profile, 1000, 900)
        try:
            driver.get(path.as_uri())
            result = driver.execute_script(
                """
                const box = document.querySelector('.cg-explorer');
                const key = (k) => box.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));
                const t0 = performance.now();
                let steps = 0;
                for (;;) {
                  const before = box.getAttribute('data-step');
                  key('ArrowRight');
                  if (box.getAttribute('data-step') === before) break;
                  steps += 1;
                }
                const forward = performance.now() - t0;
                return [forward / Math.max(steps, 1), steps];
                """
            )
        finally:
            driver.quit()
    return float(result[0]), int(result[1])


def main() -> int:
    print(f"player benchmark (python {sys.version.split()[0]})")
    print(
        f"{'graph':<7}{'values':>8}{'steps':>7}{'save_player':>13}{'target':>8}{'drawing':>10}{'ratio':>7}"
        f"{'dot -Tsvg':>11}{'ratio':>7}{'browser/step':>14}{'target':>8}"
    )
    dot = shutil.which("dot")
    no_browser = _no_browser()
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in (("chain", chain), ("mlp", mlp)):
            root = build()
            n = _count(root)
            path = Path(tmp) / f"{name}.html"
            ours = _median(lambda root=root, path=path: save_player(root, path, max_nodes=None))
            drawing = _median(lambda root=root: draw_graph(root, backward=True, max_nodes=None).svg())
            ref, ratio = "-", "-"
            if dot:
                source = draw_graph(root, backward=True, max_nodes=None).source
                # one run: dot takes minutes on the wide graph
                cmd = [dot, "-Tsvg"]
                theirs = _median(lambda s=source, c=cmd: subprocess.run(c, input=s.encode(), capture_output=True), 1)
                ref, ratio = f"{theirs:.2f} s", f"{ours / theirs:.2f}"
            browser = "-" if no_browser else f"{_browser_step_ms(path)[0]:.2f} ms"
            steps = sum(1 for v in _order(root) if not v.is_leaf)
            print(
                f"{name:<7}{n:>8,}{steps:>7,}{ours:>11.2f} s{'2 s':>8}{drawing:>8.2f} s{ours / drawing:>7.2f}"
                f"{ref:>11}{ratio:>7}{browser:>14}{'50 ms':>8}"
            )
    print(
        "ratio after drawing: save_player's time over the static backward drawing's of the same graph "
        "(near 1: the layout both share is the cost; above 1 by what the steps add)"
    )
    if dot:
        print("ratio after dot -Tsvg: save_player's time over dot's on the same graph (below 1: faster than Graphviz)")
    else:
        print("dot -Tsvg: no column: Graphviz's dot is not installed (make graphviz, as root)")
    if no_browser:
        print(f"browser/step: no column: {no_browser}")
    return 0


def _order(root: Value) -> list[Value]:
    from autograd import topological_order

    return topological_order(root)


if __name__ == "__main__":
    raise SystemExit(main())

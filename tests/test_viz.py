"""Drawing graphs (autograd.viz): DOT text for every option, kinds and colours, edge order,
the lecture's t-names, backward annotations against the engine, determinism, depth, the
cap, the frames, rendering with Graphviz's dot, and the error when dot is missing."""

from __future__ import annotations

import math
import re
import shutil

import pytest
from graphs import lecture

from autograd import Value, grad, topological_order
from autograd.viz import (
    GRAPHVIZ_HINT,
    backward_frames,
    backward_steps,
    classify,
    draw_graph,
    format_number,
    render,
    save_frames,
)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

NODE = re.compile(r"^\t(n\d+|o\d+|omitted|legend) \[(.*)\]$")
EDGE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$")


# ---------------------------------------------------------------------------------------
# helpers: read the DOT text back
# ---------------------------------------------------------------------------------------


def node_lines(source: str) -> dict[str, str]:
    out = {}
    for line in source.splitlines():
        m = NODE.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def edges(source: str) -> list[tuple[str, str, str]]:
    out = []
    for line in source.splitlines():
        m = EDGE.match(line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3) or ""))
    return out


def node_id(source: str, name: str) -> str:
    """Id of the Value box whose bold title is ``name``."""
    found = [k for k, attrs in node_lines(source).items() if f"<b>{name}</b>" in attrs]
    assert len(found) == 1, (name, found)
    return found[0]


def attr(attrs: str, key: str) -> str:
    m = re.search(rf'(?:^| ){key}=("[^"]*"|\S+)', attrs)
    assert m, (key, attrs)
    return m.group(1).strip('"')


def row(attrs: str, name: str) -> str:
    """The text of the row ``name`` (data or grad) of a Value box, without markup."""
    m = re.search(rf"{name}</font></td><td[^>]*>(.*?)</td>", attrs)
    assert m, (name, attrs)
    return re.sub(r"<[^>]+>", "", m.group(1)).strip()


# by hand (natural log): z = 2·(−1) + 0.5 = −1.5, y = σ(−1.5), L = ½(y − 1)²
Y = 1.0 / (1.0 + math.exp(1.5))
DL_DY = Y - 1.0
DL_DZ = DL_DY * Y * (1.0 - Y)
HAND = {"w": DL_DZ * -1.0, "x": DL_DZ * 2.0, "b": DL_DZ, "t": -DL_DY}


# ---------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, text",
    [
        (2.0, "2"),
        (0.5, "0.5"),
        (-1.5, "−1.5"),
        (0.0, "0"),
        (1.0 / 3.0, "0.3333"),
        (-0.196611933, "−0.1966"),
        (123456.7, "1.235e5"),
        (1e-8, "1e−8"),
        (float("inf"), "∞"),
        (float("-inf"), "−∞"),
        (float("nan"), "nan"),
        (3, "3"),
    ],
)
def test_format_number_is_compact(x, text):
    assert format_number(x) == text


# ---------------------------------------------------------------------------------------
# forward drawing: labels, data, grad, kinds, edges
# ---------------------------------------------------------------------------------------


def test_one_box_per_value_and_one_circle_per_primitive():
    L, _ = lecture()
    src = draw_graph(L).source
    nodes = node_lines(src)
    order = topological_order(L)
    values = [k for k in nodes if k.startswith("n")]
    ops = [k for k in nodes if k.startswith("o")]
    assert len(values) == len(order) == 17  # w x b t, four constants (1, 1, 2, 2), nine operations
    assert len(ops) == 9
    symbols = sorted(attr(nodes[k], "label") for k in ops)
    assert symbols == sorted(["×", "+", "−x", "exp", "+", "÷", "−", "^", "÷"])
    for k in ops:
        assert attr(nodes[k], "shape") == "circle"


def test_labels_data_and_grad_text():
    L, v = lecture()
    L.backward()
    src = draw_graph(L).source
    nodes = node_lines(src)
    assert row(nodes[node_id(src, "w")], "data") == "2"
    assert row(nodes[node_id(src, "x")], "data") == "−1"
    assert row(nodes[node_id(src, "z")], "data") == "−1.5"
    assert row(nodes[node_id(src, "y")], "data") == "0.1824"  # σ(−1.5) = 0.18243
    assert row(nodes[node_id(src, "L")], "data") == "0.3342"  # ½(0.18243 − 1)² = 0.33421
    # grads as .grad holds them after backward; by hand dL/dw = (y − t)·y(1 − y)·x = 0.12194
    assert HAND["w"] == pytest.approx(0.12194, abs=1e-5)
    assert row(nodes[node_id(src, "w")], "grad") == "0.1219"
    assert row(nodes[node_id(src, "x")], "grad") == "−0.2439"
    assert row(nodes[node_id(src, "t")], "grad") == "0.8176"
    assert row(nodes[node_id(src, "L")], "grad") == "1"


def test_show_data_and_show_grad_switch_rows_off():
    L, _ = lecture()
    L.backward()
    src = draw_graph(L, show_data=False).source
    assert "data</font>" not in src and "grad</font>" in src
    src = draw_graph(L, show_grad=False).source
    assert "grad</font>" not in src and "data</font>" in src


def test_kinds_look_different_and_match_the_legend():
    L, v = lecture()
    src = draw_graph(L).source
    nodes = node_lines(src)
    fill = {name: attr(nodes[node_id(src, name)], "fillcolor") for name in ("w", "b", "x", "t", "z", "y", "L")}
    constants = [k for k, a in node_lines(src).items() if k.startswith("n") and "<table" not in a]
    assert len(constants) == 4
    const_fill = {attr(nodes[k], "fillcolor") for k in constants}
    assert len(const_fill) == 1
    assert all("dashed" in attr(nodes[k], "style") for k in constants)
    assert fill["w"] == fill["b"]  # parameters
    assert fill["x"] == fill["t"]  # inputs
    assert fill["z"] == fill["y"]  # intermediate
    kinds = {fill["w"], fill["x"], fill["z"], fill["L"], *const_fill}
    assert len(kinds) == 5  # parameter, input, intermediate, output, constant: all different
    # the root stands out: a thicker border than any other box
    root_pen = float(attr(nodes[node_id(src, "L")], "penwidth"))
    assert all(
        float(attr(a, "penwidth")) < root_pen for k, a in nodes.items() if k.startswith("n") and "<b>L</b>" not in a
    )
    # the legend shows the same colours
    legend = nodes["legend"]
    for name, fill_of in (("parameter", fill["w"]), ("input", fill["x"]), ("output", fill["L"])):
        assert re.search(rf'bgcolor="{fill_of}"[^>]*><font[^>]*>{name}<', legend), name


def test_explicit_params_and_inputs_override_the_label_rule():
    L, v = lecture()
    src = draw_graph(L, params=[v["w"]], inputs=[v["x"], v["b"], v["t"]]).source
    nodes = node_lines(src)
    fill = lambda name: attr(nodes[node_id(src, name)], "fillcolor")  # noqa: E731
    assert fill("b") == fill("x") != fill("w")
    # only params given: every other labelled leaf is an input
    src2 = draw_graph(L, params=[v["t"]]).source
    nodes2 = node_lines(src2)
    fill2 = lambda name: attr(nodes2[node_id(src2, name)], "fillcolor")  # noqa: E731
    assert fill2("w") == fill2("x") == fill2("b") != fill2("t")
    assert fill2("t") == fill("w")


@pytest.mark.parametrize(
    "label, kind",
    [
        ("w", "parameter"),
        ("b", "parameter"),
        ("w1", "parameter"),
        ("w_12", "parameter"),
        ("w₁", "parameter"),
        ("bias", "parameter"),
        ("weight", "parameter"),
        ("θ", "parameter"),
        ("layers.0.neurons.3.w.1", "parameter"),
        ("layers.0.neurons.3.b", "parameter"),
        ("x", "input"),
        ("x1", "input"),
        ("t", "input"),
        ("target", "input"),
        ("bx", "input"),
        ("", "constant"),
    ],
)
def test_classify_by_label(label, kind):
    assert classify([Value(1.0, label)]) == [kind]


def test_edges_follow_parent_order():
    a, b = Value(3.0, "a"), Value(5.0, "b")
    d1 = a - b
    d1.label = "d1"
    d2 = b - a
    d2.label = "d2"
    out = d1 / d2
    out.label = "out"
    src = draw_graph(out).source
    ia, ib = node_id(src, "a"), node_id(src, "b")
    into = {}
    for tail, head, _ in edges(src):
        into.setdefault(head, []).append(tail)
    op = lambda name: "o" + node_id(src, name)[1:]  # noqa: E731
    assert into[op("d1")] == [ia, ib]
    assert into[op("d2")] == [ib, ia]
    assert into[op("out")] == [node_id(src, "d1"), node_id(src, "d2")]
    # dot keeps the order of the incoming edges (first operand first)
    assert attr(node_lines(src)[op("d1")], "ordering") == "in"


def test_fan_out_draws_one_box_and_two_edges():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    src = draw_graph(y).source
    ix = node_id(src, "x")
    assert [e[:2] for e in edges(src)].count((ix, "o" + node_id(src, "y")[1:])) == 2


# ---------------------------------------------------------------------------------------
# the lecture's t1..t7 names
# ---------------------------------------------------------------------------------------


def test_auto_label_numbers_interior_nodes_by_position():
    L, v = lecture()
    src = draw_graph(L, auto_label=True).source
    nodes = node_lines(src)
    data = lambda name: row(nodes[node_id(src, name)], "data")  # noqa: E731
    # the lecture: t1 = wx, z = t1 + b, t3 = −z, t4 = exp(t3), t5 = 1 + t4, y = 1/t5
    assert data("t1") == "−2"  # w·x
    assert data("t3") == "1.5"  # −z
    assert data("t4") == "4.482"  # e^1.5 = 4.4817
    assert data("t5") == "5.482"  # 1 + e^1.5
    # the labelled nodes keep their names and use up their positions (z is 2nd, y 6th, L 9th)
    for name in ("z", "y", "L"):
        node_id(src, name)
    assert "<b>t2</b>" not in src and "<b>t6</b>" not in src and "<b>t9</b>" not in src
    # then y − t (7th) and its square (8th); the lecture calls these t6, t7 (its numbering
    # skips y's position but not z's)
    assert data("t7") == "−0.8176"
    assert data("t8") == "0.6684"
    # the Values themselves are not renamed
    assert all(n.label in ("", "w", "x", "b", "t", "z", "y", "L") for n in topological_order(L))


def test_auto_label_leaves_unlabelled_graph_fully_numbered():
    a = Value(2.0, "a")
    out = ((a * 3).exp() + 1).log()
    src = draw_graph(out, auto_label=True).source
    for k in (1, 2, 3, 4):
        node_id(src, f"t{k}")
    assert "<b>t" not in draw_graph(out).source


# ---------------------------------------------------------------------------------------
# backward
# ---------------------------------------------------------------------------------------


def test_backward_grads_equal_the_engine_and_leave_grad_alone():
    L, v = lecture()
    names = ["w", "x", "b", "t", "z", "y"]
    engine = grad(L, [v[n] for n in names])
    src = draw_graph(L, backward=True).source
    nodes = node_lines(src)
    for n, g in zip(names, engine):
        assert row(nodes[node_id(src, n)], "grad") == format_number(g)
    for n in ("w", "x", "b", "t"):
        assert engine[names.index(n)] == pytest.approx(HAND[n], rel=1e-12)
    assert all(node.grad == 0.0 for node in topological_order(L))  # nothing was written


def test_backward_edge_labels_are_local_derivative_times_upstream():
    L, v = lecture()
    L.backward()  # the engine's gradients of every node
    src = draw_graph(L, backward=True).source
    w, x = v["w"], v["x"]
    t1 = w * x  # same numbers as the graph's t1 (not part of it)
    labels = {(tail, head): attrs for tail, head, attrs in edges(src)}
    z_op = "o" + node_id(src, "z")[1:]
    # into z = t1 + b: both edges carry dL/dz (local derivative 1)
    assert attr(labels[(node_id(src, "b"), z_op)], "label").strip() == format_number(v["z"].grad)
    # into t1 = w·x: the edge from w carries dL/dt1 · x, from x carries dL/dt1 · w
    t1_id = [tail for (tail, head) in labels if head == z_op and tail != node_id(src, "b")][0]
    t1_op = "o" + t1_id[1:]
    assert attr(labels[(node_id(src, "w"), t1_op)], "label").strip() == format_number(v["z"].grad * x.data)
    assert attr(labels[(node_id(src, "x"), t1_op)], "label").strip() == format_number(v["z"].grad * w.data)
    assert t1.data == -2.0
    # the tooltip names the two factors
    tip = attr(labels[(node_id(src, "w"), t1_op)], "tooltip")
    assert f"local derivative {format_number(x.data)}" in tip and f"upstream {format_number(v['z'].grad)}" in tip


def test_backward_sums_over_fan_out():
    x = Value(3.0, "x")
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.label = "y"
    src = draw_graph(y, backward=True).source
    assert row(node_lines(src)[node_id(src, "x")], "grad") == "7"


def test_backward_step_numbers_follow_reverse_topological_order():
    L, _ = lecture()
    src = draw_graph(L, backward=True, auto_label=True).source
    nodes = node_lines(src)
    order = ["t1", "z", "t3", "t4", "t5", "y", "t7", "t8", "L"]  # forward order of the operations
    steps = [int(re.search(r">#(\d+)<", nodes[node_id(src, n)]).group(1)) for n in order]
    assert steps == [9, 8, 7, 6, 5, 4, 3, 2, 1]  # the walk starts at L and ends at t1 = wx
    assert backward_steps(L) == 9
    for leaf in ("w", "x", "b", "t"):
        assert "#" not in re.sub(r'color="#\w+"', "", nodes[node_id(src, leaf)])  # leaves take no step


def test_backward_on_a_leaf_root():
    a = Value(4.0, "a")
    src = draw_graph(a, backward=True).source
    assert row(node_lines(src)[node_id(src, "a")], "grad") == "1"
    assert list(backward_frames(a)) == []


# ---------------------------------------------------------------------------------------
# determinism, depth, cap
# ---------------------------------------------------------------------------------------


def test_same_graph_same_source_byte_for_byte():
    first = draw_graph(lecture()[0], backward=True, auto_label=True).source
    second = draw_graph(lecture()[0], backward=True, auto_label=True).source
    assert first == second
    L, _ = lecture()
    assert draw_graph(L).source == draw_graph(L).source
    assert re.findall(r"\tn(\d+) \[", first) == [str(i) for i in range(17)]  # ids by position


def test_hundred_thousand_node_chain_draws():
    x = Value(0.1, "x")
    v = x
    for _ in range(100_000):
        v = v.tanh()
    src = draw_graph(v, max_nodes=None).source  # iterative: no RecursionError
    nodes = node_lines(src)
    assert sum(k.startswith("n") for k in nodes) == 100_001
    assert sum(k.startswith("o") for k in nodes) == 100_000
    capped = draw_graph(v, backward=True).source
    assert "99,701 more values left out" in capped  # 100,001 values, 300 drawn
    assert "100,000 steps" in capped


def test_cap_draws_the_roots_neighbourhood_and_counts_the_rest():
    x = Value(0.5, "x")
    w = Value(2.0, "w")
    v = x
    for i in range(30):
        v = v * w if i % 2 == 0 else v.exp() if i % 3 == 0 else v + x
    v.label = "out"
    order = topological_order(v)
    assert len(order) == 32  # x, w and 30 operations
    src = draw_graph(v, max_nodes=10).source
    nodes = node_lines(src)
    assert sum(k.startswith("n") for k in nodes) == 10
    node_id(src, "out")  # the root is drawn
    summary = attr(nodes["omitted"], "label")
    # drawn, breadth first from the root: operations i = 29..22 and the leaves x and w;
    # left out, by hand from the loop for i = 0..21: mul at even i (11), exp at odd multiples
    # of 3 (3, 9, 15, 21: 4), add at the other odd i (7)
    assert "22 more values left out" in summary
    assert "11 × mul" in summary and "7 × add" in summary and "4 × exp" in summary
    assert "parameter" not in summary and "input" not in summary
    assert "showing the 10 values nearest the output out of 32" in src
    # the cut is shown: a dashed edge from the summary into the first op drawn
    assert any(tail == "omitted" and "dashed" in a for tail, _, a in edges(src))
    # under the cap nothing is summarised
    assert "omitted" not in node_lines(draw_graph(v, max_nodes=32).source)


def test_bad_options_are_clear_errors():
    L, _ = lecture()
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(L, rankdir="sideways")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(L, max_nodes=0)
    with pytest.raises(ValueError, match="step"):
        draw_graph(L, step=3)  # needs backward
    with pytest.raises(ValueError, match="between 1 and 9"):
        draw_graph(L, backward=True, step=10)
    with pytest.raises(TypeError, match="Value"):
        draw_graph(2.0)
    with pytest.raises(ValueError, match="format"):
        render(L, "x.jpeg")


# ---------------------------------------------------------------------------------------
# frames
# ---------------------------------------------------------------------------------------


def test_one_frame_per_backward_step_ending_with_the_full_drawing():
    L, _ = lecture()
    frames = list(backward_frames(L, auto_label=True))
    assert len(frames) == 9  # the nine operations of the lecture's decomposition
    full = draw_graph(L, backward=True, auto_label=True)
    last = frames[-1].source
    assert last == draw_graph(L, backward=True, auto_label=True, step=9).source
    # the last frame shows exactly the full drawing's numbers; it differs only in its heading
    # and in the red outline of the node visited last (t1 = wx, step 9) and its edges
    first_op_id = node_id(full.source, "t1")
    diff = set(last.splitlines()) ^ set(full.source.splitlines())
    assert diff and all("label=" in d and "labelloc" in d or first_op_id[1:] in d for d in diff)
    plain = lambda s: [  # noqa: E731
        re.sub(r" \[\]", "", re.sub(r' ?(color|penwidth)=("[^"]*"|[^ \]]+)', "", ln).replace("[ ", "["))
        for ln in s.splitlines()
        if "labelloc" not in ln
    ]
    assert plain(last) == plain(full.source)


def test_frames_fill_in_gradients_step_by_step():
    L, _ = lecture()
    frames = [f.source for f in backward_frames(L, auto_label=True)]
    labelled = [sum(1 for _, h, a in edges(src) if h.startswith("o") and "label=" in a) for src in frames]
    # each step labels the edges into the op it visits: L ÷ (2 edges), t8 ^ (2), t7 − (2), y ÷ (2),
    # t5 + (2), t4 exp (1), t3 −x (1), z + (2), t1 × (2)
    assert labelled == [2, 4, 6, 8, 10, 11, 12, 14, 16]
    for k, src in enumerate(frames, start=1):
        assert f"backward step {k} of 9" in src
    # in frame 1 only L's gradient is known; y's is still unknown
    first = node_lines(frames[0])
    assert row(first[node_id(frames[0], "L")], "grad") == "1"
    assert row(first[node_id(frames[0], "y")], "grad") == "?"
    assert row(first[node_id(frames[0], "t8")], "grad") == "0.5"


def test_partial_sums_are_marked_so_far():
    x = Value(3.0, "x")
    a = x.exp()
    a.label = "a"
    out = a + x  # x receives from out (step 1) and from a (step 2)
    out.label = "out"
    frames = [f.source for f in backward_frames(out)]
    assert len(frames) == 2
    assert row(node_lines(frames[0])[node_id(frames[0], "x")], "grad") == "1 so far"
    expected = format_number(1.0 + math.exp(3.0))  # d(e^x + x)/dx = e^3 + 1 = 21.09
    assert expected == "21.09"
    assert row(node_lines(frames[1])[node_id(frames[1], "x")], "grad") == expected


def test_save_frames_writes_numbered_svgs(tmp_path):
    L, _ = lecture()
    paths = save_frames(L, tmp_path / "frames", auto_label=True)
    assert [p.name for p in paths] == [f"step_{k:03d}.svg" for k in range(1, 10)]
    for p in paths:
        assert b"<svg" in p.read_bytes()[:400]
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [p.name for p in paths]


# ---------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------


def test_render_svg_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on PATH
    L, _ = lecture()
    svg = render(L, tmp_path / "g.svg", backward=True, auto_label=True)
    assert svg == tmp_path / "g.svg"
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text and ">t1<" in text
    assert "max-width:100%" in text and "viewBox=" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg"]  # no temporary files left


@needs_dot
def test_render_png_with_graphviz(tmp_path):
    L, _ = lecture()
    png = render(L, tmp_path / "g.png")
    assert png == tmp_path / "g.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.png"]


def test_render_dot_text_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    L, _ = lecture()
    path = render(L, tmp_path / "g.dot")
    assert path.read_text(encoding="utf-8") == draw_graph(L).source


def test_missing_dot_still_draws_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on PATH
    L, _ = lecture()
    assert "digraph" in draw_graph(L).source
    with pytest.raises(RuntimeError, match="Install Graphviz") as info:
        render(L, tmp_path / "g.png")
    assert "apt-get install graphviz" in str(info.value) and ".svg" in str(info.value)
    assert not (tmp_path / "g.png").exists()
    bundle = jupyter_shows(L)  # Jupyter still shows the drawing
    assert "<svg" in bundle["image/svg+xml"] and GRAPHVIZ_HINT not in bundle["text/plain"]


def jupyter_shows(value):
    """What IPython's display machinery gives for ``value``, once autograd has registered."""
    from IPython.core.formatters import DisplayFormatter

    from autograd.display import register

    formatter = DisplayFormatter()
    assert register(formatter)
    data, _ = formatter.format(value)
    return data


def test_value_shows_itself_as_svg_in_jupyter():
    from autograd.display import register

    assert register() is False  # no IPython shell runs the tests: nothing to register with
    L, _ = lecture()
    bundle = jupyter_shows(L)
    assert "image/svg+xml" in bundle and "<svg" in bundle["image/svg+xml"]
    assert bundle["text/plain"] == repr(L)

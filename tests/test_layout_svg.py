"""chaingrad's own drawing (autograd.layout, autograd.svg): the direction chosen to fit, an MLP
grouped by layer, no two boxes overlapping, ids the explorer relies on, and no gradient on a
forward-only drawing."""

from __future__ import annotations

import re

import pytest

from autograd import Value
from autograd.layout import layered_layout
from autograd.viz import draw_graph
from nn import MLP


def chain(n: int) -> Value:
    v = Value(0.5, "x")
    for k in range(n):
        v = (v * Value(1.1, f"w{k}")).tanh()
    return v


def mlp_loss() -> tuple[Value, MLP]:
    net = MLP(3, [4, 2], activation="tanh", seed=1)
    a, b = net([0.5, -1.2, 2.0])
    loss = (a - 1.0) ** 2 + (b + 1.0) ** 2
    loss.label = "loss"
    return loss, net


def lecture() -> Value:
    w, x, b, t = Value(2.0, "w"), Value(-1.0, "x"), Value(0.5, "b"), Value(1.0, "t")
    z = w * x + b
    y = 1 / (1 + (-z).exp())
    return (y - t) ** 2 / 2


def boxes(drawing):
    """(kind, index, x0, y0, x1, y1) of every box and circle of a drawing's layout."""
    layout = drawing.layout
    out = []
    for k, (kind, i) in enumerate(layout.nodes):
        w, h = layout.size[k]
        x, y = layout.layout.x[k], layout.layout.y[k]
        out.append((kind, i, x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return out


def test_a_long_chain_reads_top_to_bottom_and_a_short_one_left_to_right():
    assert draw_graph(chain(40)).layout.direction == "TB"
    assert draw_graph(chain(2)).layout.direction == "LR"
    assert draw_graph(chain(40), rankdir="LR").layout.direction == "LR"  # asked for: kept


def test_an_mlp_is_drawn_left_to_right_grouped_by_layer():
    loss, _ = mlp_loss()
    drawing = draw_graph(loss, backward=True)
    assert drawing.layout.direction == "LR"
    dots = [(i, x0) for kind, i, x0, _, _, _ in boxes(drawing) if kind == "o" and drawing.scene.order[i].op == "dot"]
    assert len(dots) == 6
    xs = sorted({round(x, 3) for _, x in dots})
    assert len(xs) == 2  # the 4 hidden units share one column, the 2 outputs the next
    layer_of = {i: xs.index(round(x, 3)) for i, x in dots}
    assert sorted(layer_of.values()) == [0, 0, 0, 0, 1, 1]


@pytest.mark.parametrize("build", [lecture, lambda: mlp_loss()[0], lambda: chain(30)])
def test_no_two_boxes_overlap(build):
    found = boxes(draw_graph(build(), backward=True))
    for a in range(len(found)):
        for b in range(a + 1, len(found)):
            _, _, ax0, ay0, ax1, ay1 = found[a]
            _, _, bx0, by0, bx1, by1 = found[b]
            apart = ax1 <= bx0 + 1e-6 or bx1 <= ax0 + 1e-6 or ay1 <= by0 + 1e-6 or by1 <= ay0 + 1e-6
            assert apart, (found[a], found[b])


def test_layout_keeps_every_edge_pointing_the_way_asked():
    sizes = [(40.0, 20.0)] * 4
    edges = [(0, 2), (1, 2), (2, 3)]
    for direction, axis, sign in (("LR", "x", 1), ("RL", "x", -1), ("TB", "y", 1), ("BT", "y", -1)):
        lay = layered_layout(sizes, edges, direction)
        pos = getattr(lay, axis)
        assert all(sign * (pos[b] - pos[a]) > 0 for a, b in edges), direction
        assert lay.width > 0 and lay.height > 0


def test_svg_fits_its_container_and_names_what_the_explorer_changes():
    L = lecture()
    svg = draw_graph(L, backward=True, step=3).svg()
    root = r'<svg [^>]*viewBox="0 0 (\d+) (\d+)" width="(\d+)" height="(\d+)" style="max-width:100%;height:auto"'
    size = re.search(root, svg)
    assert size and size.group(1, 2) == size.group(3, 4)  # natural size, shrunk to fit its container
    order = draw_graph(L).scene.order
    for i, v in enumerate(order):
        assert f'id="v{i}"' in svg
        if not v.is_leaf:
            assert f'id="o{i}"' in svg and f'id="f{i}"' in svg
            for k in range(len(v.parents)):
                assert f'id="e{i}-{k}"' in svg and f'id="l{i}-{k}"' in svg
    assert svg.count("cg-current") >= 3  # the box, circle and edges of step 3's node (plus the style rule)


def test_forward_only_drawings_show_no_gradient_until_a_backward_pass():
    L = lecture()
    assert ">grad<" not in draw_graph(L).svg() and "grad</font>" not in draw_graph(L).source
    L.backward()
    assert ">grad<" in draw_graph(L).svg() and "grad</font>" in draw_graph(L).source
    assert ">grad<" not in draw_graph(L, show_grad=False).svg()


def test_labels_and_symbols_are_escaped():
    a = Value(1.0, "a<b & c")
    out = a * 2
    svg = draw_graph(out).svg()
    assert "a&lt;b &amp; c" in svg and "<b & c" not in svg


def neuron_sample() -> Value:
    """One sample's squared error through a 2-4-1 MLP: each hidden w·x node has five edges in."""
    [y] = MLP(2, [4, 1], seed=0)([0.5, -1.0])
    return (y - 1.0) ** 2


DIGIT = 0.556 * 11  # the width of a digit of Helvetica at the labels' 11 px


def drawn_labels(drawing) -> list[tuple[str, float, float, float, float]]:
    """(id, x0, y0, x1, y1) of every edge label the SVG shows (drawn, as the boxes, in the
    layout's coordinates)."""
    svg = drawing.layout.svg()
    out = []
    for m in re.finditer(r'<text id="(l[\d-]+)" x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)"([^>]*)>([^<]*)<', svg):
        ident, x, y, anchor, rest, text = m.groups()
        if 'display="none"' in rest:
            continue
        x, y, w = float(x), float(y), len(text) * DIGIT
        x0 = x - w / 2 if anchor == "middle" else (x - w if anchor == "end" else x)
        out.append((ident, x0, y - 8.0, x0 + w, y + 2.0))
    return out


@pytest.mark.parametrize("build", [lecture, neuron_sample, lambda: mlp_loss()[0]])
def test_edge_labels_overlap_neither_each_other_nor_boxes(build):
    drawing = draw_graph(build(), backward=True)
    labels = drawn_labels(drawing)
    edges_in = sum(len(v.parents) for v in drawing.scene.order)
    assert len(labels) >= 0.9 * edges_in  # a fan-in may leave a label out, a drawing not most of them

    def apart(a, b):
        return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]

    for n, label in enumerate(labels):
        for other in labels[n + 1 :]:
            assert apart(label[1:], other[1:]), (label, other)
        for box in boxes(drawing):
            assert apart(label[1:], box[2:]), (label, box)


def test_the_boxes_taken_answer_as_a_search_of_all_of_them_would():
    # filed by grid square, a box must still meet every box it overlaps: boxes of any size,
    # on either side of 0 and across squares
    import random

    from autograd.boxes import Boxes, overlap

    rng = random.Random(4)
    taken, grid = [], Boxes()
    for _ in range(400):
        x, y = rng.uniform(-300, 300), rng.uniform(-300, 300)
        box = (x, y, x + rng.choice([2.0, 30.0, 64.0, 200.0]), y + rng.choice([3.0, 13.0, 150.0]))
        assert grid.free(box) == (not any(overlap(box, other) for other in taken))
        if rng.random() < 0.5:
            taken.append(box)
            grid.add(box)
    assert 0 < sum(not grid.free(b) for b in taken) == len(taken)

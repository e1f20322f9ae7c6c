"""The explorer's logic in Python (autograd.explorer.StepThrough, the widget around it) and
the HTML player's file: steps against the engine's walk, the panel's numbers against the
engine's gradients and central differences of each row's forward, leaf editing against a
fresh build, predict-mode feedback, a custom primitive, and no network in the player."""

from __future__ import annotations

import json
import math
import re

import pytest

from autograd import Value, topological_order
from autograd.explorer import StepThrough
from autograd.primitives import FLOAT
from autograd.viz import backward_steps, explore, save_player
from nn import MLP


def lecture(w=2.0, x=-1.0, b=0.5, t=1.0):
    """Lecture 002's neuron as the primitive operations t1..t7 (natural log)."""
    w, x, b, t = Value(w, "w"), Value(x, "x"), Value(b, "b"), Value(t, "t")
    t1 = w * x
    z = t1 + b
    t3 = -z
    t4 = t3.exp()
    t5 = 1 + t4
    y = 1 / t5
    t6 = y - t
    t7 = t6**2
    L = t7 / 2
    for v, name in ((t1, "t1"), (z, "z"), (t3, "t3"), (t4, "t4"), (t5, "t5"), (y, "y"), (t6, "t6"), (t7, "t7")):
        v.label = name
    L.label = "L"
    return L


def fan_out(x0=3.0):
    """x used three times: out = e^x · x + x."""
    x = Value(x0, "x")
    a = x.exp()
    a.label = "a"
    m = a * x
    m.label = "m"
    out = m + x
    out.label = "out"
    return out


def mlp_sample():
    net = MLP(3, [4, 2], activation="tanh", seed=3)
    scores = net([0.5, -1.2, 2.0])
    loss = (scores[0] - 1.0) ** 2 + scores[1].relu()
    loss.label = "loss"
    return loss


GRAPHS = {"lecture": lecture, "fan_out": fan_out, "mlp": mlp_sample}


def central(prim, args, k, h=1e-6):
    up, down = list(args), list(args)
    up[k] += h
    down[k] -= h
    return (prim.forward(FLOAT, *up) - prim.forward(FLOAT, *down)) / (2 * h)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_one_step_per_operation_of_the_backward_walk(name):
    root = GRAPHS[name]()
    st = StepThrough(root)
    interior = topological_order(root, leaves=False)
    assert len(st.steps) == backward_steps(root) == len(interior)
    # the walk's order: reverse topological, the root first
    assert [st.walk.order[s.node] for s in st.steps] == interior[::-1]


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_panel_numbers_are_the_engines(name):
    root = GRAPHS[name]()
    root.backward()  # the engine's walk fills .grad; the step-through must agree
    st = StepThrough(root)
    received: dict[int, float] = {}
    for k, step in enumerate(st.steps, start=1):
        node = st.walk.order[step.node]
        assert step.upstream == pytest.approx(node.grad, rel=1e-12, abs=1e-15)
        args = [st.walk.data[j] for j in step.parents]
        for slot, j in enumerate(step.parents):
            # local derivative from the row's vjp, checked against central differences of its forward
            # (where the forward is defined around the point: not a negative base's exponent)
            if not (node.op == "pow" and slot == 1 and args[0] <= 0):
                assert step.local[slot] == pytest.approx(central(node.primitive, args, slot), rel=1e-5, abs=1e-7)
            assert step.flow[slot] == pytest.approx(step.upstream * step.local[slot], rel=1e-12, abs=1e-15)
            received[j] = received.get(j, 0.0) + step.flow[slot]
            assert step.after[slot] == pytest.approx(received[j], rel=1e-12, abs=1e-15)
        st.step = k
        text = st.explanation
        assert f"Step {k} of {len(st.steps)}" in text
        from autograd.drawing import format_number

        for slot in range(len(step.parents)):
            assert f"× {format_number(step.local[slot])} = {format_number(step.flow[slot])}" in text
    for j, total in received.items():  # every leaf ends with the engine's gradient
        leaf = st.walk.order[j]
        if leaf.is_leaf:
            assert total == pytest.approx(leaf.grad, rel=1e-12, abs=1e-15)


def test_the_lectures_numbers_in_the_panel():
    st = StepThrough(lecture())
    y = 1 / (1 + math.exp(1.5))
    st.step = 4  # y = 1/t5 sends dL/dy · (−1/t5²) to t5
    text = st.explanation
    assert text.startswith("Step 4 of 9: y = 1 ÷ t5")
    t5 = 1 + math.exp(1.5)
    dl_dy = y - 1
    assert f"upstream ∂L/∂y = {_fmt(dl_dy)}" in text
    assert f"local ∂y/∂t5 = {_fmt(-1 / t5**2)}" in text


def _fmt(x):
    from autograd.drawing import format_number

    return format_number(x)


def test_a_sum_over_paths_is_shown_as_it_grows():
    st = StepThrough(fan_out(3.0))
    texts = []
    for _ in st.steps:
        st.next()
        texts.append(st.explanation)
    e3 = math.exp(3.0)
    # out = m + x: x gets 1 (1 of 3 paths); m = a·x: x gets a = e³ (2 of 3); a = eˣ: x gets x·eˣ (3 of 3)
    assert "(1 of 3 paths)" in texts[0]
    assert f"= {_fmt(1 + e3)} (2 of 3 paths)" in texts[1]
    assert f"= {_fmt(1 + e3 + 3 * e3)} (3 of 3 paths, complete)" in texts[2]


def test_next_prev_reset_stay_in_range():
    st = StepThrough(lecture())
    assert st.step == 0 and "Step 0 of 9" in st.explanation
    assert [st.next() for _ in range(11)][-3:] == [9, 9, 9]
    assert st.prev() == 8
    assert st.reset() == 0 and st.prev() == 0


@pytest.mark.parametrize("name, leaf, new", [("lecture", "w", 0.3), ("fan_out", "x", -0.7), ("mlp", None, 0.25)])
def test_editing_a_leaf_equals_a_fresh_build(name, leaf, new):
    root = GRAPHS[name]()
    st = StepThrough(root)
    if leaf is None:  # the MLP: change its first weight
        target = next(v for v in topological_order(root) if v.label.endswith("w.0"))
        leaf = target.label
    st.set(leaf, new)
    if name == "lecture":
        fresh = lecture(w=new)
    elif name == "fan_out":
        fresh = fan_out(new)
    else:
        fresh = _rebuild_mlp(leaf, new)
    fresh.backward()
    fresh_st = StepThrough(fresh)
    assert len(fresh_st.walk.order) == len(st.walk.order)
    for i, v in enumerate(fresh_st.walk.order):
        assert st.walk.data[i] == pytest.approx(v.data, rel=1e-12, abs=1e-15), i
        assert st.walk.grads[i] == pytest.approx(v.grad, rel=1e-12, abs=1e-15), i
    fresh_leaf = next(v for v in topological_order(fresh) if v.label == leaf)
    assert st.value(leaf) == new and st.gradient(leaf) == pytest.approx(fresh_leaf.grad, rel=1e-12, abs=1e-15)
    assert root.data != pytest.approx(fresh.data)  # the original Values are not touched


def _rebuild_mlp(label, new):
    net = MLP(3, [4, 2], activation="tanh", seed=3)
    dict(net.named_parameters())[label].data = new
    scores = net([0.5, -1.2, 2.0])
    return (scores[0] - 1.0) ** 2 + scores[1].relu()


def test_set_refuses_what_it_cannot_do():
    st = StepThrough(lecture())
    with pytest.raises(ValueError, match="no leaf is labelled 'q'.*b, t, w, x"):
        st.set("q", 1.0)
    with pytest.raises(ValueError, match="finite number"):
        st.set("w", float("nan"))
    with pytest.raises(ValueError, match="not a leaf"):
        st.set(Value(1.0), 2.0)
    x = Value(2.0, "x")
    logged = x.log()
    st2 = StepThrough(logged)
    with pytest.raises(ValueError, match="log of -1.0"):
        st2.set("x", -1.0)
    assert st2.walk.data[0] == 2.0  # unchanged after the failed replay


def test_predict_right_missing_upstream_and_wrong_local():
    st = StepThrough(lecture(), predict=True)
    assert st.hidden and st.limit == 0  # the first question comes before step 1
    q = st.question
    assert st.walk.order[q.node].label == "t7" and q.answer == 0.5
    # at t7 the upstream is 1, so skip to t6 = y − t, where dL/dt6 = dL/dt7 · 2·t6
    assert st.answer(0.5).correct
    q = st.question
    assert st.walk.order[q.node].label == "t6"
    (consumer, upstream, local, flow) = q.paths[0]
    assert upstream == 0.5 and flow == pytest.approx(q.answer)
    missing_upstream = st.answer(local)
    assert not missing_upstream.correct and missing_upstream.kind == "upstream"
    assert "upstream" in missing_upstream.text and _fmt(upstream) in missing_upstream.text
    wrong_local = st.answer(upstream * 2.0)  # forgot the factor t6 of d(t6²)/dt6 = 2·t6
    assert not wrong_local.correct and wrong_local.kind == "local"
    assert f"∂t7/∂t6 = {_fmt(local)}" in wrong_local.text
    assert st.step == 0 and st.next() == st.limit  # cannot step past the unanswered question
    right = st.answer(q.answer)
    assert right.correct and right.kind == "right" and q.node not in st.hidden


def test_predict_names_a_missing_path():
    st = StepThrough(fan_out(3.0), predict=True)
    while st.walk.order[st.question.node].label != "x":
        st.answer(st.question.answer)
    q = st.question
    assert len(q.paths) == 3
    only_one = st.answer(q.paths[0][3])
    assert only_one.kind == "paths" and "used 3 times" in only_one.text
    assert st.answer(q.answer).correct and st.question is None and st.limit == len(st.steps)


def test_widget_and_python_stay_in_step():
    ex = explore(lecture(), auto_label=True)
    assert ex.step == 0 and ex.current == 0 and len(ex.steps) == 9
    ex.next()
    ex.next()
    assert ex.current == 2 and "Step 2 of 9" in ex.explanation
    ex.current = 5  # as a click in the front end does
    assert ex.step == 5
    ex.current = 50
    assert ex.step == 9 and ex.current == 9
    before = ex.data["svg"]
    ex._on_msg(ex, {"set": [0, 0.3]}, [])  # the front end's number field for w (node 0)
    assert ex.value("w") == 0.3 and ex.data["svg"] != before
    ex.set("x", 2.0)
    assert ex.data["leaves"][1] == {"id": 1, "label": "x", "value": 2.0, "constant": False}
    constants = [leaf["label"] for leaf in ex.data["leaves"] if leaf["constant"]]
    assert constants == ["constant 1", "constant 1", "constant 2", "constant 2"]
    data, _ = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert '<div class="chaingrad-player">' in data["text/html"]  # what a page without a kernel shows


def test_widget_predict_mode_over_messages():
    ex = explore(lecture(), predict=True)
    assert ex.last == 0 and ex.hidden_nodes and ex.question_line.startswith("Predict ∂L/∂t7")
    ex._on_msg(ex, {"answer": 0.25}, [])
    assert "0.5" in ex.feedback_line and ex.last == 0
    ex._on_msg(ex, {"answer": 0.5}, [])
    assert ex.feedback_line.startswith("Right") and ex.last >= 1


def test_player_is_one_file_with_no_network(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no Graphviz
    path = save_player(lecture(), tmp_path / "player.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched
    assert "import " not in html.split('<script type="module">')[1].split("function")[0]
    data = json.loads(html.split('type="application/json"')[1].split(">", 1)[1].split("</script>")[0])
    assert len(data["steps"]) == 9 and data["intro"].startswith("Step 0 of 9")
    assert "<svg" in data["svg"] and "max-width:100%" in data["svg"]

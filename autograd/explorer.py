"""The explorer: step through a backward pass in Jupyter, change the inputs, predict the
gradients.

``StepThrough`` is all of its logic, in Python and testable without a browser: the steps
of the walk (``autograd.steps``), the chain rule of each step in words and numbers
(``autograd.explain``), editing a leaf (the recorded graph replayed through the primitive
table's rows), and predict mode (each gradient hidden until the student gives it, with
feedback naming the factor that is off). ``Explorer`` is the Jupyter widget around it
(anywidget): its front end (``assets/stepper.js``, the same script the HTML player runs)
only displays the payload and sends back the step, a leaf's new value or an answer.

In a notebook exported without a kernel (nbconvert, a documentation site) the widget's
output falls back to the HTML player of the same graph.
"""

from __future__ import annotations

from typing import Any, cast

from .checks import count, is_count, real
from .drawing import DrawOptions, Scene, format_number
from .explain import Feedback, Question, judge, questions, step_text
from .player import asset, payload, player_fragment, step_options
from .steps import Step, Walk
from .value import Value

__all__ = ["StepThrough", "Explorer"]


class StepThrough:
    """The backward pass of ``root`` as steps to walk through (0 = before the walk).

    ``predict=True`` hides each gradient until ``answer`` gets it right; ``opts`` are
    drawing options (``DrawOptions`` as ``options=`` or keywords; see
    ``autograd.player.step_options``: unlabelled intermediate values are named t1, t2, ...
    unless ``auto_label=False`` is given either way)."""

    def __init__(self, root: Value, predict: bool = False, options: DrawOptions | None = None, **opts: Any) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explore needs a Value, got {root!r} of type {type(root).__name__}")
        self.options = step_options(options, **opts)
        self.root = root
        self.base = Walk.of(root)
        self.predict = bool(predict)
        self.leaf_data: dict[int, float] = {}
        self.answered: set[int] = set()
        self.feedback = ""
        self._step = 0
        self._build(self.base)

    def _build(self, walk: Walk) -> None:
        self.scene = Scene(walk, self.options)
        self.questions: list[Question] = questions(self.scene) if self.predict else []

    @property
    def walk(self) -> Walk:
        return self.scene.walk

    # -- stepping -------------------------------------------------------------------------

    @property
    def steps(self) -> list[Step]:
        """Every step of the walk, in order (``len(steps)`` of them)."""
        return self.walk.steps

    @property
    def step(self) -> int:
        """How many steps have been done (0: none, ``len(steps)``: the whole walk)."""
        return self._step

    @step.setter
    def step(self, k: int) -> None:
        self._step = max(0, min(self.limit, count(k, "step", "StepThrough", at_least=None)))

    def next(self) -> int:
        """One step forward (not past the end, nor past an unanswered prediction)."""
        self.step = self._step + 1
        return self._step

    def prev(self) -> int:
        """One step back."""
        self.step = self._step - 1
        return self._step

    def reset(self) -> int:
        """Back to step 0."""
        self.step = 0
        return self._step

    @property
    def explanation(self) -> str:
        """The panel's text: the current step's chain rule with its numbers."""
        return step_text(self.scene, self._step)

    # -- leaves -----------------------------------------------------------------------------

    def leaves(self) -> list[dict[str, Any]]:
        """The editable leaves: index, label (constants as 'constant <value>'), value, and
        whether it is a constant (the front end tucks those away under "constants")."""
        out = []
        for i in self.walk.leaves:
            if not self.scene.keep[i]:
                continue
            v = self.walk.order[i]
            label = v.label or f"constant {format_number(self.base.data[i])}"
            out.append({"id": i, "label": label, "value": self.walk.data[i], "constant": not v.label})
        return out

    def _leaf(self, which: str | Value | int) -> int:
        walk = self.walk
        if isinstance(which, Value):
            i = walk.index.get(id(which))
            if i is None or walk.prims[i] is not None:
                raise ValueError(f"set: {which!r} is not a leaf of this graph")
            return i
        if is_count(which):
            if which not in walk.leaves:
                raise ValueError(f"set: {which} is not the index of a leaf of this graph")
            return int(which)
        found = [i for i in walk.leaves if walk.order[i].label == which]
        if len(found) != 1:
            labels = sorted({walk.order[i].label for i in walk.leaves if walk.order[i].label})
            problem = "no leaf is" if not found else f"{len(found)} leaves are"
            raise ValueError(f"set: {problem} labelled {which!r}; the labelled leaves are {', '.join(labels)}")
        return found[0]

    def set(self, which: str | Value | int, number: float) -> None:
        """Give a leaf (by label, Value or index) a new value: every value and gradient is
        recomputed by replaying the recorded graph; the Values themselves are unchanged."""
        i = self._leaf(which)
        leaf_data = dict(self.leaf_data)
        leaf_data[i] = real(number, f"the new value of {self.scene.describe(i)}", "set")
        walk = self.base.replay(leaf_data)  # a domain error (log of a negative) raises here, nothing changed
        self.leaf_data = leaf_data
        self._build(walk)
        self.feedback = ""

    def _node(self, which: str | Value | int) -> int:
        walk = self.walk
        if isinstance(which, Value) and id(which) in walk.index:
            return walk.index[id(which)]
        if is_count(which) and 0 <= cast(int, which) < len(walk.order):
            return int(cast(int, which))
        found = [i for i, v in enumerate(walk.order) if isinstance(which, str) and v.label == which]
        if len(found) != 1:
            problem = f"{which!r} names {len(found)} nodes of this graph: give a unique label, a Value or an index"
            raise ValueError(problem)
        return found[0]

    def value(self, which: str | Value | int) -> float:
        """The current value of a node (by label, Value or index), after any ``set``."""
        return self.walk.data[self._node(which)]

    def gradient(self, which: str | Value | int) -> float:
        """d(root)/d(node) at the current values (by label, Value or index)."""
        return self.walk.grads[self._node(which)]

    # -- predict mode -----------------------------------------------------------------------

    @property
    def question(self) -> Question | None:
        """The gradient the student is asked for now (predict mode), or None."""
        for q in self.questions:
            if q.node not in self.answered:
                return q
        return None

    @property
    def limit(self) -> int:
        """The last step that may be shown: in predict mode, the one before the step that
        completes the gradient asked for."""
        q = self.question
        return len(self.steps) if q is None else q.after_step - 1

    @property
    def hidden(self) -> list[int]:
        """Nodes whose gradient is hidden (not yet predicted)."""
        return [q.node for q in self.questions if q.node not in self.answered]

    def question_text(self) -> str:
        q = self.question
        if q is None:
            return "All gradients predicted." if self.predict else ""
        root = self.scene.describe(self.scene.root)
        return f"Predict ∂{root}/∂{self.scene.describe(q.node)} (step {q.after_step} completes it):"

    def answer(self, x: float) -> Feedback:
        """Check a predicted gradient for the current question; when right, reveal it and
        allow the walk to go on."""
        q = self.question
        if q is None:
            raise ValueError("answer: there is no gradient to predict (predict=True, and not all answered yet)")
        result = judge(self.scene, q, real(x, "the predicted gradient", "answer", finite=False))
        if result.correct:
            self.answered.add(q.node)
        self.feedback = result.text
        return result

    def payload(self) -> dict[str, Any]:
        """What the front end shows (see ``autograd.player.payload``)."""
        return payload(self.scene, self.leaves(), self.predict)


def _widget_base() -> type:
    try:
        import anywidget
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "autograd.viz.explore needs the anywidget package: pip install 'chaingrad[notebooks]' "
            "(or pip install anywidget); save_player(root, 'graph.html') needs nothing"
        ) from exc
    return anywidget.AnyWidget


def _make_widget_class() -> type:
    import traitlets

    class Explorer(StepThrough, _widget_base()):  # type: ignore[misc]
        """The step-through as a Jupyter widget: ⏮ ◀ ▶ ⏭, play, arrow keys, zoom and pan,
        a number field per leaf, predict mode. Python and the widget stay in step: ``.step``,
        ``next()``, ``set(...)``, ``answer(...)`` update the picture, and clicks update them."""

        _esm = asset("stepper.js")
        _css = asset("stepper.css")
        data = traitlets.Dict().tag(sync=True)
        current = traitlets.Int(0).tag(sync=True)
        hidden_nodes = traitlets.List(traitlets.Int()).tag(sync=True)
        question_line = traitlets.Unicode("").tag(sync=True)
        feedback_line = traitlets.Unicode("").tag(sync=True)
        last = traitlets.Int(-1).tag(sync=True)

        def __init__(self, root: Value, predict: bool = False, options: DrawOptions | None = None, **opts: Any):
            StepThrough.__init__(self, root, predict, options, **opts)
            base: Any = _widget_base()
            base.__init__(self)
            self._push(payload=True)
            self.observe(self._on_step, names="current")
            self.on_msg(self._on_msg)

        def _push(self, payload: bool = False) -> None:
            with self.hold_sync():
                if payload:
                    self.data = self.payload()
                self.hidden_nodes = self.hidden
                self.question_line = self.question_text()
                self.feedback_line = self.feedback
                self.last = self.limit if self.predict else -1
                self.current = self._step

        def _on_step(self, change: dict[str, Any]) -> None:
            StepThrough.step.fset(self, int(change["new"]))  # type: ignore[attr-defined]
            if self._step != change["new"]:
                self.current = self._step

        def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
            if "set" in content:
                leaf, x = content["set"]
                try:
                    self.set(int(leaf), float(x))
                except ValueError as exc:
                    self.feedback = str(exc)
                    self._push()
            elif "answer" in content:
                self.answer(float(content["answer"]))
                self._push()

        @property
        def step(self) -> int:
            return self._step

        @step.setter
        def step(self, k: int) -> None:
            StepThrough.step.fset(self, k)  # type: ignore[attr-defined]
            self.current = self._step

        def set(self, which: str | Value | int, number: float) -> None:
            StepThrough.set(self, which, number)
            self._push(payload=True)

        def answer(self, x: float) -> Feedback:
            result = StepThrough.answer(self, x)
            self._push()
            return result

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, tuple):
                data, meta = bundle
            else:
                data, meta = bundle, {}
            data = dict(data or {})
            data["text/html"] = player_fragment(payload(self.scene))
            return data, meta

    return Explorer


_EXPLORER: type | None = None


def Explorer(root: Value, predict: bool = False, options: DrawOptions | None = None, **opts: Any) -> Any:  # noqa: N802
    """The explorer widget of ``root`` (anywidget is imported on first use)."""
    global _EXPLORER
    if _EXPLORER is None:
        _EXPLORER = _make_widget_class()
    return _EXPLORER(root, predict, options, **opts)

"""The playground: a Jupyter widget that trains an MLP on 2-D data live and shows every part
of it learn — the decision boundary over the train and test points, the loss and accuracy
curves, each hidden neuron's output over the plane, the network with its weights, and,
for a clicked training point, the backward graph of its loss.

Every control is a traitlet of ``Playground`` (``pg.lr = 0.01`` from Python does what the
learning-rate box does), and all the logic lives here: building the data and the model,
the training steps, the images of the views (``nn.playground_views``). The browser side,
``playground.js``, only paints what it is sent and sends back the controls and clicks.

Training is ``nn.train.Training`` with ``compiled=True``, the loop ``fit`` runs, so the
playground's weights are bit for bit those of ``fit`` with the same settings and seed. ▶
runs it in a background thread (the grad mode is per thread, so the notebook stays free to
build and differentiate its own graphs); ⏸ stops it between epochs and keeps every state;
the learning rate, its schedule and the penalty change without a reset. Bad settings (no
samples, a CSV file with text in a feature column, a learning rate of 0) show a message in
the widget, never a traceback.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

try:
    import anywidget
except ImportError as e:  # the notebooks and dev extras install it
    raise ImportError("nn.playground needs anywidget: pip install 'chaingrad[notebooks]' (or anywidget)") from e
import ipywidgets
import traitlets as t

from autograd import Value
from autograd.viz import explore

from . import playground_views as views
from .history import ran_all
from .playground_setup import (
    CHOICES,
    Setup,
    build_setup,
    check_tuning,
    loss_graph,
    make_schedule,
    render,
    store_upload,
)
from .train import Training

REFRESH_SECONDS = 0.2
"""While training in the background, the views are redrawn at most this often."""

SETTINGS = (
    *("dataset", "csv_path", "noise", "samples", "classes", "test_fraction"),
    *("hidden", "activation", "loss", "optimizer", "batch_size", "seed"),
)
"""Controls whose change rebuilds the data and the model (a reset)."""
TUNING = ("lr", "schedule", "penalty", "reg", "epochs")
"""Controls that change the running training without a reset."""
FILES = ("save_path", "export_path")
"""Where the save and export buttons write."""


class Playground(anywidget.AnyWidget):
    """Train an MLP on 2-D data live; every control is an attribute (see the module doc).

    ``Playground(dataset="moons", hidden=[8, 8], lr=0.03)`` — any control as a keyword.
    Methods: ``play()``, ``pause()``, ``wait()``, ``step()`` (one batch), ``step_epoch()``,
    ``run_epochs(n)``, ``reset()``, ``save(path)``, ``export(path)`` (ONNX), ``explain_point(i)``,
    ``snapshot()``.
    """

    _esm = Path(__file__).with_name("playground.js")

    dataset = t.Unicode("moons").tag(sync=True)
    csv_path = t.Unicode("").tag(sync=True)
    noise = t.Float(0.2).tag(sync=True)
    samples = t.Int(200).tag(sync=True)
    classes = t.Int(3).tag(sync=True)
    test_fraction = t.Float(0.25).tag(sync=True)
    hidden = t.List(t.Int(), default_value=[8, 8]).tag(sync=True)
    activation = t.Unicode("tanh").tag(sync=True)
    loss = t.Unicode("bce").tag(sync=True)
    optimizer = t.Unicode("adam").tag(sync=True)
    lr = t.Float(0.03).tag(sync=True)
    schedule = t.Unicode("constant").tag(sync=True)
    penalty = t.Unicode("l2").tag(sync=True)
    reg = t.Float(0.0).tag(sync=True)
    batch_size = t.Int(0).tag(sync=True)  # 0: the whole training set as one batch
    epochs = t.Int(500).tag(sync=True)  # ▶ trains up to this many epochs
    seed = t.Int(0).tag(sync=True)
    save_path = t.Unicode("model.json").tag(sync=True)
    export_path = t.Unicode("model.onnx").tag(sync=True)

    running = t.Bool(False).tag(sync=True)
    epoch = t.Int(0).tag(sync=True)
    stop_reason = t.Unicode("").tag(sync=True)
    message = t.Unicode("").tag(sync=True)
    error = t.Bool(False).tag(sync=True)
    selected = t.Int(-1).tag(sync=True)
    choices = t.Dict(CHOICES).tag(sync=True)
    points = t.Dict().tag(sync=True)
    view = t.Dict().tag(sync=True)
    boundary = t.Bytes(b"").tag(sync=True)
    neurons = t.Bytes(b"").tag(sync=True)

    def __init__(self, **settings: Any) -> None:
        unknown = [name for name in settings if name not in (*SETTINGS, *TUNING, *FILES)]
        if unknown:  # traitlets would only warn, and the playground would train on the defaults
            raise TypeError(
                f"Playground: unknown setting{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))}; "
                f"the settings are {', '.join((*SETTINGS, *TUNING, *FILES))}"
            )
        self._lock = threading.RLock()
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = False
        self.setup: Setup | None = None
        """The data, model and Training of the current run (None while the settings are bad)."""
        super().__init__(**settings)
        self._uploads: tempfile.TemporaryDirectory[str] | None = None  # made by the first upload
        self.explorer = ipywidgets.Output()
        """Where a clicked point's backward graph opens (below the playground)."""
        self.on_msg(self._on_msg)
        self._ready = True
        self.reset()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The playground with the explorer's area below it."""
        return ipywidgets.VBox([self, self.explorer])._repr_mimebundle_(**kwargs)

    @property
    def run(self) -> Training | None:
        """The ``nn.train.Training`` being stepped (its ``history``, ``model``, ``optimizer``)."""
        return self.setup.run if self.setup is not None else None

    def _say(self, text: str, error: bool = False) -> None:
        self.message, self.error = text, error

    # -- the state machine --------------------------------------------------------------------

    def reset(self) -> bool:
        """Pause, then build everything anew from the settings: fresh data, model, optimizer,
        epoch 0. False (and a message) when the settings are bad."""
        self.pause()
        with self._lock:
            try:
                self.setup = build_setup(self)
            except (ValueError, TypeError, OSError) as e:
                self.setup = None
                self._say(str(e), error=True)
                self._show()
                return False
            self.points = self.setup.points
            self.epoch, self.stop_reason, self.selected = 0, "", -1
            self._say("")
            self._show()
            return True

    @t.observe(*SETTINGS)
    def _settings_changed(self, change: dict[str, Any]) -> None:
        if self._ready:
            self.reset()

    @t.observe(*TUNING)
    def _tuning_changed(self, change: dict[str, Any]) -> None:
        if not self._ready:
            return
        if self.setup is None:  # the last build failed: these settings may fix it
            self.reset()
            return
        with self._lock:
            try:
                check_tuning(self)
                schedule = make_schedule(self, self.setup.batches)
            except ValueError as e:
                self._say(f"{e} (training keeps the previous value)", error=True)
                return
            run = self.setup.run
            run.optimizer.schedule = schedule
            run.penalty = self.penalty
            run.reg = self.reg
            if self.stop_reason.startswith("ran all") and run.epochs < self.epochs:
                self.stop_reason = ""
            self._say(f"{change['name']} is now {change['new']!r}, from the next step on")
            self._show()

    def _advance(self, whole_epoch: bool) -> bool:
        """One batch or the rest of the epoch; after an epoch, the test scores and the stop
        checks. True when training should stop."""
        assert self.setup is not None
        run, setup = self.setup.run, self.setup
        ended = True
        if whole_epoch:
            run.epoch()
        else:
            ended = run.step()
        if ended:
            if len(setup.y_test):
                loss, acc = run.evaluate(setup.X_test, setup.y_test)
                setup.test_loss.append(loss)
                setup.test_accuracy.append(acc)
            self.epoch = run.epochs
            reason = run.stop_reason or (ran_all(self.epochs) if run.epochs >= self.epochs else "")
            if reason:
                self.stop_reason = reason
                return True
        return False

    def _blocked(self, what: str) -> bool:
        if self.setup is None:
            self._say(f"cannot {what}: fix the settings first ({self.message})", error=True)
            return True
        if self.stop_reason:
            self._say(f"cannot {what}: training stopped ({self.stop_reason}); reset, or raise epochs", error=True)
            return True
        return False

    def _manual(self, whole_epoch: bool, what: str) -> bool:
        self.pause()
        with self._lock:
            if self._blocked(what):
                return False
            try:
                self._advance(whole_epoch)
            except (ValueError, ArithmeticError) as e:
                self.stop_reason = f"stopped at epoch {self.epoch}: {e}"
                self._say(str(e), error=True)
            self._show()
            return True

    def step(self) -> bool:
        """One batch (one optimizer step). False (and a message) when training cannot go on."""
        return self._manual(False, "step")

    def step_epoch(self) -> bool:
        """The rest of the current epoch (a whole epoch after the last one ended)."""
        return self._manual(True, "run an epoch")

    def run_epochs(self, n: int) -> int:
        """Up to ``n`` epochs here, in the calling thread (as ▶ would in the background);
        returns how many ran."""
        done = 0
        while done < n and self.step_epoch():
            done += 1
            if self.stop_reason:
                break
        return done

    def play(self) -> None:
        """▶: train in a background thread until ⏸, the epoch limit, or a stop."""
        self.running = True

    def pause(self) -> None:
        """⏸: stop between epochs; every state is kept, ▶ goes on from there."""
        self.running = False

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the background training stops; True when it has."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    @t.observe("running")
    def _running_changed(self, change: dict[str, Any]) -> None:
        if change["new"]:
            with self._lock:
                blocked = self._thread is not None or self._blocked("play")
            if blocked:
                self.running = False
                return
            self._halt.clear()
            self._thread = threading.Thread(target=self._train, name="playground", daemon=True)
            self._thread.start()
        else:
            self._halt.set()
            self.wait()

    def _train(self) -> None:
        shown = time.perf_counter()
        try:
            while not self._halt.is_set():
                with self._lock:
                    done = self._advance(True)
                    if done or time.perf_counter() - shown >= REFRESH_SECONDS:
                        self._show()
                        shown = time.perf_counter()
                if done:
                    break
        except (ValueError, ArithmeticError) as e:
            with self._lock:
                self.stop_reason = f"stopped at epoch {self.epoch}: {e}"
                self._say(str(e), error=True)
        finally:
            with self._lock:
                self._show()
            self._thread = None
            self.running = False

    # -- the views ----------------------------------------------------------------------------

    def _show(self) -> None:
        """Compute every view from the current weights and send them (one message)."""
        with self.hold_sync():
            self.boundary, self.neurons, self.view = (b"", b"", {}) if self.setup is None else render(self.setup)

    # -- a training point's backward graph, saving ---------------------------------------------

    def explain_point(self, i: int) -> Value:
        """The loss of training point ``i`` as a graph of Values at the current weights,
        built on a copy of the model (its backward pass leaves the training untouched);
        call ``.backward()`` on it, or open it with ``autograd.viz.explore``."""
        with self._lock:
            if self.setup is None:
                raise ValueError(f"no model to explain with: {self.message}")
            return loss_graph(self.setup, i)

    def open_explorer(self, i: int) -> None:
        """Click on training point ``i``: its loss graph opens in the explorer below."""
        try:
            root = self.explain_point(i)
        except ValueError as e:
            self._say(str(e), error=True)
            return
        self.selected = int(i)
        data, metadata = explore(root)._repr_mimebundle_()
        self.explorer.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)
        self._say(f"point {i}: its backward graph is open below, at the weights of epoch {self.epoch}")

    def save(self, path: str | Path | None = None) -> Path | None:
        """Save the model (configuration and weights) as JSON, which ``nn.load_model`` reads,
        to ``path`` or ``save_path``; returns the path, or None with a message when it cannot."""
        return self._write("save", "saved", path or self.save_path, lambda model, target: model.save(target))

    def export(self, path: str | Path | None = None) -> Path | None:
        """Export the model as an ONNX file (``nn.export.to_onnx``, float64), to ``path`` or
        ``export_path``; returns the path, or None with a message when it cannot."""
        from .export import to_onnx

        return self._write("export", "exported", path or self.export_path, to_onnx)

    def _write(self, verb: str, done: str, path: str | Path, writer: Any) -> Path | None:
        target = Path(path)
        with self._lock:
            try:
                if self.setup is None:
                    raise ValueError(f"nothing to {verb}: {self.message}")
                writer(self.setup.model, target)
            except (ImportError, OSError, ValueError) as e:
                self._say(f"cannot {verb} the model to {target}: {e}", error=True)
                return None
        self._say(f"{done} the model to {target}")
        return target

    def upload_csv(self, name: str, text: str) -> None:
        """A CSV file chosen in the browser becomes the data set (kept in a folder of its own)."""
        try:
            self._uploads = self._uploads or tempfile.TemporaryDirectory(prefix="chaingrad-playground-")
            path = store_upload(self._uploads.name, str(name), str(text))
        except (ValueError, OSError) as e:
            self._say(str(e), error=True)
            return
        with self.hold_trait_notifications():
            self.csv_path, self.dataset = str(path), "csv"

    def snapshot(self) -> Any:
        """A still picture of the views (boundary with points, curves) as an IPython Image:
        what a static page, such as the documentation, shows instead of the live widget."""
        from IPython.display import Image

        with self._lock:
            return Image(data=views.snapshot_png(self.boundary, self.points, self.view))

    def _on_msg(self, widget: Any, content: Any, buffers: Any) -> None:
        """What the buttons and clicks of the browser side send."""
        action = content.get("action") if isinstance(content, dict) else None
        if action == "explain":
            self.open_explorer(content.get("index", -1))
        elif action == "csv":
            self.upload_csv(content.get("name", ""), content.get("text", ""))
        elif action in ("step", "epoch", "reset", "save", "export"):
            getattr(self, "step_epoch" if action == "epoch" else action)()

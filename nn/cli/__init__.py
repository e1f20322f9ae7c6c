"""The ``chaingrad`` command (also ``python -m nn``): demo, train, evaluate, draw and export.

* ``chaingrad demo`` prints the lecture's t1..t7 neuron with every node's value and
  gradient, then trains the classic moons MLP (``nn.demo``).
* ``chaingrad train`` trains an MLP on a toy data set, the handwritten digits or a CSV file
  with the options given; ``--compiled`` records the graph once and replays it with numpy.
* ``chaingrad evaluate`` reports the loss and accuracy of a saved model on a data set.
* ``chaingrad draw`` draws the computation graph of a formula.
* ``chaingrad export`` writes a saved model as ONNX and/or PyTorch-compatible weights.

Read in this order: ``errors`` (the one error policy and the exit statuses), ``arguments``
(the options' types), ``datasets`` (``--data`` and its companions), ``run_folder`` (what
demo and train write), one module per command (``demo_command`` with ``neuron_table``,
``train_command``, ``evaluate_command``, ``draw_command``, ``export_command``), and
``entry`` (the parser and ``main``).
"""

from .entry import build_parser, main

__all__ = ["main", "build_parser"]

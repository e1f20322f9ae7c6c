"""chaingrad's engine: scalar reverse-mode automatic differentiation.

Read in this order. The core: ``value`` (the node), ``primitives`` (the table of
operations, forward and backward side by side), ``backprop`` (the walk), ``modes``
(recording on or off, per thread), ``functional`` (jacobian, hessian), ``gradcheck``,
``labels`` (labels as one-hot data) and ``checks`` (the one rule for numeric arguments,
which ``nn`` uses too). Your own rows: ``extend`` (``primitive``), ``check``
(``check_primitive``), ``answer`` (``check_answer``) and ``mistakes``. Drawing:
``drawing`` (what a drawing shows), ``layout``, ``style``, ``dot``, ``svg``, ``viz`` (the
public drawing functions), ``steps`` and ``explain`` (the backward walk step by step),
``explorer``, ``player``, ``display`` (Values in Jupyter) and ``expr`` (the formula
parser). Compiling: ``compile`` (``trace``), ``program``, ``plan``, ``replay``,
``replay_steps`` and ``arraymath``. And ``files`` (PathLike, atomic writes), used by the
drawings and by ``nn``. The core imports nothing from drawing or compiling
(``tests/test_layout.py`` checks it).
"""

from importlib import import_module
from typing import Any

from . import display
from .backprop import backward, grad, topological_order, zero_grad
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .labels import one_hot, one_hot_array, pick
from .mistakes import Report
from .modes import enable_grad, is_grad_enabled, is_tracing, no_grad
from .primitives import PRIMITIVES, Primitive
from .value import TracingError, Value

__all__ = [
    "Value",
    "Primitive",
    "PRIMITIVES",
    "primitive",
    "PrimitiveError",
    "check_primitive",
    "check_answer",
    "Report",
    "backward",
    "grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "zero_grad",
    "topological_order",
    "gradcheck",
    "numerical_grad",
    "GradcheckError",
    "trace",
    "CompiledGraph",
    "TracingError",
    "is_tracing",
    "one_hot",
    "one_hot_array",
    "pick",
]


# Loaded on first use, with numpy: ``import autograd`` itself needs neither.
_NEEDS_NUMPY = {
    "trace": "compile",
    "CompiledGraph": "compile",
    "primitive": "extend",
    "PrimitiveError": "extend",
    "check_primitive": "check",
    "check_answer": "answer",
}


display.register()  # in Jupyter, a Value shows the drawing of its graph


def __getattr__(name: str) -> Any:
    """The names of ``_NEEDS_NUMPY``, imported from their module when first read."""
    if name in _NEEDS_NUMPY:
        return getattr(import_module(f".{_NEEDS_NUMPY[name]}", __name__), name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")

"""chaingrad's engine: scalar reverse-mode automatic differentiation.

Read in this order: ``value`` (the node), ``primitives`` (the table of operations, forward
and backward side by side), ``backprop`` (the walk), ``modes`` (recording on or off, per
thread), then ``functional`` (jacobian, hessian), ``gradcheck`` and ``labels`` (labels as
one-hot data); ``checks`` holds the one rule for numeric arguments, which ``nn`` uses too.
Above that core: ``expr`` (the formula parser), ``viz`` (drawings) and ``compile`` with
its helpers (a graph recorded once and replayed over a batch with numpy); ``files``
(PathLike, atomic writes) serves the drawings and ``nn``.
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

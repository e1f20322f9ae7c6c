"""chaingrad's engine: scalar reverse-mode automatic differentiation.

Read in this order: ``value`` (the node), ``primitives`` (the table of operations, forward
and backward side by side), ``backprop`` (the walk), ``modes`` (recording on or off, per
thread), then ``functional`` and ``gradcheck``;
``compile`` records a graph once and replays it over a batch with numpy.
"""

from .backprop import backward, grad, topological_order, zero_grad
from .compile import CompiledGraph, TracingError, one_hot, one_hot_array, pick, trace
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .modes import enable_grad, is_grad_enabled, is_tracing, no_grad
from .primitives import PRIMITIVES, Primitive
from .value import Value

__all__ = [
    "Value",
    "Primitive",
    "PRIMITIVES",
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

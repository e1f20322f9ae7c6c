"""chaingrad's engine: scalar reverse-mode automatic differentiation.

Read in this order: ``value`` (the node), ``primitives`` (the table of operations, forward
and backward side by side), ``backprop`` (the walk), ``modes`` (recording on or off, per
thread), then ``functional`` (jacobian, hessian), ``gradcheck`` and ``labels`` (labels as
one-hot data). Above that core: ``expr`` (the formula parser) and ``viz`` (drawings), and
``compile``, which records a graph once and replays it over a batch with numpy; ``files``
(PathLike, atomic writes) serves the drawings and ``nn``.
"""

from .answer import check_answer
from .backprop import backward, grad, topological_order, zero_grad
from .check import check_primitive
from .compile import CompiledGraph, TracingError, trace
from .extend import PrimitiveError, primitive
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .labels import one_hot, one_hot_array, pick
from .mistakes import Report
from .modes import enable_grad, is_grad_enabled, is_tracing, no_grad
from .primitives import PRIMITIVES, Primitive
from .value import Value

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

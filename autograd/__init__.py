"""chaingrad's engine: scalar reverse-mode automatic differentiation.

Read in this order: ``value`` (the node), ``primitives`` (the table of operations, forward
and backward side by side), ``backprop`` (the walk), then ``functional`` and ``gradcheck``.
"""

from .backprop import backward, grad, is_grad_enabled, no_grad, topological_order, zero_grad
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .primitives import PRIMITIVES, Primitive
from .value import Value

__all__ = [
    "Value",
    "Primitive",
    "PRIMITIVES",
    "backward",
    "grad",
    "no_grad",
    "is_grad_enabled",
    "zero_grad",
    "topological_order",
    "gradcheck",
    "numerical_grad",
    "GradcheckError",
]

"""A safe formula parser: text such as ``"sigmoid(w*x + b)"`` becomes a graph of Values.

The text is parsed with Python's ``ast`` and walked against a whitelist; it is never
passed to ``eval`` or ``exec``, and nothing in it is looked up in Python's namespaces.
Allowed:

* numbers (int or float literals, finite) and names given a value by the caller;
* ``+ - * / **`` between expressions, unary ``-`` and ``+``;
* calls of ``exp, log, tanh, sigmoid, relu, abs`` with one positional argument;
* a little program of assignments, one per line or separated by ``;``, as in the lecture
  (``z = w*x + b; y = sigmoid(z); L = (y - t)**2 / 2``): each assigned name labels its
  Value and can be used below; the last statement is the result.

Everything else is rejected with an ``ExpressionError`` naming what was found: attribute
access, subscripts, lambdas, comprehensions, imports and other statements, comparisons,
keyword or starred arguments, other functions, dunder names, strings, exponents larger
than ``MAX_EXPONENT`` in size, and formulas longer than ``MAX_CHARS`` characters or
``MAX_NODES`` syntax-tree nodes. Names used but never given a value are reported together.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from .checks import count, real
from .value import Value

__all__ = ["ExpressionError", "parse_expression", "FUNCTIONS", "MAX_CHARS", "MAX_NODES", "MAX_EXPONENT"]

MAX_CHARS = 2000
"""Longest formula accepted, in characters."""
MAX_NODES = 400
"""Most syntax-tree nodes (numbers, names, operators, calls) a formula may have."""
MAX_EXPONENT = 100.0
"""Largest |exponent| accepted in ``a ** b`` (checked on the exponent's value)."""

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "abs": Value.abs,
}

_BINARY = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}
_UNARY = {ast.USub: lambda a: -a, ast.UAdd: lambda a: +a}

# How to name a construct in an error message (the rest fall back to the node's type).
_NAMES: dict[type, str] = {
    ast.Attribute: "attribute access (.)",
    ast.Subscript: "subscript ([...])",
    ast.Lambda: "lambda",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator (and/or)",
    ast.IfExp: "conditional expression (... if ... else ...)",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.JoinedStr: "f-string",
    ast.NamedExpr: "assignment expression (:=)",
    ast.Starred: "starred expression (*)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice",
    ast.Import: "import statement",
    ast.ImportFrom: "import statement",
    ast.FunctionDef: "function definition",
    ast.AsyncFunctionDef: "function definition",
    ast.ClassDef: "class definition",
    ast.Return: "return statement",
    ast.Delete: "del statement",
    ast.AugAssign: "augmented assignment (+= etc.)",
    ast.AnnAssign: "annotated assignment",
    ast.For: "for loop",
    ast.AsyncFor: "for loop",
    ast.While: "while loop",
    ast.If: "if statement",
    ast.With: "with statement",
    ast.AsyncWith: "with statement",
    ast.Raise: "raise statement",
    ast.Try: "try statement",
    ast.Assert: "assert statement",
    ast.Global: "global statement",
    ast.Nonlocal: "nonlocal statement",
    ast.Pass: "pass statement",
    ast.Break: "break statement",
    ast.Continue: "continue statement",
    ast.Match: "match statement",
}
_OPERATOR_NAMES: dict[type, str] = {
    ast.FloorDiv: "floor division (//)",
    ast.Mod: "modulo (%)",
    ast.MatMult: "matrix product (@)",
    ast.BitAnd: "bitwise and (&)",
    ast.BitOr: "bitwise or (|)",
    ast.BitXor: "bitwise xor (^; write ** for a power)",
    ast.LShift: "shift (<<)",
    ast.RShift: "shift (>>)",
    ast.Not: "not",
    ast.Invert: "bitwise not (~)",
}


class ExpressionError(ValueError):
    """A formula that is not allowed, or cannot be evaluated; the message says why.
    ``missing`` holds the names the formula uses without a value (empty otherwise)."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


def normalize_name(name: str) -> str:
    """``name`` in the Unicode NFKC form in which Python (and so the formula's parser) reads
    identifiers: the micro sign ``µ`` becomes the Greek ``μ``. The one home of that rule, for
    everyone who looks a formula's names up."""
    return unicodedata.normalize("NFKC", name)


def _describe(node: ast.AST) -> str:
    return _NAMES.get(type(node), type(node).__name__)


def _where(source: str, node: ast.AST) -> str:
    """The piece of the formula a node came from, for error messages."""
    seg = ast.get_source_segment(source, node)
    if seg is None:
        return ""
    seg = " ".join(seg.split())
    return f" in {seg[:60] + ('…' if len(seg) > 60 else '')!r}"


def _check_name(name: str, what: str) -> None:
    if name.startswith("__") or name.endswith("__"):
        raise ExpressionError(f"{what} {name!r} is a dunder name, which is not allowed")


def parse_expression(
    source: str,
    values: Mapping[str, float | Value] | None = None,
    *,
    max_chars: int = MAX_CHARS,
    max_nodes: int = MAX_NODES,
    max_exponent: float = MAX_EXPONENT,
) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``source`` and return ``(result, names)``.

    ``values`` gives each input name its number; each becomes a leaf ``Value`` labelled
    with the name (one Value per name, however often it is used, so gradients add up).
    A Value given instead of a number is used as it is, so a formula can be built on
    existing Values (parameters of a model, or the arguments of a function under test).
    ``names`` maps every name to its Value: the leaves made from ``values`` and the names
    assigned in the formula. Names are read as Python reads identifiers, in Unicode NFKC
    form, so the key ``"µ"`` (micro sign) gives the name ``"μ"`` (Greek mu) that the formula's
    ``µ`` parses to. Raises ``ExpressionError`` (a ValueError) for anything not
    allowed (see the module docstring) and for values the operations reject, such as the
    log of a negative number. The limits are checked first (``max_chars`` and ``max_nodes``
    whole numbers >= 1, ``max_exponent`` a number >= 0, ``inf`` for none): a ValueError.
    """
    if not isinstance(source, str):
        raise TypeError(f"parse_expression needs the formula as a str, got {type(source).__name__}")
    max_chars = count(max_chars, "max_chars", "parse_expression", at_least=1)
    max_nodes = count(max_nodes, "max_nodes", "parse_expression", at_least=1)
    max_exponent = real(max_exponent, "max_exponent", "parse_expression", at_least=0.0, finite=False)
    values = dict(values or {})
    if len(source) > max_chars:
        raise ExpressionError(f"the formula is {len(source)} characters long; the limit is {max_chars}")
    if not source.strip():
        raise ExpressionError("the formula is empty")
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        raise ExpressionError(f"the formula is not valid syntax: {exc.msg} (column {exc.offset})") from None
    except (MemoryError, RecursionError):
        raise ExpressionError("the formula is nested too deeply to parse") from None

    size = sum(1 for node in ast.walk(tree) if isinstance(node, (ast.expr, ast.stmt)))
    if size > max_nodes:
        raise ExpressionError(f"the formula has {size} operations, numbers and names; the limit is {max_nodes}")

    leaves: dict[str, Value] = {}
    for key, number in values.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ExpressionError(f"{key!r} is not a valid name for a value")
        name = normalize_name(key)  # as ast.parse reads the names in the formula
        if name in leaves:
            raise ExpressionError(f"{key!r} and another value name are both the name {name!r}")
        _check_name(name, "value name")
        if name in FUNCTIONS:
            raise ExpressionError(f"{name!r} is a function and cannot be given a value")
        try:
            leaves[name] = number if isinstance(number, Value) else Value(number, name)
        except (TypeError, ValueError) as exc:
            raise ExpressionError(f"value of {name}: {exc}") from None
        if not math.isfinite(leaves[name].data):
            raise ExpressionError(f"value of {name} must be a finite number, got {number!r}")

    statements = _statements(tree, source)
    if not statements:
        raise ExpressionError("the formula is empty: it holds only comments")
    _check_all(statements, source, set(leaves))

    names: dict[str, Value] = dict(leaves)
    result: Value | None = None
    for target, expr in statements:
        result = _evaluate(expr, source, names, max_exponent)
        if target is not None:
            if not result.label:  # a Value already named (x, or an earlier assignment) keeps its first name
                result.label = target
            names[target] = result
    assert result is not None
    return result, names


def _statements(tree: ast.Module, source: str) -> list[tuple[str | None, ast.expr]]:
    """(assigned name or None, expression) for each statement; the last must give a value."""
    out: list[tuple[str | None, ast.expr]] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr):
            out.append((None, stmt.value))
        elif isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                raise ExpressionError(f"only simple assignments 'name = formula' are allowed{_where(source, stmt)}")
            out.append((stmt.targets[0].id, stmt.value))
        else:
            raise ExpressionError(f"{_describe(stmt)} is not allowed{_where(source, stmt)}: only formulas")
    return out


def _check_all(statements: list[tuple[str | None, ast.expr]], source: str, given: set[str]) -> None:
    """Reject whatever is outside the whitelist, then report every unset name at once."""
    known = set(given)
    unset: dict[str, tuple[int, int]] = {}  # name -> where it first appears
    for target, expr in statements:
        for node in ast.walk(expr):
            if isinstance(node, ast.Constant):
                if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                    raise ExpressionError(f"the constant {node.value!r} is not allowed: only int and float numbers")
                try:
                    finite = math.isfinite(float(node.value))
                except OverflowError:
                    finite = False
                if not finite:
                    text = ast.get_source_segment(source, node) or repr(node.value)
                    raise ExpressionError(f"the number {text[:40]} is too large: numbers must be finite floats")
            elif isinstance(node, ast.Name):
                _check_name(node.id, "name")
                if node.id in FUNCTIONS:
                    if not _is_called(expr, node):
                        raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
                elif node.id not in known:
                    where = (node.lineno, node.col_offset)
                    unset[node.id] = min(where, unset.get(node.id, where))
            elif isinstance(node, ast.Call):
                _check_call(node, source)
            elif isinstance(node, ast.BinOp):
                if type(node.op) not in _BINARY:
                    raise ExpressionError(
                        f"{_OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)} is not allowed"
                        f"{_where(source, node)}"
                    )
            elif isinstance(node, ast.UnaryOp):
                if type(node.op) not in _UNARY:
                    raise ExpressionError(
                        f"{_OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)} is not allowed"
                        f"{_where(source, node)}"
                    )
            elif isinstance(node, (ast.expr_context, ast.operator, ast.unaryop)):
                pass
            else:
                raise ExpressionError(f"{_describe(node)} is not allowed{_where(source, node)}")
        if target is not None:
            _check_name(target, "assigned name")
            if target in FUNCTIONS:
                raise ExpressionError(f"cannot assign to {target!r}: it is a function")
            if target in known:
                raise ExpressionError(f"{target!r} already has a value; each name can be set only once")
            known.add(target)
    missing = sorted(unset, key=unset.__getitem__)  # in the order they appear in the text
    late = [name for name in missing if name in known]
    if late:
        raise ExpressionError(f"{late[0]!r} is used before it is assigned")
    if missing:
        plural = "s have" if len(missing) > 1 else " has"
        raise ExpressionError(
            f"the name{plural} no value: {', '.join(missing)} (give each one a number in values)", tuple(missing)
        )


def _is_called(expr: ast.expr, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(expr))


def _check_call(node: ast.Call, source: str) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        what = "attribute access (.)" if isinstance(func, ast.Attribute) else f"calling a {_describe(func)}"
        raise ExpressionError(f"{what} is not allowed{_where(source, node)}")
    _check_name(func.id, "function")
    if func.id not in FUNCTIONS:
        raise ExpressionError(
            f"function {func.id!r} is not allowed{_where(source, node)}; allowed: {', '.join(FUNCTIONS)}"
        )
    if node.keywords:
        kw = node.keywords[0]
        shown = f"{kw.arg}=" if kw.arg is not None else "**"
        raise ExpressionError(f"keyword argument {shown} is not allowed in a call of {func.id}")
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise ExpressionError(f"starred argument (*) is not allowed in a call of {func.id}")
    if len(node.args) != 1:
        raise ExpressionError(f"{func.id} takes exactly one argument, got {len(node.args)}{_where(source, node)}")


def _number(node: ast.Constant) -> float:
    """The number a constant holds (``_check_all`` let only int and float constants through)."""
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError(f"{value!r} is not a number")
    return float(value)


def _evaluate(expr: ast.expr, source: str, names: dict[str, Value], max_exponent: float) -> Value:
    """Value of a checked expression, computed with an explicit stack (no recursion, so
    deep nesting is no problem)."""
    results: list[Any] = []
    stack: list[tuple[ast.expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, ast.Constant):
            results.append(_number(node))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
            # -2 is one number, not the negation of 2
            results.append(_UNARY[type(node.op)](_number(node.operand)))
        elif isinstance(node, ast.Name):
            results.append(names[node.id])
        elif not expanded:
            stack.append((node, True))
            if isinstance(node, ast.BinOp):
                stack.append((node.right, False))
                stack.append((node.left, False))
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, False))
            elif isinstance(node, ast.Call):
                stack.append((node.args[0], False))
        else:
            try:
                if isinstance(node, ast.BinOp):
                    b = results.pop()
                    a = results.pop()
                    symbol, op = _BINARY[type(node.op)]
                    if symbol == "**":
                        e = float(b)
                        if not abs(e) <= max_exponent:
                            raise ExpressionError(
                                f"exponent {e:g}{_where(source, node)} is too large: the limit is ±{max_exponent:g}"
                            )
                    if not isinstance(a, Value) and not isinstance(b, Value):
                        a = _constant(a)  # keep numbers as graph nodes, as the formula shows them
                    results.append(op(a, b))
                elif isinstance(node, ast.UnaryOp):
                    a = results.pop()
                    results.append(_UNARY[type(node.op)](_constant(a) if not isinstance(a, Value) else a))
                else:
                    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    a = results.pop()
                    results.append(FUNCTIONS[node.func.id](_constant(a) if not isinstance(a, Value) else a))
            except ExpressionError:
                raise
            except (ValueError, ZeroDivisionError, OverflowError) as exc:
                raise ExpressionError(f"cannot evaluate{_where(source, node)}: {exc}") from None
    value = results.pop()
    return value if isinstance(value, Value) else _constant(value)


def _constant(x: float) -> Value:
    """A number from the formula as an unlabelled leaf: the drawing shows it as a constant."""
    return Value(x)

"""Bad input and the edges of the domain: every error names the operation and the operand;
sigmoid and tanh stay exact and finite at huge inputs; kinks take the subgradient 0."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from autograd import Value, grad

NAN = float("nan")

# ---------------------------------------------------------------------------------------
# Not a number: TypeError naming the value
# ---------------------------------------------------------------------------------------

NOT_NUMBERS = ["a", None, 1j, [1.0], np.array([1.0]), {"x": 1}]

TYPE_ERRORS = [
    ("Value", lambda bad: Value(bad)),
    ("+", lambda bad: Value(1.0) + bad),
    ("+", lambda bad: bad + Value(1.0)),
    ("-", lambda bad: Value(1.0) - bad),
    ("*", lambda bad: Value(1.0) * bad),
    ("/", lambda bad: Value(1.0) / bad),
    ("**", lambda bad: Value(1.0) ** bad),
    ("Value.sum", lambda bad: Value.sum([Value(1.0), bad])),
    ("Value.dot", lambda bad: Value.dot([Value(1.0)], [bad])),
    ("comparison", lambda bad: Value(1.0) < bad),
]


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=lambda b: type(b).__name__)
@pytest.mark.parametrize("operation, make", TYPE_ERRORS, ids=[f"{op}-{i}" for i, (op, _) in enumerate(TYPE_ERRORS)])
def test_non_numbers_are_a_type_error_naming_the_value(operation, make, bad):
    if isinstance(bad, (np.ndarray, list)) and operation in ("+", "-", "*", "/", "**", "comparison"):
        # numpy and list operands may take the operation over elementwise or refuse it
        # themselves; what matters is that no Value comes out
        try:
            result = make(bad)
        except TypeError as error:
            assert repr(bad) in str(error) or type(bad).__name__ in str(error)
            return
        assert not isinstance(result, Value)
        return
    with pytest.raises(TypeError) as error:
        make(bad)
    message = str(error.value)
    assert repr(bad) in message, message
    assert operation in message, message


@pytest.mark.parametrize("label", [5, None, b"w"])
def test_a_label_that_is_not_text_is_a_type_error_naming_it(label):
    # it used to be accepted and break the drawing later with a bare AttributeError
    with pytest.raises(TypeError, match=f"Value needs a str label, got {re.escape(repr(label))}"):
        Value(1.0, label=label)


@pytest.mark.parametrize("bad", ["a", 1j, [1.0]])
def test_a_bias_that_is_not_a_number(bad):  # (bias=None means "no bias")
    with pytest.raises(TypeError, match="Value.dot") as error:
        Value.dot([Value(1.0)], [Value(2.0)], bias=bad)
    assert repr(bad) in str(error.value)


def test_type_error_message_reads_well():
    with pytest.raises(TypeError, match=r"^Value needs a real number, got 'a' of type str$"):
        Value("a")
    with pytest.raises(TypeError, match=r"operand of \+ needs a real number, got None of type NoneType"):
        Value(1.0) + None
    with pytest.raises(TypeError, match=r"1j of type complex"):
        Value(1.0) ** 1j


# ---------------------------------------------------------------------------------------
# Out of the domain: ValueError naming the operation and the operand
# ---------------------------------------------------------------------------------------

VALUE_ERRORS = [
    # (make, words the message must contain)
    (lambda: Value(0.0).log(), ["log", "0.0", "Value.log"]),
    (lambda: Value(-1.5).log(), ["log", "-1.5", "Value.log"]),
    (lambda: Value(-math.inf).log(), ["log", "-inf"]),
    (lambda: Value(0.0) ** -1, ["0.0 ** -1.0", "zero to a negative power", "__pow__"]),
    (lambda: Value(0.0) ** Value(-2.5), ["0.0 ** -2.5", "zero to a negative power"]),
    (lambda: 0 ** Value(-1.0), ["0.0 ** -1.0", "zero to a negative power"]),
    (lambda: Value(-2.0) ** 0.5, ["-2.0 ** 0.5", "negative base to a non-integer power", "__pow__"]),
    (lambda: (-8) ** Value(1 / 3), ["-8.0 ** 0.333", "negative base to a non-integer power"]),
    (lambda: Value(1.0) / 0, ["division of 1.0 by 0.0", "__truediv__"]),
    (lambda: Value(3.5) / Value(0.0), ["division of 3.5 by 0.0"]),
    (lambda: 2 / Value(-0.0), ["division of 2.0 by -0.0"]),
    (lambda: Value(NAN), ["Value", "nan"]),
    (lambda: Value(np.float64(NAN)), ["Value", "nan"]),
    (lambda: Value(1.0) + NAN, ["+", "nan"]),
    (lambda: NAN * Value(1.0), ["*", "nan"]),
    (lambda: Value(1.0) ** NAN, ["**", "nan"]),
    (lambda: Value.sum([Value(1.0), NAN]), ["Value.sum", "nan"]),
    (lambda: Value.dot([NAN], [Value(1.0)]), ["Value.dot", "nan"]),
    (lambda: Value(1.0) < NAN, ["comparison", "nan"]),
    # an int beyond the float range (float() would raise a bare OverflowError)
    (lambda: Value(10**400), ["Value", "float range", "int"]),
    (lambda: Value(1.0) * -(10**400), ["*", "float range", "int"]),
    (lambda: 10**400 - Value(1.0), ["-", "float range", "int"]),
    (lambda: Value.sum([Value(1.0), 10**400]), ["Value.sum", "float range"]),
]


@pytest.mark.parametrize("make, words", VALUE_ERRORS, ids=range(len(VALUE_ERRORS)))
def test_out_of_domain_is_a_value_error_naming_operation_and_operand(make, words):
    with pytest.raises(ValueError) as error:
        make()
    message = str(error.value)
    for word in words:
        assert word in message, message


def test_value_error_message_reads_well():
    with pytest.raises(ValueError, match=r"^log of -1\.0 is undefined: log needs a positive number \(Value\.log\)$"):
        Value(-1.0).log()


def test_domain_errors_in_the_backward_pass_of_create_graph():
    # the exponent's derivative needs log of the base: 0 where the base is not positive
    base, p = Value(-2.0), Value(2.0)
    gb, gp = grad(base**p, [base, p], create_graph=True)
    assert (gb.data, gp.data) == (-4.0, 0.0)


def test_the_power_zero_is_constant_so_its_slope_at_a_zero_base_is_zero():
    # x ** 0 = 1 for every x, so d/dx = 0 at x = 0 too, although the rule b·x^(b−1) meets
    # 0 ** −1 there: a polynomial feature w·x⁰ must train on the input x = 0
    for exponent in (0, 0.0, Value(0.0)):
        x, w = Value(0.0), Value(2.0)
        y = w * x**exponent + x
        y.backward()
        assert (x.grad, w.grad) == (1.0, 1.0)
    x, p = Value(0.0), Value(0.0)
    gx, gp = grad(x**p, [x, p], create_graph=True)
    assert (gx.data, gp.data) == (0.0, 0.0)
    assert grad(gx, [x, p]) == [0.0, 0.0]


def test_integer_powers_of_negative_bases_are_fine():
    for exponent in (-3, -2, -1, 0, 1, 2, 3, 2.0):
        v = Value(-2.0)
        y = v**exponent
        assert y.data == (-2.0) ** exponent
        y.backward()
        assert v.grad == exponent * (-2.0) ** (exponent - 1)


# ---------------------------------------------------------------------------------------
# Huge inputs: sigmoid and tanh exact and finite
# ---------------------------------------------------------------------------------------

HUGE = [1000.0, 1e308, math.inf]


@pytest.mark.parametrize("x", HUGE)
def test_sigmoid_and_tanh_saturate_exactly_without_overflow(x):
    for sign in (1.0, -1.0):
        v = Value(sign * x)
        s, t = v.sigmoid(), v.tanh()
        assert s.data == (1.0 if sign > 0 else 0.0)
        assert t.data == sign
        for y in (s, t):
            v.grad = 0.0
            y.backward()
            assert math.isfinite(v.grad) and v.grad >= 0.0
        (g,) = grad(s, v, create_graph=True)
        (h,) = grad(g, v)
        assert math.isfinite(h)


def test_sigmoid_far_left_is_exact_not_rounded_to_zero_early():
    # σ(−x) = e^{−x}/(1 + e^{−x}) = e^{−x} to double precision once e^{−x} < 2^−53
    # abs=0 throughout: these values are all below pytest.approx's default absolute tolerance
    # (1e-12), which would let 0.0 pass for each of them
    for x in (40.0, 100.0, 700.0, 710.0):  # 710: a subnormal result, still exact
        assert Value(-x).sigmoid().data == pytest.approx(math.exp(-x), rel=1e-15, abs=0.0)
    assert Value(-30.0).sigmoid().data == pytest.approx(1 / (1 + math.exp(30.0)), rel=1e-15, abs=0.0)
    assert Value(-1000.0).sigmoid().data == 0.0  # e^−1000 underflows: the exact double is 0
    v = Value(-700.0)
    v.sigmoid().backward()
    assert v.grad == pytest.approx(math.exp(-700.0), rel=1e-14, abs=0.0)


def test_exp_overflow_is_infinity_not_an_error():
    assert Value(1000.0).exp().data == math.inf
    assert Value(-1000.0).exp().data == 0.0


# ---------------------------------------------------------------------------------------
# Kinks: the subgradient 0
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_relu_and_abs_take_subgradient_zero_at_zero(zero):
    for op in ("relu", "abs"):
        v = Value(zero)
        y = getattr(v, op)()
        assert y.data == 0.0
        y.backward()
        assert v.grad == 0.0, op
    v = Value(zero)
    (g,) = grad(v.relu() + abs(v), v, create_graph=True)
    assert g.data == 0.0
    assert grad(g, v) == [0.0]


def test_relu_and_abs_either_side_of_the_kink():
    for x, relu_slope, abs_slope in [(-1e-300, 0.0, -1.0), (1e-300, 1.0, 1.0), (-2.0, 0.0, -1.0), (3.0, 1.0, 1.0)]:
        v = Value(x)
        assert grad(v.relu(), v) == [relu_slope]
        assert grad(v.abs(), v) == [abs_slope]

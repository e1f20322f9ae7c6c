"""Solutions to walkthrough 7, "Write your own primitive".

Each block below answers the exercise cell whose first line is the block's title; the test
suite runs the notebook with these blocks in place of the exercises, and every check passes.
"""

import math

from autograd import primitive


# %% Exercise 1: softplus
def softplus_forward(m, a):
    return m.log(1.0 + m.exp(a))


def softplus_vjp(m, g, out, a):
    return (g * m.sigmoid(a),)  # d/da ln(1 + e^a) = e^a / (1 + e^a) = σ(a)


softplus = primitive("softplus", softplus_forward, softplus_vjp, symbol="softplus")


# %% Exercise 2: leaky relu
def leaky_relu_forward(m, a):
    return m.relu(a) - 0.01 * m.relu(-a)  # a for a > 0, 0.01·a otherwise


def leaky_relu_vjp(m, g, out, a):
    return (g * (m.step(a) + 0.01 * m.step(-a)),)


leaky_relu = primitive("leaky_relu", leaky_relu_forward, leaky_relu_vjp, symbol="lrelu")

# %% Exercise 3: GELU (tanh approximation)
C = math.sqrt(2.0 / math.pi)


def gelu_forward(m, a):
    return 0.5 * a * (1.0 + m.tanh(C * (a + 0.044715 * a * a * a)))


def gelu_vjp(m, g, out, a):
    t = m.tanh(C * (a + 0.044715 * a * a * a))
    du = C * (1.0 + 3.0 * 0.044715 * a * a)  # du/da
    return (g * (0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * du),)  # product rule, then tanh' = 1 − tanh²


gelu = primitive("gelu", gelu_forward, gelu_vjp, symbol="GELU")


# %% Exercise 4: binary hinge loss
def hinge_forward(m, s, y):
    return m.relu(1.0 - y * s)


def hinge_vjp(m, g, out, s, y):
    active = m.step(1.0 - y * s)  # 1 where 1 − y·s > 0, else 0
    return (-g * y * active, -g * s * active)


hinge = primitive("hinge", hinge_forward, hinge_vjp)


# %% Exercise 5: softmax cross-entropy
def softmax_ce_forward(m, s1, s2, s3, z1, z2, z3):
    c = m.largest([s1, s2, s3])
    return c + m.log(m.exp(s1 - c) + m.exp(s2 - c) + m.exp(s3 - c)) - (z1 * s1 + z2 * s2 + z3 * s3)


def softmax_ce_vjp(m, g, out, s1, s2, s3, z1, z2, z3):
    c = m.largest([s1, s2, s3])
    e1, e2, e3 = m.exp(s1 - c), m.exp(s2 - c), m.exp(s3 - c)
    total = e1 + e2 + e3
    return (g * (e1 / total - z1), g * (e2 / total - z2), g * (e3 / total - z3), -g * s1, -g * s2, -g * s3)


softmax_ce = primitive("softmax_ce", softmax_ce_forward, softmax_ce_vjp, symbol="CE")

# %% Exercise 6: dL/dw of the t1..t7 example
w, x, b, t = 2.0, -1.0, 0.5, 1.0
y = 1.0 / (1.0 + math.exp(-(w * x + b)))  # t3..y is the sigmoid of z
dL_dw = (y - t) * y * (1.0 - y) * x  # dL/dt6 = t6 = y − t, dy/dz = σ(1 − σ), dz/dw = x

# %% Exercise 7: the softmax Jacobian
s = [3.2, 5.1, -1.7]
e = [math.exp(v) for v in s]
p = [v / sum(e) for v in e]
D = [[p[a] * ((1.0 if a == b else 0.0) - p[b]) for b in range(3)] for a in range(3)]

# %% Exercise 8: the multiclass hinge gradient
# s_j − s_y + 1 for j = 1, 2: 5.1 − 3.2 + 1 = 2.9 > 0 (counts), −1.7 − 3.2 + 1 = −3.9 (does not)
dL_ds = [-1.0, 1.0, 0.0]

# %% Exercise 9: the sigmoid's derivative
sig = 1.0 / (1.0 + math.exp(-0.8))
sigma_prime = sig * (1.0 - sig)

"""The references chaingrad's training step is measured against: the same MLP, loss, L2
penalty and SGD update written by hand with numpy, and (when installed) with PyTorch in
float64 on one thread.

Both start from a chaingrad model's weights, so their weights can be compared with
chaingrad's after the same steps. Hidden layers use relu, the last layer is linear; the loss
is the SVM hinge on one output (labels {0, 1}) or cross-entropy from the logits; the penalty
is reg·Σw² over the weights (not the biases), as ``nn.fit`` computes it.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def layers_of(model: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """A chaingrad MLP's weight matrices (out, in) and bias vectors, layer by layer."""
    W = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in model.layers]
    b = [np.array([n.b.data for n in layer.neurons]) for layer in model.layers]
    return W, b


def flat_weights(W: list[np.ndarray], b: list[np.ndarray]) -> np.ndarray:
    """In chaingrad's parameter order: per neuron its weights, then its bias."""
    return np.concatenate([np.column_stack([w, c]).reshape(-1) for w, c in zip(W, b)])


class NumpyMLP:
    """The MLP trained by hand with numpy: the forward pass keeps each layer's input and
    pre-activation, the backward pass is derived by hand, then the SGD update."""

    def __init__(self, model: Any, loss: str, reg: float) -> None:
        self.W, self.b = layers_of(model)
        self.loss_name, self.reg = loss, reg
        self.loss = self.accuracy = float("nan")

    def step(self, X: np.ndarray, y: np.ndarray, lr: float) -> float:
        start = time.thread_time()
        n, last = len(y), len(self.W) - 1
        inputs, pre = [], []
        h = X
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            inputs.append(h)
            z = h @ W.T + b
            pre.append(z)
            h = z if i == last else np.maximum(z, 0.0)
        if self.loss_name == "svm":  # one score; labels {0, 1} -> signs {-1, +1}
            sign = 2.0 * y - 1.0
            margin = 1.0 - sign * h[:, 0]
            data_loss = np.maximum(margin, 0.0).mean()
            dh = (np.where(margin > 0.0, -sign, 0.0) / n)[:, None]
            correct = np.sum((h[:, 0] > 0.0) == (y == 1))
        else:  # cross-entropy from the logits, stable with the row max
            shifted = h - h.max(axis=1, keepdims=True)
            logsum = np.log(np.exp(shifted).sum(axis=1))
            data_loss = np.mean(logsum - shifted[np.arange(n), y])
            dh = np.exp(shifted - logsum[:, None])
            dh[np.arange(n), y] -= 1.0
            dh /= n
            correct = np.sum(h.argmax(axis=1) == y)
        self.loss = data_loss + self.reg * sum(np.sum(W * W) for W in self.W)
        self.accuracy = correct / n
        grads = []
        for i in range(last, -1, -1):
            if i != last:
                dh = dh * (pre[i] > 0.0)  # through the relu (subgradient 0 at 0, as chaingrad)
            grads.append((dh.T @ inputs[i] + 2.0 * self.reg * self.W[i], dh.sum(axis=0)))
            if i:
                dh = dh @ self.W[i]
        for i, (gW, gb) in zip(range(last, -1, -1), grads):
            self.W[i] -= lr * gW
            self.b[i] -= lr * gb
        return time.thread_time() - start

    def weights(self) -> np.ndarray:
        return flat_weights(self.W, self.b)


def torch_version() -> str | None:
    """PyTorch's version when it can be imported (an optional column of the benchmarks)."""
    try:
        import torch
    except ImportError:
        return None
    return str(torch.__version__)


class TorchMLP:
    """The same MLP in PyTorch, float64, on one CPU thread: autograd for the backward pass,
    ``torch.optim.SGD`` for the update, the penalty written into the objective."""

    def __init__(self, model: Any, loss: str, reg: float) -> None:
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        W, b = layers_of(model)
        self.W = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in W]
        self.b = [torch.tensor(c, dtype=torch.float64, requires_grad=True) for c in b]
        self.loss_name, self.reg = loss, reg
        self.opt = torch.optim.SGD([*self.W, *self.b], lr=0.1)
        self.loss = float("nan")

    def step(self, X: np.ndarray, y: np.ndarray, lr: float) -> float:
        torch = self.torch
        start = time.thread_time()
        h = torch.from_numpy(X)
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            h = torch.addmm(b, h, W.T)
            if i != last:
                h = torch.relu(h)
        if self.loss_name == "svm":
            sign = torch.from_numpy(2.0 * y - 1.0)
            data_loss = torch.relu(1.0 - sign * h[:, 0]).mean()
        else:
            data_loss = torch.nn.functional.cross_entropy(h, torch.from_numpy(y))
        objective = data_loss + self.reg * sum((W * W).sum() for W in self.W)
        self.opt.zero_grad()
        objective.backward()
        for group in self.opt.param_groups:
            group["lr"] = lr
        self.opt.step()
        self.loss = float(objective.detach())
        return time.thread_time() - start

    def weights(self) -> np.ndarray:
        return flat_weights([w.detach().numpy() for w in self.W], [c.detach().numpy() for c in self.b])

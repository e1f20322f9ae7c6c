"""The engine's two modes, whether operations record a graph and whether a trace is recording,
and the lock of the topological sort.

Each mode is a ``contextvars.ContextVar``, so it belongs to one thread (and one asyncio
task): a thread inside ``no_grad()`` does not stop another thread's graphs from being
recorded, and a trace in one thread does not forbid comparisons in another. New threads
start with the defaults (recording on, not tracing).

The variables are switched only through the context managers below, which put back the
previous state when their block ends, however it ends. This is the only module of the
project that holds global state.

The sort behind ``backward`` marks each node it places, in the node itself (a flag is
cheaper to read than a set of the nodes placed is to search). Nodes can be shared between
threads, so one sort at a time marks: it holds ``SORTING``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from os import register_at_fork
from threading import Lock

GRAD_ENABLED: ContextVar[bool] = ContextVar("chaingrad_grad_enabled", default=True)
"""Whether operations on Values record their parents. Read it; switch it with ``no_grad`` or
``enable_grad``."""

TRACING: ContextVar[bool] = ContextVar("chaingrad_tracing", default=False)
"""Whether ``autograd.compile.trace`` is recording in this context. Switch it with ``tracing``."""

SORTING = Lock()
"""Held by ``autograd.backprop``'s sort while it marks nodes: two sorts marking shared nodes at
once would overwrite each other's marks and place nodes twice."""

# A process forked while another thread sorts would start with the lock held and never get it:
# fork waits for the sort to end, and both processes go on with the lock free.
register_at_fork(before=SORTING.acquire, after_in_parent=SORTING.release, after_in_child=SORTING.release)


@contextmanager
def _switch(var: ContextVar[bool], state: bool) -> Iterator[None]:
    token = var.set(state)
    try:
        yield
    finally:
        var.reset(token)


def no_grad() -> AbstractContextManager[None]:
    """Context in which operations record no parents: their results are leaves.

    Use it for evaluation and for updating parameters, where no gradient is wanted. It
    applies to the current thread only.
    """
    return _switch(GRAD_ENABLED, False)


def enable_grad() -> AbstractContextManager[None]:
    """Context in which operations record their parents, even inside ``no_grad()``."""
    return _switch(GRAD_ENABLED, True)


def is_grad_enabled() -> bool:
    """Whether operations record their parents in the current thread."""
    return GRAD_ENABLED.get()


def tracing() -> AbstractContextManager[None]:
    """Context of a trace being recorded (used by ``autograd.compile.trace``): reading a
    Value's number through ``bool``, ``float`` or a comparison is then an error."""
    return _switch(TRACING, True)


def is_tracing() -> bool:
    """Whether ``trace`` is recording in the current thread. Code that would read a sample's
    numbers to build its graph (a loss's max shift, a clamp) asks this to build a branch-free
    form instead."""
    return TRACING.get()

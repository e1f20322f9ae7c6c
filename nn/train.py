"""Training in one import: ``fit``, ``evaluate``, ``predict``, ``predict_classes``, the
``History`` and ``Convergence`` of a run, losses by name and the lectures' random search.

Each lives in a module of its own, read in this order: ``objectives`` (what a loss name
means), ``metrics`` (which class a score vector predicts), ``history`` (History,
Convergence), ``evaluation`` (predict, evaluate), ``replay`` (the compiled path), ``loop``
(fit and its stepper Training) and ``search`` (random search).
"""

from .evaluation import evaluate, predict, predict_classes
from .history import Convergence, History
from .loop import PENALTIES, Training, fit
from .objectives import LOSS_NAMES, LossFn, Objective, objective
from .search import SearchResult, random_search

__all__ = [
    "fit",
    "Training",
    "PENALTIES",
    "evaluate",
    "predict",
    "predict_classes",
    "History",
    "Convergence",
    "LOSS_NAMES",
    "LossFn",
    "Objective",
    "objective",
    "SearchResult",
    "random_search",
]

"""One rule for which class a score vector predicts: fit's history, evaluate (plain and
compiled), predict_classes, nn.losses.accuracy and the decision-boundary plots agree, for
every loss and output count."""

import numpy as np
import pytest

from nn import MLP, SGD, Adam
from nn import losses as L
from nn.data import make_blobs, make_moons
from nn.metrics import class_margins, predicted_classes, threshold_of
from nn.plots import grid_predictions, grid_scores
from nn.train import evaluate, fit, predict, predict_classes

CASES = [  # (loss, outputs, classes of the data)
    ("svm", 1, 2),
    ("bce", 1, 2),
    ("mse", 1, 2),
    ("svm", 2, 2),
    ("ce", 2, 2),
    ("mse", 2, 2),
    ("svm", 3, 3),
    ("ce", 3, 3),
    ("mse", 3, 3),
]


def _data(classes: int) -> tuple[np.ndarray, np.ndarray]:
    if classes == 2:
        return make_moons(60, noise=0.2, seed=3)
    return make_blobs(60, centers=3, std=1.5, seed=3)


def _trained(loss: str, outputs: int, X: np.ndarray, y: np.ndarray) -> MLP:
    model = MLP(2, [6, outputs], seed=2)
    fit(model, X, y, loss, Adam(model.parameters(), lr=0.03), epochs=15, progress=False)
    return model


def _rule(scores: np.ndarray, loss: str) -> np.ndarray:
    """The rule written out here: argmax of several scores; one score against 0.5 for mse, 0 else."""
    if scores.shape[1] > 1:
        return scores.argmax(axis=1)
    return (scores[:, 0] > (0.5 if loss == "mse" else 0.0)).astype(int)


@pytest.mark.parametrize("loss, outputs, classes", CASES)
def test_everyone_reads_the_scores_the_same_way(loss, outputs, classes):
    X, y = _data(classes)
    model = _trained(loss, outputs, X, y)
    scores = predict(model, X)
    expected = float(np.mean(_rule(scores, loss) == y))

    assert evaluate(model, X, y, loss)[1] == expected
    assert evaluate(model, X, y, loss, compiled=True)[1] == expected
    assert float(np.mean(predict_classes(model, X, loss) == y)) == expected
    assert float(np.mean(predict_classes(model, X, loss, compiled=True) == y)) == expected
    outs = [model(x) for x in X.tolist()]
    assert L.accuracy(outs, y.tolist(), loss=loss) == pytest.approx(expected, abs=1e-12)
    for compiled in (False, True):  # the history's accuracy is taken before the epoch's step
        copy = MLP(2, [6, outputs], seed=2)
        copy.load_state_dict(model.state_dict())
        tiny = SGD(copy.parameters(), lr=1e-12)
        history = fit(copy, X, y, loss, tiny, epochs=1, progress=False, compiled=compiled)
        assert history.accuracy[0] == expected

    # the plots: the classes drawn on a grid are predict_classes of the grid's points
    xx, yy, drawn = grid_predictions(model, X, resolution=12, loss=loss)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    np.testing.assert_array_equal(drawn.ravel(), predict_classes(model, points, loss))
    _, _, grid = grid_scores(model, X, resolution=12)
    margins = class_margins(grid, threshold_of(loss))  # what plot_decision_boundary contours
    won = margins > 0
    np.testing.assert_array_equal(np.argmax(won, axis=-1)[won.any(axis=-1)], drawn[won.any(axis=-1)])


def test_a_one_output_mse_model_is_read_at_one_half_everywhere():
    # the case: trained towards 0 and 1, a score of 0.3 says class 0
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=0)
    fit(model, X, y, "mse", SGD(model.parameters(), lr=0.1), epochs=30, progress=False)
    s = predict(model, X)[:, 0]
    between = (s > 0.0) & (s <= 0.5)
    assert between.any()  # samples where the two thresholds disagree: the test can tell them apart
    right = float(np.mean((s > 0.5) == (y == 1)))
    wrong_rule = float(np.mean((s > 0.0) == (y == 1)))
    assert right != wrong_rule
    assert evaluate(model, X, y, "mse")[1] == right
    assert float(np.mean(predict_classes(model, X, "mse") == y)) == right
    assert L.accuracy([model(x) for x in X.tolist()], y.tolist(), loss="mse") == pytest.approx(right)
    # without the loss, a one-output score is read by its sign (svm, bce, a loss function)
    assert float(np.mean(predict_classes(model, X) == y)) == wrong_rule


def test_predicted_classes_by_hand():
    assert predicted_classes([[0.2], [0.7], [-1.0]], 0.5).tolist() == [0, 1, 0]
    assert predicted_classes([[0.2], [0.7], [-1.0]]).tolist() == [1, 1, 0]
    assert predicted_classes([[1.0, 3.0, 3.0], [2.0, -1.0, 0.0]]).tolist() == [1, 0]  # first on ties
    assert threshold_of("mse") == 0.5 and threshold_of("svm") == 0.0 and threshold_of(None) == 0.0
    assert threshold_of(lambda out, t: out[0]) == 0.0
    np.testing.assert_allclose(class_margins([[0.7]], 0.5), [[-0.2, 0.2]], rtol=1e-12)
    np.testing.assert_array_equal(class_margins([[1.0, 3.0, 2.0]]), [[-2.0, 1.0, -1.0]])
    with pytest.raises(ValueError, match="n_outputs >= 1"):
        predicted_classes(np.zeros((3, 0)))

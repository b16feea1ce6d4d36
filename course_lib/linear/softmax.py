r"""Softmax (multinomial logistic) regression: :math:`K` linear scores, one softmax.

See the book: section 2.1.12.

Each class :math:`k` has its own weights :math:`w_k` and bias :math:`b_k`,
the object gets the scores :math:`z_k = \langle w_k, x\rangle + b_k` and the
probabilities :math:`P(k \mid x) = e^{z_k} / \sum_m e^{z_m}`. The model is
fitted by maximum likelihood with an L2 penalty (biases not penalized):

.. math::
    Q(W, b) = -\sum_{i=1}^N s_i \log P(y_i \mid x_i) + \alpha \|W\|_F^2 ,

the sum running over the *objects* (the seed sums over classes: an erratum).
It is the same linear core as every other model of the course
(:class:`course_lib.linear.LinearObjective`) with the loss
:class:`course_lib.losses.SoftmaxCrossEntropyLoss`, whose ``n_outputs = K``
makes the core fit a weight matrix instead of a vector.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils._param_validation import StrOptions

from ..losses import Loss, SoftmaxCrossEntropyLoss, log_softmax
from ._base import ALPHA_CONSTRAINT
from ._classifier import CONSTRAINTS, _LinearClassifier
from ._second_order import lbfgs

__all__ = ["SoftmaxRegression"]

Array = NDArray[np.float64]


class SoftmaxRegression(_LinearClassifier):
    r"""Softmax regression: :math:`-\sum_i \log P(y_i \mid x_i) + \alpha\|W\|_F^2`.

    The objective of scikit-learn's multinomial
    ``LogisticRegression(C=1 / (2 * alpha))`` (the default for three and more
    classes since scikit-learn 1.5): both minimize
    :math:`C\sum_i(-\log P) + \frac12\|W\|_F^2`, the same function divided by
    :math:`2\alpha`, and give the same ``coef_``, ``intercept_`` and
    probabilities.

    Only differences of scores matter (adding one vector to every
    :math:`w_k` changes no probability): the penalty then picks weights with
    :math:`\sum_k w_k = 0`, and the biases, which are not penalized, are
    reported centred, :math:`\sum_k b_k = 0`, as scikit-learn does.

    With two classes, :math:`P(1 \mid x) = \sigma(z_1 - z_0)`: this is logistic
    regression with :math:`w = w_1 - w_0`. At the optimum :math:`w_1 = -w_0 = w/2`,
    so the penalty is :math:`\alpha(\|w_0\|^2 + \|w_1\|^2) = \frac{\alpha}{2}\|w\|^2`:
    ``SoftmaxRegression(alpha)`` is ``LogisticRegression(alpha / 2)``, with
    ``coef_ = [-w/2, w/2]`` and ``intercept_ = [-b/2, b/2]``.

    Parameters
    ----------
    alpha : float, default=0.5
        Regularization strength :math:`\alpha \ge 0` (0.5 is scikit-learn's ``C=1``).
    solver : {"auto", "lbfgs", "gd", "sgd"}, default="auto"
        ``"lbfgs"`` (what ``"auto"`` picks) stops when every entry of the
        gradient of the mean objective, in standardized coordinates, is
        below ``tol`` and the curvature bounds the excess objective by ``tol``
        times the objective of the best constant model, as in
        :class:`LogisticRegression`; ``"gd"``
        as there too; ``"sgd"``
        too, but with a longer automatic step (see ``_sgd_learning_rate``).
    fit_intercept : bool, default=True
    learning_rate : "auto" or float, default="auto"
    max_iter : int, default=1000
    batch_size : int, default=32
    tol : float, default=1e-4
    random_state : int, Generator, RandomState or None, default=None
        As in :class:`LogisticRegression`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted (any type).
    coef_ : ndarray of shape (n_classes, n_features)
        Row :math:`k` is :math:`w_k`, the weights of ``classes_[k]``: the layout
        of scikit-learn's multinomial ``coef_`` (for two classes scikit-learn
        stores the single row ``coef_[1] - coef_[0]``). The core works with
        :math:`W` = ``coef_.T`` of shape ``(n_features, n_classes)``,
        :math:`Z = XW + b`.
    intercept_ : ndarray of shape (n_classes,)
        Biases :math:`b_k`, centred.
    solver_, n_iter_, loss_curve_, n_features_in_
        As in :class:`LogisticRegression`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.2, 0.1], [3.0, 0.0], [3.1, 0.2], [0.0, 3.0], [0.1, 3.2]])
    >>> model = SoftmaxRegression(alpha=0.1).fit(X, ["a", "a", "b", "b", "c", "c"])
    >>> model.coef_.shape, model.predict([[2.9, 0.1], [0.0, 2.5]]).tolist()
    ((3, 2), ['b', 'c'])
    >>> model.predict_proba([[1.0, 1.0]]).sum().round(12)
    np.float64(1.0)

    See the book: section 2.1.12.
    """

    _auto_solver = "lbfgs"
    _max_classes = None
    _parameter_constraints: dict = {
        **CONSTRAINTS, "alpha": ALPHA_CONSTRAINT,
        "solver": [StrOptions({"auto", "lbfgs", "gd", "sgd"})],
    }

    def _fit_second_order(self, X: Array, y: Array, weights: Array | None, loss: Loss) -> None:
        # With a small alpha the objective is flat: L-BFGS-B's rule "the objective
        # fell by less than 1e-14 of itself" would stop ~1e-6 short in the weights.
        # The gradient rule alone decides (then within ~1e-8 of Newton's optimum).
        objective, scaling, data, theta0 = self._solver_problem(X, y, weights, loss)
        result = lbfgs(objective, data, theta0, tol=self.tol, max_iter=self.max_iter, ftol=0.0,
                       from_zero=True)
        self._set_result(result, scaling, objective)

    def _sgd_batch_curvature(self, objective, data, spectrum) -> None:
        # Not the other models' 1 / (2 L_B): after 200 epochs it ended further
        # above the optimum on iris, wine and digits (0.16, 0.15, 2.3 relative,
        # against 0.025, 0.071, 0.65), closer only on wide data (2000 x 500).
        return None

    def _sgd_learning_rate(
        self, scaling, objective, y: Array, streaming: bool, batch_curvature: None = None
    ) -> float:
        r"""SGD step: ``learning_rate`` or, for "auto", :math:`2/\bar L`, then :math:`1/\sqrt{1+t}`.

        :math:`\bar L` is the mean curvature of one sample's objective in the
        solver's coordinates; gradient descent on a smooth convex function is
        stable for steps below :math:`2/\bar L`, and the core's step limit
        keeps each batch under its own safe step (one over its trace bound) in the first
        epochs. The binary classifiers cap the step at 0.01 scaled by the
        curvature, a cap made for the unbounded residuals of the squared loss;
        with it softmax regression stopped 30-60 % above the optimum after
        1000 epochs on iris and wine (the flat directions of nearly separable
        classes need long steps). The softmax gradient :math:`P - Y` is
        bounded, so the long step does not make the noise grow with ``y``.
        """
        if self.learning_rate != "auto":
            return float(self.learning_rate)
        return 2.0 / scaling.mean_curvature(objective)

    def _resolve(self) -> tuple[Loss, str]:
        solver = self._auto_solver if self.solver == "auto" else self.solver
        return SoftmaxCrossEntropyLoss(n_classes=len(self.classes_)), solver

    def _target(self, encoded: NDArray[np.intp]) -> Array:
        return encoded.astype(float)  # the column of the true class in the core's Z

    def _to_sklearn_layout(self) -> None:
        # The core's W is (n_features, K); scikit-learn's layout is (K, n_features).
        coef = self.coef_.T
        self.coef_ = coef - coef.mean(axis=0)  # the flat direction of the scores: centred
        self.intercept_ = self.intercept_ - np.mean(self.intercept_)

    def decision_function(self, X: ArrayLike) -> Array:
        r"""Scores :math:`z_k = \langle w_k, x\rangle + b_k` of ``X`` (n_samples, n_features).

        Shape (n_samples, n_classes); for two classes (n_samples,): :math:`z_1 - z_0`,
        the log-odds of ``classes_[1]`` (as scikit-learn's binary classifiers).
        """
        z = self._scores(X)
        return z[:, 1] - z[:, 0] if z.shape[1] == 2 else z

    def predict_log_proba(self, X: ArrayLike) -> Array:
        r"""Log-probabilities :math:`z_k - \log\sum_m e^{z_m}` (max-shifted), (n_samples, K)."""
        return log_softmax(self._scores(X))

    def predict_proba(self, X: ArrayLike) -> Array:
        r"""Probabilities :math:`P(k \mid x)`, shape (n_samples, n_classes), in ``classes_`` order.

        Rows sum to 1; no overflow for any score.
        """
        return np.exp(self.predict_log_proba(X))

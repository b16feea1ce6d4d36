r"""Linear classifiers: perceptron, support vector machine, logistic regression.

See the book: section 2.1.9 (margin losses, perceptron, SVM) and section 2.1.10
(logistic regression).

All three are the linear core of :mod:`course_lib.linear._base` with a margin
loss from :mod:`course_lib.losses`: they map the two classes to
:math:`y \in \{-1, +1\}` (``classes_[0] -> -1``, ``classes_[1] -> +1``) and minimize

.. math:: \sum_i s_i\,\ell(y_i \langle w, x_i\rangle + y_i b) + \alpha \|w\|_2^2,

the bias :math:`b` not penalized. The score :math:`z = \langle w, x\rangle + b`
(``decision_function``) is the score of ``classes_[1]``; ``predict`` answers
``classes_[1]`` where :math:`z > 0`. They are binary: for more classes wrap
them in a one-vs-rest scheme (section 2.1.11) or use softmax regression (2.1.12).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import StrOptions

from .._random import as_generator
from ..losses import HingeLoss, LogisticLoss, Loss, PerceptronLoss
from .._validation import Number
from ._base import ALPHA_CONSTRAINT
from ._classifier import CONSTRAINTS, _LinearClassifier
from ._perceptron import perceptron_epoch
from ._svm import fit_smoothed_hinge

__all__ = ["Perceptron", "LinearSVC", "LogisticRegression"]

Array = NDArray[np.float64]

_PARAMETERS = r"""
    fit_intercept : bool, default=True
        Whether to fit the bias :math:`b`; otherwise :math:`b = 0`.
    learning_rate : "auto" or float, default="auto"
        Step of ``"gd"``/``"sgd"`` in standardized coordinates, as in
        :class:`course_lib.linear.Ridge` (other solvers take no step).
    max_iter : int, default=1000
        Iterations of ``"gd"``, ``"lbfgs"`` and ``"newton"``, epochs of ``"sgd"``.
    batch_size : int, default=32
        Minibatch size of ``"sgd"``.
    tol : float, default=1e-4
        Accuracy; what it bounds depends on the solver (see ``solver``).
        Stopping short of it raises a ``ConvergenceWarning``.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the shuffling of ``"sgd"``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels, sorted; ``classes_[1]`` is the class of :math:`y = +1`.
    coef_ : ndarray of shape (1, n_features)
        Weights :math:`w`, one row (scikit-learn's layout).
    intercept_ : ndarray of shape (1,)
        Bias :math:`b`.
    solver_ : str
        The solver that ran (what ``"auto"`` chose).
    n_iter_ : int
        Iterations (epochs for ``"sgd"``) made.
    loss_curve_ : ndarray
        The mean objective :math:`\frac1S\sum_i s_i\ell_i + \frac{\alpha}{S}\|w\|^2` per iteration.
    n_features_in_ : int
"""


def _document(head: str, examples: str) -> str:
    """A classifier's docstring: its own head, the shared parameters, its examples."""
    return head + _PARAMETERS + "\n    Examples\n    --------" + examples


class Perceptron(_LinearClassifier):
    __doc__ = (
        r"""The perceptron: :math:`\sum_i \max(0, -M_i) + \alpha\|w\|^2`, :math:`M_i = y_i z_i`.

    (Sub)gradient steps on the book's loss and gradient: a sample with
    :math:`M_i \le 0` pulls the weights by :math:`y_i x_i`. From :math:`w = 0`
    the steps (of size ``learning_rate``, on standardized features) stop as
    soon as no training sample is misclassified; on linearly separable data
    that happens after finitely many steps (Novikoff's theorem). On other
    data the perceptron never settles: it keeps the weights with the fewest
    training errors (the "pocket"), stops (``"sgd"``: when that count has not
    fallen for ``n_iter_no_change`` passes) and warns. An epoch of ``"sgd"`` is a
    compiled loop (numba), as fast as scikit-learn's. With ``alpha > 0`` each step
    also shrinks :math:`w`. scikit-learn's ``Perceptron(penalty="l2",
    alpha=2 * alpha / n_samples)`` minimizes the same objective with
    differently scaled steps, so its weights differ.

    Parameters
    ----------
    alpha : float, default=0.0
        Regularization strength :math:`\alpha \ge 0`.
    solver : {"gd", "sgd"}, default="gd"
        ``"gd"``: the book's full (sub)gradient, all samples at once (the
        batch perceptron). ``"sgd"``: the classic perceptron, one sample
        (``batch_size=1``) at a time in random order.
    learning_rate : float, default=1.0
        Step size (from :math:`w = 0` without a penalty it only scales :math:`w`).
    max_iter : int, default=1000
        Iterations of ``"gd"``, epochs (passes over the data) of ``"sgd"``.
    batch_size : int, default=1
    n_iter_no_change : int, default=5
        ``"sgd"`` stops (and warns) when the fewest training errors seen has
        not fallen for this many passes: on data no line separates, the
        perceptron never settles, and more passes rarely find a better
        pocket (the rule of scikit-learn's ``Perceptron``, there applied to
        its loss). ``"gd"`` moves by small averaged steps that can leave the
        error count flat for many iterations before it falls: it runs until
        no error is left or ``max_iter``.
    fit_intercept : bool, default=True
    random_state : int, Generator, RandomState or None, default=None
        Seeds the order of the samples of ``"sgd"``.

    Attributes
    ----------
    classes_, coef_, intercept_, solver_, n_features_in_
        As in :class:`LogisticRegression`.
    n_iter_ : int
        Iterations (``"gd"``) or epochs (``"sgd"``) made.
    loss_curve_ : ndarray of shape (n_iter_,)
        Mean perceptron objective after each iteration/epoch.
    errors_ : int
        Training samples the kept weights misclassify (:math:`M_i \le 0`); 0 when separated.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0], [1.0, 3.0]])
    >>> model = Perceptron(random_state=0).fit(X, ["no", "no", "yes", "yes"])
    >>> model.predict([[0.5, 2.5], [0.5, 0.5]]).tolist(), model.errors_
    (['yes', 'no'], 0)

    See the book: section 2.1.9.
    """
    )

    _loss = PerceptronLoss
    _auto_solver = "gd"
    _parameter_constraints: dict = {
        **CONSTRAINTS, "alpha": ALPHA_CONSTRAINT, "solver": [StrOptions({"gd", "sgd"})],
        "learning_rate": [Number(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Number(Integral, 1, None, closed="left")],
    }

    def __init__(
        self, alpha: float = 0.0, *, solver: str = "gd", fit_intercept: bool = True,
        learning_rate: float = 1.0, max_iter: int = 1000, batch_size: int = 1,
        n_iter_no_change: int = 5, random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.alpha, self.solver, self.fit_intercept = alpha, solver, fit_intercept
        self.learning_rate, self.max_iter, self.batch_size = learning_rate, max_iter, batch_size
        self.n_iter_no_change, self.random_state = n_iter_no_change, random_state

    def _fit_iterative(self, X: Array, y: Array, weights: Array | None, loss: Loss) -> None:
        # The perceptron is not run to an optimum (w = 0 minimizes its loss):
        # it stops at the first epoch without errors, so it has its own loop.
        objective, scaling, data, theta = self._solver_problem(X, y, weights, loss)
        rng = as_generator(self.random_state) if self.solver_ == "sgd" else None
        batch = self.batch_size if self.solver_ == "sgd" else len(y)
        Xs, weight = data[0], data[2] if len(data) == 3 else np.ones(len(y))
        shrink = objective.penalty_diagonal(X.shape[1])  # the L2 penalty's gradient: shrink * u
        errors = self._errors(objective, theta, data)
        best, self.errors_, history, since_best = theta.copy(), errors, [], 0
        for _ in range(self.max_iter):
            if errors == 0 or (rng is not None and since_best >= self.n_iter_no_change):
                break
            order = rng.permutation(len(y)) if rng is not None else np.arange(len(y))
            errors, loss = perceptron_epoch(Xs, y, weight, order, theta, batch,
                                            float(self.learning_rate), shrink, self.fit_intercept)
            history.append(loss / len(y) + objective.penalty_share(theta))
            since_best += 1
            if errors < self.errors_:
                best, self.errors_, since_best = theta.copy(), errors, 0
        self.coef_, self.intercept_ = scaling.from_solver(objective, best)
        self.n_iter_, self.loss_curve_ = len(history), np.array(history)
        if self.errors_:
            warnings.warn(
                f"Perceptron: {self.errors_} training samples are still misclassified after "
                f"{self.n_iter_} passes (the fewest errors did not fall for "
                f"n_iter_no_change={self.n_iter_no_change} passes, or max_iter="
                f"{self.max_iter} was reached); the perceptron converges only on linearly "
                "separable data. Kept the weights with the fewest errors; for overlapping "
                "classes use LinearSVC or LogisticRegression",
                ConvergenceWarning, stacklevel=6,
            )

    @staticmethod
    def _errors(objective, theta: Array, data: tuple[Array, ...]) -> int:
        w, b = objective.split(theta)
        wrong = data[1] * (data[0] @ w + b) <= 0
        if len(data) == 3:
            wrong &= data[2] > 0  # a sample of weight 0 is not in the training set
        return int(np.count_nonzero(wrong))


class LinearSVC(_LinearClassifier):
    __doc__ = _document(
        r"""Linear support vector machine: :math:`\sum_i \max(0, 1 - M_i) + \alpha\|w\|^2`.

    Divided by :math:`2\alpha` this is :math:`\frac12\|w\|^2 + C\sum_i \max(0, 1 - M_i)`,
    the objective of scikit-learn's ``SVC(kernel="linear", C=1 / (2 * alpha))``
    (the bias not penalized), so the two find the same hyperplane. (scikit-learn's
    ``LinearSVC`` differs: it penalizes the bias and by default squares the hinge.)

    Parameters
    ----------
    alpha : float, default=0.5
        Regularization strength :math:`\alpha > 0` (0.5 is scikit-learn's ``C=1``).
    solver : {"auto", "lbfgs", "gd", "sgd"}, default="auto"
        ``"lbfgs"`` (what ``"auto"`` picks): L-BFGS on the hinge smoothed near
        its kink by a parabola of width :math:`h` (``SmoothedHingeLoss``),
        for :math:`h = 1, 0.1, 0.01, \dots`, each solve starting from the last;
        after each, the samples in the smoothing band are taken as the
        support vectors and the exact optimum for them is solved for (one
        small linear system). It stops when the duality gap proves the hinge
        objective within ``tol`` (relative) of its minimum (``duality_gap_``),
        and warns if it cannot (e.g. a tiny ``alpha`` on separable data in
        large units: standardize the features). ``"gd"``/``"sgd"``: the book's
        subgradient steps with a decaying step size; slow to reach the optimum
        (a ``ConvergenceWarning`` says so), shown for comparison.""",
        r"""
    >>> model = LinearSVC(alpha=0.01).fit([[0.0], [1.0], [3.0], [4.0]], [-1, -1, 1, 1])
    >>> model.coef_.round(4), model.intercept_.round(4)
    (array([[1.]]), array([-2.]))

    The margin is :math:`2/\|w\| = 2`: the support vectors 1 and 3 lie on
    :math:`z = \pm 1`. Besides the attributes below, ``duality_gap_`` (solver
    ``"lbfgs"``) is the proven bound on the relative excess of the objective.

    See the book: section 2.1.9.
    """
    )

    _loss = HingeLoss
    _auto_solver = "lbfgs"
    _parameter_constraints: dict = {
        **CONSTRAINTS, "alpha": [Number(Real, 0, None, closed="neither")],
        "solver": [StrOptions({"auto", "lbfgs", "gd", "sgd"})],
    }

    def _fit_second_order(self, X: Array, y: Array, weights: Array | None, loss: Loss) -> None:
        fit_smoothed_hinge(self, X, y, weights)


class LogisticRegression(_LinearClassifier):
    __doc__ = _document(
        r"""Logistic regression: :math:`\sum_i \log(1 + e^{-M_i}) + \alpha\|w\|^2`.

    The model says :math:`P(y = \text{classes\_[1]} \mid x) = \sigma(z) = 1/(1 + e^{-z})`
    and is fitted by maximum likelihood (the book uses labels 0/1; the loss
    is the same). It minimizes the objective of scikit-learn's
    ``LogisticRegression(C=1 / (2 * alpha))``: the two give equal weights.

    Parameters
    ----------
    alpha : float, default=0.5
        Regularization strength :math:`\alpha \ge 0` (0.5 is scikit-learn's
        default ``C=1``). With ``alpha=0`` and separable classes there is no
        minimum: the weights grow until the solver stops, and where it stops
        decides the weights; ``"lbfgs"`` and ``"newton"`` then warn
        (``ConvergenceWarning``: no minimum to certify).
    solver : {"auto", "lbfgs", "newton", "gd", "sgd"}, default="auto"
        ``"lbfgs"`` (what ``"auto"`` picks): quasi-Newton
        (``scipy.optimize.minimize``, L-BFGS-B) on the core's objective and
        gradient; ``"newton"``: Newton's method with the exact Hessian
        :math:`X^T \operatorname{diag}(\sigma_i(1 - \sigma_i)) X` (+ the penalty)
        and backtracking. Both start at zero weights and bias, as
        scikit-learn does, and stop when the excess objective estimated by
        the local quadratic model, :math:`\frac12 \nabla^T H^{-1} \nabla` with
        the Hessian at the point, is small: for ``"lbfgs"`` (which first runs
        to scikit-learn's rule, every entry of the gradient of the mean
        objective in standardized coordinates below ``tol``, then refines
        until the estimate alone decides) an upper estimate of it at most
        ``tol`` times the objective of the best constant model and at most
        1 % of the objective itself (on standardized features it makes
        scikit-learn's iterates; then the check either lets L-BFGS go on or
        takes one approximate Newton step: kept only if it lowers the
        objective, or taken whole where the check certifies its end); for
        ``"newton"`` every entry of the gradient below ``tol`` (times the
        objective of the best constant model when that is below 1) and the
        estimate at most ``tol`` times the objective. If the objective stops
        improving first (L-BFGS: by less than 64 machine epsilons of the best
        constant model's objective per step; Newton: to below that level) or
        ``max_iter`` runs out, they warn.
        ``"gd"``/``"sgd"``: gradient descent and
        minibatch SGD, stopped as for :class:`course_lib.linear.Ridge`.""",
        r"""
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> model = LogisticRegression(alpha=0.1).fit(X, ["cat", "dog", "cat", "dog"])
    >>> model.classes_.tolist(), model.predict_proba([[1.5]]).round(3).tolist()
    (['cat', 'dog'], [[0.5, 0.5]])

    See the book: section 2.1.10.
    """
    )

    _loss = LogisticLoss
    _auto_solver = "lbfgs"
    _parameter_constraints: dict = {
        **CONSTRAINTS, "alpha": ALPHA_CONSTRAINT,
        "solver": [StrOptions({"auto", "lbfgs", "newton", "gd", "sgd"})],
    }

    def predict_proba(self, X: ArrayLike) -> Array:
        r"""Probabilities :math:`(1 - \sigma(z), \sigma(z))` of the classes, shape (n_samples, 2).

        ``X`` of shape (n_samples, n_features); columns in the order of ``classes_``.
        """
        z = self.decision_function(X)
        return np.column_stack([expit(-z), expit(z)])

    def predict_log_proba(self, X: ArrayLike) -> Array:
        r"""Logarithms of :meth:`predict_proba`, :math:`-\log(1 + e^{\mp z})`, without overflow."""
        z = self.decision_function(X)
        return -np.column_stack([np.logaddexp(0.0, z), np.logaddexp(0.0, -z)])

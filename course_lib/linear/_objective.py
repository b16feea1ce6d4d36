r"""The objective of the linear core: :math:`Q/S` and its gradient on a batch of samples.

A module of its own to keep ``_base.py`` (the estimators' fitting machinery) short;
exported as :class:`course_lib.linear.LinearObjective`.
See the book: section 2.1.4.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from .._compiled import COMPILED
from ..losses import LogisticLoss, Loss, SquaredLoss
from ..losses._kernels import LOGISTIC, SQUARED
from ..penalties import L2Penalty, Penalty
from ._data import weighted_gram
from ._sgd_epoch import linear_objective_pass, linear_sgd_epoch

Array = NDArray[np.float64]

#: Bytes of ``X`` per block of rows in :meth:`LinearObjective.__call__`: where the
#: processor's cache holds a block (here 32 MB of L3), it stays there between the
#: scores and the gradient.
_BLOCK_BYTES = 8 << 20


def block_rows(X: Array) -> int:
    """Rows per block of about :data:`_BLOCK_BYTES` of ``X`` (at least 256)."""
    return max(256, _BLOCK_BYTES // (X.itemsize * max(X.shape[1], 1)))


def times(X: Array, V: Array) -> Array:
    """``X @ V``; for a matrix ``V`` as :math:`(V^T X^T)^T`, column-major, 20-40 % faster in BLAS.

    A zero ``V`` (zero weights: the solvers' start) gives zeros without a product.
    """
    if not V.any():
        return np.zeros((len(X), *V.shape[1:]), order="F")
    return V.T.dot(X.T).T if V.ndim == 2 else X.dot(V)


def times_transposed(X: Array, M: Array) -> Array:
    """``X.T @ M`` by the faster BLAS call: :math:`(M^T X)^T` (a row times ``X`` for one column)."""
    if M.ndim == 2 and M.shape[1] == 1:
        return M[:, 0].dot(X)[:, None]
    return M.T.dot(X).T


#: The fewest features for which one compiled pass beats numpy's blocks
#: (``benchmarks/objective_paths.py``, one BLAS thread: 500 to 1 000 features
#: 1.1-1.6x faster for both losses; the logistic a tie at 100 features and 1.6x
#: slower at 20, its exp and log1p one sample at a time; the squared faster there
#: too, but one threshold, on the safe side, keeps one rule).
_ONE_PASS_FEATURES = 512

#: The losses whose per-sample formula the compiled SGD epoch knows, by its code.
_COMPILED_LOSSES = {SquaredLoss: SQUARED, LogisticLoss: LOGISTIC}


class LinearObjective:
    r"""Mean objective :math:`Q/S` of a linear model and its gradient on a batch.

    The parameters are packed into one vector ``theta = (u_1..u_D, b)``
    (without ``b`` when there is no bias), so the generic solvers see a plain
    vector. With ``scale`` the solver's weights are :math:`u = s \odot w`
    (the features are divided by :math:`s`); the penalty is still on :math:`w`.

    A loss with ``n_outputs = K`` (the softmax cross-entropy, section 2.1.12)
    scores :math:`K` columns :math:`Z = XW + \mathbf 1 b^T`: then
    ``theta = (vec(U), b)`` with :math:`U` of shape ``(D, K)`` flattened row by
    row and :math:`b` of shape ``(K,)``; the penalty is
    :math:`\|W\|_F^2`, the gradient :math:`X^T G` with :math:`G = \partial\ell/\partial Z`.
    Everything else (solvers, scaling, stopping rules) is unchanged.

    Parameters
    ----------
    loss : Loss
    penalty : Penalty or None
    alpha : float
        Regularization strength of the *sum* objective :math:`Q`.
    n_samples : float
        :math:`S`, the size (total sample weight) of the training set: the
        penalty share of one sample is :math:`\alpha/S`.
    fit_intercept : bool
    scale : ndarray of shape (n_features,), optional
        Feature scales :math:`s` of the solver's coordinates.
    """

    def __init__(
        self, loss: Loss, penalty: Penalty | None, alpha: float, n_samples: float,
        fit_intercept: bool, scale: Array | None = None,
    ) -> None:
        self.loss, self.penalty, self.fit_intercept = loss, penalty, fit_intercept
        self.penalty_scale = alpha / n_samples if penalty is not None else 0.0
        self.scale = scale
        #: K score columns (softmax) or None (one score, the vector layout).
        self.n_outputs: int | None = getattr(loss, "n_outputs", None)
        #: ``X``, ``theta`` and the scores (by blocks of rows) of the last call, for :meth:`scores`.
        self._last_scores: tuple[Array, Array, list[Array]] | None = None

    def split(self, theta: Array) -> tuple[Array, float | Array]:
        """Weights and bias from the packed vector (``(D, K)`` and ``(K,)`` for K outputs)."""
        k = self.n_outputs
        if k is None:
            if self.fit_intercept:
                return theta[:-1], float(theta[-1])
            return theta, 0.0
        if self.fit_intercept:
            return theta[:-k].reshape(-1, k), theta[-k:]
        return theta.reshape(-1, k), np.zeros(k)

    def initial(self, n_features: int, y: Array, sample_weight: Array | None = None) -> Array:
        """Zero weights; the bias starts at the best constant prediction of the loss."""
        weights = np.zeros(n_features * (self.n_outputs or 1))
        if not self.fit_intercept:
            return weights
        return np.append(weights, self.loss.baseline(y, sample_weight))

    @property
    def scale(self) -> Array | None:
        """Feature scales :math:`s` of the solver's coordinates (None: all 1)."""
        return self._scale

    @scale.setter
    def scale(self, scale: Array | None) -> None:
        self._scale = scale
        # d/du of (alpha/S) Omega(u / s) is (alpha/S) Omega'(u / s) / s: the factor, once.
        factor = self.penalty_scale / (1.0 if scale is None else scale)
        self._factors = {1: factor, 2: factor if scale is None else factor[:, None]}
        self._scales = {1: 1.0, 2: 1.0} if scale is None else {1: scale, 2: scale[:, None]}
        self._step_curvature = self.penalty_curvature()

    def _penalty_factor(self, w: Array) -> float | Array:
        r""":math:`\alpha/S / s`, broadcastable against the weights (a column for a matrix)."""
        return self._factors[w.ndim]

    def _scale_of(self, w: Array) -> float | Array:
        """The feature scales, broadcastable against the weights (a column for a matrix)."""
        return self._scales[w.ndim]

    def __call__(
        self, theta: Array, X: Array, y: Array, sample_weight: Array | None = None
    ) -> tuple[float, Array]:
        w, _ = self.split(theta)
        grad = np.zeros_like(theta)  # (weights, bias), filled in place
        one_pass = self._one_pass_loss(X)
        if one_pass is None:
            total, scores = self._sum_by_blocks(theta, X, y, sample_weight, grad)
        else:  # the same sums, compiled: each row fetched once
            total, scores = self._sum_in_one_pass(
                one_pass, theta, X, y, sample_weight, grad
            )
        # kept with the point: L-BFGS's check starts from these scores
        self._last_scores = (X, theta.copy(), scores)
        grad_w = grad[: w.size].reshape(w.shape)
        value = total / len(y)
        grad /= len(y)  # the mean: divided here, on D + 1 numbers, not on N
        if self.penalty_scale:
            # one vector (||W||_F for a matrix)
            unscaled = (w / self._scale_of(w)).ravel()
            value += self.penalty_share(theta, unscaled)
            if self.penalty.smooth:
                penalty_grad = self.penalty.gradient(unscaled).reshape(w.shape)
                grad_w += penalty_grad * self._penalty_factor(w)
        return value, grad

    def _sum_by_blocks(
        self, theta: Array, X: Array, y: Array,
        sample_weight: Array | None, grad: Array,
    ) -> tuple[float, list[Array]]:
        """The sum of the (weighted) losses and the scores by blocks of rows; their gradient added to ``grad``."""
        w, b = self.split(theta)
        grad_w = grad[: w.size].reshape(w.shape)
        total, step, scores = 0.0, block_rows(X), []
        for start in range(0, len(y), step):
            # rows by blocks of ~8 MB: if the cache holds a block, the one
            # just read for the scores is still there for the gradient
            rows = slice(start, start + step)
            X_rows = X[rows]
            # K columns come column-major: fast sums over a row
            z = times(X_rows, w)
            z += b
            scores.append(z)
            losses, dz = self.loss.value_and_gradient(y[rows], z)
            if sample_weight is not None:
                weights = sample_weight[rows]
                losses = losses * weights
                dz = dz * (weights if dz.ndim == 1 else weights[:, None])
            total += float(losses.sum())
            grad_w += times_transposed(X_rows, dz)
            if self.fit_intercept:
                grad[w.size :] += dz.sum(axis=0)
        return total, scores

    def _one_pass_loss(self, X: Array) -> int | None:
        """The compiled code of the loss if :meth:`_sum_in_one_pass` serves, else None.

        One score column of the squared or logistic loss, rows contiguous in
        memory and at least :data:`_ONE_PASS_FEATURES` long: on shorter rows the
        loss of each sample, one at a time, costs more than the second read
        numpy's vectorized ``exp`` and ``log1p`` save.
        """
        if (self.n_outputs is not None or not X.flags.c_contiguous
                or X.shape[1] < _ONE_PASS_FEATURES or not COMPILED):
            return None
        return _COMPILED_LOSSES.get(type(self.loss))

    def _sum_in_one_pass(
        self, loss: int, theta: Array, X: Array, y: Array, sample_weight: Array | None,
        grad: Array,
    ) -> tuple[float, list[Array]]:
        """What :meth:`_sum_by_blocks` returns, by ``linear_objective_pass``: each row fetched once."""
        weight = np.ones(len(y)) if sample_weight is None else sample_weight
        scores = np.empty(len(y))
        total = linear_objective_pass(X, np.asarray(y, dtype=float), weight, theta, loss,
                                      self.fit_intercept, grad, scores)
        return total, [scores]

    def scores(self, theta: Array, X: Array) -> Array:
        """The scores :math:`XU + b`, ``(U, b) = split(theta)``, on the solver's features ``X``.

        Those ``__call__`` computed, if its last call was at ``theta`` on this
        same ``X`` object; else computed. Not to be changed in place: they may be
        the objective's own.
        """
        last = self._last_scores
        if last is not None and last[0] is X and np.array_equal(last[1], theta):
            blocks = last[2]
            return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
        W, b = self.split(theta)
        return times(X, W) + b

    def constant_value(
        self, theta: Array, X: Array, y: Array, sample_weight: Array | None = None
    ) -> float:
        """The objective at ``theta`` whose weights are all zero: the bias alone scores every row.

        :math:`O(N)`: no product with ``X`` (the same number as ``self(theta, X, y)[0]``).
        """
        w, b = self.split(theta)
        if np.any(w):
            raise ValueError("constant_value needs zero weights: the bias alone scores the rows")
        losses = self.loss.value(y, np.broadcast_to(b, (len(y), *np.shape(b))))
        if sample_weight is not None:
            losses = losses * sample_weight
        return float(np.sum(losses)) / len(y)

    @property
    def compiled_epoch(self) -> Callable[..., tuple[Array, float, float]] | None:
        """A whole epoch of ``sgd`` as one compiled loop (``_sgd_epoch.py``), or None.

        For the squared and the logistic loss with no penalty or an L2 one;
        ``sgd`` hands it the epoch's order of rows and gets back the new
        ``theta``, the sum of the batch objectives times their sizes and the
        largest batch objective.
        """
        known = type(self.loss) in _COMPILED_LOSSES
        l2_or_none = not self.penalty_scale or isinstance(self.penalty, L2Penalty)
        return self._run_epoch if known and l2_or_none else None

    def _run_epoch(
        self, theta: Array, data: tuple[Array, ...], order: NDArray[np.intp], batch_size: int,
        step: float, always_safe: float,
    ) -> tuple[Array, float, float]:
        X, y = data[0], np.asarray(data[1], dtype=float)
        weight = data[2] if len(data) == 3 else np.ones(len(y))
        scale = np.ones(X.shape[1]) if self.scale is None else self.scale
        theta = np.array(theta, dtype=float)
        total, largest = linear_sgd_epoch(
            X, y, weight, order, theta, int(batch_size), float(step), float(always_safe),
            _COMPILED_LOSSES[type(self.loss)],
            float(self.loss.smoothness), float(self._step_curvature), float(self.penalty_scale),
            1.0 / scale, bool(self.fit_intercept),
        )
        return theta, total, largest

    def penalty_share(self, theta: Array, unscaled: Array | None = None) -> float:
        r""":math:`\frac{\alpha}{S}\,\Omega(w)`, the penalty's part of the mean objective (0 without one).

        ``unscaled``, the weights :math:`w = u / s` as one vector, if already at hand.
        """
        if not self.penalty_scale:
            return 0.0
        if unscaled is None:
            w, _ = self.split(theta)
            unscaled = (w / self._scale_of(w)).ravel()
        return self.penalty_scale * self.penalty.value(unscaled)

    def prox(self, theta: Array, step: float) -> Array:
        """Proximal step of the (non-smooth) penalty on the weights only."""
        w, _ = self.split(theta)
        theta = theta.copy()
        scale = 1.0 if self.scale is None else self.scale
        # prox of t * Omega(u / s) in u: prox of Omega with step t / s^2 at u / s, times s.
        theta[: len(w)] = scale * self.penalty.prox(w / scale, step * self.penalty_scale / scale**2)
        return theta

    def safe_step(self, X: Array, y: Array, sample_weight: Array | None = None) -> float:
        """One over a bound on the curvature of the batch objective (smooth losses).

        The curvature is at most the loss smoothness times the mean squared
        row norm (plus 1 for the bias) plus the penalty's: a step below its
        inverse never overshoots the batch's own minimum.
        """
        if sample_weight is None:
            flat = X.reshape(-1)  # a view for a batch sliced from contiguous rows
            rows = float(flat.dot(flat)) + float(self.fit_intercept) * len(X)
        else:
            rows = float(np.einsum("i,ij,ij->", sample_weight, X, X))
            rows += float(self.fit_intercept) * float(sample_weight.sum())
        curvature = self.loss.smoothness * rows / len(X) + self._step_curvature
        return 1.0 / curvature if curvature > 0 else np.inf

    def smoothness(self, gram_top: float) -> float:
        r""":math:`L`, a bound on the curvature of the mean objective: :math:`\sigma\lambda_{\max}` plus the penalty's largest.

        ``gram_top`` is :math:`\lambda_{\max}` of :math:`\frac1N A^T \operatorname{diag}(v) A`
        (``gram_spectrum``), :math:`\sigma` the loss smoothness.
        """
        return self.loss.smoothness * gram_top + self._step_curvature

    def batch_smoothness(
        self, gram_top: float, X: Array, sample_weight: Array | None, batch_size: int
    ) -> float:
        r"""Expected smoothness :math:`\mathcal L_B` of the objective on :math:`B` rows drawn without replacement.

        .. math:: \mathcal L_B = \frac{N(B-1)}{B(N-1)}\,L + \frac{N-B}{B(N-1)}\,L_{\max}

        (Gower et al., "SGD: general analysis and improved rates", ICML 2019,
        b-nice sampling): :math:`L` of the whole mean objective
        (:meth:`smoothness`), :math:`L_{\max}` of its heaviest (weighted) row
        (:meth:`smallest_safe_step`), both upper bounds as their methods say.
        For the squared loss :math:`\mathbb E\,H_S^2 \preceq \mathcal L_B H`
        over the batches :math:`S`, on average, not batch by batch. One row
        (:math:`B = 1`) gives :math:`L_{\max}`, all rows :math:`L`. Unlike the mean of the rows'
        bounds it sees that :math:`B` nearly orthogonal rows do not add up in
        one direction: on 1000 standardized features :math:`\mathcal L_B` of
        32 rows is ~1/25 of the trace bound.
        """
        n_samples, batch = len(X), min(batch_size, len(X))
        if batch == n_samples:
            return self.smoothness(gram_top)
        heaviest = 1.0 / self.smallest_safe_step(X, sample_weight)
        share = (n_samples - batch) / (batch * (n_samples - 1))
        return (1.0 - share) * self.smoothness(gram_top) + share * heaviest

    def smallest_safe_step(self, X: Array, sample_weight: Array | None = None) -> float:
        """The smallest :meth:`safe_step` of any batch of rows of ``X``: that of its heaviest row.

        A batch's curvature bound is the mean of its rows' (weighted squared
        norms), at most their largest; one pass over the data, once per fit.
        """
        rows = np.einsum("ij,ij->i", X, X) + float(self.fit_intercept)
        if sample_weight is not None:
            rows *= sample_weight
        i = int(np.argmax(rows))
        weight = None if sample_weight is None else sample_weight[i : i + 1]
        return self.safe_step(X[i : i + 1], None, weight)

    def min_curvature(
        self, theta: Array, X: Array, y: Array, sample_weight: Array | None = None,
    ) -> float:
        r"""A lower bound on the curvature of the mean objective at ``theta``, flat directions aside.

        The smallest non-zero eigenvalue of :math:`\frac1N A^T \operatorname{diag}(v_i c_i) A`,
        :math:`v_i` the sample weights (1 without), :math:`c_i` the loss's
        ``curvature_floor`` at the sample's score, plus the
        penalty's smallest curvature. Unlike the loss's global bound this is
        the curvature the data have here: a logistic loss of confident
        predictions is almost flat.
        """
        spectrum = np.linalg.eigvalsh(self._curvature_gram(theta, X, y, sample_weight))
        spectrum = spectrum[spectrum > 1e-12 * spectrum[-1]]
        smallest = max(float(spectrum[0]), 0.0) if spectrum.size else 0.0
        return smallest + self.penalty_curvature(largest=False)

    def quadratic_model(
        self, theta: Array, gradient: Array, X: Array, y: Array,
        sample_weight: Array | None = None, stride: int = 1,
    ) -> tuple[float, Array | None]:
        r"""How far above its minimum the objective is at ``theta``, by the local model, and a step.

        The estimate is :math:`\frac12 \nabla^T L^{-1} \nabla` with :math:`L \preceq H(\theta)`
        the curvature of :meth:`min_curvature` as a matrix, the penalty's diagonal
        added: at least the excess of the quadratic model at ``theta`` over its
        minimum (the objective's own excess to higher-order terms near its
        minimum; exactly for a quadratic objective). For one score column
        :math:`L = H` and this is half the squared Newton decrement, never more
        than :math:`\|\nabla\|^2 / (2\mu)` with :math:`\mu` the value of :meth:`min_curvature`.
        With K score columns :math:`L = C \otimes P + \mathrm{diag}(\pi) \otimes I`,
        :math:`P` the projection off :math:`\mathbf 1` (adding one number to every
        score of a row changes no loss; only the penalty :math:`\pi` curves that way).
        With ``stride`` only every ``stride``-th sample is summed: a smaller
        :math:`L`, so a larger estimate at a fraction of the cost (infinite if
        those rows leave a direction flat).

        The step, :math:`-\hat H^{-1} \nabla` with :math:`\hat H` the Hessian estimated
        on those rows, is returned for one score column (None for K columns, whose
        :math:`L` is not the Hessian).
        """
        n_samples = len(y)
        if stride > 1:  # (X itself otherwise: its remembered scores serve)
            X, y = X[::stride], y[::stride]
            sample_weight = None if sample_weight is None else sample_weight[::stride]
        share = len(y) / n_samples  # the rows' share of the Hessian
        gram = self._curvature_gram(theta, X, y, sample_weight)
        n_features = len(gram) - self.fit_intercept
        penalty = np.zeros(len(gram))  # the bias is not penalized
        penalty[:n_features] = self.penalty_diagonal(n_features)
        G = gradient.reshape(len(gram), -1)  # (D [+1], K): the layout of theta
        mean = G.mean(axis=1, keepdims=True) if G.shape[1] > 1 else np.zeros((len(G), 1))
        curved = penalty > 0  # the direction of 1 is curved by the penalty alone
        excess = 0.5 * float(np.sum(mean[curved] ** 2 / penalty[curved, None])) * G.shape[1]
        solve = _inverse(share * gram + np.diag(penalty), flat_allowed=share == 1)
        if solve is None:  # these rows leave a direction flat
            return np.inf, None
        direction = solve(G - mean)
        excess += 0.5 * float(np.sum((G - mean) * direction))
        if G.shape[1] > 1:
            return excess, None
        if share < 1:  # the Hessian estimated on these rows
            direction = _inverse(gram + np.diag(penalty), flat_allowed=True)(G)
        return excess, -direction[:, 0]

    def krylov_model(
        self, theta: Array, gradient: Array, X: Array, y: Array,
        sample_weight: Array | None = None,
    ) -> Iterator[tuple[float, Array, Callable[[float], float], float]]:
        r"""The local quadratic model by conjugate gradients: per step two estimates of its excess, a step, its line.

        Needs a penalty that curves every weight, by at least :math:`\mu > 0` (the
        smallest entry of :meth:`penalty_diagonal`), and the bias's gradient in
        the range of :math:`B` (below); else it yields nothing. A step
        costs two products with ``X`` (a Hessian-vector product), not a Gram matrix;
        for one score column on long rows one compiled pass
        (``linear_objective_pass`` of the squared loss with weights :math:`c_i/2`
        and target the bias's share: each row fetched from memory once).

        :math:`H` is the Hessian of the mean objective with the loss's curvature
        :math:`A_i` in the scores of row :math:`i` (the ``curvature_floor`` for one
        score column, :math:`\operatorname{diag}(p_i) - p_i p_i^T` for softmax), times
        :math:`v_i / N` (:math:`v_i` the sample weights). The bias is eliminated
        exactly: with :math:`B = \sum_i A_i`, :math:`C = \sum_i x_i \otimes A_i` and the
        loss's part :math:`H_{WW} = \sum_i x_i x_i^T \otimes A_i`,
        :math:`\nabla^T H^{+} \nabla = \nabla_b^T B^{+} \nabla_b +
        \tilde g^T R^{-1} \tilde g` with :math:`\tilde g = \nabla_W - C B^{+} \nabla_b` and the
        Schur complement :math:`R = H_{WW} - C B^{+} C^T + \operatorname{diag}(\pi) \succeq
        \mu I` (:math:`\pi` the penalty's curvatures). After :math:`k` steps of
        conjugate gradients on :math:`R x = \tilde g`, with residual :math:`r_k`,

        .. math:: \tilde g^T R^{-1} \tilde g = \tilde g^T x_k + x_k^T r_k + r_k^T R^{-1} r_k
                  \le \tilde g^T x_k + x_k^T r_k + \|r_k\|^2 / \mu,

        and, sharper, :math:`r_k^T R^{-1} r_k \le \tilde\gamma_k \|r_k\|^2` with the
        Gauss-Radau recurrence of Meurant and Tichy (CGQ, node :math:`\mu`):
        :math:`\tilde\gamma_0 = 1/\mu`, :math:`\tilde\gamma_{k+1} = (\tilde\gamma_k - \gamma_k) /
        (\mu(\tilde\gamma_k - \gamma_k) + \|r_{k+1}\|^2 / \|r_k\|^2)`, :math:`\gamma_k` the
        step length of conjugate gradients; it falls as the error does, where
        :math:`\|r_k\|^2/\mu` stalls on a weak penalty. So each estimate is at
        least the model's excess :math:`\frac12 \nabla^T H^{+} \nabla` and reaches it as :math:`r_k \to 0`; :math:`\tilde g^T x_k` grows to
        :math:`\tilde g^T R^{-1} \tilde g` from below, so each step also yields a lower
        estimate, and their difference bounds what the model leaves after the step
        (:math:`\frac12 r_k^T R^{-1} r_k`). The step is :math:`\Delta_W = -x_k`,
        :math:`\Delta_b = -B^{+}(\nabla_b + C^T \Delta_W)`: an approximate Newton step,
        Newton's own as :math:`r_k \to 0`. Its line is :meth:`along` it, from the
        scores the iterations already computed. The first yield is step 0
        (:math:`x_0 = 0`: the bound :math:`\frac12 \nabla_b^T B^{+} \nabla_b +
        \frac12 \|\tilde g\|^2/\mu` and the bias's step alone), after the setup's
        products with ``X`` (the bias's share; the scores too unless :meth:`scores`
        remembers them) and before any step's.
        """
        mu = self.penalty_curvature(largest=False)
        if mu <= 0:
            return
        columns, n_weights = (self.n_outputs or 1), X.shape[1] * (self.n_outputs or 1)
        start = self.scores(theta, X)
        curve, total = self._curvature_rows(y, start, sample_weight)
        penalty = self.penalty_diagonal(X.shape[1])[:, None]
        g = gradient[:n_weights].reshape(-1, columns)
        bias_part, to_bias = 0.0, None
        # one score column on long rows: R V in one compiled pass (the squared loss, weights c/2)
        halves = curve(np.full((len(y), 1), 0.5))[:, 0] if self._one_pass_loss(X) else None
        if self.fit_intercept:  # B^+ and the bias's share of the model
            g_b = gradient[n_weights:]
            solve = _inverse(total, flat_allowed=True)  # B = total

            def to_bias(v: Array) -> Array:  # B^+ v
                return solve(v[:, None])[:, 0]

            shift = to_bias(g_b)
            missed = total @ shift - g_b  # B B^+ g_b - g_b
            if np.linalg.norm(missed) > 1e-6 * np.linalg.norm(g_b):
                return  # a bias gradient no curvature answers (Huber, every residual beyond delta)
            if halves is None:
                shifted = curve(np.broadcast_to(shift, (len(y), columns)))  # rows A_i B^+ g_b
                g, bias_part = g - times_transposed(X, shifted), float(g_b @ shift)
            else:  # X^T c, kept: the bias's share of each product is (X^T c)^T v
                curved = times_transposed(X, 2.0 * halves[:, None])
                g, bias_part = g - curved * shift, float(g_b @ shift)

        def product(V: Array) -> tuple[Array, Array]:  # R V, and X V
            if halves is None:
                XV = times(X, V)
                centred = XV - to_bias(curve(XV).sum(axis=0)) if to_bias else XV
                return times_transposed(X, curve(centred)) + penalty * V, XV
            # sum_i c_i (x_i^T v - bias) x_i, bias = B^+ c^T X v: a residual of the squared loss
            bias = float(to_bias(curved.T @ V[:, 0])[0]) if to_bias else 0.0
            RV, XV = np.zeros(len(V)), np.empty(len(y))
            linear_objective_pass(X, np.full(len(y), bias), halves, V[:, 0], SQUARED, False,
                                  RV, XV)
            return RV[:, None] + penalty * V, XV[:, None]

        x, residual, scores = np.zeros_like(g), g.copy(), np.zeros((len(y), columns))
        direction, squared = residual.copy(), float(np.sum(residual**2))
        radau = 1.0 / mu  # r^T R^{-1} r <= radau |r|^2 (Gauss-Radau, see the docstring)
        while True:  # step 0 (x = 0: the bound |g~|^2 / mu, the bias's step): no more products
            lower = 0.5 * (bias_part + float(np.sum(g * x)))
            excess = lower + 0.5 * (float(np.sum(x * residual)) + radau * squared)
            step, change = -x.ravel(), -scores
            if to_bias:
                bias_step = -to_bias(g_b - curve(scores).sum(axis=0))
                step, change = np.append(step, bias_step), change + bias_step
            change = change if self.n_outputs else change[:, 0]
            yield excess, step, self.along(theta, step, start, change, y, sample_weight), lower
            if squared <= 0:  # solved exactly
                return
            RV, XV = product(direction)
            along = float(np.sum(direction * RV))
            if along <= 0:  # rounding: R is positive definite
                return
            length = squared / along
            x += length * direction
            residual -= length * RV
            scores += length * XV  # X x, for the bias step
            previous, squared = squared, float(np.sum(residual**2))
            gap, ratio = radau - length, squared / previous
            # increasing in the previous bound: rounding that breaks it falls back to 1/mu
            radau = min(gap / (mu * gap + ratio), 1.0 / mu) if gap > 0 and ratio > 0 else 1.0 / mu
            direction = residual + (squared / previous) * direction

    def along(
        self, theta: Array, step: Array, scores: Array, change: Array, y: Array,
        sample_weight: Array | None = None,
    ) -> Callable[[float], float]:
        """``t ->`` the objective at ``theta + t * step``, whose scores are ``scores + t * change``.

        :math:`O(N)` per point: no product with ``X``.
        """
        def value(t: float) -> float:
            losses = self.loss.value(y, scores + t * change)
            if sample_weight is not None:
                losses = losses * sample_weight
            return float(losses.sum()) / len(losses) + self.penalty_share(theta + t * step)

        return value

    def _curvature_rows(
        self, y: Array, scores: Array, sample_weight: Array | None
    ) -> tuple[Callable[[Array], Array], Array]:
        r"""``M -> rows A_i m_i v_i / N`` (the loss's curvature in the scores of each row), and :math:`\sum_i A_i v_i / N`."""
        weight = (np.ones(len(y)) if sample_weight is None else sample_weight) / len(y)
        if self.n_outputs is None:
            curvature = (self.loss.curvature_floor(y, scores) * weight)[:, None]
            return (lambda M: curvature * M), curvature.sum(axis=0, keepdims=True)
        return self.loss.hessian_operator(y, scores, weight)

    def _curvature_gram(
        self, theta: Array, X: Array, y: Array, sample_weight: Array | None
    ) -> Array:
        r""":math:`\frac1N A^T \operatorname{diag}(v_i c_i) A`.

        :math:`v_i` the sample weights, :math:`c_i` the loss's ``curvature_floor``.
        """
        curvature = self.loss.curvature_floor(y, self.scores(theta, X))
        if sample_weight is not None:
            curvature = curvature * sample_weight
        return weighted_gram(X, self.fit_intercept, curvature)

    def penalty_diagonal(self, n_features: int) -> Array:
        r"""The curvature the smooth penalty share adds to each weight in solver coordinates.

        The penalty is on :math:`w = u / s`, so coordinate :math:`j` gets
        :math:`\alpha/S \cdot \Omega'' / s_j^2`; zeros without a smooth penalty.
        Shape ``(n_features,)`` (the same for every score column).
        """
        if not (self.penalty_scale and self.penalty.smooth):
            return np.zeros(n_features)
        scale = np.ones(n_features) if self.scale is None else self.scale
        return self.penalty_scale * self.penalty.smoothness / scale**2

    def penalty_curvature(self, largest: bool = True) -> float:
        """Largest (or smallest) entry of :meth:`penalty_diagonal`; 0 without a smooth penalty."""
        diagonal = self.penalty_diagonal(1 if self.scale is None else len(self.scale))
        return float(diagonal.max() if largest else diagonal.min())

    @property
    def needs_prox(self) -> bool:
        return self.penalty_scale > 0 and not self.penalty.smooth


def _inverse(matrix: Array, flat_allowed: bool) -> Callable[[Array], Array] | None:
    """``B -> matrix^+ B`` for a symmetric positive semidefinite matrix (Cholesky when it is well posed).

    Where the eigendecomposition is used (Cholesky pivots below 1e-12 of the
    largest send it there), directions flatter than 1e-12 of the largest
    curvature are left out (collinear features without a penalty: the gradient
    has no part there), or, with ``flat_allowed=False``, make it return None.
    """
    if matrix.shape == (1, 1):  # one number (the bias of one score column): no factorization
        value = float(matrix[0, 0])
        if value > 0:
            return lambda B: B / value
        return (lambda B: np.zeros_like(B)) if flat_allowed else None
    try:
        factor = scipy.linalg.cho_factor(matrix, lower=True)
        diagonal = np.diag(factor[0]) ** 2
        if diagonal.min() > 1e-12 * diagonal.max():
            return lambda B: scipy.linalg.cho_solve(factor, B)
    except np.linalg.LinAlgError:
        pass
    eigenvalues, vectors = np.linalg.eigh(matrix)
    kept = eigenvalues > 1e-12 * eigenvalues[-1]
    if not flat_allowed and not np.all(kept):
        return None
    vectors, eigenvalues = vectors[:, kept], eigenvalues[kept]
    return lambda B: vectors @ ((vectors.T @ B) / eigenvalues[:, None])

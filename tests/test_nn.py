"""Tests of course_lib.nn: layers, losses, optimizers, networks and the MLP estimators."""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from scipy.special import log_softmax as scipy_log_softmax
from sklearn import neural_network as sk
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer,
    SGDOptimizer,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from course_lib.gradcheck import (
    check_backward,
    check_loss_backward,
    numerical_gradient,
)
from course_lib.nn import (
    SGD,
    Adam,
    CrossEntropyLoss,
    Linear,
    MLPClassifier,
    MLPRegressor,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    log_softmax,
)
from course_lib.optim import DivergenceError

GRAD_TOL = 1e-6  # the bound on the relative error in float64


@pytest.fixture(autouse=True)
def one_blas_thread():
    """The matrices here are small: extra BLAS threads only spin-wait (4x slower on 2 cores)."""
    with threadpool_limits(1):
        yield


def batch(n=6, d=4, seed=0, scale=1.0):
    return scale * np.random.default_rng(seed).normal(size=(n, d))


# -- layers ---------------------------------------------------------------------
@pytest.mark.parametrize("init", ["glorot", "he"])
def test_linear_gradients_for_input_and_parameters(init):
    layer = Linear(4, 3, init=init, random_state=0)
    layer.params["b"] = np.array([0.5, -1.0, 2.0])  # a nonzero bias is checked too
    errors = check_backward(layer, batch())
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < GRAD_TOL


@pytest.mark.parametrize("activation", [Sigmoid, Tanh, ReLU])
def test_activation_gradients(activation):
    X = batch(scale=2.0)
    assert np.min(np.abs(X)) > 1e-3  # ReLU's kink is not within eps of a point
    errors = check_backward(activation(), X)
    assert errors["input"] < GRAD_TOL


def test_linear_computes_xw_plus_b_with_w_of_shape_d_by_k():
    layer = Linear(2, 3, random_state=0)
    layer.params["W"] = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    layer.params["b"] = np.array([0.5, 0.0, 1.0])
    np.testing.assert_allclose(layer.forward([[1.0, 2.0]]), [[1.5, 2.0, 1.0]])


def test_linear_backward_formulas():
    layer = Linear(3, 2, random_state=1)
    X, G = batch(5, 3), batch(5, 2, seed=1)
    layer.forward(X)
    grad_X = layer.backward(G)
    np.testing.assert_allclose(layer.grads["W"], X.T @ G)
    np.testing.assert_allclose(layer.grads["b"], G.sum(axis=0))
    np.testing.assert_allclose(grad_X, G @ layer.params["W"].T)
    assert layer.backward(G, input_grad=False) is None
    np.testing.assert_allclose(layer.grads["W"], X.T @ G)


@pytest.mark.parametrize("init, bound", [("glorot", np.sqrt(6 / 300)), ("he", np.sqrt(6 / 200))])
def test_initialization_is_seeded_and_within_its_bound(init, bound):
    W = Linear(200, 100, init=init, random_state=0).params["W"]
    assert W.shape == (200, 100)
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.99 * bound  # uniform on [-bound, bound], not narrower
    assert abs(W.std() - bound / np.sqrt(3)) < 0.01 * bound
    np.testing.assert_array_equal(W, Linear(200, 100, init=init, random_state=0).params["W"])
    assert not np.array_equal(W, Linear(200, 100, init=init, random_state=1).params["W"])
    np.testing.assert_array_equal(Linear(200, 100, random_state=0).params["b"], 0.0)


def test_sigmoid_is_stable_for_large_arguments():
    z = np.array([[-1e4, -700.0, -30.0, 0.0, 30.0, 1e4]])
    sigmoid = Sigmoid()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid.forward(z)
        grad = sigmoid.backward(np.ones_like(z))
    np.testing.assert_array_equal(grad[0, [0, -1]], 0.0)  # saturated: no NaN
    assert grad[0, 3] == 0.25  # sigma'(0) = 1/4
    expected = [0.0, np.exp(-700.0) / (1 + np.exp(-700.0)), 1 / (1 + np.exp(30.0)), 0.5,
                1 / (1 + np.exp(-30.0)), 1.0]
    np.testing.assert_allclose(s[0], expected, rtol=1e-12, atol=0)


def test_activation_values():
    z = np.array([[-2.0, 0.0, 1.5]])
    np.testing.assert_allclose(Tanh().forward(z), np.tanh(z))
    np.testing.assert_array_equal(ReLU().forward(z), [[0.0, 0.0, 1.5]])
    relu = ReLU()
    relu.forward(z)
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])


def test_layers_do_not_write_into_the_callers_arrays():
    X, G = batch(), batch(6, 3, seed=1)
    X_before, G_before = X.copy(), G.copy()
    for layer, grad in ((Linear(4, 3, random_state=0), G), (ReLU(), batch(seed=2)),
                        (Sigmoid(), batch(seed=2)), (Tanh(), batch(seed=2))):
        grad_before = grad.copy()
        layer.forward(X)
        layer.backward(grad)
        np.testing.assert_array_equal(grad, grad_before)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(G, G_before)


def test_layer_errors_name_the_problem():
    layer = Linear(4, 3, random_state=0)
    with pytest.raises(ValueError, match=r"Linear\(4, 3\) expects input of shape \(n_samples, 4\)"):
        layer.forward(np.ones((2, 5)))
    X = batch()
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        layer.forward(X)
    with pytest.raises(RuntimeError, match="forward before backward"):
        Linear(4, 3).backward(np.ones((2, 3)))
    layer.forward(batch())
    with pytest.raises(ValueError, match=r"grad_out must have the shape .*\(6, 3\)"):
        layer.backward(np.ones((6, 4)))
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        Linear(0, 3)
    with pytest.raises(ValueError, match="init must be"):
        Linear(2, 3, init="xavier")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_linear_finds_a_non_finite_input_through_its_output_even_where_its_weight_is_zero(bad):
    # forward checks Z = XW + b, not X: every output of a row depends on every input
    # of the row (inf * 0 is NaN), so no NaN or infinity of X passes unnoticed
    layer = Linear(4, 3, random_state=0)
    layer.params["W"][2] = 0.0
    for row, column in [(0, 0), (1, 2), (2, 3)]:
        X = batch()
        X[row, column] = bad
        with pytest.raises(ValueError, match=r"input of Linear\(4, 3\) contains NaN or infinity"):
            layer.forward(X)
        with pytest.raises(RuntimeError, match="forward before backward"):
            layer.backward(np.ones((len(X), 3)))  # no cache of the refused input


def test_linear_names_an_output_that_overflowed_from_finite_input():
    layer = Linear(4, 3, random_state=0)
    layer.params["W"] = np.full((4, 3), 1e308)  # 4 inputs near 10: sums of 4e309
    with np.errstate(over="ignore"), pytest.raises(  # training raises on the overflow itself
            ValueError, match=r"output of Linear\(4, 3\) overflowed.*learning rate"):
        layer.forward(batch() + 10.0)


# -- losses ---------------------------------------------------------------------
def test_mse_loss_value_and_gradient():
    out, y = batch(5, 3), batch(5, 3, seed=1)
    loss = MSELoss()
    assert loss.forward(out, y) == pytest.approx(np.mean((out - y) ** 2), rel=1e-14)
    np.testing.assert_allclose(loss.backward(), 2 * (out - y) / 15, rtol=1e-14)
    assert check_loss_backward(loss, out, y) < GRAD_TOL
    column = batch(5, 1)
    assert check_loss_backward(loss, column, y[:, 0]) < GRAD_TOL  # (N,) target for one output
    assert loss.forward(column, y[:, 0]) == pytest.approx(np.mean((column[:, 0] - y[:, 0]) ** 2))


def test_cross_entropy_value_and_gradient():
    logits, labels = batch(6, 4, scale=3.0), np.array([0, 3, 1, 1, 2, 0])
    loss = CrossEntropyLoss()
    expected = -np.mean(scipy_log_softmax(logits, axis=1)[np.arange(6), labels])
    assert loss.forward(logits, labels) == pytest.approx(expected, rel=1e-13)
    assert check_loss_backward(loss, logits, labels) < GRAD_TOL
    np.testing.assert_allclose(log_softmax(logits), scipy_log_softmax(logits, axis=1), atol=1e-14)


@pytest.mark.parametrize("loss, target", [(MSELoss(), batch(6, 2, seed=3)),
                                          (CrossEntropyLoss(), np.array([0, 1, 1, 0, 1, 0]))])
def test_sample_weights_are_a_weighted_mean(loss, target):
    out, weights = batch(6, 2, seed=2), np.array([1.0, 2.0, 0.0, 1.0, 3.0, 1.0])
    value = loss.forward(out, target, sample_weight=weights)
    repeat = np.repeat(np.arange(6), weights.astype(int))  # weight 2 = the row twice
    assert value == pytest.approx(loss.forward(out[repeat], target[repeat]), rel=1e-13)
    loss.forward(out, target, sample_weight=weights)
    grad = loss.backward()
    np.testing.assert_array_equal(grad[2], 0.0)  # zero weight, zero gradient
    numeric = numerical_gradient(lambda o: loss.forward(o, target, sample_weight=weights), out)
    np.testing.assert_allclose(grad, numeric, atol=1e-9)


def test_cross_entropy_is_finite_at_huge_logits_without_warnings():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, 0.0]])
    labels = np.array([0, 0, 2])
    loss = CrossEntropyLoss()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss.forward(logits, labels)
        grad = loss.backward()
    # row 0: log p = 0; row 1: -(2e4 + log 2); row 2: log 3
    assert value == pytest.approx((0.0 + 2e4 + np.log(2) + np.log(3)) / 3, rel=1e-14)
    expected = np.array([[0.0, 0.0, 0.0], [-1.0, 0.5, 0.5], [1 / 3, 1 / 3, -2 / 3]]) / 3
    np.testing.assert_allclose(grad, expected, atol=1e-15)


def test_losses_do_not_write_into_the_callers_arrays():
    out, y, labels = batch(4, 3), batch(4, 3, seed=1), np.array([0, 2, 1, 2])
    copies = [a.copy() for a in (out, y, labels)]
    for loss, target in ((MSELoss(), y), (CrossEntropyLoss(), labels)):
        loss.forward(out, target)
        loss.backward()
    for a, before in zip((out, y, labels), copies):
        np.testing.assert_array_equal(a, before)


def test_loss_errors_name_the_problem():
    ce, mse = CrossEntropyLoss(), MSELoss()
    with pytest.raises(ValueError, match=r"class indices of shape \(2,\).*argmax"):
        ce.forward(np.zeros((2, 3)), np.eye(3)[:2])
    with pytest.raises(ValueError, match=r"must lie in 0..2"):
        ce.forward(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="integer class indices"):
        ce.forward(np.zeros((2, 3)), [0.5, 1.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        ce.forward(np.array([[0.0, np.nan]]), [0])
    with pytest.raises(ValueError, match=r"target must have the output's shape \(2, 3\)"):
        mse.forward(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"output must be of shape \(n_samples, n_outputs\)"):
        mse.forward(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="sample_weight must be of shape"):
        mse.forward(np.zeros((2, 1)), np.zeros(2), sample_weight=[1.0])
    with pytest.raises(RuntimeError, match="forward before backward"):
        CrossEntropyLoss().backward()


# -- networks -------------------------------------------------------------------
def test_network_gradients_for_every_parameter():
    net = Sequential(Linear(4, 5, random_state=0), Tanh(), Linear(5, 3, random_state=1),
                     Sigmoid(), Linear(3, 2, random_state=2), ReLU(), Linear(2, 2, random_state=3))
    for i in (0, 2, 4, 6):
        net.layers[i].params["b"] = np.random.default_rng(i).normal(size=net.layers[i].out_features)
    errors = check_backward(net, batch())
    assert set(errors) == {"input", "0.W", "0.b", "2.W", "2.b", "4.W", "4.b", "6.W", "6.b"}
    assert max(errors.values()) < GRAD_TOL


def test_network_with_loss_gradients():
    # the whole chain: d CrossEntropy(net(X)) / d W checked for every layer
    X, labels = batch(), np.array([0, 1, 2, 2, 1, 0])
    net = Sequential(Linear(4, 6, random_state=0), ReLU(), Linear(6, 3, random_state=1))
    loss = CrossEntropyLoss()
    loss.forward(net.forward(X), labels)
    assert net.backward(loss.backward(), input_grad=False) is None
    for layer in (net[0], net[2]):
        def cost(W, layer=layer):
            saved, layer.params["W"] = layer.params["W"], W
            value = loss.forward(net.forward(X), labels)
            layer.params["W"] = saved
            return value
        numeric = numerical_gradient(cost, layer.params["W"])
        np.testing.assert_allclose(layer.grads["W"], numeric, rtol=1e-6, atol=1e-9)


def test_seed_one_neuron_network_matches_hand_chain_rule():
    """Chapter 5: x -> w1 x + b1 -> sigma -> w2 a + b2 -> sigma -> C = (a - y)^2."""
    x, y = 0.8, 1.0
    w1, b1, w2, b2 = 1.3, -0.4, 0.9, 0.2
    net = Sequential(Linear(1, 1), Sigmoid(), Linear(1, 1), Sigmoid())
    net[0].params.update(W=np.array([[w1]]), b=np.array([b1]))
    net[2].params.update(W=np.array([[w2]]), b=np.array([b2]))
    loss = MSELoss()
    cost = loss.forward(net.forward([[x]]), [y])
    net.backward(loss.backward())

    def sigma(z):
        return 1 / (1 + np.exp(-z))

    def sigma_prime(z):
        return sigma(z) * (1 - sigma(z))  # the erratum of 5.1.4

    z1 = w1 * x + b1                           # z^(L-1)
    a1 = sigma(z1)                             # a^(L-1)
    zL = w2 * a1 + b2                          # z^(L)
    aL = sigma(zL)                             # a^(L)
    dC_daL = 2 * (aL - y)
    dC_dw2 = a1 * sigma_prime(zL) * dC_daL     # 5.1.4, figure 5.5
    dC_db2 = 1 * sigma_prime(zL) * dC_daL      # figure 5.7
    dC_da1 = w2 * sigma_prime(zL) * dC_daL     # figure 5.10
    dC_dw1 = x * sigma_prime(z1) * dC_da1      # 5.1.5, figure 5.13
    dC_db1 = 1 * sigma_prime(z1) * dC_da1
    assert cost == pytest.approx((aL - y) ** 2, rel=1e-14)
    for got, want in ((net[2].grads["W"], dC_dw2), (net[2].grads["b"], dC_db2),
                      (net[0].grads["W"], dC_dw1), (net[0].grads["b"], dC_db1)):
        assert got.size == 1 and got.item() == pytest.approx(want, rel=1e-12)
    assert abs(dC_dw1) > 1e-3  # a nonzero gradient actually reached the first layer


def test_sequential_checks_widths_and_layers():
    with pytest.raises(ValueError, match=r"layer 2 Linear\(4, 2\) expects 4 features, "
                                         r"but layer 0 Linear\(3, 5\) gives 5"):
        Sequential(Linear(3, 5), ReLU(), Linear(4, 2))
    with pytest.raises(TypeError, match="is not a layer"):
        Sequential(Linear(3, 5), np.tanh)
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential()
    net = Sequential(Linear(3, 2), ReLU())
    with pytest.raises(ValueError, match=r"expects input of shape \(n_samples, 3\), got \(4, 2\)"):
        net.forward(np.ones((4, 2)))
    assert len(net) == 2 and isinstance(net[1], ReLU) and "Linear(3, 2)" in repr(net)


# -- optimizers -----------------------------------------------------------------
def _two_layer_net():
    return Sequential(Linear(3, 4, random_state=0), Tanh(), Linear(4, 2, random_state=1))


def _random_grads(net, rng):
    for layer in net.layers:
        layer.grads = {key: rng.normal(size=p.shape) for key, p in layer.params.items()}


@pytest.mark.parametrize("make, reference", [
    (lambda net: SGD(net, 0.1),
     lambda params: SGDOptimizer(params, 0.1, momentum=0.0, nesterov=False)),
    (lambda net: SGD(net, 0.1, momentum=0.9),
     lambda params: SGDOptimizer(params, 0.1, momentum=0.9, nesterov=False)),
    (lambda net: SGD(net, 0.05, momentum=0.8, nesterov=True),
     lambda params: SGDOptimizer(params, 0.05, momentum=0.8, nesterov=True)),
    (lambda net: Adam(net, 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-6),
     lambda params: AdamOptimizer(params, 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-6)),
], ids=["sgd", "momentum", "nesterov", "adam"])
def test_optimizers_match_scikit_learn_updates(make, reference):
    net, rng = _two_layer_net(), np.random.default_rng(0)
    params = [layer.params[key].copy() for layer in net.layers for key in layer.params]
    optimizer, oracle = make(net), reference(params)
    for _ in range(5):
        _random_grads(net, rng)
        optimizer.step()
        oracle.update_params(params, [layer.grads[key] for layer in net.layers
                                      for key in layer.params])
    ours = [layer.params[key] for layer in net.layers for key in layer.params]
    for got, want in zip(ours, params):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_adams_compiled_pass_is_numpys_formula_to_the_last_bit():
    # one loop (numba) instead of eleven numpy passes: the same operations in the same order
    from course_lib.nn.optim import _adam_delta

    rng, beta_1, beta_2, epsilon = np.random.default_rng(0), 0.8, 0.99, 1e-6
    m, v = np.zeros(500), np.zeros(500)
    m_np, v_np = m.copy(), v.copy()
    for t in range(1, 50):
        grad = rng.normal(size=500) * 10.0 ** rng.uniform(-9, 4, size=500)
        rate = 0.01 * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m_np = beta_1 * m_np + (1 - beta_1) * grad
        v_np = beta_2 * v_np + grad * grad * (1 - beta_2)
        expected = m_np / (np.sqrt(v_np) + epsilon) * -rate
        step = _adam_delta(grad.copy(), m, v, rate, beta_1, beta_2, epsilon)
        np.testing.assert_array_equal(step, expected)
        np.testing.assert_array_equal(m, m_np)
        np.testing.assert_array_equal(v, v_np)


def test_optimizer_is_the_only_writer_and_never_into_shared_arrays():
    layer = Linear(2, 2, random_state=0)
    W = np.ones((2, 2))
    layer.params["W"] = W
    net = Sequential(layer)
    net.forward(np.ones((3, 2)))
    net.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(layer.params["W"], 1.0)  # backward changed nothing
    Adam(net, 0.1).step()
    np.testing.assert_array_equal(W, 1.0)  # the caller's array is untouched
    np.testing.assert_allclose(layer.params["W"], 0.9)  # Adam's first step: eta * sign(g)


def test_optimizer_arguments_are_checked():
    net = _two_layer_net()
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        SGD(net, 0.0)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        SGD(net, 0.1, momentum=1.0)
    with pytest.raises(ValueError, match="beta_2 must be positive and below 1"):
        Adam(net, beta_2=1.0)


def test_training_loop_fits_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0])
    net = Sequential(Linear(2, 8, init="he", random_state=0), ReLU(), Linear(8, 2, random_state=1))
    loss, optimizer = CrossEntropyLoss(), Adam(net, 0.05)
    for _ in range(300):
        value = loss.forward(net.forward(X), labels)
        net.backward(loss.backward(), input_grad=False)
        optimizer.step()
    assert value < 0.05
    np.testing.assert_array_equal(net.forward(X).argmax(axis=1), labels)


# -- estimators -----------------------------------------------------------------
def expected_failures(estimator):
    if estimator.early_stopping:
        return {"check_sample_weight_equivalence_on_dense_data":
                "early stopping holds out a random validation split: repeating a row "
                "instead of weighting it changes which rows are held out"}
    return {}


@parametrize_with_checks(
    [MLPClassifier(), MLPRegressor(),
     MLPClassifier((20,), activation="logistic", solver="sgd", learning_rate_init=0.01),
     MLPClassifier(activation="tanh", early_stopping=True, validation_fraction=0.2)],
    expected_failed_checks=expected_failures,
)
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)  # tiny data, few epochs
        check(estimator)


def test_digits_accuracy_with_defaults():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    scaler = StandardScaler().fit(X_train)
    clf = MLPClassifier(random_state=0).fit(scaler.transform(X_train), y_train)
    assert clf.score(scaler.transform(X_test), y_test) >= 0.95
    assert clf.n_iter_ == len(clf.loss_curve_) < clf.max_iter  # stopped by the tol rule
    assert clf.loss_curve_[-1] < 0.1 * clf.loss_curve_[0]
    assert clf.coefs_[0].shape == (64, 100) and clf.coefs_[1].shape == (100, 10)
    np.testing.assert_array_equal(clf.classes_, np.arange(10))


def _copy_weights(source, target):
    target.coefs_ = [W.copy() for W in source.coefs_]
    target.intercepts_ = [b.copy() for b in source.intercepts_]


@pytest.mark.parametrize("Ours, Theirs, make, same_step", [
    (MLPRegressor, sk.MLPRegressor,
     lambda: make_regression(60, 4, noise=1.0, random_state=0), True),
    # scikit-learn reports the mean over k outputs but steps along the gradient of
    # their sum (k times larger); we step along the gradient of what is reported
    (MLPRegressor, sk.MLPRegressor,
     lambda: make_regression(60, 4, n_targets=2, noise=1.0, random_state=0), False),
    (MLPClassifier, sk.MLPClassifier,
     lambda: make_classification(60, 4, n_informative=3, n_redundant=0, n_classes=3,
                                 random_state=0), True),
    # two classes: one logit, sigma(z), as scikit-learn's logistic output unit
    (MLPClassifier, sk.MLPClassifier,
     lambda: make_classification(60, 4, n_informative=3, n_redundant=0, random_state=1), True),
], ids=["regressor", "regressor-2-outputs", "classifier", "binary-classifier"])
def test_objective_and_step_mean_the_same_as_in_scikit_learn(Ours, Theirs, make, same_step):
    """From the same weights, one full-batch GD epoch: same loss (alpha, 1/2) and same step."""
    X, y = make()
    X = StandardScaler().fit_transform(X)
    if Ours is MLPRegressor:
        y = y / y.std()
    params = dict(hidden_layer_sizes=(5, 3), activation="tanh", solver="sgd", momentum=0.0,
                  batch_size=len(X), shuffle=False, alpha=3.0, learning_rate_init=0.1,
                  max_iter=1, random_state=0, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        ours, theirs = Ours(**params).fit(X, y), Theirs(**params).fit(X, y)
        _copy_weights(ours, theirs)
        ours.fit(X, y)
        theirs.fit(X, y)
    assert ours.loss_curve_[-1] == pytest.approx(theirs.loss_curve_[-1], rel=1e-12)
    assert len(ours.loss_curve_) == 2 and ours.n_iter_ == 1  # warm start continues the curve
    if not same_step:
        return
    for got, want in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)
    if Ours is MLPClassifier:  # same weights, same probabilities (softmax output)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-10)


def test_stopping_rule_counts_epochs_like_scikit_learn():
    X, y = make_classification(200, 5, random_state=0)
    params = dict(hidden_layer_sizes=(8,), tol=10.0, n_iter_no_change=3, random_state=0)
    ours = MLPClassifier(**params).fit(X, y)
    assert ours.n_iter_ == sk.MLPClassifier(**params).fit(X, y).n_iter_ == 5
    assert ours.best_loss_ == min(ours.loss_curve_)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        MLPClassifier(max_iter=2, random_state=0).fit(X, y)


def test_any_labels_and_probabilities():
    X, y = make_classification(150, 4, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=0)
    names = np.array(["кошка", "dog", "-1"])[y]
    clf = MLPClassifier((16,), learning_rate_init=0.01, max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        clf.fit(X, names)
        binary = MLPClassifier((8,), random_state=0).fit(X, np.where(y == 1, 5, -3))
    np.testing.assert_array_equal(clf.classes_, ["-1", "dog", "кошка"])
    assert set(clf.predict(X)) <= set(names)
    assert np.mean(clf.predict(X) == names) > 0.9
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), atol=1e-12)
    assert binary.predict_proba(X).shape == (150, 2)
    np.testing.assert_array_equal(binary.classes_, [-3, 5])


def test_estimators_are_seeded_and_leave_the_data_alone():
    X, y = make_classification(100, 4, random_state=0)
    X_before, y_before = X.copy(), y.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        fits = [MLPClassifier((6,), max_iter=5, random_state=seed).fit(X, y) for seed in (0, 0, 1)]
    np.testing.assert_array_equal(fits[0].coefs_[0], fits[1].coefs_[0])
    assert fits[0].loss_curve_ == fits[1].loss_curve_
    assert not np.array_equal(fits[0].coefs_[0], fits[2].coefs_[0])
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_regressor_multioutput_and_early_stopping():
    X, Y = make_regression(300, 5, n_targets=2, noise=0.1, random_state=0)
    Y = Y / Y.std(axis=0)
    reg = MLPRegressor((32,), learning_rate_init=0.01, early_stopping=True, random_state=0)
    reg.fit(X, Y)
    assert reg.predict(X).shape == (300, 2)
    assert reg.score(X, Y) > 0.95
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_)


def test_no_hidden_layer_is_softmax_regression():
    X, y = make_classification(200, 4, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(), learning_rate_init=0.05, alpha=0.0,
                        max_iter=500, tol=1e-6, random_state=0).fit(X, y)
    assert [type(layer) for layer in clf.network_] == [Linear] and clf.n_layers_ == 2
    ref = sk.MLPClassifier(hidden_layer_sizes=(), learning_rate_init=0.05, alpha=0.0,
                           max_iter=500, tol=1e-6, random_state=0).fit(X, y)
    assert clf.loss_ == pytest.approx(ref.loss_, abs=5e-3)  # the same convex problem
    assert np.mean(clf.predict(X) == ref.predict(X)) > 0.97


def test_floors_nn_and_linear_never_import_each_other():
    import ast
    from pathlib import Path

    import course_lib

    root = Path(course_lib.__file__).parent

    def imported(path):
        names = []
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names.append("." * node.level + (node.module or ""))
            elif isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
        return names

    nn = [name for path in (root / "nn").glob("*.py") for name in imported(path)]
    assert nn and not [name for name in nn if "linear" in name or "exercises" in name]
    linear = [name for path in (root / "linear").glob("*.py") for name in imported(path)]
    assert linear and not [name for name in linear if "nn" in name.split(".")]
    for module in ("gradcheck.py", "_differences.py"):  # the bottom floor: gradcheck and
        names = imported(root / module)                  # its finite-difference helpers
        assert not [name for name in names if "course_lib" in name
                    or (name.startswith(".") and name != "._differences")]


@pytest.mark.parametrize("Model", [MLPClassifier, MLPRegressor])
def test_partial_fit_epochs_equal_fit_epochs(Model):
    X, y = make_classification(120, 4, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=0)
    params = {"hidden_layer_sizes": (7,), "batch_size": 32, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        fitted = Model(max_iter=3, **params).fit(X, y)
    streamed = Model(**params)
    for _ in range(3):
        extra = {"classes": [0, 1, 2]} if Model is MLPClassifier else {}
        streamed.partial_fit(X, y, **extra)
    assert streamed.n_iter_ == 3 and streamed.t_ == 360
    np.testing.assert_allclose(streamed.loss_curve_, fitted.loss_curve_, rtol=1e-12)
    for got, want in zip(streamed.coefs_ + streamed.intercepts_,
                         fitted.coefs_ + fitted.intercepts_):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    fitted.partial_fit(X, y)  # continues the fit: one more epoch
    assert len(fitted.loss_curve_) == 4


def test_partial_fit_errors():
    X, y = make_classification(40, 3, n_informative=2, n_redundant=0, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X, y)
    clf = MLPClassifier().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"y has labels .*2.* not in classes"):
        clf.partial_fit(X, np.where(y == 1, 2, 0))
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as info:
        MLPRegressor(early_stopping=True).partial_fit(X, y)
    assert "not available with early_stopping=True" in str(info.value.__cause__)


def test_divergence_raises_instead_of_returning_nan():
    X, y = make_regression(200, 5, random_state=0)
    model = MLPRegressor(solver="sgd", learning_rate_init=100.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning on the way
        with pytest.raises(DivergenceError, match="diverged at epoch .* lower learning_rate_init"):
            model.fit(X, y)
    assert not hasattr(model, "n_iter_")


def test_estimator_errors_name_the_problem():
    X, y = make_classification(40, 3, n_informative=2, n_redundant=0, random_state=0)
    with pytest.raises(ValueError, match="at least 2 classes, got 1 class"):
        MLPClassifier().fit(X, np.zeros(40))
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(X, np.linspace(0, 1, 40))
    with pytest.raises(ValueError, match="hidden_layer_sizes must be positive integers"):
        MLPClassifier(hidden_layer_sizes=(4, 0)).fit(X, y)
    with pytest.raises(ValueError, match="'activation' parameter .* must be a str among"):
        MLPClassifier(activation="softplus").fit(X, y)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor().fit(X_nan, y)
    reg = MLPRegressor((4,), max_iter=3, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        reg.fit(X, y)
        with pytest.raises(ValueError, match="warm_start=True needs the data of the previous"):
            reg.fit(X[:, :2], y)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
def test_every_layer_starts_in_glorots_range(activation):
    # As scikit-learn: He's range (sqrt(6 / d_in), for ReLU) trained 1.5-2.5 points
    # worse in 20 epochs of adam on tabular data.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 20)), rng.integers(0, 3, 50)
    model = MLPClassifier((100, 30), activation=activation, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(learning_rate_init=1e-12).fit(X, y)  # the weights barely move
    for W in model.coefs_:
        bound = np.sqrt(6 / sum(W.shape))
        assert np.abs(W).max() <= bound * (1 + 1e-6)
        assert np.abs(W).max() >= 0.9 * bound  # the whole range, not a narrower one


def test_cross_entropy_of_one_column_is_that_of_logits_0_z():
    # one output column is computed by LogisticLoss: the same loss and gradient as (0, z)
    rng = np.random.default_rng(3)
    z = np.concatenate([rng.normal(size=40) * 5, [-800.0, -40.0, 0.0, 40.0, 800.0]])[:, None]
    labels = rng.integers(0, 2, size=len(z))
    for weights in (None, rng.uniform(0.0, 3.0, size=len(z))):
        one, two = CrossEntropyLoss(), CrossEntropyLoss()
        value = one.forward(z, labels, weights)
        expected = two.forward(np.hstack([np.zeros_like(z), z]), labels, weights)
        assert value == pytest.approx(expected, rel=1e-14)
        # sigma(z) - y, without the cancellation of p - 1 in the two-column softmax
        share = np.full(len(z), 1 / len(z)) if weights is None else weights / weights.sum()
        exact = np.where(labels == 1, -expit(-z[:, 0]), expit(z[:, 0])) * share
        np.testing.assert_allclose(one.backward()[:, 0], exact, rtol=1e-14, atol=1e-300)
        np.testing.assert_allclose(two.backward()[:, 1], exact, rtol=1e-6, atol=1e-18)

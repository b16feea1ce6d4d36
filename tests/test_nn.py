"""Tests of course_lib.nn: layers, losses, optimizers, networks and the MLP estimators."""

import warnings

import numpy as np
import pytest

from course_lib.gradcheck import check_backward
from course_lib.nn import Linear, ReLU, Sigmoid, Tanh

GRAD_TOL = 1e-6  # the bound on the relative error in float64


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
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = Sigmoid().forward(z)
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

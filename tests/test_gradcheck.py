"""Tests of course_lib.gradcheck: finite differences against closed-form gradients."""

import numpy as np
import pytest

from course_lib.gradcheck import (
    check_backward,
    check_loss_backward,
    numerical_gradient,
    relative_error,
)


def test_numerical_gradient_of_a_quadratic_form_matches_the_formula():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    x_before = x.copy()
    numeric = numerical_gradient(lambda v: float(v @ A @ v), x)
    np.testing.assert_allclose(numeric, (A + A.T) @ x, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)  # the caller's array is untouched


def test_numerical_gradient_keeps_the_shape_of_a_matrix_argument():
    X = np.arange(6.0).reshape(2, 3)
    numeric = numerical_gradient(lambda M: float(np.sum(np.sin(M))), X)
    assert numeric.shape == (2, 3)
    np.testing.assert_allclose(numeric, np.cos(X), atol=1e-9)


def test_central_differences_are_second_order_accurate():
    # f = x^3 at 1: error of the central difference is eps^2 exactly.
    for eps in (1e-2, 1e-3):
        numeric = numerical_gradient(lambda v: float(v[0] ** 3), np.array([1.0]), eps=eps)
        assert numeric[0] - 3.0 == pytest.approx(eps ** 2, rel=1e-4)


def test_relative_error_is_scaled_by_the_largest_entry():
    assert relative_error([2.0, 0.0], [2.0, 0.0]) == 0.0
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([10.0, 0.0], [10.0, 1e-3]) == pytest.approx(1e-4)
    assert relative_error([1e-20, 0.0], [2e-20, 0.0]) == pytest.approx(0.5)  # scale-free
    with pytest.raises(ValueError, match="shapes"):
        relative_error([1.0], [1.0, 2.0])


class _Scale:
    """Layer y = c * x * w with parameter w; `bug` scales the parameter gradient."""

    def __init__(self, bug=1.0):
        self.params = {"w": np.array([1.5, -0.5])}
        self.grads = {}
        self.bug = bug

    def forward(self, X):
        self.X = np.asarray(X, dtype=float)
        return 3.0 * self.X * self.params["w"]

    def backward(self, grad_out):
        self.grads["w"] = self.bug * 3.0 * np.sum(grad_out * self.X, axis=0)
        return 3.0 * grad_out * self.params["w"]


def test_check_backward_accepts_a_correct_layer_and_restores_parameters():
    layer = _Scale()
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    X_before, w_before = X.copy(), layer.params["w"].copy()
    errors = check_backward(layer, X)
    assert set(errors) == {"input", "w"}
    assert max(errors.values()) < 1e-8
    np.testing.assert_array_equal(layer.params["w"], w_before)
    np.testing.assert_array_equal(X, X_before)


def test_check_backward_catches_a_wrong_parameter_gradient():
    errors = check_backward(_Scale(bug=2.0), [[1.0, 2.0], [-1.0, 0.5]])
    assert errors["input"] < 1e-8
    assert errors["w"] == pytest.approx(0.5, rel=1e-6)  # |2g - g| / |2g|


def test_check_backward_names_the_parameters_of_a_network():
    class Net:
        def __init__(self):
            self.layers = [_Scale(), _Scale(bug=1.1)]

        def forward(self, X):
            return self.layers[1].forward(self.layers[0].forward(X))

        def backward(self, grad):
            return self.layers[0].backward(self.layers[1].backward(grad))

    errors = check_backward(Net(), [[1.0, 2.0]])
    assert set(errors) == {"input", "0.w", "1.w"}
    assert errors["input"] < 1e-8 and errors["0.w"] < 1e-8
    assert errors["1.w"] == pytest.approx(0.1 / 1.1, rel=1e-6)


class _HalfSquares:
    def __init__(self, factor=1.0):
        self.factor = factor

    def forward(self, output, target):
        self.diff = np.asarray(output) - np.asarray(target)
        return float(np.sum(self.diff ** 2) / 2)

    def backward(self):
        return self.factor * self.diff


def test_check_loss_backward_accepts_right_and_catches_wrong_factor():
    output, target = np.array([[0.3, -1.0], [2.0, 0.1]]), np.zeros((2, 2))
    assert check_loss_backward(_HalfSquares(), output, target) < 1e-8
    assert check_loss_backward(_HalfSquares(factor=2.0), output, target) == pytest.approx(0.5)

"""Exercises of section 5.1: typical mistakes, and the references against independent oracles
(finite differences of course_lib.gradcheck, course_lib.nn's backward pass, scipy's expit)."""

import numpy as np
import pytest
from scipy.special import expit

from course_lib.exercises import EXERCISES, solution
from course_lib.gradcheck import numerical_gradient
from course_lib.nn import Linear, MSELoss, Sequential, Sigmoid


def _sigmoid_derivative(z):
    s = expit(z)
    return s * (1 - s)


def _gradients(X, Y, W1, b1, W2, b2, *, sigma_prime=True, mean=True, bias_sum=True):
    A = expit(X @ W1 + b1)
    delta2 = 2.0 * (A @ W2 + b2 - Y) / (Y.size if mean else 1.0)
    delta1 = delta2 @ W2.T * (A * (1 - A) if sigma_prime else 1.0)
    if not bias_sum:
        return X.T @ delta1, delta1[0], A.T @ delta2, delta2[0]
    return X.T @ delta1, delta1.sum(axis=0), A.T @ delta2, delta2.sum(axis=0)


MISTAKES = {
    "5.1.4-softplus-backward": {
        "без grad_out": lambda z, grad_out: expit(z),
        "значение softplus вместо производной": lambda z, grad_out: grad_out * np.logaddexp(0, z),
        "производная сигмоиды": lambda z, grad_out: grad_out * _sigmoid_derivative(z),
        "наивная экспонента: nan при z = 1000": lambda z, grad_out: grad_out * np.exp(z) / (1 + np.exp(z)),
    },
    "5.1.5-two-layer-gradients": {
        "забыли σ' в скрытом слое": lambda *a: _gradients(*a, sigma_prime=False),
        "сумма вместо среднего": lambda *a: _gradients(*a, mean=False),
        "сдвиг — первая строка вместо суммы": lambda *a: _gradients(*a, bias_sum=False),
        "градиенты W в обратном порядке": lambda *a: _gradients(*a)[2::-2] + _gradients(*a)[3::-2],
    },
}


def test_softplus_backward_equals_finite_differences():
    for case in EXERCISES["5.1.4-softplus-backward"].cases():
        z, grad_out = case.args["z"], case.args["grad_out"]
        if np.abs(z).max() > 100:  # there f' is 0 or 1 to machine precision: compare with expit
            np.testing.assert_allclose(solution("5.1.4-softplus-backward")(z, grad_out),
                                       grad_out * expit(z), rtol=1e-12, atol=0)
            continue
        numeric = numerical_gradient(lambda v, g=grad_out: float(np.sum(g * np.logaddexp(0, v))), z)
        np.testing.assert_allclose(solution("5.1.4-softplus-backward")(z, grad_out), numeric,
                                   rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("index", range(4))
def test_two_layer_gradients_equal_course_lib_nn_and_finite_differences(index):
    X, Y, W1, b1, W2, b2 = EXERCISES["5.1.5-two-layer-gradients"].cases()[index].args.values()
    net = Sequential(Linear(*W1.shape), Sigmoid(), Linear(*W2.shape))
    for layer, W, b in [(net[0], W1, b1), (net[2], W2, b2)]:
        layer.params["W"], layer.params["b"] = W.copy(), b.copy()
    loss = MSELoss()
    loss.forward(net.forward(X), Y)
    net.backward(loss.backward())
    ours = solution("5.1.5-two-layer-gradients")(X, Y, W1, b1, W2, b2)
    library = [net[0].grads["W"], net[0].grads["b"], net[2].grads["W"], net[2].grads["b"]]
    for mine, theirs in zip(ours, library):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)

    def cost(W1_):
        return float(np.mean((expit(X @ W1_ + b1) @ W2 + b2 - Y) ** 2))

    np.testing.assert_allclose(ours[0], numerical_gradient(cost, W1), rtol=1e-6, atol=1e-9)

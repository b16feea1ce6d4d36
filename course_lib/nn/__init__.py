"""Fully connected neural networks from layers, losses and optimizers.

See the book: section 4.1 (layers, networks) and section 5.1 (backpropagation).

The pieces follow one protocol (``forward`` caches, ``backward`` fills
``grads`` and returns the gradient with respect to the input; only
optimizers change weights), and the scikit-learn estimators are built from them:

>>> import numpy as np
>>> from course_lib.nn import Adam, CrossEntropyLoss, Linear, ReLU, Sequential
>>> net = Sequential(Linear(2, 8, init="he", random_state=0), ReLU(), Linear(8, 2, random_state=1))
>>> loss, optimizer = CrossEntropyLoss(), Adam(net, learning_rate=0.05)
>>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
>>> for _ in range(300):  # XOR
...     value = loss.forward(net.forward(X), y)
...     _ = net.backward(loss.backward())
...     optimizer.step()
>>> net.forward(X).argmax(axis=1)
array([0, 1, 1, 0])
"""

from .estimators import MLPClassifier, MLPRegressor
from .layers import Layer, Linear, ReLU, Sigmoid, Tanh
from .losses import CrossEntropyLoss, MSELoss, log_softmax
from .network import Sequential
from .optim import SGD, Adam, Optimizer

__all__ = [
    "Layer", "Linear", "Sigmoid", "Tanh", "ReLU", "Sequential",
    "MSELoss", "CrossEntropyLoss", "log_softmax",
    "Optimizer", "SGD", "Adam",
    "MLPClassifier", "MLPRegressor",
]

"""Fully connected neural networks from layers, losses and optimizers.

See the book: section 4.1 (layers, networks) and section 5.1 (backpropagation).

>>> from course_lib.nn import Linear, ReLU, Sequential, CrossEntropyLoss, Adam
"""

from .layers import Layer, Linear, ReLU, Sigmoid, Tanh
from .losses import CrossEntropyLoss, MSELoss, log_softmax
from .network import Sequential
from .optim import SGD, Adam, Optimizer

__all__ = [
    "SGD",
    "Adam",
    "CrossEntropyLoss",
    "Layer",
    "Linear",
    "MSELoss",
    "Optimizer",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "log_softmax",
]

"""Fully connected neural networks from layers, losses and optimizers.

See the book: section 4.1 (layers, networks) and section 5.1 (backpropagation).

>>> from course_lib.nn import Linear, ReLU
"""

from .layers import Layer, Linear, ReLU, Sigmoid, Tanh

__all__ = ["Layer", "Linear", "Sigmoid", "Tanh", "ReLU"]

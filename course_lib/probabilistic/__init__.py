r"""Probabilistic models: noise models, label models and maximum-likelihood regression.

See the book: section 3.1.

A model :math:`y = f_\omega(x) + \varepsilon` is completed by the distribution
of its error :math:`\varepsilon` (the noise). The likelihood of a sample is
then :math:`L(\omega) = \prod_{i=1}^N p(y_i - f_\omega(x_i))`, and maximizing
it is minimizing :math:`-\log L`, a sum of the pointwise losses of chapter 2:
Gaussian noise gives the squared loss, Laplace noise the absolute loss,
Student's t a robust loss (:class:`course_lib.losses.StudentTLoss`), Bernoulli
labels the logistic loss and categorical labels the softmax cross-entropy.

>>> from course_lib.probabilistic import GaussianNoise, LaplaceNoise, StudentTNoise
>>> from course_lib.probabilistic import Bernoulli, Categorical, NOISE_MODELS
>>> from course_lib.probabilistic import MLERegression

The directed graphical model of section 3.1.3 lives in the submodule
:mod:`course_lib.probabilistic.graphical` (not imported here).
"""

from ..losses.student_t import t_log_normalizer
from ._checks import SCALE_FLOOR, UnboundedLikelihoodWarning
from ._labels import Bernoulli, Categorical
from ._noise import (
    NOISE_MODELS,
    ContinuousNoise,
    GaussianNoise,
    LaplaceNoise,
    StudentTNoise,
)
from ._regression import MLERegression

__all__ = [
    "NOISE_MODELS",
    "SCALE_FLOOR",
    "Bernoulli",
    "Categorical",
    "ContinuousNoise",
    "GaussianNoise",
    "LaplaceNoise",
    "MLERegression",
    "StudentTNoise",
    "UnboundedLikelihoodWarning",
    "t_log_normalizer",
]

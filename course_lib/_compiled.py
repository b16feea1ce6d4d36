"""numba's ``njit``, or, without numba, a stand-in that leaves the function plain Python.

The package's few compiled loops (:mod:`course_lib.linear._perceptron`,
:mod:`course_lib.linear._sgd_epoch`: the SGD epoch and the objective's one-pass
sum; Adam's step in :mod:`course_lib.nn.optim`,
the networks' L2 penalty in ``course_lib.nn._mlp_base``)
are written in plain Python over arrays; numba (a dependency) compiles them to
machine code, and without it they still run, only much slower (Adam: a Python
loop over every parameter at every step).
"""

from __future__ import annotations

try:
    from numba import njit

    #: Whether the loops are compiled: where numpy has its own spelling (the
    #: objective's sum), a plain Python loop over every entry of ``X`` is not used.
    COMPILED = True
except ImportError:  # pragma: no cover - numba is a dependency
    COMPILED = False

    def njit(*args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda function: function)

__all__ = ["COMPILED", "njit"]

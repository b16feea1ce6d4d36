"""One rule for ``random_state`` across the package (scikit-learn's, plus numpy Generators).

Every estimator and tool with randomness accepts an int, ``None``, a
:class:`numpy.random.Generator` or a legacy :class:`numpy.random.RandomState`,
and turns it into a Generator here, so that the same seed means the same draws
everywhere.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

RandomStateLike = "int | numpy.random.Generator | numpy.random.RandomState | None"

#: The ``_parameter_constraints`` entry for ``random_state``.
RANDOM_STATE_CONSTRAINT = [None, Interval(Integral, 0, 2**32 - 1, closed="both"),
                           np.random.Generator, np.random.RandomState]


def as_generator(random_state: object) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from any accepted ``random_state``.

    A Generator passes through (its stream continues); a RandomState seeds a new
    Generator from its stream (so a seeded RandomState gives reproducible draws);
    an int or ``None`` goes to :func:`numpy.random.default_rng`.

    Examples
    --------
    >>> bool(as_generator(0).integers(10) == as_generator(0).integers(10))
    True
    >>> isinstance(as_generator(np.random.RandomState(0)), np.random.Generator)
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    if random_state is None or (isinstance(random_state, Integral)
                                and not isinstance(random_state, bool)):
        return np.random.default_rng(None if random_state is None else int(random_state))
    raise TypeError(
        "random_state must be an int, None, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {type(random_state).__name__}"
    )

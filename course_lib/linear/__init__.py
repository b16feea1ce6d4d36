"""Linear models: one core (score z = Xw + b, loss + alpha * penalty), several solvers.

See the book: section 2.1.

>>> from course_lib.linear import LinearRegression, Ridge, Lasso
"""

from .regression import Lasso, LinearRegression, Ridge

__all__ = ["LinearRegression", "Ridge", "Lasso"]

"""course_lib: the tested code behind the course book.

Each module follows one part of the book; every public function says in its
docstring which section explains it. Import submodules explicitly, e.g.
``from course_lib.metrics import mae``.
"""

__version__ = "0.1.0"

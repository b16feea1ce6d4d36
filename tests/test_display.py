"""course_lib.display.show_source: one copy of the code, shown in notebooks."""

import ast
import inspect
import re
import textwrap

import pytest

from course_lib import metrics
from course_lib.display import SourceCode, show_source, strip_docstrings


def test_plain_text_is_the_exact_source_when_the_docstring_is_kept():
    shown = show_source(metrics.mae, docstring=True)
    assert repr(shown) == inspect.getsource(metrics.mae).rstrip()
    assert shown.name == "course_lib.metrics.mae"


def test_markdown_is_a_fenced_python_block():
    markdown = show_source(metrics.mse)._repr_markdown_()
    assert markdown.startswith("```python\ndef mse(")
    assert markdown.endswith("\n```")


def test_docstring_is_dropped_by_default():
    code = repr(show_source(metrics.r2))
    assert '"""' not in code and "Coefficient of determination" not in code
    assert code.splitlines()[0].startswith("def r2(")
    assert "return float(np.mean(1.0 - residual / total))" in code
    assert repr(show_source(metrics.r2, docstring=False)) == code


def test_docstrings_of_methods_go_too():
    from course_lib.nn import Linear

    code = repr(show_source(Linear))
    assert code.startswith("class Linear(") and "def backward(" in code
    assert "Parameters\n" not in code and '"""' not in code
    assert "Parameters\n" in repr(show_source(Linear, docstring=True))


def _without_docstrings(tree: ast.AST) -> str:
    """The oracle: drop docstring nodes (and `__doc__ = ...`) from the syntax tree, unparse."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not isinstance(
                node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if body and ast.get_docstring(node, clean=False) is not None:
            body = body[1:]
        body = [s for s in body if not (isinstance(s, ast.Assign)
                                        and ast.unparse(s.targets[0]) == "__doc__")]
        node.body = body or [ast.Expr(ast.Constant(Ellipsis))]
    return ast.unparse(tree)


def _public_objects():
    import importlib
    import pkgutil

    import course_lib

    seen = {}
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        module = importlib.import_module(info.name)
        seen[info.name] = module
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            try:  # re-exported from a private module under a public __module__: no source
                inspect.getsource(obj)
            except (OSError, TypeError):
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return sorted(seen.items())


@pytest.mark.parametrize("name, obj", _public_objects(), ids=lambda x: x if isinstance(x, str) else "")
def test_stripping_keeps_exactly_the_code(name, obj):
    """Same syntax tree as the original with its docstring nodes removed, no numpydoc left."""
    stripped = repr(show_source(obj))
    full = textwrap.dedent(inspect.getsource(obj))
    assert ast.unparse(ast.parse(stripped)) == _without_docstrings(ast.parse(full)), name
    if not inspect.ismodule(obj):  # a module may hold docstring fragments as constants
        assert not re.search(r"^\s*(Parameters|Returns|Examples)\n\s*-{3,}", stripped, re.M), name


def test_edge_cases_of_stripping():
    assert strip_docstrings('class E(Exception):\n    """Only a docstring."""') == (
        "class E(Exception):\n    ...")
    assert strip_docstrings('class A:\n    __doc__ = (\n        "doc" + X\n    )\n\n    a = 1') == (
        "class A:\n    a = 1")
    one_line = 'def f(): "kept: it shares the line"'
    assert strip_docstrings(one_line) == one_line
    assert strip_docstrings('def f():\n    x = "not a docstring"\n    return x') == (
        'def f():\n    x = "not a docstring"\n    return x')


def test_class_source_and_methods():
    code = repr(show_source(SourceCode, docstring=True))
    assert code.startswith("class SourceCode:")
    assert repr(show_source(SourceCode._repr_markdown_)).startswith("def _repr_markdown_")


def test_backticks_in_code_lengthen_the_fence():
    markdown = SourceCode('s = "```"', "x")._repr_markdown_()
    assert markdown.startswith("````python\n") and markdown.endswith("\n````")


@pytest.mark.parametrize("obj", [len, 3, "text"])
def test_objects_without_source_are_rejected(obj):
    with pytest.raises(TypeError, match="cannot show the source"):
        show_source(obj)


def test_table_renders_markdown_and_nbval_sees_the_same_text():
    from course_lib.display import show_table

    table = show_table(["что", "сколько"], [["a|b", 1.5], ["c", 2]])
    text = table._repr_markdown_()
    assert repr(table) == text
    assert text.splitlines() == ["| что | сколько |", "| --- | --- |", "| a\\|b | 1.5 |", "| c | 2 |"]


def test_table_refuses_ragged_rows():
    import pytest

    from course_lib.display import show_table

    with pytest.raises(ValueError, match="every row needs 2 cells"):
        show_table(["a", "b"], [["x"]])


def test_print_wrapped_fits_every_line_and_keeps_the_words(capsys):
    from course_lib.display import print_wrapped

    words = [f"слово{i}" for i in range(40)]
    print_wrapped(*words, width=50)
    out = capsys.readouterr().out
    assert all(len(line) <= 50 for line in out.splitlines())
    assert out.split() == words  # the same words in the same order, nothing cut
    assert all(line.startswith("    ") for line in out.splitlines()[1:])


def test_print_wrapped_leaves_short_lines_alone(capsys):
    from course_lib.display import print_wrapped

    print_wrapped("a  b", "c", sep="|")
    assert capsys.readouterr().out == "a  b|c\n"
    with pytest.raises(ValueError, match="width must exceed"):
        print_wrapped("x", width=4)

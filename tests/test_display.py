"""course_lib.display.show_source: one copy of the code, shown in notebooks."""

import inspect

import pytest

from course_lib import metrics
from course_lib.display import SourceCode, show_source


def test_plain_text_is_the_exact_source():
    shown = show_source(metrics.mae)
    assert repr(shown) == inspect.getsource(metrics.mae).rstrip()
    assert shown.name == "course_lib.metrics.mae"


def test_markdown_is_a_fenced_python_block():
    markdown = show_source(metrics.mse)._repr_markdown_()
    assert markdown.startswith("```python\ndef mse(")
    assert markdown.endswith("\n```")


def test_docstring_can_be_dropped():
    code = repr(show_source(metrics.r2, docstring=False))
    assert '"""' not in code and "Coefficient of determination" not in code
    assert code.splitlines()[0].startswith("def r2(")
    assert "return float(np.mean(1.0 - residual / total))" in code


def test_class_source_and_methods():
    code = repr(show_source(SourceCode))
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

"""Every notebook is committed executed, top to bottom, without errors.

nbval passes a notebook whose cells were never run (there is nothing to
compare), so this test is what makes nbval's verdict mean something.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def code_cells(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_executed_top_to_bottom(path):
    cells = code_cells(path)
    counts = [cell["execution_count"] for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"execution counts {counts} are not 1..{len(cells)}: run `make notebooks`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_cell_has_output_and_no_error(path):
    for number, cell in enumerate(code_cells(path), start=1):
        assert cell["outputs"], f"code cell {number} has no output"
        errors = [out for out in cell["outputs"] if out["output_type"] == "error"]
        assert not errors, f"code cell {number} raised {errors[0]['ename']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_code_cell_sets_up_inline_figures(path):
    first = "".join(code_cells(path)[0]["source"])
    assert "%matplotlib inline" in first


# "раздел 2.1.4" (any case form), not preceded by "[" or "`" and not about the seed's own
# numbering ("раздел 2.1.4 конспекта"): a plain-text reference a reader cannot click.
PLAIN_SECTION_REFERENCE = re.compile(
    r"(?<![\[`])\bраздел[а-я]*\s+\d+(?:\.\d+)+(?![\d.])(?!\]| конспекта)"
)
PAGES = NOTEBOOKS + sorted((ROOT / "book").rglob("*.md"))


def markdown_texts(path):
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_section_references_are_links(path):
    plain = [m.group(0) for text in markdown_texts(path)
             for m in PLAIN_SECTION_REFERENCE.finditer(text)]
    assert not plain, f"write these as links, e.g. [раздел 2.1.4](sec-2-1-4): {plain}"

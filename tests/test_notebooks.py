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


# `from course_lib.linear._base import X`, `import course_lib._stopping`, `course_lib.x._y.z`:
# the book teaches only what the API reference documents.
PRIVATE_IMPORT = re.compile(r"\bcourse_lib(?:\.\w+)*\._\w+")


def code_texts(path):
    return ["".join(cell["source"]) for cell in code_cells(path)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_use_public_api_only(path):
    private = [m.group(0) for text in code_texts(path) for m in PRIVATE_IMPORT.finditer(text)]
    assert not private, f"private modules of course_lib in the book: {private}"


GLOSSARY = ROOT / "book" / "appendix" / "glossary.md"
BOLD = re.compile(r"(?<![*\w])\*\*([^*\n]+?)\*\*(?![*\w])")


def glossary_terms():
    """Every term line (and alias) of the glossary's ``{glossary}`` blocks, lowercased."""
    terms, inside = set(), False
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.startswith("```{glossary}")
        elif inside and line.strip() and not line[0].isspace():
            terms.add(line.strip().lower())
    return terms


def same_word(a, b):
    """Equal up to a Russian case ending: a common prefix all but the last 3 letters long."""
    common = len(next((p for p in (a[:k] for k in range(len(a), 0, -1)) if b.startswith(p)), ""))
    return a == b or common >= max(3, min(len(a), len(b)) - 3)


def is_glossary_term(text, terms):
    words = re.findall(r"[\w-]+", text.lower())
    return any(
        len(words) == len(term_words) and all(map(same_word, words, term_words))
        for term_words in (re.findall(r"[\w-]+", term) for term in terms)
    )


def test_same_word_matches_case_forms_only():
    assert is_glossary_term("нормальных уравнений", {"нормальные уравнения"})
    assert is_glossary_term("мягкого порога", {"мягкий порог"})
    assert not is_glossary_term("нормальные числа", {"нормальные уравнения"})
    assert not is_glossary_term("порог", {"мягкий порог"})


@pytest.mark.parametrize("path", [p for p in PAGES if p != GLOSSARY],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_bold_terms_are_in_the_glossary(path):
    """Bold marks a term being defined (emphasis is italic), and every such term is explained.

    Two kinds of bold need no entry: a ``{term}`` link (Sphinx checks its target) and a
    run-in heading that ends like a sentence ("**Исправление конспекта.** ...").
    """
    terms = glossary_terms()
    bold = [m.group(1) for text in markdown_texts(path) for m in BOLD.finditer(text)]
    missing = [b for b in bold if "{term}" not in b and not b.rstrip().endswith((".", ":", "?"))
               and not is_glossary_term(b, terms)]
    assert not missing, f"bold, but not in the glossary (add it there, or use *italic*): {missing}"


def headings(path):
    return [line for text in markdown_texts(path) for line in text.splitlines()
            if line.startswith("## ")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_notebook_ends_with_summary_then_exercises(path):
    """«Итоги» then «Упражнения» close every section (a chapter's last page may add «Что
    почитать» after them); 3-5 exercises, numbered run-in headings."""
    ending = [h for h in headings(path) if h != "## Что почитать"][-2:]
    assert ending == ["## Итоги", "## Упражнения"], headings(path)[-3:]
    assert headings(path)[-1] in ("## Упражнения", "## Что почитать")
    texts = markdown_texts(path)
    start = next(i for i, text in enumerate(texts) if text.startswith("## Упражнения"))
    numbers = re.findall(r"^\*\*(\d+)\. ", "\n".join(texts[start:]), flags=re.M)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and 3 <= len(numbers) <= 5, numbers


def test_every_registered_exercise_is_in_the_book_once():
    from course_lib.exercises import EXERCISES

    checked = [m.group(1) for path in NOTEBOOKS for text in code_texts(path)
               for m in re.finditer(r'check\("([^"]+)"', text)]
    assert sorted(checked) == sorted(EXERCISES), "each exercise is checked exactly once in the book"

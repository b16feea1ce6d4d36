"""One symbol, one meaning: no symbol is defined in two rows of book/appendix/notation.md.

Every table row of the notation page defines the symbols written in its first
cell, as ``$...$`` formulas; a row may list several related symbols
("$W$, $b$; $w^{(l)}$, $b^{(l)}$"). The test extracts the *defined symbol* of
every formula and fails when two rows define the same one.

What counts as "the same symbol":

- the left-hand side of a formula is the symbol it defines: ``$M_i = y_i(...)$``
  defines ``M_i``; a formula without "=" is its own symbol (``$\\nabla Q$``);
- typography does not matter: spaces and spacing commands (``\\,``, ``\\;``),
  ``\\left``/``\\right``, braces around a single character and
  ``\\operatorname{...}`` are dropped;
- a layer superscript in parentheses does not make a new symbol: ``\\delta^{(l)}``
  and ``\\delta`` are the same letter (that is exactly the clash of a backprop
  error and a Huber threshold);
- an argument list does not make a new symbol: ``L(\\theta)`` and ``L`` are the
  same letter, ``\\sigma(z)`` is ``\\sigma``. Except for probabilities ``p`` and
  ``P``, whose argument names the distribution: ``p(y \\mid X, \\omega)`` and
  ``p = \\sigma(z)`` are different symbols;
- subscripts and accents do make a new symbol: ``\\omega_0`` (bias) is not
  ``\\omega`` (weights), ``\\hat y`` is not ``y``, ``\\sigma_j`` is not ``\\sigma``.
"""

import re
from pathlib import Path

import pytest

NOTATION = Path(__file__).resolve().parents[1] / "book" / "appendix" / "notation.md"


def _strip_arguments(symbol: str) -> str:
    """``f_\\omega(x)`` -> ``f_\\omega``: drop one trailing balanced ``(...)``."""
    if not symbol.endswith(")") or symbol.startswith(("p(", "P(")):
        return symbol
    depth = 0
    for position in range(len(symbol) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(symbol[position], 0)
        if depth == 0:
            head = symbol[:position]
            return head if head else symbol
    return symbol


def normalize(formula: str) -> str:
    """The symbol a ``$...$`` formula defines, in a canonical spelling."""
    lhs = re.split(r"=|\\approx|\\in\b|\\le\b|\\ge\b", formula, maxsplit=1)[0]
    lhs = re.sub(r"\\[,;:!]|\\left|\\right|~|\s+", "", lhs)
    lhs = re.sub(r"\\operatorname\{([^{}]*)\}", r"\1", lhs)
    lhs = re.sub(r"\^\{\([^{}()]*\)\}|\^\([^{}()]*\)", "", lhs)  # ^{(l)}, ^{(L-1)}
    lhs = re.sub(r"\{(\\?[A-Za-z0-9*])\}", r"\1", lhs)  # _{i} -> _i, \hat{y} -> \haty
    return _strip_arguments(lhs)


def rows(text: str) -> list[tuple[int, str, list[str]]]:
    """(line number, first cell, defined symbols) of every table body row."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("|") or re.match(r"^\|\s*-", line):
            continue
        first = line.split("|")[1].strip()
        if first == "Символ":
            continue
        symbols = [normalize(f) for f in re.findall(r"\$([^$]+)\$", first)]
        found.append((number, first, symbols))
    return found


def clashes(text: str) -> dict[str, list[str]]:
    """Symbols defined in more than one row, with the rows that define them."""
    where: dict[str, list[str]] = {}
    for number, first, symbols in rows(text):
        for symbol in set(symbols):
            where.setdefault(symbol, []).append(f"line {number}: {first}")
    return {symbol: lines for symbol, lines in where.items() if len(lines) > 1}


def test_every_row_defines_a_symbol():
    parsed = rows(NOTATION.read_text(encoding="utf-8"))
    assert len(parsed) > 40
    empty = [f"line {number}: {first}" for number, first, symbols in parsed if not symbols]
    assert not empty, "rows without a $symbol$ in the first cell:\n" + "\n".join(empty)


def test_one_symbol_one_meaning():
    found = clashes(NOTATION.read_text(encoding="utf-8"))
    report = "\n".join(f"{symbol}: " + "; ".join(lines) for symbol, lines in found.items())
    assert not found, "symbols with more than one meaning in notation.md:\n" + report


@pytest.mark.parametrize("formula, symbol", [
    (r"\delta^{(l)}", r"\delta"),
    (r"L(\theta) = \sum_{i=1}^N \ell(y_i, f(x_i))", "L"),
    (r"\sigma(z)", r"\sigma"),
    (r"f_\omega(x) = \langle x, \omega\rangle + \omega_0", r"f_\omega"),
    (r"\omega_0", r"\omega_0"),
    (r"\omega_{0k}", r"\omega_{0k}"),
    (r"\hat y_i = f(x_i)", r"\haty_i"),
    (r"p(y \mid X, \omega)", r"p(y\midX,\omega)"),
    (r"p = \sigma(z)", "p"),
    (r"\operatorname{cond}(X) = \sigma_{\max}/\sigma_{\min}", "cond"),
])
def test_normalize(formula, symbol):
    assert normalize(formula) == symbol


def test_the_check_catches_a_letter_with_two_meanings():
    # the book before issue 23: delta was the Huber threshold and the backprop error
    table = (
        "| Символ | Что означает |\n|---|---|\n"
        "| $\\delta$ | порог функции Хьюбера |\n"
        "| $\\delta^{(l)}$, $\\Delta^{(l)}$ | ошибка слоя |\n"
        "| $\\omega$ | веса |\n| $\\omega_0$ | сдвиг |\n"
    )
    assert list(clashes(table)) == [r"\delta"]

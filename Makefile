# Two commands do all set-up on a fresh clone: `make book` and `make test`.
# Both (re)create .venv from requirements.txt when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# One BLAS thread per process: `make test` runs two pytest workers on two cores, and
# OpenBLAS threads on top of them thrash (small matrix products slow down up to 10x).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -not -path '*/_build/*' | sort)

.PHONY: help venv book pdf test unit nbval site notebooks lab bench heldout clean

help:
	@echo "make book       build the site into _build/html"
	@echo "make pdf        the whole book as one PDF: _build/latex/book.pdf (needs xelatex)"
	@echo "make test       every test: unit, notebooks (nbval), book build, site checks"
	@echo "make notebooks  re-execute every notebook in place, top to bottom"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make bench      speed comparisons with scikit-learn (benchmarks/)"
	@echo "make heldout    the same goals on other sizes and real data"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# --all: a full rebuild, so warnings of unchanged pages are not hidden by the cache.
# The home page links the PDF only when _build/latex/book.pdf exists (book/_ext/course_book.py
# then copies it to _build/html/book.pdf); otherwise it says how to build it, and so do we.
book: $(STAMP)
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	@test -f _build/html/book.pdf || echo "make book: no PDF linked; \`make pdf\` builds it," \
	  "then \`make book\` links it from the home page"

# The PDF needs TeX Live with xelatex (.ci/run installs it). Without it, outside CI,
# the PDF is skipped with a note and its tests skip too; in CI a missing xelatex fails.
pdf: $(STAMP)
	@if ! command -v xelatex >/dev/null; then \
	  echo "make pdf: xelatex not found; install: apt-get install texlive-xetex texlive-lang-cyrillic" \
	       "texlive-latex-extra texlive-fonts-recommended fonts-dejavu latexmk xindy"; \
	  test "$$CI" != true; \
	else \
	  mkdir -p _build; \
	  $(BIN)/jupyter-book build . --builder pdflatex >_build/pdf.log 2>&1 \
	    || { tail -40 _build/pdf.log; exit 1; }; \
	  echo "make pdf: _build/latex/book.pdf (\`make book\` links it from the site)"; \
	fi

# The PDF first, so that the site built next links it.
test: $(STAMP)
	$(MAKE) pdf
	$(MAKE) book
	$(BIN)/python -m pytest tests course_lib book --doctest-modules --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg -n 2 --dist loadfile

unit: $(STAMP)
	$(BIN)/python -m pytest tests course_lib --doctest-modules --ignore=tests/website

nbval: $(STAMP)
	$(BIN)/python -m pytest book --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

# Chapter notebooks are timed (benchmarks/notebook_times.json); over 30 s fails.
notebooks: $(STAMP)
	$(BIN)/python benchmarks/run_notebooks.py $(NOTEBOOKS)

lab: $(STAMP)
	$(BIN)/jupyter lab book

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

# The goals of `make bench` on other sizes and real data (about ten minutes).
heldout: $(STAMP)
	$(BIN)/python benchmarks/heldout.py

clean:
	rm -rf _build

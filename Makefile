# Two commands do all set-up on a fresh clone: `make book` and `make test`.
# Both (re)create .venv from requirements.txt when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -not -path '*/_build/*' | sort)

.PHONY: help venv book test unit nbval site notebooks lab bench clean

help:
	@echo "make book       build the site into _build/html"
	@echo "make test       every test: unit, notebooks (nbval), book build, site checks"
	@echo "make notebooks  re-execute every notebook in place, top to bottom"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make bench      speed comparisons with scikit-learn (benchmarks/)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# --all: a full rebuild, so warnings of unchanged pages are not hidden by the cache.
book: $(STAMP)
	$(BIN)/jupyter-book build . --all -W -n --keep-going

test: book
	$(BIN)/python -m pytest tests course_lib book --doctest-modules --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: $(STAMP)
	$(BIN)/python -m pytest tests course_lib --doctest-modules --ignore=tests/website

nbval: $(STAMP)
	$(BIN)/python -m pytest book --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

notebooks: $(STAMP)
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.kernel_name=python3 \
	    --ExecutePreprocessor.record_timing=False $$nb || exit 1; \
	done

lab: $(STAMP)
	$(BIN)/jupyter lab book

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf _build

# The two setup commands are `make serve` and `make test`; both build .venv first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3
LINT_PATHS := src tests bench

# The official cXML DTDs live in the shared folder beside the checkout.
export CXML_DTD_DIR ?= $(abspath $(CURDIR)/../shared/cxml-dtd)

.PHONY: help venv serve test check bench fmt clean distclean

help:
	@echo "make serve   marketplace on http://127.0.0.1:8000, sandbox on http://127.0.0.1:8100"
	@echo "make test    run the whole test suite"
	@echo "make check   formatting, lint, mypy --strict, import contracts"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make fmt     format and auto-fix"
	@echo "make clean   remove caches and build output (keeps .venv and var/)"

venv: $(STAMP)

# Re-installs whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	PYTHON=$(PYTHON) scripts/ensure-python.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@

serve: $(STAMP)
	scripts/serve-all.sh

test: $(STAMP)
	scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

# Runs every benchmark even when one misses its target, then fails if any did.
bench: $(STAMP)
	@status=0; found=0; for f in bench/*.py; do \
		[ -e "$$f" ] || continue; found=1; \
		echo "== $$f"; $(BIN)/python "$$f" || status=1; \
	done; [ $$found = 1 ] || echo "no benchmarks in bench/ yet"; exit $$status

fmt: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

clean:
	rm -rf build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

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

# Re-installs (and rebuilds cxml's C accelerator) whenever the build files change.
$(STAMP): pyproject.toml setup.py src/cxml/reading/_speedups.pyx
	PYTHON=$(PYTHON) scripts/ensure-python.sh
	PYTHON=$(PYTHON) scripts/ensure-compiler.sh
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

# Runs every benchmark (bench/*.py but report.py and the shared _*.py) even when one misses
# its target, keeping what each prints in $(BENCH_OUT), then writes BENCHMARKS.md from it
# (bench/report.py) and fails if one missed.
# BENCH_QUICK=1 runs smaller sizes and writes $(BENCH_OUT)/BENCHMARKS.md instead.
BENCH_OUT ?= build/bench
BENCHES := $(basename $(notdir $(filter-out bench/report.py bench/_%,$(wildcard bench/*.py))))
QUICK_cxml_codec := --seconds 0.5
QUICK_search := --sizes 2000,10000 --rounds 2
QUICK_orders := --orders 60 --warmup 10
QUICK_billing := --sizes 1000,10000 --deliver 300
QUICK_load := --duration 10 --flows 50 --warmup 2
BENCH_REPORT := $(if $(BENCH_QUICK),$(BENCH_OUT)/BENCHMARKS.md --quick,BENCHMARKS.md)

bench: $(STAMP)
	@mkdir -p $(BENCH_OUT) && rm -f $(BENCH_OUT)/*.txt $(BENCH_OUT)/*.status
	@status=0; $(foreach b,$(BENCHES),\
		echo "== bench/$(b).py"; \
		PYTHONUNBUFFERED=1 $(BIN)/python bench/$(b).py $(if $(BENCH_QUICK),$(QUICK_$(b))) | tee $(BENCH_OUT)/$(b).txt; \
		code=$${PIPESTATUS[0]}; echo $$code > $(BENCH_OUT)/$(b).status; \
		[ $$code = 0 ] || status=1;) \
	$(BIN)/python bench/report.py $(BENCH_OUT) --output $(BENCH_REPORT); exit $$status

fmt: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

clean:
	rm -rf build dist src/*.egg-info src/cxml/reading/_speedups.c .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) src/cxml/reading/_speedups.*.so

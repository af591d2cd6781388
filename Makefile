# pgraph's tasks. Each creates its own virtual environment (.venv) first.
# The demo installs only the package; tests, lint and benchmarks add the extras.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(VENV)/.package: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.extras: $(VENV)/.package
	$(BIN)/pip install --quiet -e '.[test,dev,pandas]'
	touch $@

## demo: build the bundled catalogue, validate it, query it, export a network
demo: $(VENV)/.package
	$(BIN)/pgraph demo

## test: the whole test suite (server and browser tests skip with a hint when their program is missing)
test: $(VENV)/.extras
	$(BIN)/pytest

lint: $(VENV)/.extras
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

bench: $(VENV)/.extras
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pgraph out

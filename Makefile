# pgraph's tasks. Each creates its own virtual environment (.venv) first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/pgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev,pandas]'
	touch $@

## demo: build the bundled catalogue, validate it, query it, export a network
demo: $(BIN)/pgraph
	$(BIN)/pgraph demo

## test: the whole test suite (server and browser tests skip with a hint when their program is missing)
test: $(BIN)/pgraph
	$(BIN)/pytest

lint: $(BIN)/pgraph
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

bench: $(BIN)/pgraph
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pgraph out

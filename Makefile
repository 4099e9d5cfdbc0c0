# framing: two commands on a fresh machine (Python >= 3.10, pip, make).
#   make demo   set up .venv and score the bundled seed corpus
#   make test   set up .venv with dev extras, run ruff, pytest and the notebooks

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test test-min lint bench model evaluate corpus punkt clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/framing score labels/seeds --out runs/demo --quiet
	@echo "outputs: runs/demo (sentences.parquet, aggregates.csv, aggregates.json, report.html, run.json)"

test: $(DEVSTAMP)
	$(BIN)/ruff check .
	FRAMING_FAST=1 $(BIN)/python -m pytest -n 2 -q tests framing notebooks --doctest-modules --nbmake

# The declared dependency floors, tested: a separate environment with the
# oldest versions pyproject.toml allows (see constraints-min.txt).
test-min:
	$(PYTHON) -m venv .venv-min
	.venv-min/bin/python -m pip install --quiet --upgrade pip
	.venv-min/bin/python -m pip install --quiet -c constraints-min.txt -e '.[dev]'
	FRAMING_FAST=1 .venv-min/bin/python -m pytest -n 2 -q tests -p no:cacheprovider

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(DEVSTAMP)
	$(BIN)/python bench/run.py

# Development targets: rebuild derived data and the bundled model.
corpus: $(STAMP)
	$(BIN)/python labels/build_corpus.py

punkt: $(STAMP)
	$(BIN)/python -m framing.text.sentences

evaluate: $(STAMP)
	$(BIN)/framing evaluate --out models/evaluation

model: evaluate
	$(BIN)/python -m framing.training.train --metrics models/evaluation/metrics.json

clean:
	rm -rf $(VENV) .venv-min runs .pytest_cache .ruff_cache

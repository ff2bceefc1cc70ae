# hartdesk: `make run` opens the app on a demo register; `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := .demo/register

.PHONY: run test lint bench clean demo

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

$(DEMO)/keys.json: | $(STAMP)
	$(BIN)/hartdesk demo --register $(DEMO)

demo: $(DEMO)/keys.json

run: $(STAMP) $(DEMO)/keys.json
	$(BIN)/hartdesk gui --register $(DEMO) --demo-hint

lint: $(STAMP)
	$(BIN)/ruff check hartdesk tests benchmarks
	$(BIN)/ruff format --check hartdesk tests benchmarks
	$(BIN)/mypy hartdesk
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build *.egg-info

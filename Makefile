# hartdesk: `make run` opens the app on a demo register; `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := .demo/register

.PHONY: run test lint bench clean demo screenshots dist

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

# The one-folder application in dist/hartdesk/ (PyInstaller, installer/hartdesk.spec); on Linux also a tarball of it.
DIST_STAMP := $(VENV)/.installer-installed
VERSION = $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
TARBALL = dist/hartdesk-$(VERSION)-linux-$(shell uname -m).tar.gz

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[installer]"
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	rm -rf dist/hartdesk dist/hartdesk.app dist/hartdesk-*-linux-*.tar.gz
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller installer/hartdesk.spec
	if [ "$$(uname -s)" = Linux ]; then installer/linux/stage.sh dist/hartdesk && tar -C dist -czf $(TARBALL) hartdesk && ls -l $(TARBALL); fi
	du -sh dist/hartdesk

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m hartdesk.ui.screenshots --out docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist *.egg-info

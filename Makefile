# Two entry points for a fresh machine: `make demo` and `make test`.
# Everything the project needs is installed here, never by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-fast bench browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# Headless Chromium from Debian (Playwright's own browser download does not work offline).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@test -f tests/node_modules/axe-core/axe.min.js || npm install --prefix tests --no-save --no-audit --no-fund axe-core@4.10.3 >/dev/null

demo: setup
	$(BIN)/companion demo

test: setup browser
	NO_MKDOCS_2_WARNING=1 HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -p no:cacheprovider

# While editing: no model, browser, network or subprocess (tests/conftest.py enforces it), < 60 s.
test-fast: setup
	NO_MKDOCS_2_WARNING=1 HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -p no:cacheprovider --fast

bench: setup browser
	$(BIN)/python bench/transcribe.py
	$(BIN)/python bench/site.py
	$(BIN)/python bench/catalogue.py

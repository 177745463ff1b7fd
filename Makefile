# Ravabet: the two commands (make demo, make test) and their helpers.
# Every target creates .venv when it is missing; nothing is installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
STAMP  := $(VENV)/.installed
RAVABET := $(BIN)/ravabet

.PHONY: demo test test-fast lint format bench learn browser screenshots clean help

help:
	@echo "make demo   install, migrate var/ravabet.sqlite3, load demo data, run worker + web on :$(PORT)"
	@echo "make test   lint + type check + the whole test suite (browser tests included)"
	@echo "make bench  benchmarks under bench/"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's chromium drives the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	mkdir -p var
	RAVABET_DEBUG=1 $(RAVABET) migrate --noinput
	RAVABET_DEBUG=1 $(RAVABET) demo
	@echo ""
	@echo "DEBUG is on for the demo only (RAVABET_DEBUG=1); production leaves it off."
	@echo "Ravabet is on http://$(HOST):$(PORT)/  — log in at http://$(HOST):$(PORT)/accounts/login/"
	@echo "The background worker and the scheduler run beside the web server; Ctrl-C stops all."
	@RAVABET_DEBUG=1 $(RAVABET) db_worker --interval 1 & worker=$$!; \
	  RAVABET_DEBUG=1 $(RAVABET) scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  RAVABET_DEBUG=1 $(RAVABET) runserver $(HOST):$(PORT) --noreload

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: $(STAMP) browser lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not e2e"

# Rebuilds the learned word lists of ravabet.persian (docs/persian.md): hazm supplies the
# lexicon, shekar's wheel (downloaded, never installed: its numpy pin clashes with hazm's)
# the listed compounds.
learn: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	mkdir -p var/wheels
	$(BIN)/python -m pip download --quiet --no-deps shekar==1.7.0 -d var/wheels
	PYTHONPATH=src $(BIN)/python -m ravabet.persian.learn --shekar var/wheels/shekar-1.7.0-py3-none-any.whl

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

screenshots: $(STAMP) browser
	RAVABET_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e

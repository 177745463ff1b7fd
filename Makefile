# Ravabet: the two commands (make demo, make test) and their helpers.
# Every target creates .venv when it is missing; nothing is installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
STAMP  := $(VENV)/.installed
RAVABET := $(BIN)/ravabet

# The scale-out stack (docs/operations.md): PostgreSQL, Redis, RQ workers, gunicorn, as processes.
SCALE_DB    ?= postgres://postgres@127.0.0.1:5432/ravabet_scale
SCALE_REDIS ?= redis://127.0.0.1:6379/12

.PHONY: scale-test demo dev test test-fast lint audit format bench learn browser screenshots clean help

help:
	@echo "make demo   install, migrate var/ravabet.sqlite3, load demo data, run worker + web on :$(PORT)"
	@echo "make dev    the same with DEBUG on and Django's autoreloading development server"
	@echo "make test   lint + type check + the whole test suite (browser tests included)"
	@echo "make scale-test  the scale-out stack (PostgreSQL, Redis, RQ workers, gunicorn) under test"
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

# The demo is served as production is (docs/architecture.md, "Serving"): gunicorn with DEBUG off,
# hashed and compressed static files, the Persian error pages. Links in e-mails and feeds point at
# HOST:PORT; cookies travel over plain http, which the settings allow for loopback hosts only.
# var/ and all in it are the owner's alone (the app creates files 0600; older ones are tightened).
demo: export RAVABET_BASE_URL = http://$(HOST):$(PORT)
demo: export RAVABET_HASHED_STATIC = 1
demo: export RAVABET_INSECURE_LOOPBACK_COOKIES = 1
demo: $(STAMP)
	mkdir -p var && chmod -R go= var
	$(RAVABET) migrate --noinput
	$(RAVABET) collectstatic --noinput --verbosity 0
	$(RAVABET) demo
	@echo ""
	@echo "Served as in production: gunicorn with DEBUG off (make dev: DEBUG on, autoreloading)."
	@echo "Ravabet is on http://$(HOST):$(PORT)/  — log in at http://$(HOST):$(PORT)/accounts/login/"
	@echo "The background worker and the scheduler run beside the web server; Ctrl-C stops all."
	@$(RAVABET) worker --interval 1 & worker=$$!; \
	  $(RAVABET) scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(RAVABET) serve $(HOST):$(PORT)

# Development: Django's autoreloading server with DEBUG on (its English debug pages, static files
# straight from the apps' folders), the worker and the scheduler beside it.
dev: export RAVABET_DEBUG = 1
dev: export RAVABET_BASE_URL = http://$(HOST):$(PORT)
dev: $(STAMP)
	mkdir -p var && chmod -R go= var
	$(RAVABET) migrate --noinput
	$(RAVABET) demo
	@echo ""
	@echo "DEBUG is on for development (make demo serves as production does)."
	@echo "Ravabet is on http://$(HOST):$(PORT)/  — log in at http://$(HOST):$(PORT)/accounts/login/"
	@echo "The background worker and the scheduler run beside the web server; Ctrl-C stops all."
	@$(RAVABET) worker --interval 1 & worker=$$!; \
	  $(RAVABET) scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(RAVABET) runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# pip-audit of the installed, pinned environment (pip and setuptools included) against PyPA's
# advisories snapshotted in .ci/advisories/ (CI reaches PyPI's index but not the vulnerability
# services); .ci/osv_server.py answers pip-audit's OSV queries from the snapshot while it runs.
# Refresh the snapshot where the internet is reachable: $(BIN)/python .ci/refresh_advisories.py
# Ignored, each with its reason:
#   PYSEC-2022-43012  setuptools 65.5.0 is only the venv's seed (required by nothing; builds use
#                     their own isolated setuptools>=68); the ReDoS is in setuptools.package_index,
#                     easy_install's downloader, which nothing here runs.
AUDIT_IGNORE := --ignore-vuln PYSEC-2022-43012
audit: $(STAMP)
	@reqs=$$(mktemp) && trap 'rm -f "$$reqs"' EXIT && \
	  $(BIN)/python -m pip freeze --all --exclude-editable > "$$reqs" && \
	  $(BIN)/python .ci/osv_server.py -- $(BIN)/pip-audit --strict --progress-spinner off \
	    -r "$$reqs" --no-deps --disable-pip $(AUDIT_IGNORE) \
	    --vulnerability-service osv --osv-url '{osv_url}'

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: $(STAMP) browser lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The scale-out stack brought up on this machine's PostgreSQL and Redis (tests/stack.py): two web
# processes, three RQ workers, the scheduler; then the end-to-end and fault tests through it.
scale-test: $(STAMP)
	psql -h 127.0.0.1 -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS ravabet_scale" \
	  -c "CREATE DATABASE ravabet_scale"
	DATABASE_URL=$(SCALE_DB) REDIS_URL=$(SCALE_REDIS) RAVABET_TASK_BACKEND=rq \
	  RAVABET_CACHE_PREFIX=scale $(BIN)/python -m pytest -p no:xdist -m scale tests/scale

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not e2e"

# Rebuilds the learned word lists of ravabet.persian (docs/persian.md): hazm supplies the
# lexicon, shekar's wheel (downloaded, never installed: its numpy pin clashes with hazm's)
# the listed compounds. It runs in hazm's own environment (var/hazm-venv, below), since hazm's
# numpy pin clashes with the project's (datasketch, scipy); ravabet.persian needs only jdatetime.
learn: $(STAMP)
	test -x $(HAZM_VENV)/bin/python || $(PYTHON) -m venv $(HAZM_VENV)
	$(HAZM_VENV)/bin/python -m pip install --quiet '$(HAZM_PIN)' jdatetime==6.1.1
	mkdir -p var/wheels
	$(BIN)/python -m pip download --quiet --no-deps shekar==1.7.0 -d var/wheels
	PYTHONPATH=src $(HAZM_VENV)/bin/python -m ravabet.persian.learn --shekar var/wheels/shekar-1.7.0-py3-none-any.whl

# hazm (bench/normalize.py compares against it) pins numpy 1.24, which the project's pins
# (datasketch, scipy) exclude: it gets a virtual environment of its own, var/hazm-venv, and
# runs in its own process (bench/_hazm_worker.py). The pin is the `bench` extra's.
HAZM_VENV := var/hazm-venv
HAZM_PIN  := hazm==0.10.0

# bench/load.py drives the server with Debian's wrk (its own Python generator when wrk is absent).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	test -x $(HAZM_VENV)/bin/python || $(PYTHON) -m venv $(HAZM_VENV)
	$(HAZM_VENV)/bin/python -m pip install --quiet '$(HAZM_PIN)'
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing Debian wrk for bench/load.py"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
	  || echo "wrk could not be installed: bench/load.py uses its Python load generator"; }
	@for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

screenshots: $(STAMP) browser
	RAVABET_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e

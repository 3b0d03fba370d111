# OpenEPA: `make run` sets everything up and runs the main job; `make test` sets up and
# runs every check. Both work on a fresh clone with Python 3.11, Node.js and npm.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
STATIC := src/openepa/web/static/openepa
CSS := $(STATIC)/openepa.css
JS := $(STATIC)/govuk-frontend.min.js
NODE := node_modules/.installed
DEMO_APPRENTICES ?= 300
# `make run PORT=8001` serves on another port; links in emails follow it unless SITE_URL is set.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
# The development server and tools run with DEBUG on; production sets its own environment.
DEV_ENV := DEBUG=true
RUN_ENV = $(DEV_ENV) SITE_URL=$(SITE_URL)

.PHONY: setup setup-dev assets run serve test lint check-specs check-migrations format clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "OpenEPA needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[deploy]'
	touch $@

$(DEV): pyproject.toml $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[dev,deploy]'
	touch $@

$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): $(NODE) $(wildcard src/openepa/web/assets/*.scss)
	npm run --silent build

$(JS): $(NODE)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

setup: $(RUNTIME) assets

setup-dev: $(DEV) assets

## assets: GOV.UK Frontend compiled with OpenEPA's settings
assets: $(CSS) $(JS)

## run: migrate, load the specifications, create demo data, print the logins and serve on
## http://127.0.0.1:$(PORT) (8000), with a background worker (emails, PDF batches) and an hourly
## `sweep --enqueue` (the daily sweep runs once a day); Ctrl-C stops all three
run: setup
	$(RUN_ENV) $(BIN)/openepa manage migrate --noinput
	$(RUN_ENV) $(BIN)/openepa manage load_specs
	$(RUN_ENV) $(BIN)/openepa demo --apprentices $(DEMO_APPRENTICES)
	@echo "Serving http://127.0.0.1:$(PORT) with a background worker; Ctrl-C stops both."
	trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(RUN_ENV) $(BIN)/openepa manage db_worker --queue-name default,documents & \
	while true; do $(RUN_ENV) $(BIN)/openepa manage sweep --enqueue; sleep 3600; done & \
	$(RUN_ENV) $(BIN)/openepa manage runserver 127.0.0.1:$(PORT) & \
	wait

## lint: ruff, mypy and import-linter (the layers, no import cycle, no private name imported;
## its contracts are in pyproject.toml and tests/architecture/contracts.py)
lint: setup-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(DEV_ENV) $(BIN)/mypy
	PYTHONPATH=. $(BIN)/lint-imports --no-logo

check-specs: setup
	$(BIN)/openepa specs check

check-migrations: setup
	$(DEV_ENV) $(BIN)/openepa manage makemigrations --check --dry-run

## test: lint, validate the specifications, check migrations and run the whole test suite
test: lint check-specs check-migrations
	$(BIN)/pytest

format: setup-dev
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache .hypothesis build src/*.egg-info $(CSS) $(JS)

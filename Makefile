# coordination: `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app coordination
HOST ?= 127.0.0.1
PORT ?= 5000
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run serve fuzz-api test-browser bench bench-api bench-tracker install install-test system-packages test test-postgres lint format migrate demo clean

$(BIN)/python:
	scripts/ensure-venv "$(PYTHON)" "$(VENV)"

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install-test: system-packages $(VENV)/.installed-test node_modules/.installed

system-packages:
	scripts/install-system-packages

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed-demo --if-empty

## Set up, migrate, load the demo into an empty database and serve at http://127.0.0.1:5000
run: demo
	@echo "Serving coordination at http://$(HOST):$(PORT)/ (demo accounts are listed above)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## Set up and run the whole test suite on SQLite
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The same suite against PostgreSQL (POSTGRES_TEST_URL; the database is emptied first)
test-postgres: install-test
	COORDINATION_TEST_DATABASE_URL="$(POSTGRES_TEST_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS)

## Schemathesis against the served API description, as organiser, coordinator and focal point
fuzz-api: install-test
	$(BIN)/python scripts/fuzz-api

## Only the browser journeys, accessibility and HTML checks (screenshots of failures in tests/artifacts/)
test-browser: install-test
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

## Throughput, latency and queries per page at two data scales; writes bench/results.md
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## The API's main lists at two data scales, beside hello world; writes bench/api-results.md
bench-api: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/api.py $(BENCH_ARGS)

## The action tracker at 1,000 and 100,000 actions; writes bench/tracker-results.md
bench-tracker: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/tracker.py $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

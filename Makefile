# The README's commands: `make demo`, `make test`, and `make serve` for production.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON := .venv/bin/python
# uv installs the locked dependencies; when the machine has none, it gets its own small
# virtual environment (.tools/), which works even where pip may not install system-wide.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif
# The demo's address: `make demo PORT=8080`.
PORT ?= 8000
PYTEST_ARGS ?=
# `make mutation MODULES="fleet.tariffs"`: the modules to mutate (default: every pure rule module).
MODULES ?=

help:
	@echo "make demo    installe, migre, charge la démo et sert le site sur http://127.0.0.1:$(PORT) (SQLite)"
	@echo "make test    installe et lance ruff, le contrôle des migrations et toute la suite de tests (PostgreSQL)"
	@echo "make test-future  la même suite avec l'horloge avancée de deux ans (libfaketime)"
	@echo "make mutation  tests de mutation des règles pures (mutmut), score par module"
	@echo "make serve   sert le site comme en production : gunicorn, tâches de fond, tâches quotidiennes (PostgreSQL)"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	"$(UV)" sync --frozen
	@touch $@

install: .venv/.installed

demo: install
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py createcachetable
	DEBUG=1 $(PYTHON) manage.py seed_demo
	PATH="$$PWD/.venv/bin:$$PATH" DEBUG=1 .venv/bin/honcho start --no-colour -f Procfile.demo -p $(PORT)

# Tests run against PostgreSQL (the production database) unless DATABASE_URL says otherwise.
# The default database is named after this run's process, so two runs on one server never
# share one; pytest-django creates test_<name>_gw0… and drops them at the end.
test: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DEBUG=1 DATABASE_URL=sqlite:///:memory: $(PYTHON) manage.py makemigrations --check --dry-run
	export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mobility_$$$$}"; \
	  export HYPOTHESIS_PROFILE="$${HYPOTHESIS_PROFILE:-ci}"; \
	  scripts/ensure-database && scripts/ensure-redis && scripts/ensure-browser && \
	  $(PYTHON) -m pytest -p xdist -n 2 $(PYTEST_ARGS)

# The suite with the clock moved two years ahead (libfaketime, package `faketime`): no test
# may depend on the day it runs. Not part of `make test` (it doubles the time); run it
# before a release or when a test handles dates. FUTURE="+3650d" moves it further.
FUTURE ?= +730d
test-future: install
	command -v faketime >/dev/null || scripts/apt-install faketime
	export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mobility_$$$$}"; \
	  export HYPOTHESIS_PROFILE="$${HYPOTHESIS_PROFILE:-ci}"; \
	  scripts/ensure-database && scripts/ensure-redis && scripts/ensure-browser && \
	  faketime -f "$(FUTURE)" $(PYTHON) -m pytest -p xdist -n 2 $(PYTEST_ARGS)

# Mutation testing of the pure rules (scripts/mutation, mutation/survivors.md): slow, weekly
# in CI (.ci/weekly). MODULES="fleet.tariffs mobility.reports.secrecy" limits it.
mutation: install
	MODULES="$(MODULES)" scripts/mutation

# Production on this machine: PostgreSQL (DATABASE_URL, default the local `mobility`
# database), migrations, static files, then gunicorn, the task worker and the scheduler.
serve: install
	scripts/serve

.PHONY: help install demo test test-future mutation serve

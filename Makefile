# The two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON := .venv/bin/python
# uv installs the locked dependencies; when the machine has none, it gets its own small
# virtual environment (.tools/), which works even where pip may not install system-wide.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif
# Tests run against PostgreSQL (the production database) unless DATABASE_URL says otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mobility
PYTEST_ARGS ?=

help:
	@echo "make demo   installe, migre, charge la démo et sert le site sur http://127.0.0.1:8000"
	@echo "make test   installe et lance ruff, le contrôle des migrations et toute la suite de tests"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	"$(UV)" sync --frozen
	@touch $@

install: .venv/.installed

demo: install
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py seed_demo
	DEBUG=1 $(PYTHON) manage.py runserver 127.0.0.1:8000

test: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DEBUG=1 DATABASE_URL=sqlite:///:memory: $(PYTHON) manage.py makemigrations --check --dry-run
	export DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}"; \
	  scripts/ensure-database && scripts/ensure-browser && \
	  $(PYTHON) -m pytest -p xdist -n 2 $(PYTEST_ARGS)

.PHONY: help install demo test

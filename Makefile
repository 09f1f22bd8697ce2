# Parley: `make run` starts it with demo content, `make test` runs every test.
SHELL := /bin/bash
PYTHON := $(shell bin/find-python)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export PARLEY_DATA_DIR ?= $(CURDIR)/var

.PHONY: run serve install migrate demo lint test test-postgres browser-deps lock screenshots bench bench-language bench-moderation clean

$(BIN)/python:
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/parley migrate --noinput --verbosity 0
	$(BIN)/parley collectstatic --noinput --verbosity 0

demo: migrate
	$(BIN)/parley train_moderation --if-missing --note "first model, from the shipped examples"
	$(BIN)/parley load_demo --base-url http://$(HOST):$(PORT)

run: demo
	$(BIN)/parley serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

serve: migrate
	$(BIN)/parley serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Browser tests drive Debian's Chromium; install it when missing (never a downloaded browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# Two test processes on two cores: each embeds and translates on one thread, or the native
# engines' threads (one per core in each process) fight for the same cores.
test: install browser-deps lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The same suite on PostgreSQL (CI runs both).
test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/test} $(MAKE) test

screenshots: install browser-deps
	$(BIN)/python bench/screenshots.py

bench: install
	$(BIN)/python bench/thread.py

bench-language: install
	$(BIN)/python bench/language.py

bench-moderation: install
	$(BIN)/python bench/moderation.py
	$(BIN)/python bench/moderation_posting.py
	$(BIN)/python bench/spam.py
	$(BIN)/python bench/demo_queue.py

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	( echo "# Exact versions of every package Parley installs (runtime and tests). Regenerate with"; \
	  echo "# \`make lock\` after changing pyproject.toml."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^parley' ) > requirements.lock

clean:
	rm -rf $(VENV) staticfiles

# Parley: `make run` starts it with demo content, `make test` runs every test.
# `make run` installs the runtime set only (requirements/runtime.lock); `make test` adds the
# test tools (requirements/test.lock). Both lock files pin every package with its hashes.
SHELL := /bin/bash
PYTHON := $(shell bin/find-python)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The example blog `make run` serves beside Parley, on another origin: the widget on its pages.
EXAMPLE_PORT ?= $(shell echo $$(($(PORT) + 1)))
WORKERS ?= 2
export PARLEY_DATA_DIR ?= $(CURDIR)/var

.PHONY: run serve install install-runtime migrate demo lint test test-postgres browser-deps node-deps widget lock screenshots bench bench-quick bench-live bench-language bench-moderation bench-search bench-embed clean

RUNTIME_LOCK := requirements/runtime.lock
TEST_LOCK := requirements/test.lock
PIP_TOOLS := pip-tools==7.6.2
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

$(BIN)/python:
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python $(RUNTIME_LOCK) pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(RUNTIME_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	touch $@

# What a server needs, and no test tool.
install-runtime: $(VENV)/.runtime

# The runtime set and the test tools (and the widget's build tools, package-lock.json).
install: $(VENV)/.installed node-deps

migrate: install-runtime
	$(BIN)/parley migrate --noinput --verbosity 0
	$(BIN)/parley collectstatic --noinput --verbosity 0

demo: migrate
	$(BIN)/parley train_moderation --if-missing --note "first model, from the shipped examples"
	$(BIN)/parley load_demo --base-url http://$(HOST):$(PORT) --example-host http://$(HOST):$(EXAMPLE_PORT)

run: demo
	$(BIN)/parley serve --host $(HOST) --port $(PORT) --workers $(WORKERS) --example-host $(EXAMPLE_PORT)

serve: migrate
	$(BIN)/parley serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Browser tests drive Debian's Chromium; install it when missing (never a downloaded browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

# The widget's build tools (esbuild) and axe-core for its accessibility test, at the versions
# in package-lock.json; Debian's node and npm are installed when missing.
node-deps:
	@if [ ! -x /usr/bin/node ] || ! command -v npm >/dev/null; then \
	  echo "Installing Debian's nodejs and npm for the widget's build..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then \
	  npm ci --no-audit --no-fund && touch node_modules; \
	fi

# Builds parley/embed/static/parley/embed.js and count.js from parley/embed/widget/.
widget: node-deps
	node parley/embed/widget/build.mjs

# On PostgreSQL no secret key is generated (docs/deploy.md): the checks and tests bring one of
# their own (mypy's Django plugin loads the settings too).
lint test: export PARLEY_SECRET_KEY ?= not-a-secret-only-for-the-tests

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	@node parley/embed/widget/build.mjs --check || { \
	  echo "The built widget differs from parley/embed/widget/: run \`make widget\` and commit the result."; exit 1; }

# Two test processes on two cores: each embeds and translates on one thread, or the native
# engines' threads (one per core in each process) fight for the same cores. Work stealing:
# the process that finishes its share first takes tests from the other's, so a slow test
# near the end (a bench's quick run, a server test) does not leave one core idle.
test: install browser-deps lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

# The same suite on PostgreSQL (CI runs both).
test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/test} $(MAKE) test

screenshots: install browser-deps
	$(BIN)/python bench/screenshots.py

bench: install
	$(BIN)/python bench/thread.py

# Every bench/ script in its quick mode, as the test suite runs them (figures, no targets).
bench-quick: install
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q tests/bench/test_benches_run.py

# The live events: latency to subscribers, the stream process's memory, posting beside them
# (the redis setup needs PostgreSQL and Redis at 127.0.0.1).
bench-live: install
	$(BIN)/python bench/live.py

bench-language: install
	$(BIN)/python bench/language.py

bench-search: install
	$(BIN)/python bench/search.py

# The widget: embed.js and count.js compressed, and its first render on the example blog.
bench-embed: install browser-deps
	$(BIN)/python bench/embed.py

bench-moderation: install
	$(BIN)/python bench/moderation.py
	$(BIN)/python bench/moderation_posting.py
	$(BIN)/python bench/spam.py
	$(BIN)/python bench/demo_queue.py

# After changing pyproject.toml: pins every package with its hashes, keeping the versions
# already locked where the ranges allow. The test set is pinned to the runtime set's versions.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet $(PIP_TOOLS)
	$(PIP_COMPILE) --output-file $(RUNTIME_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra test --constraint $(RUNTIME_LOCK) --output-file $(TEST_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) staticfiles

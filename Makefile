# Crack Detection Training Client. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
DIST := frontend/dist/index.html
FRONT_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json)
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run dev test test-backend test-frontend test-e2e lint api-client test-tools clean help

help:
	@echo "make run    install everything, create demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   the whole suite (backend, front end, browser end-to-end)"
	@echo "make dev    API with reload + Vite dev server (http://127.0.0.1:5173)"
	@echo "make lint   ruff, mypy, import-linter contracts, eslint, tsc"

install: $(PY_STAMP) $(NODE_STAMP) $(DIST)

$(PY_STAMP): backend/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e 'backend[ml,openvino,dev]'
	@touch $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(DIST): $(NODE_STAMP) $(FRONT_SRC)
	cd frontend && npm run build
	@touch $@

run: install
	$(BIN)/crackdet migrate
	$(BIN)/crackdet demo-data
	$(BIN)/crackdet serve --host $(HOST) --port $(PORT)

dev: install
	$(BIN)/crackdet migrate
	$(BIN)/crackdet demo-data
	trap 'kill 0' EXIT; \
	$(BIN)/crackdet serve --reload --host $(HOST) --port $(PORT) & \
	(cd frontend && npm run dev) & \
	wait

# System tools the tests use: Chromium (browser tests) and docker-compose (static check of the
# deployment files; there is no Docker engine on CI machines). Installed with apt when running as root.
TEST_TOOLS := $(CHROMIUM):chromium /usr/bin/docker-compose:docker-compose
test-tools:
	@for tool in $(TEST_TOOLS); do \
	  path=$${tool%%:*}; pkg=$${tool##*:}; \
	  test -x $$path && continue; \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null) || exit 1; \
	  else echo "$$pkg is needed for the tests: sudo apt-get install -y $$pkg"; exit 1; fi; \
	done

test: install test-tools
	$(MAKE) test-backend test-frontend test-e2e

test-backend: $(PY_STAMP) test-tools
	cd backend && ../$(BIN)/lint-imports --no-cache
	$(BIN)/pytest backend/tests -m "not e2e" $(PYTEST_ARGS)

test-frontend: $(NODE_STAMP)
	cd frontend && npm run lint && npm run typecheck && npm test && npm run check:api && npm run format:check

test-e2e: install test-tools
	$(BIN)/pytest backend/tests -m e2e $(PYTEST_ARGS)

lint: $(PY_STAMP) $(NODE_STAMP)
	$(BIN)/ruff check backend
	$(BIN)/ruff format --check backend
	cd backend && ../$(BIN)/mypy app
	cd backend && ../$(BIN)/lint-imports --no-cache
	cd frontend && npm run lint && npm run typecheck

# Regenerate the front end's API client from the backend's OpenAPI schema.
api-client: $(PY_STAMP) $(NODE_STAMP)
	$(BIN)/crackdet openapi --output frontend/src/api/openapi.json
	cd frontend && npm run gen:api

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist

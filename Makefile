# bansos — two commands: `make demo` and `make test`. Needs only Python >= 3.11 and git
# (npm and Debian's chromium too for the browser tests, which are skipped without them).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV_VERSION := 0.13.8
BIN := $(VENV)/bin
# npm writes this file on every install: newer than package-lock.json means node_modules is current.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install demo test test-sqlite test-postgres bench lint clean

install: $(BIN)/bansos $(NODE_STAMP)

# uv installs exactly what uv.lock pins; uv itself is bootstrapped with pip into the venv.
$(BIN)/bansos: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet
	@touch $(BIN)/bansos

# axe-core for the browser tests (tests/browser), exactly as package-lock.json pins it.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "note: npm not found: node_modules (axe-core) not installed; browser tests will be skipped"; \
	fi

demo: install
	$(BIN)/bansos demo $(DEMO_ARGS)

# SQLite always; PostgreSQL too when a server answers (CI requires it: see .ci/run).
test: install
	@bash scripts/run-tests

test-sqlite: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache node_modules

# bansos — two commands: `make demo` and `make test`. Needs only Python >= 3.11 and git.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV_VERSION := 0.13.8
BIN := $(VENV)/bin

.PHONY: install demo test test-sqlite test-postgres bench lint clean

install: $(BIN)/bansos

# uv installs exactly what uv.lock pins; uv itself is bootstrapped with pip into the venv.
$(BIN)/bansos: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet
	@touch $(BIN)/bansos

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
	rm -rf $(VENV) var .pytest_cache

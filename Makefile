# Tongban: `make run` starts the whole stack on SQLite; `make test` runs the suite;
# `make bench` measures it (bench/README.md).
# All set themselves up on a fresh machine (venv, packages, generated code).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-installed-stamp
PROTOS := $(shell find protos -name '*.proto')
# The web console (web/): npm packages from the lockfile, then its client code and build.
WEB_MODULES := web/node_modules/.installed-stamp
WEB_STAMP   := web/dist/.stamp
WEB_INPUTS  := $(shell find web/src web/scripts -type f ! -path 'web/src/gen/*' 2>/dev/null) \
	web/index.html web/vite.config.ts web/tsconfig.json web/buf.gen.yaml

.PHONY: setup run test test-long readme check lint typecheck breaking protos clean web test-web

setup: $(STAMP) gen/.stamp web

# The build backend (scripts/build) generates gen/ from protos/ on every install.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch gen/.stamp
	touch $@

# Regenerate when a contract changes: reinstalling runs the build backend again.
gen/.stamp: $(PROTOS) scripts/gen_protos.py scripts/build/tongban_build.py | $(STAMP)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

protos: setup

# npm ci empties node_modules first, so the stamp goes inside it.
$(WEB_MODULES): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Generates web/src/gen from protos/ (buf from the venv, protoc-gen-es from node_modules), then
# type-checks and bundles into web/dist, which the gateway's browser edge serves at /.
$(WEB_STAMP): $(WEB_INPUTS) $(PROTOS) $(WEB_MODULES) | $(STAMP)
	cd web && VENV=$(abspath $(VENV)) npm run --silent generate && npm run --silent build
	touch $@

web: $(WEB_STAMP)

# The console's unit tests (vitest); `make test` runs them before pytest.
test-web: web
	cd web && npm test --silent

run: setup
	$(BIN)/tongban up

# The suite on $(TEST_WORKERS) worker processes (pytest-xdist; most tests wait on their stacks, so
# two keep two cores busy (three made two tests time out); a file's tests stay on one worker,
# so its stack starts once), then the tests marked serial alone: they bound how long answers
# take while they load the machine. The long runs (kill -9 and restarts under load, the fault
# proxy, the container image) are `make test-long`: on two cores they would take CI past 30 min.
TEST_WORKERS ?= 2
test: setup test-web
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not serial and not long" --durations=15
	$(BIN)/pytest -m "serial and not long"

# The long runs, one at a time (several restart PostgreSQL or load the whole machine).
test-long: setup
	$(BIN)/pytest -m long --durations=15

# The bench extra (SpiffWorkflow for the peer, py-spy) on top of the dev install.
$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

.PHONY: bench
# Starts and stops everything it needs (SQLite and PostgreSQL on 127.0.0.1:5432, free ports);
# prints a table and writes bench/results/latest.json and a timestamped copy.
bench: setup $(BENCH_STAMP)
	$(PY) -m bench $(BENCH_ARGS)

# Re-record the README's shell sessions from a real run (tests/e2e/test_readme.py): every
# output that no longer matches is rewritten from what the product printed.
readme: setup
	TONGBAN_README_UPDATE=1 $(BIN)/pytest -q tests/e2e/test_readme.py

lint: setup
	@# A merge left half done must not land: no conflict markers in any tracked file.
	@! git grep -nE '^(<<<<<<<|>>>>>>>)( |$$)' -- . || (echo "merge conflict markers above" >&2; exit 1)
	$(BIN)/ruff check .
	$(BIN)/buf lint

typecheck: setup
	$(BIN)/mypy

# A contract change that would break a running peer (events included) is caught before it
# lands: compared with the main branch (on main, with the last commit).
breaking: setup
	$(BIN)/buf breaking --against '.git#branch=main'

check: lint typecheck breaking

clean:
	rm -rf $(VENV) gen var .pytest_cache .mypy_cache web/node_modules web/dist web/src/gen

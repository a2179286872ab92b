# One entry point per chore. Every target builds .venv from scratch when it is missing.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/regulator demo

test: $(STAMP)
	bash scripts/ensure-test-deps.sh
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q -p no:cacheprovider tests/test_docs.py tests/test_architecture.py

# wrk drives the sustained-rate runs when it can be installed; otherwise bench/ falls back to aiohttp.
bench: $(STAMP)
	command -v wrk >/dev/null || ! command -v apt-get >/dev/null \
		|| apt-get install -y -q wrk >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q wrk) >/dev/null 2>&1 \
		|| echo "wrk not installed: sustained rates will come from the Python load generator"
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .regulator

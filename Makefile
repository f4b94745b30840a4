# make run   -> the service on http://127.0.0.1:8000 with DynamoDB Local on :8001
# make test  -> every test (starts and stops its own DynamoDB Local)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help install tools run seed test lint format constraints clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install the app with its dev tools

tools: ## install Java (if missing) and DynamoDB Local under .tools/
	@bash devtools/ensure-tools.sh

run: install tools ## serve on 127.0.0.1:8000 (DynamoDB Local :8001, data in .data/; S3 :8002)
	$(PY) -m devtools.run_local serve

seed: install tools ## load the demo catalog into the local database
	$(PY) -m devtools.run_local seed

test: install tools ## run every test
	$(PY) -m pytest $(PYTEST_ARGS)

constraints: install ## re-pin constraints.txt to what .venv has now
	$(PY) -m pip freeze --exclude-editable | grep -v '^catalog-service' > constraints.txt

lint: install ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install ## apply ruff's formatting and safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean: ## remove local state (.venv, .tools, .data)
	rm -rf $(VENV) .tools .data .pytest_cache .ruff_cache .mypy_cache

# make run   -> the service on http://127.0.0.1:8000 with DynamoDB Local on :8001
# make test  -> every test (starts and stops its own DynamoDB Local)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
AWS_VENV := .tools/aws-venv
SAM      := SAM_CLI_TELEMETRY=0 $(CURDIR)/$(AWS_VENV)/bin/sam
SAM_ENV  ?= default
# sam build needs the Python of the Lambda runtime (3.12) on PATH: find a real one (a pyenv
# shim on PATH would hang sam build), else whatever python3.12 is on PATH
PYTHON312 ?= $(or $(lastword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12)),$(shell command -v python3.12))

.PHONY: help install tools run seed test lint format constraints clean \
	aws-tools validate build package deploy destroy bench \
	web web-client web-dev web-test screenshots

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

run: install tools ## the web app and API on 127.0.0.1:8000 (DynamoDB Local :8001, S3 :8002)
	$(PY) -m devtools.run_local serve

seed: install tools ## load the demo catalog into the local database
	$(PY) -m devtools.run_local seed

test: install tools web ## run every test: the web app's (Vitest), then the rest (pytest)
	cd web && npm test --silent
	$(PY) -m pytest $(PYTEST_ARGS)

web: install ## build the web app into web/dist when its sources changed (needs Node >= 20.19)
	$(PY) -m devtools.web build

web-test: web ## the web app's unit tests (Vitest)
	cd web && npm test --silent

web-client: install ## regenerate web/openapi.json and the typed client from the app
	$(PY) -m devtools.openapi_dump web/openapi.json
	$(PY) -m devtools.web install
	cd web && npx --no-install openapi-typescript openapi.json -o src/api/schema.d.ts

web-dev: install ## Vite's dev server on :5173, forwarding API calls to API_PORT (run `make run` too)
	$(PY) -m devtools.web install
	cd web && API_URL=http://127.0.0.1:$${API_PORT:-8000} npx --no-install vite

screenshots: install tools web ## docs/screenshots/*.png from a seeded local stack (Chromium)
	$(PY) -m devtools.screenshots

constraints: install ## re-pin constraints.txt to what .venv has now
	$(PY) -m pip freeze --exclude-editable | grep -v '^catalog-service' > constraints.txt

lint: install ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install ## apply ruff's formatting and safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

aws-tools: ## install SAM CLI, cfn-lint, hadolint and actionlint under .tools/
	@bash devtools/ensure-aws-tools.sh

validate: aws-tools ## offline checks: sam validate --lint, cfn-lint, actionlint, hadolint
	cd infra && $(SAM) validate --lint --template template.yaml --region us-east-1
	$(AWS_VENV)/bin/cfn-lint infra/template.yaml
	$(AWS_VENV)/bin/actionlint .github/workflows/*.yml
	$(AWS_VENV)/bin/hadolint Dockerfile

build: install aws-tools ## sam build (arm64, python3.12) into infra/.aws-sam/
	@test -n "$(PYTHON312)" || { echo "sam build needs python3.12 on PATH"; exit 1; }
	$(PY) -m devtools.stage_lambda
	cd infra && PATH=$(dir $(PYTHON312)):$$PATH $(SAM) build --template template.yaml

package: build ## the deployment zip (dist/catalog-lambda.zip) and its size
	@mkdir -p dist && rm -f dist/catalog-lambda.zip
	cd infra/.aws-sam/build/CatalogFunction && zip -qr9 $(CURDIR)/dist/catalog-lambda.zip .
	@du -h dist/catalog-lambda.zip | cut -f1 | xargs echo "dist/catalog-lambda.zip:"

deploy: build web ## sam deploy, then the web app to its bucket (GUIDED=1 the first time; SAM_ENV=prod)
	cd infra && $(SAM) deploy --config-file samconfig.toml --config-env $(SAM_ENV) \
		$(if $(GUIDED),--guided,)
	$(PY) -m devtools.deploy_web --config-env $(SAM_ENV)

destroy: aws-tools ## delete the stack; the table and the images bucket are kept (Retain)
	cd infra && $(SAM) delete --config-file samconfig.toml --config-env $(SAM_ENV)
	@echo "Kept: the DynamoDB table and the images bucket (DeletionPolicy Retain)."
	@echo "To remove them too: turn off the table's deletion protection, then delete both."

bench: install tools ## every benchmark, then one summary table
	@command -v wrk >/dev/null || { apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk; }
	$(PY) -m bench.run_all

clean: ## remove local state (.venv, .tools, .data, the web build)
	rm -rf $(VENV) .tools .data .pytest_cache .ruff_cache .mypy_cache build dist infra/.aws-sam \
		web/node_modules web/dist

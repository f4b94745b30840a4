# make run   -> the service on http://127.0.0.1:8000 with DynamoDB Local on :8001
# make test  -> every test (starts and stops its own DynamoDB Local)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements/dev.txt | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
AWS_VENV := .tools/aws-venv
CHECKOV_VENV := .tools/checkov-venv
SAM      := SAM_CLI_TELEMETRY=0 $(CURDIR)/$(AWS_VENV)/bin/sam
ENV      ?= dev
# pytest-xdist workers: the cores there are, at most 4 (each starts its own DynamoDB Local)
WORKERS  ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: help install tools run seed test check lint format lock clean \
	aws-tools validate package deploy destroy smoke bench \
	web web-client web-dev web-test screenshots demo demo-images webhook-echo

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# every package from requirements/dev.txt, each checked against its hash; then the app
$(STAMP): pyproject.toml requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements/dev.txt
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install the app with its dev tools

tools: ## install Java (if missing) and DynamoDB Local under .tools/
	@bash devtools/ensure-tools.sh

run: install tools ## the web app and API on 127.0.0.1:8000 (DynamoDB Local :8001, S3 :8002)
	$(PY) -m devtools.run_local serve

webhook-echo: install ## print the webhooks make run sends to http://127.0.0.1:8765/ (SECRET=whsec_...: check signatures)
	$(PY) -m devtools.webhook_echo $(if $(SECRET),--secret $(SECRET),) $(if $(FAIL),--fail $(FAIL),)

seed: install tools ## load the demo catalog into the local database (STORE=slug: into that store)
	$(PY) -m devtools.run_local seed $(if $(STORE),--store $(STORE),)

test: install tools web aws-tools ## run every test: the web app's (Vitest), then the rest (pytest)
	cd web && npm test --silent
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

check: install ## in under a minute: lint, types and the unit tests (no DynamoDB, no browser)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest -q -n $(WORKERS) -p no:cacheprovider tests/unit $(PYTEST_ARGS)

web: install ## build the web app into web/dist when its sources changed (needs Node >= 20.19)
	$(PY) -m devtools.web build

web-test: web ## the web app's unit tests (Vitest)
	cd web && npm test --silent

web-client: install ## regenerate web/openapi.json and the typed client from the app
	$(PY) -m devtools.openapi_dump web/openapi.json
	$(PY) -m devtools.api_reference docs/API.md
	$(PY) -m devtools.web install
	cd web && npx --no-install openapi-typescript openapi.json -o src/api/schema.d.ts

web-dev: install ## Vite's dev server on :5173, forwarding API calls to API_PORT (run `make run` too)
	$(PY) -m devtools.web install
	cd web && API_URL=http://127.0.0.1:$${API_PORT:-8000} npx --no-install vite

screenshots: install tools web ## docs/screenshots/*.png from a seeded local stack (Chromium)
	$(PY) -m devtools.screenshots

demo: install tools web ## docs/demo.mp4 (+ poster docs/demo.png): the three personas, recorded in Chromium
	$(PY) -m devtools.demo

demo-images: install tools ## draw the demo catalog's product photos again (devtools/demo_images/)
	$(PY) -m devtools.demo_images

lock: install ## re-lock requirements/*.txt with hashes (uv); UPGRADE=1 for the newest versions
	$(PY) -m devtools.lock $(if $(UPGRADE),--upgrade,)

lint: install ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install ## apply ruff's formatting and safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

aws-tools: ## install SAM CLI, cfn-lint, hadolint and actionlint under .tools/
	@bash devtools/ensure-aws-tools.sh

validate: aws-tools ## offline checks: the deploy rehearsal, sam validate, cfn-lint, actionlint, hadolint, checkov
	$(AWS_VENV)/bin/python -m devtools.rehearsal
	cd infra && $(SAM) validate --lint --template template.yaml --region us-east-1
	cd infra && $(SAM) validate --lint --template template.yaml --region eu-west-1
	$(AWS_VENV)/bin/cfn-lint infra/template.yaml infra/edge.yaml
	$(AWS_VENV)/bin/actionlint .github/workflows/*.yml
	$(AWS_VENV)/bin/hadolint Dockerfile
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml

package: install ## the Lambda zip, arm64 + Python 3.12, from hashes (dist/catalog-lambda.zip)
	$(PY) -m devtools.package_lambda

deploy: package web aws-tools ## deploy ENV (dev|staging|prod; AWS_REGION, ALARM_EMAIL=...; ADMIN_EMAIL=... invites a first admin)
	$(PY) -m devtools.deploy --env $(ENV) $(if $(ADMIN_EMAIL),--admin-email $(ADMIN_EMAIL),)

destroy: install aws-tools ## delete ENV's stacks; the table, images, secrets and logs are kept (Retain)
	$(PY) -m devtools.destroy --env $(ENV)

smoke: install ## check a deployment with nothing but its URL: make smoke URL=https://... [ORIGIN=...] (or SMOKE_ENV=staging)
	$(PY) -m devtools.smoke $(if $(SMOKE_ENV),--env $(SMOKE_ENV),$${URL:?set URL (or SMOKE_ENV)}) \
		$(if $(ORIGIN),--origin $(ORIGIN),)

bench: install tools ## every benchmark, then one summary table
	@command -v wrk >/dev/null || { apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk; }
	$(PY) -m bench.run_all

clean: ## remove local state (.venv, .tools, .data, the web build)
	rm -rf $(VENV) .tools .data .pytest_cache .ruff_cache .mypy_cache build dist infra/.aws-sam \
		web/node_modules web/dist

# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= Cppcc@2026
# The district the demo committee belongs to (the work report names it; deployments set CPPCC_DISTRICT).
DISTRICT ?= 城关区
# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in one process.
# pyproject adds --dist loadgroup: the tests marked xdist_group (Redis, servers, concurrency) keep to one worker.
PYTEST_WORKERS ?= auto

.PHONY: install run test lint audit check-deploy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Embedded SQLite + filesystem Celery broker, demo data, web server with worker and beat.
run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --password '$(DEMO_PASSWORD)'
	DEBUG=true HOST=$(HOST) PORT=$(PORT) PY=$(PY) DEMO_PASSWORD='$(DEMO_PASSWORD)' CPPCC_DISTRICT='$(DISTRICT)' scripts/run.sh

## The whole suite (PostgreSQL when DATABASE_URL says so, SQLite otherwise), after the audits and the
## import contracts between apps (`lint-imports`, docs/architecture.md).
test: install audit check-deploy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) --durations=15

lint: install
	$(VENV)/bin/ruff check .

## Static analysis of the project code (bandit, config in .bandit: medium and high severity fail) and
## known vulnerabilities of the installed packages (pip-audit; see scripts/pip_audit.py for what
## happens when the vulnerability service cannot be reached — PIP_AUDIT_STRICT=1 makes that fatal).
audit: install
	$(VENV)/bin/bandit -r . --severity-level medium --quiet
	$(PY) scripts/pip_audit.py

check-deploy: install
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=cppcc.example.gov.cn \
		FIELD_ENCRYPTION_KEYS=$$(openssl rand -base64 32 | tr '+/' '-_') FIELD_HASH_KEY=$$(openssl rand -hex 32) \
		DATABASE_URL=postgres://cppcc:x@127.0.0.1/cppcc CPPCC_DISTRICT=城关区 $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= Cppcc@2026

.PHONY: install run test lint check-deploy clean

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
	DEBUG=true HOST=$(HOST) PORT=$(PORT) PY=$(PY) DEMO_PASSWORD='$(DEMO_PASSWORD)' scripts/run.sh

## The whole suite (PostgreSQL when DATABASE_URL says so, SQLite otherwise).
test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

check-deploy: install
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=cppcc.example.gov.cn \
		DATABASE_URL=postgres://cppcc:x@127.0.0.1/cppcc $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

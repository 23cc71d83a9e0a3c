# KAA: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Playwright drives Debian's Chromium; it must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PLAYWRIGHT_BROWSERS_PATH := 0

# The PostgreSQL and Redis that run on this machine (see README.md).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kaa
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run serve test bench lint format worker beat demo migrate services chromium backup restore clean venv

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --municipality 1814 --youths 300 --seed 1

# The app on 127.0.0.1:8000. Without DATABASE_URL: a SQLite file under var/ and
# in-process tasks. With DATABASE_URL and CELERY_BROKER_URL: PostgreSQL and a real
# worker (`make worker` in another terminal).
run: export DJANGO_ENV ?= development
run: export DJANGO_DEBUG ?= 1
run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

worker: venv
	$(BIN)/celery -A kaa worker --loglevel=INFO --concurrency=2

beat: venv
	$(BIN)/celery -A kaa beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Starts the machine's PostgreSQL and Redis if they are down.
services:
	@scripts/ensure-services.sh

# Debian's Chromium for the browser tests.
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q chromium)

test: export DJANGO_ENV := test
test: export DATABASE_URL := $(TEST_DATABASE_URL)
test: export CELERY_BROKER_URL := $(TEST_BROKER_URL)
test: export CELERY_TASK_ALWAYS_EAGER := 1
test: venv chromium services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest --create-db -q --ignore=tests/bench $(PYTEST_ARGS)

bench: export DJANGO_ENV := test
bench: export DATABASE_URL := $(TEST_DATABASE_URL)
bench: export CELERY_TASK_ALWAYS_EAGER := 1
bench: venv services
	$(BIN)/pytest tests/bench -q -s --create-db

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles

# PostgreSQL backup and restore (pg_dump custom format). DATABASE_URL names the database.
#   make backup                               -> var/backups/kaa-YYYYmmdd-HHMMSS.dump
#   make restore BACKUP_FILE=path/to/file.dump (into an empty or existing database)
BACKUP_FILE ?= var/backups/kaa-$(shell date +%Y%m%d-%H%M%S).dump

backup:
	@test -n "$(DATABASE_URL)" || { echo "Sätt DATABASE_URL till databasen som ska säkerhetskopieras." >&2; exit 2; }
	@mkdir -p "$(dir $(BACKUP_FILE))"
	pg_dump --format=custom --no-owner --no-privileges --file="$(BACKUP_FILE)" "$(DATABASE_URL)"
	@echo "Säkerhetskopia: $(BACKUP_FILE)"

restore:
	@test -n "$(DATABASE_URL)" || { echo "Sätt DATABASE_URL till databasen som ska återställas." >&2; exit 2; }
	@test -f "$(BACKUP_FILE)" || { echo "Filen $(BACKUP_FILE) finns inte: ange BACKUP_FILE=..." >&2; exit 2; }
	pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname="$(DATABASE_URL)" "$(BACKUP_FILE)"
	@echo "Återställd från $(BACKUP_FILE)"

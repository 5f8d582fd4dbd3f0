# The two commands of the README: `make run` and `make test`. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Exact versions and hashes of every dependency, the ones CI tested; `make lock` updates it.
LOCK := requirements.lock
HOST := 127.0.0.1
PORT ?= 8000
# The lock is resolved for every platform and for the oldest Python we support.
LOCK_PYTHON := 3.12
UV_VERSION := 0.13.9

.PHONY: run test setup lint browser serve lock clean

run: ## Install, migrate, load the demo organisation and serve it on 127.0.0.1:$(PORT)
	@$(PYTHON) scripts/check-port.py $(HOST) $(PORT) run
	@$(MAKE) --no-print-directory setup
	@echo "Preparing the database and the demo organisation..."
	@$(BIN)/python manage.py migrate --noinput -v0
	@$(BIN)/python manage.py demo -v0
	@WATCH_PID=$$PPID bash scripts/worker.sh &  # background jobs (recordings); stops with make
	@DJANGO_RUNSERVER_HIDE_WARNING=true $(BIN)/python manage.py serve_demo $(HOST):$(PORT)

test: setup browser ## The whole suite: unit, integration and browser tests (SQLite, or DATABASE_URL)
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(STAMP)

# Quiet unless something fails: pip still prints its errors.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 12) else f"SalesHeart needs Python 3.12 or newer; {sys.executable} is {v.major}.{v.minor}. Run with PYTHON=python3.13 (or install one).")'
	@echo "Installing SalesHeart into $(VENV) from $(LOCK) (a minute or two the first time)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --require-hashes --prefer-binary -r $(LOCK)
	@$(BIN)/python -m pip install --quiet --no-deps --editable .
	@touch $(STAMP)

# Resolves the newest versions pyproject.toml allows and writes them with their hashes.
# uv runs from a throwaway virtualenv, so .venv keeps exactly what the lock says.
lock: ## Update requirements.lock (then `make setup` installs it; commit both files)
	@rm -rf .lock-venv
	@$(PYTHON) -m venv .lock-venv
	@.lock-venv/bin/python -m pip install --quiet "uv==$(UV_VERSION)"
	.lock-venv/bin/uv pip compile pyproject.toml --extra dev --universal \
		--python-version $(LOCK_PYTHON) --generate-hashes --no-header --quiet \
		--output-file $(LOCK)
	@rm -rf .lock-venv

browser: ## Chromium for the browser tests, from Debian's packages (no browser download)
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-audio-tools.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: ## The production setup locally: gunicorn, DEBUG off, plain HTTP on 127.0.0.1:$(PORT)
	@$(PYTHON) scripts/check-port.py $(HOST) $(PORT) serve
	@$(MAKE) --no-print-directory setup
	@$(BIN)/python manage.py migrate --noinput -v0
	@DEBUG=false ALLOW_PLAIN_HTTP=true SECRET_KEY=$${SECRET_KEY:-local-production-trial-key-change-me-0123456789abcdef} \
		SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} GUNICORN_BIND=$(HOST):$(PORT) \
		sh -c '$(BIN)/python manage.py collectstatic --noinput -v0 && exec $(BIN)/gunicorn -c gunicorn.conf.py'

clean:
	rm -rf $(VENV) .lock-venv staticfiles *.egg-info

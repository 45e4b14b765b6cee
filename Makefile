# Two commands: `make run` serves the app on the embedded SQLite database, `make test` runs the suite.
# Both create .venv and install the pinned dependencies first (only when the pins change).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run serve test install browser pg-roles deploy-check clean css

install: $(INSTALLED)

$(INSTALLED): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The production server (gunicorn, settings in gunicorn.conf.py: PORT, HOST, WEB_CONCURRENCY...). On the
# embedded SQLite default it first brings the database up to date; with DATABASE_URL set, migrations are a
# release step (`flask db upgrade` as the owner), never run at every start.
serve: $(INSTALLED)
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/flask db upgrade; fi
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# The suite runs in TEST_WORKERS processes (pytest-xdist; one per core by default), each on its own
# SQLite file and, under CI, its own PostgreSQL database. TEST_WORKERS=0 runs it in one process.
# (One more worker than the cores was measured too: no faster on a fresh 2-core machine.) A worker
# that runs out of tests takes pending ones from another (worksteal), so the long browser crawls do
# not leave one core idle at the end.
TEST_WORKERS ?= auto
test: $(INSTALLED) browser node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

# PostgreSQL with least privilege, once per database, as a superuser: an owner login that migrations
# run as, and the app's own login, which may read and write rows but never alter the tables or rewrite
# the audit trail. It prints the DATABASE_URL and MIGRATION_DATABASE_URL to use.
POSTGRES_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/backoffice
pg-roles: $(INSTALLED)
	$(BIN)/flask db-roles --admin-url "$(POSTGRES_ADMIN_URL)"

# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } \
	  || echo "Chromium is not installed and cannot be installed here: the browser tests will be skipped."

# axe-core, for the browser tests' accessibility checks: pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

# The public referral forms' stylesheet: GOV.UK Frontend compiled with Arial (the Design System's font is
# for GOV.UK services only). The result is committed, so `make run` needs no Node.js; run `make css`
# after changing assets/refer.scss or the pinned govuk-frontend.
css: node_modules/.installed
	npx sass --no-source-map --style=compressed --load-path=node_modules assets/refer.scss backoffice/static/refer.css

# Check the example deployment files (deploy/) with nginx -t and systemd-analyze verify; installs
# Debian's nginx first if it is missing and this is a root shell with apt.
deploy-check: $(INSTALLED)
	@command -v nginx >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
	      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null); }
	deploy/check

clean:
	rm -rf $(VENV) .pytest_cache node_modules

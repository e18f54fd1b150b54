# Zeren — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(HOME)/.local/bin/uv
endif

# Debian packages the product needs (fonts and HarfBuzz subsetting for PDFs, gettext for catalogues)
# and the ones the test suite needs on top (a real browser, PDF tools, a redis-server binary that the
# outage tests start, stop and freeze themselves).
RUN_DEBS := fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils redis-server

.PHONY: run test setup setup-test lint messages bench clean help

help:
	@echo "make run   — 安装依赖、初始化演示数据并启动 http://127.0.0.1:8000"
	@echo "make test  — 运行全部测试（设置 DATABASE_URL 时使用 PostgreSQL）"

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@command -v uv >/dev/null 2>&1 && uv sync --frozen --quiet || $(UV) sync --frozen --quiet
	@touch $@

define ensure_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "安装系统软件包:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "缺少系统软件包，请以 root 运行: apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

setup: $(VENV)/.synced
	$(call ensure_debs,$(RUN_DEBS))

setup-test: $(VENV)/.synced
	$(call ensure_debs,$(TEST_DEBS))

run: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py prepare_fonts
	@echo ""
	@echo "责任制台账已启动: http://127.0.0.1:8000   （Ctrl-C 停止）"
	@echo "演示账号（密码均为 zeren-demo）: admin  city_xcb  county_a_xcb  county_a_shuji  city_jijian"
	@echo ""
	$(PY) manage.py serve

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.synced
	$(PY) manage.py makemessages -l en --no-obsolete -i '.venv/*' -i 'var/*' -i 'bench/*' -i 'tests/*' -i 'node_modules/*'
	$(PY) manage.py compilemessages -l en -i .venv -i node_modules

clean:
	rm -rf var/zeren.sqlite3 var/celery

# Front-end libraries are committed under static/vendor/ so a fresh machine needs no npm at
# run time; `make vendor` refreshes them from the versions pinned in package-lock.json.
.PHONY: vendor
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p static/vendor/echarts
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE static/vendor/echarts/

# Dumps the configured PostgreSQL database (pg_dump -Fc), restores it into a fresh database,
# compares every table's rows, runs verify_log on the copy, drops it: PASSED or FAILED.
.PHONY: backup-drill
backup-drill: $(VENV)/.synced
	$(PY) scripts/backup_drill.py

# The README's two commands: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
LAKE := $(BIN)/lake
DBT := $(BIN)/dbt --no-use-colors
FIXTURES := tests/fixtures/platforms
TEST_LAKE := $(CURDIR)/build/test-lake
# The sandbox world's "today": pinned so the demo's figures (and the README's) are stable;
# `make demo SANDBOX_TODAY=$$(date -u +%F)` follows the calendar instead.
SANDBOX_TODAY ?= 2026-11-20
# ... and its first day, so a later SANDBOX_TODAY extends the same world's history (as the
# real platforms do) instead of shifting it
SANDBOX_ORIGIN ?= 2024-11-20
SANDBOX := $(LAKE) sandbox exec --today $(SANDBOX_TODAY) --origin $(SANDBOX_ORIGIN) --
# the shop's visits sent through the event collector (started and stopped for the purpose);
# they land under landing/events/ for the `lake run` that follows
SHOP_SESSIONS := $(LAKE) serve shop-sessions --today $(SANDBOX_TODAY) --origin $(SANDBOX_ORIGIN)

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export LAKE_ROOT ?= $(CURDIR)/datalake
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)

.PHONY: demo test setup chromium postgresql lint e2e pytest sqllint fixtures bench docs clean

## demo: start the sandbox, then `lake run` against it: extract all eight sources, ingest,
## build, test, publish the warehouse and its docs site
demo: setup
	$(SHOP_SESSIONS) --root "$(LAKE_ROOT)"
	$(SANDBOX) $(LAKE) run --root "$(LAKE_ROOT)"
	@echo
	@echo "Docs site:          $(LAKE_ROOT)/docs/index.html  (or: $(LAKE) docs --serve --no-generate)"
	@echo "Published database: $(LAKE_ROOT)/warehouse/lake.duckdb  (read-only; status: $(LAKE) status)"
	@echo "Query it:           $(BIN)/duckdb -readonly $(LAKE_ROOT)/warehouse/lake.duckdb -c \"select t.track_title, sum(s.streams) as streams from music.fct_streams_daily s join music.dim_track t using (track_id) where s.track_scope = 'track' group by 1 order by 2 desc limit 5\""

## test: lint, `lake run` on the sandbox (extract -> ... -> docs), every pytest suite (the
## docs site's browser test reads that run's site), sqlfluff
test: setup lint e2e pytest sqllint

setup: $(VENV)/.installed chromium postgresql

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,sandbox]'
	touch $@

# Debian's Chromium for the browser extractors and docs tests (Playwright cannot download
# its own browser here); a user's machine may point LAKE_BROWSER_PATH elsewhere instead.
chromium:
	@if [ -z "$${LAKE_BROWSER_PATH:-}" ] && ! command -v chromium >/dev/null; then \
		echo "installing Debian's chromium"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Debian's PostgreSQL for the shop database's tests (tests/support/postgres.py starts a
# throwaway server) and for pg_dump/psql (`lake extract shop_db --dump`, `lake db restore`);
# LAKE_PG_BIN may point at another installation's bin folder instead.
postgresql:
	@if [ -z "$${LAKE_PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing Debian's postgresql"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Segment's browser SDK for the analytics.js test (tests/events/test_analytics_js.py), from
# the npm registry, pinned; Debian's npm is installed when missing
ANALYTICS_JS := build/npm/segment-analytics-next-1.84.3.tgz
$(ANALYTICS_JS):
	@if ! command -v npm >/dev/null; then \
		echo "installing Debian's npm"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; \
	fi
	mkdir -p $(@D)
	cd $(@D) && npm pack --silent @segment/analytics-next@1.84.3 >/dev/null

# --dist loadfile: a test file's tests run on one worker, in order, so a lake a module builds
# for its tests is built once (pytest-xdist 3.8 cannot tag node ids under pytest 9, so the
# `xdist_group` marks and --dist loadgroup distributed every test on its own: modules built
# their lakes on both workers, up to four times)
pytest: setup $(ANALYTICS_JS)
	LAKE_E2E_ROOT=$(TEST_LAKE) LAKE_DOCS_SITE=$(TEST_LAKE)/docs/index.html \
		$(BIN)/pytest -n 2 --dist loadfile

sqllint: setup
	$(BIN)/sqlfluff lint analyses models macros tests/dbt

# What the demo does, on a fresh lake: the sandbox's data through every extractor, ingest,
# the whole dbt build and its tests, publish and docs (the real fixtures go through
# land -> ingest -> build in pytest, tests/dbt/)
e2e: setup
	rm -rf $(TEST_LAKE)
	$(SHOP_SESSIONS) --root "$(TEST_LAKE)"
	$(SANDBOX) $(LAKE) run --root "$(TEST_LAKE)"

## fixtures: land and ingest the bundled real exports (tests/fixtures/platforms/) into LAKE_ROOT
fixtures: setup
	$(call load_fixtures,$(LAKE_ROOT))

## bench: search at 100,000 entries; ingest throughput against DuckDB's own copy; lake build
## split into parse / models / tests / publish on the demo and on 10 million stream rows
# the benchmarks also need the `bench` extra (pandas, for the royalties bench's baseline)
bench: setup $(VENV)/.bench-installed
	$(BIN)/python bench/search_bench.py --entries 100000
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/build_bench.py --scale-rows 10000000
	$(BIN)/python bench/floor_bench.py --scale-rows 10000000
	$(BIN)/python bench/incremental_bench.py --scale-rows 10000000
	$(BIN)/python bench/royalties_bench.py --size-mb 1024
	$(BIN)/python bench/events_bench.py

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,sandbox,bench]'
	touch $@

clean:
	rm -rf build target logs

# extract every source from a sandbox living as long as the extract, then ingest
define sandbox_lake
	$(SANDBOX) $(LAKE) extract --root "$(1)"
	$(LAKE) ingest --root "$(1)"
endef

define load_fixtures
	for dir in $(FIXTURES)/*/; do \
		$(LAKE) land "$$dir" --source "$$(basename "$$dir")" --root "$(1)" --json >/dev/null; \
	done
	$(LAKE) ingest --root "$(1)"
endef

# SkillGrid: `make run` serves the API on embedded SQLite with demo data;
# `make test` runs every test on SQLite and PostgreSQL.

GO            ?= go
BIN           := bin/skillgrid
REDOCLY_VER   := 2.77.0
REDOCLY       := .tools/redocly-$(REDOCLY_VER)/node_modules/.bin/redocly
STATICCHECK_VER := v0.8.2
STATICCHECK     := .tools/staticcheck-$(STATICCHECK_VER)/staticcheck
# The typed-client check: types generated from openapi.yaml must type-check
# openapi/typecheck/walkthrough.ts under tsc --strict.
OPENAPI_TS_VER    := 7.13.0
TYPESCRIPT_VER    := 5.9.3
OPENAPI_FETCH_VER := 0.17.0
TYPECHECK         := .tools/typecheck
TYPECHECK_TOOLS   := $(TYPECHECK)/installed-$(OPENAPI_TS_VER)-$(TYPESCRIPT_VER)-$(OPENAPI_FETCH_VER)
PG_TEST_URL   ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
DEV_DB        ?= sqlite://./data/skillgrid.db

.PHONY: build run test pdftotext lint typecheck fmt bench-rush bench-pool bench-login bench-read

build:
	$(GO) build -o $(BIN) ./cmd/skillgrid

## run: the API on embedded SQLite at 127.0.0.1:8080 with the demo programme; docs at /docs
run: build
	SKILLGRID_DATABASE_URL=$${SKILLGRID_DATABASE_URL:-$(DEV_DB)} $(BIN) seed --demo
	SKILLGRID_DATABASE_URL=$${SKILLGRID_DATABASE_URL:-$(DEV_DB)} $(BIN) serve --dev

## test: every test, on SQLite and on PostgreSQL ($(PG_TEST_URL)).
## Without a reachable PostgreSQL it says so loudly and tests SQLite only,
## unless SKILLGRID_TEST_POSTGRES_REQUIRED=1 (CI), where that is a failure.
## Tests that own their database run in parallel; they mostly wait on
## SQLite's fsyncs and on PostgreSQL, so TEST_PARALLEL runs more of them at
## once than the default (one per core). Two test binaries at a time (-p 2,
## the default on two cores, held on more) with 8 tests each keep PostgreSQL
## under its default 100 connections: see testutil.PostgresConns.
TEST_PARALLEL ?= 8
test: pdftotext
	@url="$${SKILLGRID_TEST_POSTGRES_URL:-$(PG_TEST_URL)}"; \
	if [ "$$url" != off ] && ! $(GO) run ./internal/testutil/pgcheck "$$url"; then \
		if [ -n "$$SKILLGRID_TEST_POSTGRES_REQUIRED" ]; then echo "make test: PostgreSQL at $$url is required but unreachable" >&2; exit 1; fi; \
		echo "!!!!! make test: PostgreSQL at $$url is UNREACHABLE: testing SQLite ONLY !!!!!" >&2; url=off; \
	fi; \
	SKILLGRID_TEST_POSTGRES_URL="$$url" $(GO) test -count=1 -p 2 -parallel $(TEST_PARALLEL) -timeout 12m ./...

## pdftotext: poppler-utils, which the certificate PDF's test reads the PDF
## with; installed from Debian's packages when missing and run as root (CI).
pdftotext:
	@command -v pdftotext >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "make: installing poppler-utils (pdftotext) from Debian's packages"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
		else echo "make: the certificate PDF test needs pdftotext: install poppler-utils" >&2; exit 1; fi; }

## lint: gofmt, go vet, staticcheck (pinned), the OpenAPI document (Redocly CLI,
## pinned) and the typed-client check
lint: $(STATICCHECK) $(REDOCLY)
	@out=$$(gofmt -l cmd internal migrations openapi); if [ -n "$$out" ]; then echo "gofmt would rewrite:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(REDOCLY) lint openapi/openapi.yaml --config openapi/redocly.yaml --format=stylish
	@$(MAKE) --no-print-directory typecheck

$(STATICCHECK):
	GOBIN=$(abspath $(dir $(STATICCHECK))) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VER)

$(REDOCLY):
	npm install --no-audit --no-fund --silent --prefix .tools/redocly-$(REDOCLY_VER) @redocly/cli@$(REDOCLY_VER)

## typecheck: a TypeScript client generated from openapi.yaml (openapi-typescript,
## openapi-fetch) type-checks openapi/typecheck/walkthrough.ts under tsc --strict.
typecheck: $(TYPECHECK_TOOLS)
	$(TYPECHECK)/node_modules/.bin/openapi-typescript openapi/openapi.yaml --output $(TYPECHECK)/skillgrid-api.d.ts
	$(TYPECHECK)/node_modules/.bin/tsc --strict -p openapi/typecheck/tsconfig.json

$(TYPECHECK_TOOLS):
	rm -rf $(TYPECHECK)
	npm install --no-audit --no-fund --silent --save-exact --prefix $(TYPECHECK) \
		openapi-typescript@$(OPENAPI_TS_VER) typescript@$(TYPESCRIPT_VER) openapi-fetch@$(OPENAPI_FETCH_VER)
	touch $@

fmt:
	gofmt -w cmd internal migrations openapi

## bench-rush: N trainees rush one cohort of M seats over HTTP against a real
## serve process, on SQLite and on PostgreSQL; fails if the invariant breaks.
## Each rush is followed by its ceiling (the same enrolments in the same batch
## transactions, no HTTP) and the ratio; RUSH_N lists the sizes to compare.
## Override with e.g. `make bench-rush RUSH_N=2000 RUSH_SEATS=100 RUSH_C=128`;
## RUSH_SERVERS=2 spreads the rush over two serve processes on one database.
RUSH_N       ?= 1000,16000
RUSH_SEATS   ?= 50
RUSH_C       ?= 64
RUSH_SERVERS ?= 1
bench-rush: build
	$(GO) run ./cmd/bench-rush -bin $(BIN) -db sqlite -n $(RUSH_N) -seats $(RUSH_SEATS) -c $(RUSH_C) -servers $(RUSH_SERVERS)
	$(GO) run ./cmd/bench-rush -bin $(BIN) -db postgres -pg "$(PG_TEST_URL)" -n $(RUSH_N) -seats $(RUSH_SEATS) -c $(RUSH_C) -servers $(RUSH_SERVERS)

## bench-pool: 100,000 trainees and 300,000 completions bulk-loaded, then a
## real serve process searched over HTTP as an approved company (p50/p95/p99
## of filtered first pages), employer demand's ranked matches (first pages of
## four demands) and CSV exports with the server's RSS sampled, on
## SQLite and on PostgreSQL. E.g. `make bench-pool POOL_TRAINEES=20000 POOL_COMPLETIONS=60000`.
POOL_TRAINEES    ?= 100000
POOL_COMPLETIONS ?= 300000
POOL_N           ?= 200
bench-pool: build
	$(GO) run ./cmd/bench-pool -bin $(BIN) -db sqlite -trainees $(POOL_TRAINEES) -completions $(POOL_COMPLETIONS) -n $(POOL_N)
	$(GO) run ./cmd/bench-pool -bin $(BIN) -db postgres -pg "$(PG_TEST_URL)" -trainees $(POOL_TRAINEES) -completions $(POOL_COMPLETIONS) -n $(POOL_N)

## bench-login: LOGIN_N trainees sign in at once (LOGIN_C in flight) against a
## real serve process while a reader polls GET /v1/cohorts?open=true, on SQLite
## and on PostgreSQL; prints logins/s, login p50/p99 and the reader's p99.
LOGIN_N ?= 1000
LOGIN_C ?= 64
bench-login: build
	$(GO) run ./cmd/bench-login -bin $(BIN) -db sqlite -n $(LOGIN_N) -c $(LOGIN_C)
	$(GO) run ./cmd/bench-login -bin $(BIN) -db postgres -pg "$(PG_TEST_URL)" -n $(LOGIN_N) -c $(LOGIN_C)

## bench-read: the catalogue's hot reads (courses by track and level, a
## course, a cohort, the open cohorts) driven with READ_C anonymous requests
## in flight for READ_D each, against a real serve process and against a
## bare Fiber handler answering the same bytes, in the same run, on SQLite
## and on PostgreSQL; prints req/s, p99 and the ratio serve/bare.
READ_C ?= 64
READ_D ?= 5s
bench-read: build
	$(GO) run ./cmd/bench-read -bin $(BIN) -db sqlite -c $(READ_C) -d $(READ_D)
	$(GO) run ./cmd/bench-read -bin $(BIN) -db postgres -pg "$(PG_TEST_URL)" -c $(READ_C) -d $(READ_D)

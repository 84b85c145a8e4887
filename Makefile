# CTAP: the two commands are `make run` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO ?= go
ADDR ?= 127.0.0.1:8080

.PHONY: help run test build generate vet check-templ dex chromium postgres screenshots bench profile clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: ## bring up PostgreSQL and Mailpit if needed, then `ctap dev` (migrate, seed demo, serve; mail at /dev-mail)
	@scripts/check-go.sh
	@server=$$(scripts/postgres.sh); \
	if [ -z "$${DATABASE_URL:-}" ]; then \
	  psql "$$server" -Atqc "SELECT 1 FROM pg_database WHERE datname = 'ctap'" | grep -q 1 || psql "$$server" -qc 'CREATE DATABASE ctap'; \
	  export DATABASE_URL="$${server%/postgres*}/ctap?sslmode=disable"; \
	fi; \
	if [ -z "$${CTAP_SMTP_URL:-}" ]; then \
	  eval "$$(scripts/mailpit.sh)"; \
	fi; \
	$(GO) build -o bin/ctap ./cmd/ctap; \
	CTAP_ADDR=$${CTAP_ADDR:-$(ADDR)} exec bin/ctap dev

test: ## vet, check generated files, then every test against real PostgreSQL, Dex, Mailpit, Chromium and xmllint
	@scripts/check-go.sh
	@server=$$(scripts/postgres.sh); \
	chromium=$$(scripts/chromium.sh); \
	dex=$$(tools/dex/build.sh); \
	xmllint=$$(scripts/xmllint.sh); \
	mailpit=$$(tools/mailpit/build.sh); \
	$(GO) vet ./...; \
	scripts/check-templ.sh; \
	CTAP_TEST_DATABASE_URL="$$server" CTAP_CHROMIUM="$$chromium" CTAP_DEX_BIN="$$dex" CTAP_XMLLINT="$$xmllint" CTAP_MAILPIT_BIN="$$mailpit" \
	  $(GO) test -count=1 -timeout 24m -parallel 3 ./...

build: ## build bin/ctap
	$(GO) build -o bin/ctap ./cmd/ctap

generate: ## regenerate the templ views
	$(GO) tool templ generate

vet: ## go vet
	$(GO) vet ./...

check-templ: ## fail when the generated templ files are stale
	scripts/check-templ.sh

clean: ## remove build output and the private database cluster
	rm -rf bin screenshots bench/out
	@if [ -f .data/pg/postmaster.pid ]; then \
	  bin=$$(ls -d /usr/lib/postgresql/*/bin | sort -V -r | head -1); \
	  if [ "$$(id -u)" = 0 ]; then runuser -u postgres -- $$bin/pg_ctl -D .data/pg stop; else $$bin/pg_ctl -D .data/pg stop; fi; \
	fi
	@if [ -f .data/mailpit.pid ]; then kill "$$(cat .data/mailpit.pid)" 2>/dev/null || true; fi
	rm -rf .data

bench: ## load production-scale data, serve it, and measure the main pages (bench/out/results.json)
	@scripts/check-go.sh
	scripts/bench.sh

profile: ## the bench on PAGES (e.g. PAGES=search) with the server's CPU and heap profiles (bench/out/*.pprof)
	@scripts/check-go.sh
	scripts/profile.sh

screenshots: ## PNG of every reachable page, for every role, phone and desktop, into screenshots/
	@scripts/check-go.sh
	scripts/screenshots.sh

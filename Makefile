# invdb — common tasks. `make demo` and `make test` are all a newcomer needs.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN := .build/release/invdb
DEMO_DB := out/demo.sqlite

.PHONY: all build deps test demo install uninstall perf bench docs fuzz clean

all: build

## deps: install the system packages the build and tests need (Debian; run as root or with sudo)
deps:
	@bash Scripts/install-deps.sh

## build: release build of the invdb binary
build: deps
	$(SWIFT) build -c release --product invdb

## test: unit, integration and end-to-end tests (each test uses its own temporary database), and
## the export script against a throw-away moto server (two organization accounts)
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bash Tests/scripts/test-export-aws.sh

## demo: build, import the bundled sample data (real AWS CLI output from moto) and run the checks
demo: build
	@mkdir -p out && rm -f $(DEMO_DB)
	$(BIN) import --db $(DEMO_DB) Samples/aws Samples/credentials/aws Samples/credentials/scanner-reports
	@echo
	$(BIN) scan --db $(DEMO_DB) Samples/credentials/hosts
	@echo
	$(BIN) check cis-1.18 --db $(DEMO_DB) || test $$? -eq 1
	@echo
	$(BIN) query --db $(DEMO_DB) "SELECT instance_id, region, name, state, problem FROM instances_without_usable_role ORDER BY region, name"

## install: copy the binary (and invdb-export-aws) to $(PREFIX)/bin, Schema/ and Queries/ to $(PREFIX)/share/invdb
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/invdb
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/invdb
	install -m 755 Scripts/export-aws.sh $(DESTDIR)$(PREFIX)/bin/invdb-export-aws
	rm -rf $(DESTDIR)$(PREFIX)/share/invdb/Schema $(DESTDIR)$(PREFIX)/share/invdb/Queries
	cp -R Schema Queries $(DESTDIR)$(PREFIX)/share/invdb/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/invdb $(DESTDIR)$(PREFIX)/bin/invdb-export-aws $(DESTDIR)$(PREFIX)/share/invdb

## perf: speed and memory targets, measured side by side in one run (docs/performance.md): the
## 100,000-instance import against the sqlite3 shell, check time, then the fleet series (a million
## instances, 30 daily reports with churn, every command's peak memory). FLEET=0 skips the series.
FLEET ?= 1
perf: build
	@status=0; bash Scripts/perf/run.sh || status=1; \
	if [ "$(FLEET)" != 0 ]; then bash Scripts/perf/fleet.sh || status=1; fi; exit $$status

## bench: the same as perf
bench: perf

## fuzz: mutate every sample and fixture and run import and scan on each (60 s; FUZZ_SECONDS, FUZZ_SEED)
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= $(shell date +%s)
fuzz: deps
	$(SWIFT) build --product invdb
	python3 Scripts/fuzz/fuzz.py --bin .build/debug/invdb --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) --keep out/fuzz

## docs: regenerate docs/tables.md from the comments in Schema/
docs: build
	$(BIN) schema-docs > docs/tables.md

clean:
	rm -rf .build out bench-data

# The front door. `make test` and `make demo` install what a fresh machine lacks, then run.
SHELL := /bin/bash
SMARTDEAL := node bin/smartdeal.js
CONFIG ?= configs/examples.json
OUT ?= rtl-out/$(basename $(notdir $(CONFIG)))

.PHONY: deps typecheck test demo rtl lint bench train

deps:
	@scripts/ensure-deps.sh

typecheck: deps
	npx tsc --noEmit -p tsconfig.json

test: deps typecheck
	@mkdir -p build; status=0; npx vitest run --reporter=default --reporter=json --outputFile.json=build/test-results.json || status=$$?; \
	node scripts/test-summary.mjs build/test-results.json; exit $$status

demo: deps
	$(SMARTDEAL) demo

rtl: deps
	$(SMARTDEAL) rtl --config $(CONFIG) --out $(OUT)

lint: deps
	$(SMARTDEAL) lint --config $(CONFIG) --out $(OUT)

bench: deps
	npx tsx bench/run.ts $(BENCH)

train: deps
	$(SMARTDEAL) train

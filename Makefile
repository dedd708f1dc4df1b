# The front door. `make test` and `make demo` install what a fresh machine lacks, then run.
SHELL := /bin/bash
SMARTDEAL := node bin/smartdeal.js
CONFIG ?= configs/examples.json
OUT ?= rtl-out/$(basename $(notdir $(CONFIG)))

.PHONY: deps typecheck test demo rtl lint bench train pack sim fpga board

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

# Every benchmark, then build/bench/report.md and report.html (docs/bench.md); QUICK=1 for a fast look, BENCH="compare" for some.
bench: deps
	npx tsx bench/run.ts $(if $(QUICK),--quick) $(BENCH)

train: deps
	$(SMARTDEAL) train

# The shipped MNIST SD checkpoint, quantized and packed for the SD engine; the golden model checks 100 images.
CKPT ?= models/mnist-small-sd.ckpt
ENGINE ?= configs/default.json
pack: deps
	$(SMARTDEAL) quantize --ckpt $(CKPT) --out build/quant/int-model.json
	$(SMARTDEAL) pack --model build/quant/int-model.json --config $(ENGINE) --out build/pack --image 0 --verify 100

# The engine regression on the simulators: blocks, end to end against the golden and cycle models, errors, Icarus.
sim: deps
	npx vitest run generator/test/engine-

# Synthesis, place and route, bitstream and report on an iCE40 board (docs/fpga.md); CLOCK_MHZ runs an
# engine board top from the PLL. Without CONFIG: the FPGA-sized engine configs/icebreaker.json at 24 MHz.
BOARD ?= icebreaker
FPGA_CONFIG = $(if $(filter file,$(origin CONFIG)),configs/icebreaker.json,$(CONFIG))
FPGA_CLOCK_MHZ = $(if $(CLOCK_MHZ),$(CLOCK_MHZ),$(if $(filter file,$(origin CONFIG)),24))
fpga: deps
	$(SMARTDEAL) fpga --config $(FPGA_CONFIG) --board $(BOARD) --out build/fpga/$(basename $(notdir $(FPGA_CONFIG)))-$(BOARD)$(if $(FPGA_CLOCK_MHZ),-$(FPGA_CLOCK_MHZ)mhz) $(if $(TOP),--top $(TOP)) $(if $(FREQ),--freq $(FREQ)) $(if $(FPGA_CLOCK_MHZ),--clock-mhz $(FPGA_CLOCK_MHZ))

# The packed model and test images over the UART link: a real board (PORT=/dev/ttyUSB1) or, without PORT, the
# engine board top in Verilator behind a pseudo-terminal (docs/fpga.md "smartdeal board").
BOARD_CONFIG ?= configs/icebreaker.json
IMAGES ?= 10
board: deps
	$(SMARTDEAL) quantize --ckpt $(CKPT) --out build/quant/int-model.json
	$(SMARTDEAL) pack --model build/quant/int-model.json --config $(BOARD_CONFIG) --out build/pack-board
	$(SMARTDEAL) board --pack build/pack-board --config $(BOARD_CONFIG) --images $(IMAGES) $(if $(PORT),--port $(PORT),--virtual)

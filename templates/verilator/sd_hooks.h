// Force-included into Verilator's runtime (verif/build/runtime.ts): its VL_PRINTF output goes to
// the model wrapper, which buffers it for the TypeScript harness instead of writing to stdout.
#pragma once
extern "C" int sd_vl_printf(const char* format, ...);

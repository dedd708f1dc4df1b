// Precompiled once per Verilator version and flag set (verif/build/runtime.ts); every model
// and wrapper compile includes it first so verilated.h is parsed once, not once per file.
#pragma once
#include "verilated.h"
#include "verilated_fst_c.h"

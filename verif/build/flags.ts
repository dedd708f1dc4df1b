import { join } from 'node:path';
import type { Toolchain } from './toolchain.js';

/**
 * C++ flags shared by the runtime archive, the precompiled header and every model: they must
 * agree exactly or GCC silently ignores the precompiled header.
 */
export function modelCxxFlags(tc: Toolchain): string[] {
  return [
    '-std=gnu++17',
    '-O2',
    '-fPIC',
    '-faligned-new',
    '-fvisibility=hidden',
    '-Wno-unused',
    '-Wno-attributes',
    `-I${tc.includeDir}`,
    `-I${join(tc.includeDir, 'vltstd')}`,
    '-DVM_TRACE=1',
    '-DVM_TRACE_FST=1',
    '-DVM_COVERAGE=0',
    '-DVM_SC=0',
  ];
}

/** Extra flags for Verilator's own runtime: route $display and $fatal/$stop/$finish to the wrapper. */
export function runtimeOnlyFlags(hooksHeader: string): string[] {
  return ['-DVL_USER_FATAL', '-DVL_USER_STOP', '-DVL_USER_FINISH', '-DVL_PRINTF=sd_vl_printf', '-include', hooksHeader];
}

/** Verilator options every model gets. */
export const verilatorBaseArgs = ['--cc', '--assert', '-Wno-fatal', '--x-assign', 'fast', '--x-initial', 'fast'];

/**
 * Tracing is a separate variant of the model, built only when waves are asked for: compiled in,
 * it costs about 50% of the cycle time even when switched off (docs/verif.md).
 */
export const verilatorTraceArgs = ['--trace-fst', '--trace-structs'];

/**
 * The RTL stage of the flow: elaborate the engine of a configuration, write its Verilog (one file
 * per module) into a folder, and open it on the Verilator harness with a host-bus driver. The model
 * is built from the same text that was written, so what runs is what a user finds in the folder.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { elaborate } from '../../generator/dsl/index.js';
import { emitVerilog } from '../../generator/emit/index.js';
import { EngineTop } from '../../generator/engine/engine-top.js';
import { EngineHost } from '../../generator/engine/host-driver.js';
import { Simulation, fromEmitted } from '../../verif/index.js';
import type { EngineConfig } from '../engine/config.js';

export interface EngineOnVerilator {
  host: EngineHost;
  top: string;
  /** Verilog files written. */
  files: string[];
  /** The Verilator model came from the cache (no compile). */
  cacheHit: boolean;
  generateMs: number;
  buildMs: number;
  close(): void;
}

/** Generates the engine into `outDir`, builds (or reuses) its Verilator model and resets it. */
export async function openEngine(config: EngineConfig, outDir: string): Promise<EngineOnVerilator> {
  const t0 = performance.now();
  const emitted = emitVerilog(elaborate(EngineTop({ config })));
  const files = emitted.files.map((f) => {
    const path = join(outDir, f.name);
    writeFileAtomic(path, f.text);
    return path;
  });
  const t1 = performance.now();
  const sim = await Simulation.create(fromEmitted(emitted, { echo: false }));
  const buildMs = performance.now() - t1;
  const host = new EngineHost(sim, config);
  host.reset();
  return { host, top: emitted.top, files, cacheHit: sim.model.cacheHit, generateMs: t1 - t0, buildMs, close: () => sim.close() };
}

/**
 * Area of an engine configuration: the engine top in the scan wrapper (as `make fpga` builds it, so
 * the numbers compare with docs/fpga.md), yosys synth_ice40 for the iCEBreaker's UP5K (DSP and
 * SPRAM inference on), cell counts from `stat -json`. Results are cached under build/bench/sweeps/area/
 * by configuration hash and netlist key (the generated Verilog and the synthesis sources), because
 * two sweeps synthesize the same configuration (the default).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { elaborate } from '../../generator/dsl/index.js';
import { writeVerilog } from '../../generator/emit/index.js';
import { EngineTop } from '../../generator/engine/engine-top.js';
import type { ModuleSpec } from '../../generator/dsl/index.js';
import { netlistKey } from '../netlist-key.js';
import { getBoard } from '../../fpga/boards.js';
import { synthesize, yosysScript, type SynthResources } from '../../fpga/synth.js';
import { wrappedTop } from '../../fpga/tops.js';
import { configHash, type EngineConfig } from '../../sw/engine/config.js';

/** yosys's cell counts (without the per-type table) for the engine of one configuration. */
export interface EngineArea extends Omit<SynthResources, 'cells'> {
  board: string;
  /** yosys wall time of the run that produced the numbers (not of a cache hit). */
  synthSeconds: number;
  /** The netlist key (bench/netlist-key.ts) of the synthesized design. */
  netlistKey: string;
}

export const AREA_BOARD = 'icebreaker';

/** The FPGA-side sources the synthesis result depends on beyond the Verilog itself. */
const FLOW_SOURCES = ['fpga/synth.ts', 'fpga/boards.ts'];

/** Synthesizes (or reads from the cache) the engine of `config`; throws with the log's tail when yosys fails. */
export async function engineArea(config: EngineConfig, cacheDir: string): Promise<EngineArea> {
  const design = elaborate(wrappedTop(EngineTop({ config }) as ModuleSpec<unknown>).spec);
  const key = netlistKey(design, FLOW_SOURCES);
  const cacheFile = join(cacheDir, `${configHash(config).slice(0, 16)}-${key}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as EngineArea;
  const board = getBoard(AREA_BOARD);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, '.work-'));
  try {
    const files = writeVerilog(design, join(work, 'rtl'));
    const script = join(work, 'synth.ys');
    const stat = join(work, 'stat.json');
    writeFileSync(script, yosysScript(files, design.top.name, board, join(work, 'netlist.json'), stat));
    const t0 = performance.now();
    const synth = await synthesize(script, stat, join(work, 'yosys.log'));
    if (!synth.resources) throw new Error(`yosys failed (${synth.run.command}):\n${synth.run.log.trim().split('\n').slice(-15).join('\n')}`);
    const r = synth.resources;
    const area: EngineArea = {
      board: AREA_BOARD, lut4: r.lut4, ff: r.ff, carry: r.carry, ebr: r.ebr, spram: r.spram, dsp: r.dsp,
      synthSeconds: Math.round((performance.now() - t0) / 100) / 10, netlistKey: key,
    };
    writeFileAtomic(cacheFile, JSON.stringify(area, null, 2) + '\n');
    return area;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

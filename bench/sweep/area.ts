/**
 * Area of an engine configuration: the engine top in the scan wrapper (as `make fpga` builds it, so
 * the numbers compare with docs/fpga.md), yosys synth_ice40 for the iCEBreaker's UP5K (DSP and
 * SPRAM inference on), cell counts from `stat -json`. Results are cached under build/bench/sweeps/area/
 * by configuration hash and a hash of the generator sources and the FPGA files the netlist depends on,
 * because two sweeps synthesize the same configuration (the default).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { elaborate } from '../../generator/dsl/index.js';
import { writeVerilog } from '../../generator/emit/index.js';
import { EngineTop } from '../../generator/engine/engine-top.js';
import type { ModuleSpec } from '../../generator/dsl/index.js';
import { getBoard } from '../../fpga/boards.js';
import { synthesize, yosysScript, type SynthResources } from '../../fpga/synth.js';
import { wrappedTop } from '../../fpga/tops.js';
import { configHash, type EngineConfig } from '../../sw/engine/config.js';

/** yosys's cell counts (without the per-type table) for the engine of one configuration. */
export interface EngineArea extends Omit<SynthResources, 'cells'> {
  board: string;
  /** yosys wall time of the run that produced the numbers (not of a cache hit). */
  synthSeconds: number;
  /** First 12 hex digits of rtlSourceHash() when synthesized. */
  rtlSources: string;
}

export const AREA_BOARD = 'icebreaker';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The FPGA-side sources the synthesized netlist depends on (the rest of fpga/ is the board link and flow). */
const FPGA_SOURCES = ['fpga/synth.ts', 'fpga/tops.ts', 'fpga/boards.ts', 'fpga/board/scan-wrapper.ts', 'fpga/board/reset.ts'];

/** SHA-256 over the TypeScript sources that decide the netlist (generator/ and sw/engine/ without tests, FPGA_SOURCES). */
export function rtlSourceHash(): string {
  const h = createHash('sha256');
  const add = (path: string): void => {
    h.update(`${path.slice(REPO.length)}\n`).update(readFileSync(path));
  };
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'test') walk(path);
      } else if (e.name.endsWith('.ts')) {
        add(path);
      }
    }
  };
  walk(join(REPO, 'generator'));
  walk(join(REPO, 'sw', 'engine'));  // memory map, field widths, placement
  for (const f of FPGA_SOURCES) if (existsSync(join(REPO, f))) add(join(REPO, f));
  return h.digest('hex');
}

/** Synthesizes (or reads from the cache) the engine of `config`; throws with the log's tail when yosys fails. */
export async function engineArea(config: EngineConfig, cacheDir: string): Promise<EngineArea> {
  const sources = rtlSourceHash().slice(0, 12);
  const cacheFile = join(cacheDir, `${configHash(config).slice(0, 16)}-${sources}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as EngineArea;
  const board = getBoard(AREA_BOARD);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, '.work-'));
  try {
    const top = wrappedTop(EngineTop({ config }) as ModuleSpec<unknown>);
    const design = elaborate(top.spec);
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
      synthSeconds: Math.round((performance.now() - t0) / 100) / 10, rtlSources: sources,
    };
    writeFileAtomic(cacheFile, JSON.stringify(area, null, 2) + '\n');
    return area;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

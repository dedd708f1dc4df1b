/**
 * FPGA area and timing of one engine configuration for the comparison: the fpga flow (fpga/flow.ts)
 * on the engine inside the scan wrapper, as `smartdeal fpga` runs it. Reports are kept under
 * build/bench/compare/fpga/<config hash>-<netlist key>-<board>/ and reused while neither the
 * configuration nor the generated Verilog nor the flow's sources change (the key hashes them; yosys
 * and nextpnr take a minute or two per engine on this machine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { elaborate, type ModuleSpec } from '../generator/dsl/index.js';
import { EngineTop } from '../generator/engine/engine-top.js';
import { getBoard } from '../fpga/boards.js';
import { runFpgaFlow } from '../fpga/flow.js';
import type { FpgaReport } from '../fpga/report.js';
import { wrappedTop } from '../fpga/tops.js';
import type { LoadedConfig } from '../sw/engine/config.js';
import type { FpgaArea } from './report/types.js';
import { netlistKey } from './netlist-key.js';

const CACHE = 'build/bench/compare/fpga';

/**
 * The numbers the report shows, from a flow report: `place-and-route` when nextpnr routed the design
 * (Fmax known), `packed` when nextpnr packed it but it does not fit (logic cells over the device),
 * else `synthesis-only` (yosys already found it too big, so nextpnr did not run).
 */
export function areaOf(r: FpgaReport): FpgaArea {
  const used = (name: string): number => r.resources.find((x) => x.name === name)?.used ?? 0;
  return {
    board: r.board, device: r.device, source: r.timing ? 'place-and-route' : r.utilisation ? 'packed' : 'synthesis-only', status: r.status,
    lut4: used('LUT4'), ff: used('flip-flops'), ebr: used('EBR'), spram: used('SPRAM'), dsp: used('DSP'),
    ...(r.timing ? { fmaxMHz: r.timing.fmaxMHz } : {}), failures: r.failures,
  };
}

/** The flow's own sources: a change there changes the report even for the same Verilog. */
const FLOW_SOURCES = ['fpga/flow.ts', 'fpga/synth.ts', 'fpga/pnr.ts', 'fpga/boards.ts', 'fpga/report.ts'];

const wrappedEngine = (lc: LoadedConfig) => wrappedTop(EngineTop({ config: lc.config }) as ModuleSpec<unknown>);

const cacheDir = (lc: LoadedConfig, board: string): string => join(CACHE, `${lc.hash.slice(0, 16)}-${netlistKey(elaborate(wrappedEngine(lc).spec), FLOW_SOURCES)}-${board}`);

/** The report cached in `dir`, if any. */
function readCachedArea(dir: string): FpgaArea | undefined {
  const path = join(dir, 'report.json');
  return existsSync(path) ? areaOf(JSON.parse(readFileSync(path, 'utf8')) as FpgaReport) : undefined;
}

/** The cached report of this configuration on this board, if any. */
export function cachedArea(lc: LoadedConfig, board: string): FpgaArea | undefined {
  return readCachedArea(cacheDir(lc, board));
}

/** Runs the flow (or reuses its report) for the engine of `lc` on `boardName`. */
export async function engineArea(lc: LoadedConfig, boardName: string, log: (line: string) => void): Promise<FpgaArea> {
  const dir = cacheDir(lc, boardName);  // elaborates the engine once for the key
  const cached = readCachedArea(dir);
  if (cached) {
    log(`fpga ${lc.source} on ${boardName}: cached report ${join(dir, 'report.json')}`);
    return cached;
  }
  const board = getBoard(boardName);
  const top = wrappedEngine(lc);
  const t0 = Date.now();
  const report = await runFpgaFlow({
    spec: top.spec, board, outDir: dir, icetime: false, ...(top.scan ? { scan: top.scan } : {}),
    onProgress: (msg) => log(`fpga ${lc.source} on ${boardName}: ${msg} (${Math.round((Date.now() - t0) / 1000)} s)`),
  });
  log(`fpga ${lc.source} on ${boardName}: ${report.status} in ${report.seconds} s`);
  return areaOf(report);
}

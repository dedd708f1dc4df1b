/**
 * Cache keys for FPGA results: a hash of the design's generated Verilog and of the flow's own
 * sources, so a cached report is reused exactly while neither the netlist nor the tool flow changes
 * (a configuration hash alone misses RTL changes).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Design } from '../generator/dsl/index.js';
import { emitVerilog } from '../generator/emit/index.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** First 12 hex digits of SHA-256 over the Verilog of `design` and the repository files `flowSources`. */
export function netlistKey(design: Design, flowSources: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of emitVerilog(design).files) h.update(`${f.name}\n`).update(f.text);
  for (const f of flowSources) {
    const path = join(REPO, f);
    if (existsSync(path)) h.update(`${f}\n`).update(readFileSync(path));
  }
  return h.digest('hex').slice(0, 12);
}

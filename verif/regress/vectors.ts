/**
 * Cycle vectors for clocked designs, run on two simulators: the Verilator harness (synchronous
 * port access) and Icarus (through the clocked testbench template). Both apply row i's inputs,
 * read the outputs before the rising edge, then clock once, so their rows compare one to one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmittedVerilog } from '../../generator/emit/index.js';
import { renderTemplate } from '../../generator/emit/templates.js';
import { iverilogRun } from '../../generator/emit/toolcheck.js';
import { fromEmitted } from '../emitted.js';
import { Simulation } from '../sim/simulation.js';

/** Input values per cycle, by port name (unsigned encodings). */
export type Row = Record<string, bigint>;

export interface VectorRun {
  /** Output values per cycle, unsigned encodings, `undefined` where the simulator showed x/z. */
  rows: (bigint | undefined)[][];
  outputs: string[];
}

function portWidth(emitted: EmittedVerilog, name: string): number {
  const p = emitted.ports[emitted.top]!.find((x) => x.name === name);
  if (!p) throw new Error(`${emitted.top} has no port ${name}`);
  return p.width;
}

/** Runs the vectors on a Verilated model of the design. */
export async function runOnVerilator(emitted: EmittedVerilog, inputs: readonly Row[], outputs: readonly string[]): Promise<VectorRun> {
  const sim = await Simulation.create(fromEmitted(emitted, { echo: false }));
  try {
    const outPorts = outputs.map((n) => ({ port: sim.port(n), width: portWidth(emitted, n) }));
    const rows: bigint[][] = [];
    for (const row of inputs) {
      sim.drive(row);
      sim.eval(); // raw port views do not settle: combinational outputs must see this row's inputs, as Icarus does
      rows.push(outPorts.map(({ port, width }) => BigInt.asUintN(width, BigInt(port.get()))));
      sim.step();
    }
    return { rows, outputs: [...outputs] };
  } finally {
    sim.close();
  }
}

/** Runs the same vectors under Icarus (iverilog -g2005 + vvp) on the emitted files. */
export function runOnIcarus(emitted: EmittedVerilog, inputs: readonly Row[], outputs: readonly string[]): VectorRun {
  const dir = mkdtempSync(join(tmpdir(), 'regress-icarus-'));
  try {
    const files = emitted.files.map((f) => { const p = join(dir, f.name); writeFileSync(p, f.text); return p; });
    const topPorts = emitted.ports[emitted.top]!;
    const fields = topPorts.filter((p) => p.direction === 'input' && p.name !== 'clk');
    const inWidth = fields.reduce((s, p) => s + p.width, 0);
    let lo = inWidth;
    const packed = fields.map((p) => { lo -= p.width; return { name: p.name, width: p.width, hi: lo + p.width - 1, lo }; });
    const hex = inputs.map((row) => packed.reduce((acc, f) => acc | ((row[f.name] ?? 0n) << BigInt(f.lo)), 0n).toString(16));
    writeFileSync(join(dir, 'vectors.hex'), hex.join('\n') + '\n');
    writeFileSync(join(dir, 'tb.v'), renderTemplate('testbench-clocked.v.hbs', {
      name: 'tb', dut: emitted.top, clock: 'clk', vectorFile: 'vectors.hex', inWidth, count: inputs.length, inputs: packed,
      outputs: outputs.map((n) => ({ name: n, width: portWidth(emitted, n) })), ports: topPorts.map((p) => p.name),
      displayFormat: outputs.map(() => '%h').join(' '),
    }));
    const r = iverilogRun([...files, join(dir, 'tb.v')], 'tb', dir);
    if (!r.ok) throw new Error(`Icarus run of ${emitted.top} failed: ${r.command}\n${r.output}`);
    const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map((t) => (/^[0-9a-f]+$/i.test(t) ? BigInt(`0x${t}`) : undefined)));
    if (rows.length !== inputs.length) throw new Error(`Icarus printed ${rows.length} rows for ${inputs.length} vectors`);
    return { rows, outputs: [...outputs] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Compares a run with expected rows (`undefined` expected = don't care, e.g. before reset).
 * Returns how many values were compared and the first mismatches, each naming cycle and port.
 */
export function compareRuns(label: string, got: VectorRun, want: readonly (readonly (bigint | undefined)[])[]): { compared: number; mismatches: string[] } {
  let compared = 0;
  const mismatches: string[] = [];
  want.forEach((row, cycle) => row.forEach((w, j) => {
    if (w === undefined) return;
    compared++;
    const g = got.rows[cycle]?.[j];
    if (g !== w && mismatches.length < 10) mismatches.push(`${label}: cycle ${cycle} ${got.outputs[j]}: expected ${w}, got ${g ?? 'x'}`);
  }));
  return { compared, mismatches };
}

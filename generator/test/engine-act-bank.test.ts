/**
 * The activation bank pair (generator/engine/act-bank.ts) against a TypeScript model of its
 * documented rule, on random schedules: engine layers (reads of copy `sel`, writes of the other,
 * `sel` flipping between layers), host phases (writes to both copies, reads of copy `sel`), and
 * collisions (a read of the copy written in the same cycle is dropped). Also: the lint gate, and
 * yosys synth_ice40 -spram maps each copy to one SB_SPRAM256KA with no block RAM.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { ActBankPair, ActBankSingle } from '../engine/act-bank.js';

const DEPTH = 64;
const small = emitBlock(ActBankPair({ depth: DEPTH }));

/** The rule of act-bank.ts, written from its doc comment. */
class BankPairModel {
  readonly copies = [new Uint8Array(DEPTH), new Uint8Array(DEPTH)];
  private held = [0, 0];
  private selQ = 0;

  rdata(): number { return this.held[this.selQ]!; }

  step(i: { sel: number; re: number; raddr: number; we: number; wboth: number; waddr: number; wdata: number }): void {
    for (const copy of [0, 1]) {
      const writing = i.we === 1 && (i.wboth === 1 || i.sel !== copy);
      const reading = i.re === 1 && i.sel === copy;
      if (writing) this.copies[copy]![i.waddr] = i.wdata;
      else if (reading) this.held[copy] = this.copies[copy]![i.raddr]!;
    }
    if (i.re === 1) this.selQ = i.sel;
  }
}

describe('activation bank pair', () => {
  lintGateTest([small]);

  test('synth_ice40 -spram: an 8192-byte bank is two SPRAMs, no block RAM', () => {
    const big = emitBlock(ActBankPair({ depth: 8192 }));
    const script = [...big.files.map((f) => `read_verilog ${f}`), `synth_ice40 -spram -top ${big.top}`, 'stat'].join('; ');
    const y = spawnSync('yosys', ['-p', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(y.status, `${y.stdout}${y.stderr}`.slice(-2000)).toBe(0);
    const r = { cells: Object.fromEntries([...y.stdout.slice(y.stdout.lastIndexOf('Number of cells')).matchAll(/^\s+(SB_\S+)\s+(\d+)\s*$/gm)].map((x) => [x[1]!, Number(x[2])])) as Record<string, number> };
    expect(r.cells.SB_SPRAM256KA ?? 0).toBe(2);
    expect(r.cells.SB_RAM40_4K ?? 0).toBe(0);
    console.log(`compared ${big.top} cells: SB_SPRAM256KA ${r.cells.SB_SPRAM256KA}, SB_RAM40_4K 0, SB_LUT4 ${r.cells.SB_LUT4 ?? 0}`);
  }, 60_000);

  simTest('random layer and host schedules equal the model', fromEmitted(small.emitted), (sim: Simulation) => {
    const seed = 606;
    const rng = new Rng(seed);
    const model = new BankPairModel();
    sim.drive({ rst: 1, sel: 0, re: 0, raddr: 0, we: 0, wboth: 0, waddr: 0, wdata: 0 });
    sim.step();
    sim.set('rst', 0);
    let cycles = 0;
    let reads = 0;
    let sel = 0;
    const run = (i: Parameters<BankPairModel['step']>[0]): void => {
      sim.drive(i);
      sim.step();
      model.step(i);
      cycles++;
      if (i.re) reads++;
      expect(sim.get('rdata'), `cycle ${cycles}, seed ${seed}, inputs ${JSON.stringify(i)}`).toBe(model.rdata());
    };
    // Host fills both copies, then layers alternate with host phases.
    for (let a = 0; a < DEPTH; a++) run({ sel, re: 0, raddr: 0, we: 1, wboth: 1, waddr: a, wdata: rng.int(0, 255) });
    for (let phase = 0; phase < 60; phase++) {
      const host = rng.int(0, 3) === 0;
      if (!host) sel = rng.int(0, 1);
      const collide = rng.int(0, 4) === 0;
      for (let k = 0; k < rng.int(20, 120); k++) {
        const write = rng.int(0, 1);
        const read = host ? 1 - write : rng.int(0, 1);
        // wboth with a read only in collision phases (the engine top never does it).
        const wboth = host ? 1 : collide ? rng.int(0, 1) : 0;
        run({ sel, re: read, raddr: rng.int(0, DEPTH - 1), we: write, wboth, waddr: rng.int(0, DEPTH - 1), wdata: rng.int(0, 255) });
        if (rng.int(0, 3) === 0) run({ sel, re: 0, raddr: rng.int(0, DEPTH - 1), we: 0, wboth: 0, waddr: 0, wdata: 0 });
      }
    }
    // Every word of both copies, read back through the host path.
    for (const copy of [0, 1]) {
      for (let a = 0; a < DEPTH; a++) run({ sel: copy, re: 1, raddr: a, we: 0, wboth: 0, waddr: 0, wdata: 0 });
    }
    console.log(`compared ${cycles} cycles (${reads} reads) of ${small.top} with the bank pair model (seed ${seed})`);
  });
});

/** The rule of ActBankSingle: one memory, writes land, a read returns the word one edge later, rdata holds otherwise. */
class BankSingleModel {
  readonly words = new Uint8Array(DEPTH);
  private held = 0;
  rdata(): number { return this.held; }
  step(i: { re: number; raddr: number; we: number; waddr: number; wdata: number }): void {
    if (i.re === 1) this.held = this.words[i.raddr]!;
    if (i.we === 1) this.words[i.waddr] = i.wdata;
  }
}

const single = emitBlock(ActBankSingle({ depth: DEPTH }));

describe('activation bank without SPRAM (one block RAM)', () => {
  lintGateTest([single]);

  test('synth_ice40 (no SPRAM): an 8192-byte bank is 16 block RAMs', () => {
    const big = emitBlock(ActBankSingle({ depth: 8192 }));
    const script = [...big.files.map((f) => `read_verilog ${f}`), `synth_ice40 -top ${big.top}`, 'stat'].join('; ');
    const y = spawnSync('yosys', ['-p', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(y.status, `${y.stdout}${y.stderr}`.slice(-2000)).toBe(0);
    const cells = Object.fromEntries([...y.stdout.slice(y.stdout.lastIndexOf('Number of cells')).matchAll(/^\s+(SB_\S+)\s+(\d+)\s*$/gm)].map((x) => [x[1]!, Number(x[2])])) as Record<string, number>;
    expect(cells.SB_RAM40_4K ?? 0).toBe(16);
    expect(cells.SB_SPRAM256KA ?? 0).toBe(0);
    console.log(`compared ${big.top} cells: SB_RAM40_4K ${cells.SB_RAM40_4K}, SB_LUT4 ${cells.SB_LUT4 ?? 0}, flip-flops ${Object.entries(cells).filter(([k]) => k.startsWith('SB_DFF')).reduce((s, [, n]) => s + n, 0)}`);
  }, 60_000);

  simTest('random reads and writes at distinct addresses equal the model', fromEmitted(single.emitted), (sim: Simulation) => {
    const seed = 607;
    const rng = new Rng(seed);
    const model = new BankSingleModel();
    sim.drive({ rst: 1, re: 0, raddr: 0, we: 0, waddr: 0, wdata: 0 });
    sim.step();
    sim.set('rst', 0);
    let cycles = 0;
    for (let a = 0; a < DEPTH; a++) {
      const i = { re: 0, raddr: 0, we: 1, waddr: a, wdata: rng.int(0, 255) };
      sim.drive(i); sim.step(); model.step(i); cycles++;
    }
    for (let k = 0; k < 2000; k++) {
      // A layer reads its input region while writing its output region: never one address at once.
      const raddr = rng.int(0, DEPTH - 1);
      let waddr = rng.int(0, DEPTH - 1);
      if (waddr === raddr) waddr = (waddr + 1) % DEPTH;
      const i = { re: rng.int(0, 1), raddr, we: rng.int(0, 1), waddr, wdata: rng.int(0, 255) };
      sim.drive(i); sim.step(); model.step(i); cycles++;
      expect(sim.get('rdata'), `cycle ${cycles}, seed ${seed}, inputs ${JSON.stringify(i)}`).toBe(model.rdata());
    }
    console.log(`compared ${cycles} cycles of ${single.top} with the one-copy bank model (seed ${seed})`);
  });
});

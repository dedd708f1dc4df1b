/**
 * Activation address generator + bank rotation on a bench with P_c real bank memories holding a
 * random activation image. The reference is the address formula of docs/engine.md, written here
 * in TypeScript: column p of a tap reads byte A + (c*H + y)*W + x with y = oy*s + kh - pad,
 * x = (ox0 + p)*s + kw - pad, or z_in for padding and for pixels past the row end. Covers conv3
 * and conv1, stride 1 and 2, padding 0 and 1, partial pixel tiles, request stalls; also the number
 * of bank reads (exactly one per in-range column) and the latency.
 */
import { describe, expect } from 'vitest';
import { Rng } from '../../common/rng.js';
import { Bool, SInt, UInt, defineModule } from '../dsl/index.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { ACT_ADDR_LATENCY, ActAddrGen, bankBitsOf, type ActAddrParams } from '../engine/act-addr.js';

const ADDR_BITS = 12;
const DIM_BITS = 8;

const Bench = defineModule('act_bench', (m, p: ActAddrParams) => {
  const { clk, rst } = m.clockAndReset();
  const wordBits = p.addrBits - bankBitsOf(p.cols);
  const we = m.input('we', Bool);
  const wbank = m.input('wbank', UInt(Math.max(1, bankBitsOf(p.cols))));
  const wword = m.input('wword', UInt(wordBits));
  const wdata = m.input('wdata', SInt(8));
  const conn: Record<string, ReturnType<typeof m.input>> = {};
  for (const [name, width] of [['base', p.addrBits], ['h', p.dimBits], ['w', p.dimBits], ['out_w', p.dimBits], ['stride2', 1], ['pad', 1],
    ['req_valid', 1], ['plane', p.addrBits], ['oy_row', p.addrBits], ['kh', 2], ['kw', 2], ['oy', p.dimBits], ['ox0', p.dimBits]] as const) conn[name] = m.input(name, UInt(width));
  conn.z_in = m.input('z_in', SInt(8));
  const gen = m.instance('gen', ActAddrGen(p), { clk, rst, ...conn });
  for (let b = 0; b < p.cols; b++) {
    const bank = m.memory(`bank${b}`, { type: SInt(8), depth: 2 ** wordBits });
    bank.write(wword, wdata, we.and(wbank.eq(b)));
    gen.port(`bank_data${b}`).set(bank.read(gen.port(`bank_addr${b}`), { enable: gen.port(`bank_en${b}`) }));
    m.output(`bank_en${b}`, Bool).set(gen.port(`bank_en${b}`));
    m.output(`a${b}`, SInt(8)).set(gen.port(`a${b}`));
  }
  m.output('req_ready', Bool).set(gen.port('req_ready'));
  m.output('out_valid', Bool).set(gen.port('out_valid'));
});

interface Layer { base: number; C: number; H: number; W: number; k: 1 | 3; stride: 1 | 2; pad: 0 | 1; outH: number; outW: number; zIn: number }
interface Tap { c: number; kh: number; kw: number; oy: number; ox0: number }

function randomLayer(rng: Rng, k: 1 | 3, stride: 1 | 2, pad: 0 | 1): Layer {
  for (;;) {
    const H = rng.int(1, 12), W = rng.int(1, 14), C = rng.int(1, 6);
    const outH = Math.floor((H + 2 * pad - k) / stride) + 1;
    const outW = Math.floor((W + 2 * pad - k) / stride) + 1;
    if (outH < 1 || outW < 1) continue;
    const base = rng.int(0, 2 ** ADDR_BITS - C * H * W);
    return { base, C, H, W, k, stride, pad, outH, outW, zIn: rng.int(-128, 127) };
  }
}

/** A tap as the controller presents it: c*H*W and oy*s*W as sums modulo 2^ADDR_BITS. */
function request(L: Layer, t: Tap): Record<string, number> {
  const mod = 2 ** ADDR_BITS;
  return { plane: (t.c * L.H * L.W) % mod, oy_row: (t.oy * L.stride * L.W) % mod, kh: t.kh, kw: t.kw, oy: t.oy, ox0: t.ox0 };
}

/** The reference: what column p of a tap must read (byte address or z_in). */
function columnRef(L: Layer, t: Tap, p: number): { address: number | null } {
  const y = t.oy * L.stride + t.kh - L.pad;
  const x = (t.ox0 + p) * L.stride + t.kw - L.pad;
  if (t.ox0 + p >= L.outW || y < 0 || y >= L.H || x < 0 || x >= L.W) return { address: null };
  return { address: L.base + (t.c * L.H + y) * L.W + x };
}

function benchTest(cols: number, seed: number): void {
  const P: ActAddrParams = { cols, addrBits: ADDR_BITS, dimBits: DIM_BITS };
  const bench = emitBlock(Bench(P));
  simTest(`P_c = ${cols}: conv3/conv1, stride 1/2, pad 0/1, partial tiles, stalls`, fromEmitted(bench.emitted), (sim: Simulation) => {
    const rng = new Rng(seed);
    const image = Array.from({ length: 2 ** ADDR_BITS }, () => rng.int(-128, 127));
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    image.forEach((v, a) => { sim.drive({ we: 1, wbank: a % cols, wword: Math.floor(a / cols), wdata: v }); sim.step(); });
    sim.set('we', 0);

    let compared = 0, padded = 0, reads = 0, expectedReads = 0;
    const kinds: [1 | 3, 1 | 2, 0 | 1][] = [[3, 1, 1], [3, 2, 1], [3, 1, 0], [3, 2, 0], [1, 1, 0], [1, 2, 0]];
    for (let li = 0; li < 30; li++) {
      const [k, stride, pad] = kinds[li % kinds.length]!;
      const L = randomLayer(rng, k, stride, pad);
      sim.drive({ base: L.base, h: L.H, w: L.W, out_w: L.outW, stride2: stride === 2 ? 1 : 0, pad, z_in: L.zIn });
      const taps: Tap[] = [];
      for (let oy = 0; oy < L.outH; oy++) {
        for (let ox0 = 0; ox0 < L.outW; ox0 += cols) {
          for (let n = 0; n < 4; n++) taps.push({ c: rng.int(0, L.C - 1), kh: rng.int(0, k - 1), kw: rng.int(0, k - 1), oy, ox0 });
        }
      }
      const pending: { tap: Tap; values: number[]; i: number }[] = [];
      const what = (i: number, extra: string): string => `layer ${li} ${JSON.stringify(L)}, tap ${i} ${JSON.stringify(taps[i])}: ${extra}, seed ${seed}`;
      const observe = (): void => {
        for (let b = 0; b < cols; b++) reads += sim.get(`bank_en${b}`) as number;
        if (sim.get('out_valid') !== 1) return;
        const item = pending.shift();
        if (!item) throw new Error(`out_valid without a request (layer ${li}, seed ${seed})`);
        item.values.forEach((v, p) => sim.expect(`a${p}`, v, what(item.i, `column ${p}`)));
        compared += cols;
      };
      const accept = (i: number): void => {
        const t = taps[i]!;
        const values = Array.from({ length: cols }, (_, p) => {
          const { address } = columnRef(L, t, p);
          if (address === null) { padded++; return L.zIn; }
          expectedReads++;
          return image[address]!;
        });
        pending.push({ tap: t, values, i });
      };
      // The first tap alone, into an empty pipeline: out_valid exactly at the documented latency.
      const latency = ACT_ADDR_LATENCY + (stride === 2 && cols > 1 ? 1 : 0);
      sim.drive({ req_valid: 1, ...request(L, taps[0]!) });
      sim.expect('req_ready', 1, what(0, 'ready when idle'));
      accept(0);
      sim.step();
      sim.set('req_valid', 0);
      for (let n = 1; n < latency; n++) {
        sim.expect('out_valid', 0, what(0, `no output ${n} cycles after the request`));
        observe();
        sim.step();
      }
      sim.expect('out_valid', 1, what(0, `output ${latency} cycles after the request`));
      observe();
      // The rest with random gaps; a request offered while req_ready is low waits.
      let next = 1;
      let guard = 0;
      while (next < taps.length || pending.length > 0) {
        if (++guard > 20 * taps.length + 100) throw new Error(`stuck at tap ${next} (layer ${li}, seed ${seed})`);
        const offer = next < taps.length && rng.int(0, 4) !== 0;
        if (offer) {
          const t = taps[next]!;
          sim.drive({ req_valid: 1, ...request(L, t) });
          if (sim.get('req_ready') === 1) accept(next++);
        } else sim.set('req_valid', 0);
        sim.step();
        observe();
      }
      sim.set('req_valid', 0);
      for (let i = 0; i < ACT_ADDR_LATENCY + 2; i++) { sim.step(); observe(); }
    }
    expect(reads).toBe(expectedReads);
    console.log(`compared ${compared} column values (${padded} z_in) over 30 layers; ${reads} bank reads = in-range columns (P_c ${cols}, seed ${seed})`);
  });
}

describe('activation address generator', () => {
  lintGateTest([1, 2, 4].map((cols) => emitBlock(ActAddrGen({ cols, addrBits: ADDR_BITS, dimBits: DIM_BITS }))));
  benchTest(4, 5150);
  benchTest(2, 5151);
  benchTest(1, 5152);
});

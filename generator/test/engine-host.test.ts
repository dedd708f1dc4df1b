/**
 * The host bus (generator/engine/host.ts, docs/engine.md "Host bus").
 *
 * `divideByConstant` (the offset's split into memory word and part) on every input value against
 * Math.floor and %, for the part counts a wide memory word can have and a few more.
 *
 * The bus itself on Verilator against a TypeScript model of its documented contract: word address
 * = region << regionShift | offset; memory words of w bits are ceil(w/32) host words, least
 * significant first, each written to its 32-bit part at once; offsets past a memory's depth are dropped
 * (reads give 0); memory regions are not ready while busy, the CSR block always is; a read answers
 * one cycle after it was taken. The memories behind the bus are TypeScript arrays with block-RAM
 * timing (read data registered, held until the next read). Random seeded traffic: every region
 * (and region numbers past the last), in-range and out-of-range offsets, partial and whole wide
 * words, busy stretches. Every response, every ready and in the end every memory word must equal
 * the model's.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { UInt, cat, defineModule, elaborate } from '../dsl/index.js';
import { emitVerilog } from '../emit/index.js';
import { Simulation, fromEmitted } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { HOST_WORD, HostBus, divideByConstant, hostAddrBits, type HostBusParams } from '../engine/host.js';
import { hostBusParams } from '../engine/engine-top.js';
import { CSR_DECODED_WORDS } from '../engine/csr.js';
import { loadConfig } from '../../sw/engine/config.js';

describe('divideByConstant', () => {
  const BITS = 9;
  const DIVISORS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11];
  const Divide = defineModule('divide_all', (m) => {
    const x = m.input('x', UInt(BITS));
    for (const n of DIVISORS) {
      const { quotient, remainder } = divideByConstant(x, n, BITS);
      m.output(`q${n}`, UInt(BITS)).set(quotient.resize(BITS));
      m.output(`r${n}`, UInt(4)).set(cat(remainder).resize(4));
    }
    return { x };
  });

  test(`every ${BITS}-bit value by ${DIVISORS.join(', ')}: quotient and remainder`, async () => {
    const sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(Divide())), { echo: false }));
    try {
      const wrong: string[] = [];
      for (let x = 0; x < 2 ** BITS; x++) {
        sim.set('x', x);
        sim.eval();
        for (const n of DIVISORS) {
          const q = Number(sim.get(`q${n}`));
          const r = Number(sim.get(`r${n}`));
          if ((q !== Math.floor(x / n) || r !== x % n) && wrong.length < 5) wrong.push(`${x} / ${n}: got ${q} rem ${r}`);
        }
      }
      expect(wrong).toEqual([]);
      console.log(`compared ${2 ** BITS * DIVISORS.length} quotients and remainders with Math.floor and % (all ${2 ** BITS} values, ${DIVISORS.length} divisors)`);
    } finally {
      sim.close();
    }
  }, 120_000);
});

/** The contract, from docs/engine.md: regions, parts, range, busy, one-cycle reads. */
class HostModel {
  readonly mems: bigint[][];
  constructor(private readonly p: HostBusParams, readonly csr: bigint[]) {
    this.mems = p.regions.map((r) => new Array<bigint>(r.depth).fill(0n));
  }

  ready(addr: number, busy: boolean): boolean {
    return addr >> this.p.regionShift === 0 || !busy;
  }

  /** A request taken; a read returns its data. */
  access(addr: number, write: boolean, wdata: bigint): bigint | undefined {
    const region = addr >> this.p.regionShift;
    const offset = addr % 2 ** this.p.regionShift;
    if (region === 0) {
      if (write) return undefined;
      return this.csr[offset % CSR_DECODED_WORDS]!;   // the CSR block decodes the low offset bits
    }
    const r = this.p.regions[region - 1];
    if (!r) return write ? undefined : 0n;
    const parts = Math.ceil(r.width / HOST_WORD);
    const word = Math.floor(offset / parts);
    const part = offset % parts;
    if (word >= r.depth) return write ? undefined : 0n;
    const mask = (1n << BigInt(r.width)) - 1n;
    if (!write) return (this.mems[region - 1]![word]! >> BigInt(HOST_WORD * part)) & 0xffffffffn;
    // each host word writes its 32-bit part of the word at once
    const shift = BigInt(HOST_WORD * part);
    const words = this.mems[region - 1]!;
    words[word] = ((words[word]! & ~(0xffffffffn << shift)) | (wdata << shift)) & mask;
    return undefined;
  }
}

/** A memory behind the bus with block-RAM timing: written and read on the edge, data held. */
class RamModel {
  rdata = 0n;
  constructor(readonly words: bigint[]) {}
  edge(we: boolean, re: boolean, addr: number, wdata: bigint): void {
    if (re) this.rdata = this.words[addr] ?? 0n;
    if (we) this.words[addr] = wdata;
  }
  /** Part memories side by side: write enable bit k writes 32-bit part k of the word. */
  edgeParts(we: number, re: boolean, addr: number, wdata: bigint, width: number): void {
    if (re) this.rdata = this.words[addr] ?? 0n;
    for (let k = 0; 32 * k < width; k++) {
      if (((we >> k) & 1) === 0) continue;
      const shift = BigInt(32 * k);
      this.words[addr] = ((this.words[addr]! & ~(0xffffffffn << shift)) | (wdata << shift)) & ((1n << BigInt(width)) - 1n);
    }
  }
}

const CASES: { label: string; params: HostBusParams; seed: number; requests: number }[] = [
  { label: 'icebreaker.json', params: hostBusParams(loadConfig('configs/icebreaker.json').config), seed: 6101, requests: 6000 },
  {
    label: 'odd widths and depths',
    params: {
      regionShift: 9,
      regions: [
        { name: 'W1', width: 12, depth: 100 }, { name: 'W2', width: 40, depth: 64 }, { name: 'W3', width: 76, depth: 37 },
        { name: 'W5', width: 150, depth: 20 }, { name: 'W4', width: 128, depth: 128 }, { name: 'ACT', width: 8, depth: 512 },
      ],
    },
    seed: 6102,
    requests: 6000,
  },
];

for (const { label, params, seed, requests } of CASES) {
  const emitted = emitVerilog(elaborate(HostBus(params)));
  simTest(`host bus against its contract (${label})`, fromEmitted(emitted, { echo: false }), (sim) => {
    const rng = new Rng(seed);
    const aBits = hostAddrBits(params);
    const csrWords = Array.from({ length: CSR_DECODED_WORDS }, () => BigInt(rng.nextU32()));
    const model = new HostModel(params, csrWords);
    const csr = new RamModel([...csrWords]);
    const rams = params.regions.map((r) => new RamModel(new Array<bigint>(r.depth).fill(0n)));
    const names = params.regions.map((r) => r.name.toLowerCase());
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    let expected: bigint | undefined;
    let reads = 0;
    let writes = 0;
    let refused = 0;
    const wrong: string[] = [];
    // Runs of consecutive addresses (how the bridge writes wide words) mixed with random ones.
    let next = 0;
    for (let t = 0; t < requests; t++) {
      const busy = rng.int(0, 5) === 0;
      let addr: number;
      if (rng.int(0, 2) > 0) addr = next;
      else {
        const region = rng.int(0, params.regions.length + 1);
        const span = region === 0 ? CSR_DECODED_WORDS : (params.regions[region - 1] ? Math.ceil(params.regions[region - 1]!.width / HOST_WORD) * params.regions[region - 1]!.depth : 64);
        const offset = rng.int(0, 9) === 0 ? rng.int(0, 2 ** params.regionShift - 1) : rng.int(0, span + 2);
        addr = (region * 2 ** params.regionShift + Math.min(offset, 2 ** params.regionShift - 1)) % 2 ** aBits;
      }
      next = (addr + 1) % 2 ** aBits;
      const valid = rng.int(0, 4) > 0;
      const write = addr >> params.regionShift !== 0 && rng.int(0, 1) === 1;
      const wdata = BigInt(rng.nextU32());
      sim.drive({ req_valid: valid ? 1 : 0, req_write: write ? 1 : 0, req_addr: addr, req_wdata: wdata, busy: busy ? 1 : 0, csr_rdata: csr.rdata });
      params.regions.forEach((_, i) => sim.set(`${names[i]}_rdata`, rams[i]!.rdata));
      sim.eval();
      // The answer to last cycle's read.
      const respValid = sim.get('resp_valid') === 1;
      if (respValid !== (expected !== undefined) && wrong.length < 5) wrong.push(`request ${t}: resp_valid ${respValid}, expected ${expected !== undefined}`);
      if (expected !== undefined && BigInt(sim.get('resp_rdata')) !== expected && wrong.length < 5) wrong.push(`request ${t - 1}: read data 0x${BigInt(sim.get('resp_rdata')).toString(16)}, expected 0x${expected.toString(16)}`);
      const ready = model.ready(addr, busy);
      if ((sim.get('req_ready') === 1) !== ready && wrong.length < 5) wrong.push(`request ${t}: req_ready ${sim.get('req_ready')} at 0x${addr.toString(16)}, busy ${busy}`);
      expected = valid && ready ? model.access(addr, write, wdata) : undefined;
      if (valid && ready) { if (write) writes++; else reads++; } else if (valid) refused++;
      // The memories see the ports of this cycle at the edge.
      csr.edge(false, sim.get('csr_re') === 1, Number(sim.get('csr_addr')), 0n);
      params.regions.forEach((r, i) => {
        const [we, re, a, wd] = [Number(sim.get(`${names[i]}_we`)), sim.get(`${names[i]}_re`) === 1, Number(sim.get(`${names[i]}_addr`)), BigInt(sim.get(`${names[i]}_wdata`))];
        if (r.width > HOST_WORD) rams[i]!.edgeParts(we, re, a, wd, r.width);
        else rams[i]!.edge(we === 1, re, a, wd);
      });
      sim.step();
    }
    const memWrong = params.regions.flatMap((r, i) => rams[i]!.words.map((w, k) => [k, w] as const).filter(([k, w]) => w !== model.mems[i]![k]).map(([k, w]) => `${r.name}[${k}] 0x${w.toString(16)}, expected 0x${model.mems[i]![k]!.toString(16)}`));
    expect(wrong, `seed ${seed}`).toEqual([]);
    expect(memWrong.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(reads).toBeGreaterThan(requests / 5);
    expect(writes).toBeGreaterThan(requests / 5);
    console.log(`compared ${reads} read responses, ${requests} ready flags and ${params.regions.reduce((s, r) => s + r.depth, 0)} memory words with the host bus model (${label}, seed ${seed}): ${writes} writes, ${refused} refused while busy`);
  }, { timeout: 120_000 });
}

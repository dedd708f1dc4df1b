/**
 * The UART bridge RTL on Verilator against the protocol's reference model (fpga/link/reference.ts)
 * and CRC check values: random good frames of every opcode, then damaged ones (CRC, opcode,
 * length, address, engine busy, truncated frames, garbage), each followed by a good frame. Every
 * reply byte and every host-bus write must equal the reference's; the bus is a TypeScript memory
 * with the host bus's timing (ready low for memory regions while busy, read data one cycle later).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { Bool, UInt, cat, defineModule, elaborate } from '../../generator/dsl/index.js';
import { emitVerilog } from '../../generator/emit/index.js';
import { loadConfig } from '../../sw/engine/config.js';
import { Simulation, fromEmitted } from '../../verif/index.js';
import { UartRx, UartTx } from '../../generator/examples/uart.js';
import { BridgeUartRx, BridgeUartTx, UartBridge, sharedAtMost } from '../board/uart-bridge.js';
import { atMost } from '../../generator/engine/const-compare.js';
import { SimulatedUart } from '../host/board-sim.js';
import { crc16 } from '../link/crc.js';
import { MAX_BYTE_WORDS, MAX_WORDS, OPCODES, STATUS_CODES, encodeRequest, linkLayout, maxWordsOf, statusName, type LinkLayout } from '../link/protocol.js';
import { LinkReference } from '../link/reference.js';
import { emitBlock, lintBlock } from '../../generator/engine/check.js';
import { describeFailures } from '../../generator/emit/toolcheck.js';
import type { ModuleSpec } from '../../generator/dsl/index.js';
import { getBoard } from '../boards.js';
import { engineBoardTop } from '../tops.js';

const SEED = 61;
const CPB = 4;
const TIMEOUT = 240;

describe('CRC-16/CCITT-FALSE', () => {
  test('published check values', () => {
    // The catalogue's check value for "123456789", and the empty message (the initial value).
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
    expect(crc16([])).toBe(0xffff);
    // A frame followed by its CRC (most significant byte first) leaves 0: what the bridge checks.
    const msg = [0x02, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0xaa, 0xbb, 0xcc, 0xdd];
    const c = crc16(msg);
    expect(crc16([...msg, c >> 8, c & 0xff])).toBe(0);
    console.log('compared 3 CRC values with the CRC-16/CCITT-FALSE catalogue check value and the residue rule');
  });
});

describe('compare with a constant as logic (atMost, sharedAtMost)', () => {
  // Constants at the edges (0, all ones, beyond the width), powers of two and the region sizes
  // the bridge checks (192 is the 3-word B region).
  const CONSTANTS = [0, 1, 2, 3, 16, 32, 63, 64, 96, 192, 255, 256, 511, 1000, 1023, 5000];
  const BITS = 10;
  const AtMostAll = defineModule('at_most_all', (m) => {
    const x = m.input('x', UInt(BITS));
    const le = m.output('le', UInt(CONSTANTS.length));
    le.set(cat(...CONSTANTS.map((c) => atMost(x, c)).reverse()));
    // The bridge's address check: all constants on one x, common terms shared.
    const shared = sharedAtMost(x);
    m.output('le_shared', UInt(CONSTANTS.length)).set(cat(...CONSTANTS.map((c) => shared(c)).reverse()));
    return { x, le };
  });

  test('every 10-bit value against every constant, as x <= c', async () => {
    const sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(AtMostAll())), { echo: false }));
    try {
      const wrong: string[] = [];
      for (let x = 0; x < 2 ** BITS; x++) {
        sim.set('x', x);
        sim.eval();
        for (const port of ['le', 'le_shared']) {
          const got = Number(sim.get(port));
          CONSTANTS.forEach((c, i) => {
            if (((got >> i) & 1) !== (x <= c ? 1 : 0) && wrong.length < 5) wrong.push(`${port}: x ${x}, c ${c}: got ${(got >> i) & 1}`);
          });
        }
      }
      expect(wrong).toEqual([]);
      console.log(`compared ${2 * 2 ** BITS * CONSTANTS.length} atMost and sharedAtMost outputs with x <= c (all ${2 ** BITS} values of x, ${CONSTANTS.length} constants)`);
    } finally {
      sim.close();
    }
  }, 120_000);
});

describe("the bridge's UARTs against the examples' UARTs", () => {
  const UART_SEED = 62;
  // Both pairs side by side on the same inputs: every output must agree on every cycle.
  const UartPairs = defineModule('uart_pairs', (m) => {
    const { clk, rst } = m.clockAndReset();
    const rx = m.input('rx', Bool);
    const inValid = m.input('in_valid', Bool);
    const inData = m.input('in_data', UInt(8));
    const out = (name: string, w: number) => m.output(name, w === 1 ? Bool : UInt(w));
    const outs = { ref_tx: out('ref_tx', 1), ref_ready: out('ref_ready', 1), ref_valid: out('ref_valid', 1), ref_data: out('ref_data', 8),
      dut_tx: out('dut_tx', 1), dut_ready: out('dut_ready', 1), dut_valid: out('dut_valid', 1), dut_data: out('dut_data', 8) };
    const cfg = { clocksPerBit: CPB };
    const refRx = m.instance('ref_rx', UartRx(cfg), { clk, rst, rx });
    const dutRx = m.instance('dut_rx', BridgeUartRx(cfg), { clk, rst, rx });
    const refTx = m.instance('ref_tx_i', UartTx(cfg), { clk, rst, in_valid: inValid, in_data: inData });
    const dutTx = m.instance('dut_tx_i', BridgeUartTx(cfg), { clk, rst, in_valid: inValid, in_data: inData });
    outs.ref_tx.set(refTx.io.tx); outs.ref_ready.set(refTx.io.in.ready); outs.ref_valid.set(refRx.io.valid); outs.ref_data.set(refRx.io.data);
    outs.dut_tx.set(dutTx.io.tx); outs.dut_ready.set(dutTx.io.in.ready); outs.dut_valid.set(dutRx.io.valid); outs.dut_data.set(dutRx.io.data);
    return { rx, in_valid: inValid, in_data: inData, ...outs };
  });

  test('random frames, glitches, bad stop bits and random sends: same line, ready, valid and data on every cycle', async () => {
    const sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(UartPairs())), { echo: false }));
    try {
      const rng = new Rng(UART_SEED);
      // The rx line: good frames, frames with a low stop bit, short low glitches, idle stretches.
      const line: number[] = [];
      const bits = (v: number[]): void => { for (const b of v) for (let i = 0; i < CPB; i++) line.push(b); };
      for (let f = 0; f < 300; f++) {
        const kind = rng.int(0, 9);
        const byte = rng.int(0, 255);
        const data = Array.from({ length: 8 }, (_, i) => (byte >> i) & 1);
        if (kind === 0) for (let i = 0, n = rng.int(1, CPB / 2); i < n; i++) line.push(0);   // a glitch shorter than half a bit
        else bits([0, ...data, kind === 1 ? 0 : 1]);
        for (let i = 0, n = rng.int(0, 3) === 0 ? 0 : rng.int(1, 3 * CPB); i < n; i++) line.push(1);
      }
      sim.set('rst', 1);
      sim.step();
      sim.set('rst', 0);
      const names = ['tx', 'ready', 'valid'] as const;
      const wrong: string[] = [];
      let bytesIn = 0;
      let sends = 0;
      for (let t = 0; t < line.length; t++) {
        sim.set('rx', line[t]!);
        const send = rng.int(0, 7) === 0 ? 1 : 0;
        sim.set('in_valid', send);
        sim.set('in_data', rng.int(0, 255));
        sim.eval();
        for (const n of names) if (sim.get(`ref_${n}`) !== sim.get(`dut_${n}`) && wrong.length < 5) wrong.push(`cycle ${t}: ${n} ${sim.get(`ref_${n}`)} (examples) vs ${sim.get(`dut_${n}`)} (bridge)`);
        if (sim.get('ref_valid') === 1) {
          bytesIn++;
          if (sim.get('ref_data') !== sim.get('dut_data') && wrong.length < 5) wrong.push(`cycle ${t}: data ${sim.get('ref_data')} vs ${sim.get('dut_data')}`);
        }
        if (send && sim.get('ref_ready') === 1) sends++;
        sim.step();
      }
      expect(wrong, `seed ${UART_SEED}`).toEqual([]);
      expect(bytesIn).toBeGreaterThan(100);
      expect(sends).toBeGreaterThan(50);
      console.log(`compared tx line, ready, valid and data of the bridge's UARTs with the examples' on ${line.length} cycles (seed ${UART_SEED}): ${bytesIn} bytes received, ${sends} sent`);
    } finally {
      sim.close();
    }
  }, 120_000);
});

/** Host-bus memory with the engine's timing rules, stepped with the simulation. */
class BusModel {
  readonly mem = new Map<number, number>();
  busy = false;
  private pendingRead: number | undefined;
  constructor(private readonly sim: Simulation, private readonly layout: LinkLayout) {}

  beforeEdge(): void {
    const s = this.sim;
    const addr = Number(s.port('req_addr').get());
    const ready = (addr >> this.layout.regionShift) === 0 || !this.busy;
    s.port('req_ready').set(ready ? 1 : 0);
    s.port('busy').set(this.busy ? 1 : 0);
    if (this.pendingRead !== undefined) {
      s.port('resp_valid').set(1);
      s.port('resp_rdata').set(this.mem.get(this.pendingRead) ?? 0);
      this.pendingRead = undefined;
    } else {
      s.port('resp_valid').set(0);
    }
    if (ready && s.port('req_valid').get() === 1) {
      if (s.port('req_write').get() === 1) this.mem.set(addr, Number(s.port('req_wdata').get()) >>> 0);
      else this.pendingRead = addr;
    }
  }
}

describe('uart bridge against the protocol reference', () => {
  const layout = linkLayout(loadConfig('configs/default.json').config);
  let sim: Simulation;
  let uart: SimulatedUart;
  let bus: BusModel;

  beforeAll(async () => {
    const emitted = emitVerilog(elaborate(UartBridge({ clocksPerBit: CPB, timeoutCycles: TIMEOUT, layout })));
    sim = await Simulation.create(fromEmitted(emitted, { echo: false }));
    uart = new SimulatedUart(sim, CPB, { rx: 'rx', tx: 'tx' });
    bus = new BusModel(sim, layout);
    sim.set('rst', 1);
    uart.run(2, () => bus.beforeEdge());
    sim.set('rst', 0);
  }, 120_000);
  afterAll(() => sim?.close());

  /** Sends bytes, then runs until the line has been quiet well past the timeout; returns what came back. */
  function exchange(bytes: ArrayLike<number>): number[] {
    uart.send(bytes);
    const step = (): void => bus.beforeEdge();
    while (uart.driver.pending > 0) uart.run(16, step);
    let quiet = 0;
    while (quiet < TIMEOUT + 12 * 10 * CPB) {
      uart.run(16, step);
      quiet = uart.sampler.receiving ? 0 : quiet + 16;
    }
    return uart.take();
  }

  const randomAddress = (rng: Rng, words: number): number => {
    const candidates = layout.regionWords.map((w, r) => ({ w, r })).filter((x) => x.w >= words);
    const { w, r } = candidates[rng.int(0, candidates.length - 1)]!;
    return r * 2 ** layout.regionShift + rng.int(0, w - words);
  };
  const randomGood = (rng: Rng): Uint8Array => {
    const kind = rng.int(0, 11);
    const words = rng.int(1, MAX_WORDS);
    if (kind >= 10) {
      const bytes = rng.int(1, MAX_BYTE_WORDS);
      return encodeRequest({ op: OPCODES.WRITE8, address: randomAddress(rng, bytes), words: bytes, payload: Array.from({ length: bytes }, () => rng.int(0, 255)) });
    }
    if (kind < 4) return encodeRequest({ op: OPCODES.WRITE, address: randomAddress(rng, words), words, payload: Array.from({ length: words }, () => rng.nextU32()) });
    if (kind < 7) return encodeRequest({ op: OPCODES.READ, address: randomAddress(rng, words), words });
    if (kind === 7) return encodeRequest({ op: OPCODES.STATUS, address: 0, words: 0 });
    if (kind === 8) return encodeRequest({ op: OPCODES.PING, address: rng.nextU32(), words: rng.int(0, 3) });
    return encodeRequest({ op: OPCODES.START, address: 0, words: 0 });
  };
  const noise = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => { let b; do b = rng.int(0, 255); while (b === 0xa5); return b; });

  type Damage = (rng: Rng) => { what: string; bytes: number[] };
  const damages: Damage[] = [
    (rng) => {
      // Flip a bit of the address, payload or CRC (not of the opcode or length: those change the framing).
      const f = [...randomGood(rng)];
      const at = rng.int(0, 1) ? rng.int(2, 5) : rng.int(8, f.length - 1);
      f[at]! ^= 1 << rng.int(0, 7);
      return { what: 'bad CRC', bytes: f };
    },
    (rng) => {
      const f = [...encodeRequest({ op: OPCODES.READ, address: randomAddress(rng, 1), words: 1 })];
      f[1] = [0x00, 0x07, 0x7f, 0xff][rng.int(0, 3)]!;
      return { what: 'bad opcode', bytes: [...f, ...noise(rng, rng.int(0, 20))] };
    },
    (rng) => {
      const op = [OPCODES.WRITE, OPCODES.READ, OPCODES.WRITE8][rng.int(0, 2)]!;
      const words = rng.int(0, 1) ? 0 : rng.int(maxWordsOf(op) + 1, 3000);
      const f = [...encodeRequest({ op, address: randomAddress(rng, 1), words: 0 })];
      f[6] = words & 0xff;
      f[7] = words >> 8;
      return { what: 'bad length', bytes: [...f, ...noise(rng, rng.int(0, 40))] };
    },
    (rng) => {
      const op = [OPCODES.WRITE, OPCODES.READ, OPCODES.WRITE8][rng.int(0, 2)]!;
      const words = rng.int(1, maxWordsOf(op));
      const region = rng.int(0, layout.regionWords.length + 2);
      const limit = layout.regionWords[region] ?? 0;
      const offset = limit === 0 ? rng.int(0, 100) : rng.int(Math.max(0, limit - words + 1), 2 ** layout.regionShift - 1);
      const high = rng.int(0, 5) === 0 ? 2 ** layout.addrBits * rng.int(1, 100) : 0;
      const address = high + region * 2 ** layout.regionShift + offset;
      return { what: 'bad address', bytes: [...encodeRequest({ op, address, words, payload: Array.from({ length: words }, () => rng.nextU32() >>> (op === OPCODES.WRITE8 ? 24 : 0)) })] };
    },
    (rng) => {
      const f = [...randomGood(rng)];
      return { what: 'truncated', bytes: f.slice(0, rng.int(1, f.length - 1)) };
    },
    (rng) => ({ what: 'noise', bytes: noise(rng, rng.int(1, 30)) }),
    (rng) => ({ what: 'sync and noise', bytes: [0xa5, ...noise(rng, rng.int(0, 6))] }),
  ];

  test('random good frames, then damaged frames each followed by a good one', () => {
    const rng = new Rng(SEED);
    const refMem = new Map<number, number>();
    const ref = new LinkReference(layout, {
      read: (a) => refMem.get(a) ?? 0, write: (a, v) => refMem.set(a, v >>> 0), busy: () => bus.busy,
    });
    const mismatches: string[] = [];
    const counts: Record<string, number> = {};
    let replies = 0;
    const statuses = new Set<string>();
    const check = (what: string, bytes: number[]): void => {
      const wantReplies = [...ref.feed(bytes), ref.quiet()].filter((r): r is Uint8Array => r !== undefined);
      for (const r of wantReplies) statuses.add(statusName(r[1]!));
      const want = wantReplies.flatMap((r) => [...r]);
      const got = exchange(bytes);
      replies += want.length;
      counts[what] = (counts[what] ?? 0) + 1;
      if (want.join(',') !== got.join(',') && mismatches.length < 5) mismatches.push(`${what}: sent ${bytes.length} bytes [${bytes.slice(0, 12).join(',')}...], expected [${want.slice(0, 16).join(',')}] (${want.length}), got [${got.slice(0, 16).join(',')}] (${got.length})`);
    };
    for (let i = 0; i < 48; i++) {
      bus.busy = rng.int(0, 4) === 0;
      check('good', [...randomGood(rng)]);
    }
    for (let i = 0; i < 70; i++) {
      bus.busy = rng.int(0, 4) === 0;
      const d = damages[i % damages.length]!(rng);
      check(d.what, d.bytes);
      check('good after damage', [...randomGood(rng)]);
    }
    const memMismatch = [...new Set([...refMem.keys(), ...bus.mem.keys()])].filter((a) => (refMem.get(a) ?? 0) !== (bus.mem.get(a) ?? 0));
    expect(mismatches, `seed ${SEED}`).toEqual([]);
    // Every status of the protocol was exercised (the reference produced each at least once).
    expect([...statuses].sort(), `seed ${SEED}`).toEqual(Object.keys(STATUS_CODES).sort());
    expect(memMismatch.slice(0, 5), `seed ${SEED}: bus words differing from the reference`).toEqual([]);
    console.log(`compared ${replies} reply bytes and ${refMem.size} written bus words with the protocol reference (seed ${SEED}, ${sim.cycle} cycles): ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  });
});

describe('lint gate', () => {
  test('the bridge at board clocking and the engine board top pass verilator -Wall, yosys (no latches) and iverilog', () => {
    const config = loadConfig('configs/icebreaker.json').config;
    const tops = [
      UartBridge({ clocksPerBit: 104, timeoutCycles: 120_000, layout: linkLayout(config) }),
      engineBoardTop(getBoard('icebreaker'), config).spec,
    ];
    for (const spec of tops) {
      const block = emitBlock(spec as ModuleSpec);
      const r = lintBlock(block);
      expect(r.ok, `${block.top}: ${describeFailures(r.results)}`).toBe(true);
    }
    console.log(`compared 3 tools on ${tops.length} tops: 0 warnings, 0 latches`);
  }, 300_000);
});

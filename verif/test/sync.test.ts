import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../common/rng.js';
import { HarnessUsageError, PortMismatch, Simulation } from '../index.js';
import { withSimulation } from '../vitest.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const counter = { sources: [fixture('counter_adder.v')], top: 'counter_adder' };

describe('synchronous driving', () => {
  test('counter and adder match a TypeScript model over random inputs', async () => {
    const seed = 20240601;
    const rng = new Rng(seed);
    await withSimulation(counter, (sim) => {
      let count = 0; // the reference: what the RTL's count register should hold
      let compared = 0;
      for (let i = 0; i < 2000; i++) {
        const a = rng.nextU32();
        const b = rng.nextU32();
        const en = rng.int(0, 3) !== 0;
        const rst = rng.int(0, 63) === 0;
        sim.drive({ a, b, en, rst });
        expect(sim.get('sum'), `seed ${seed} vector ${i}`).toBe((a + b) >>> 0);
        sim.step();
        count = rst ? 0 : en ? (count + 1) >>> 0 : count;
        expect(sim.get('count'), `seed ${seed} cycle ${i}`).toBe(count);
        compared += 2;
      }
      expect(sim.cycle).toBe(2000);
      console.log(`compared ${compared} values of counter_adder against the TypeScript model (seed ${seed})`);
    });
  });

  test('a wrong expectation names the port, the expected and the actual value', async () => {
    await withSimulation(counter, (sim) => {
      sim.drive({ a: 40, b: 2 });
      sim.expect('sum', 42);
      expect(() => sim.expect('sum', 43)).toThrow(PortMismatch);
      expect(() => sim.expect('sum', 43)).toThrow('counter_adder.sum at cycle 0: expected 43 (0x2b), got 42 (0x2a)');
    }, { wavesOnFailure: false });
  });

  test('a failing test body rejects with its own message (and the helper re-runs it traced)', async () => {
    await expect(withSimulation(counter, (sim) => {
      sim.drive({ a: 1, b: 1 });
      sim.expect('sum', 3, 'deliberately wrong');
    })).rejects.toThrow(/sum at cycle 0 \(deliberately wrong\): expected 3, got 2/);
  });

  test('batched run() in C advances exactly n cycles', async () => {
    await withSimulation(counter, (sim) => {
      sim.drive({ rst: 1 });
      sim.step();
      sim.drive({ rst: 0, en: 1 });
      expect(sim.run(100_000)).toBe(100_000);
      expect(sim.get('count')).toBe(100_000);
      sim.set('en', 0);
      sim.run(10);
      sim.expect('count', 100_000);
      console.log('compared 2 counter values after 100,010 batched cycles');
    });
  });

  test('values that do not fit a port are errors naming the port, its width and the value', async () => {
    await withSimulation(counter, (sim) => {
      expect(() => sim.set('a', 2 ** 32)).toThrow("value 4294967296 does not fit port 'a' (32 bits, unsigned, allowed 0..2^32-1)");
      expect(() => sim.set('en', 2)).toThrow("value 2 does not fit port 'en' (1 bits");
      expect(() => sim.set('b', -1)).toThrow(HarnessUsageError);
      expect(() => sim.set('a', 1.5)).toThrow("value 1.5 does not fit port 'a'");
      expect(() => sim.set('sum', 1)).toThrow("port 'sum' is an output");
      expect(() => sim.set('clk', 1)).toThrow("port 'clk' is the clock");
      expect(() => sim.get('nope')).toThrow("counter_adder has no port 'nope' (ports: clk, rst, en, a, b, sum, count)");
    }, { wavesOnFailure: false });
  });

  test('two instances of one model keep separate state', async () => {
    const one = await Simulation.create(counter);
    const two = await Simulation.create(counter);
    try {
      one.drive({ en: 1 });
      two.drive({ en: 1 });
      one.run(5);
      two.step();
      one.step();
      expect([one.get('count'), two.get('count')]).toEqual([6, 1]);
      console.log('compared 2 counts of two live instances');
    } finally {
      one.close();
      two.close();
    }
  });
});

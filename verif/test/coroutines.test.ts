import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../common/rng.js';
import { HarnessUsageError, SimulationTimeout } from '../index.js';
import { withSimulation } from '../vitest.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const counter = { sources: [fixture('counter_adder.v')], top: 'counter_adder' };

describe('coroutines', () => {
  test('driver, monitor and scoreboard agree with a TypeScript model', async () => {
    const seed = 7;
    const rng = new Rng(seed);
    await withSimulation(counter, async (sim) => {
      const expected: number[] = [];
      let checked = 0;
      sim.set('rst', 1);
      await sim.tick();
      sim.set('rst', 0);
      // Driver: new operands and a random enable after every rising edge.
      sim.fork(async () => {
        for (;;) {
          const a = rng.nextU32();
          const b = rng.nextU32();
          sim.drive({ a, b, en: rng.int(0, 1) });
          expected.push((a + b) >>> 0);
          await sim.tick();
        }
      });
      // Monitor + scoreboard: the settled sum of the operands driven in this cycle.
      const monitor = sim.fork(async () => {
        for (let i = 0; i < 300; i++) {
          await sim.readOnly();
          sim.expect('sum', expected.shift()!, `seed ${seed} item ${i}`);
          checked++;
          await sim.tick();
        }
      });
      // Count the enabled cycles independently from the outside.
      let enabled = 0;
      sim.fork(async () => {
        for (;;) {
          const en = sim.get('en');
          await sim.rising('clk');
          if (en === 1) enabled++;
        }
      });
      await monitor;
      await sim.readOnly();
      expect(sim.get('count')).toBe(enabled);
      expect(checked).toBe(300);
      console.log(`compared ${checked} sums and 1 count against the TypeScript model (seed ${seed}, ${sim.cycle} cycles)`);
    });
  });

  test('cycles(), falling() and changed() fire at the right cycles', async () => {
    await withSimulation(counter, async (sim) => {
      sim.set('en', 1);
      await sim.cycles(1000); // runs batched in C
      expect(sim.cycle).toBe(1000);
      expect(sim.get('count')).toBe(1000);
      await sim.falling('clk');
      expect(sim.cycle).toBe(1000);
      sim.set('en', 0);
      const winner = await sim.first(sim.changed('count'), sim.cycles(5));
      expect(winner).toBe(1); // count is frozen, so the 5-cycle timer wins
      expect(sim.cycle).toBe(1005);
      sim.set('en', 1);
      await sim.changed('count');
      expect(sim.get('count')).toBe(1001);
      console.log('compared 6 trigger timings');
    });
  });

  test('waitFor() fails with the cycle count when the condition never holds', async () => {
    await withSimulation(counter, async (sim) => {
      sim.set('en', 1);
      const wait = sim.waitFor(() => sim.get('count') === 1_000_000, { timeoutCycles: 50, what: 'count == 1e6' });
      await expect(wait).rejects.toThrow(SimulationTimeout);
      await expect(wait).rejects.toThrow('timed out after 50 cycles waiting for count == 1e6 (now at cycle 50)');
    }, { wavesOnFailure: false });
  });

  test('waitFor() resolves at the first rising edge where the condition holds', async () => {
    await withSimulation(counter, async (sim) => {
      sim.set('en', 1);
      await sim.waitFor(() => sim.get('count') === 37, { timeoutCycles: 100 });
      expect(sim.cycle).toBe(37);
      console.log('compared 1 cycle count');
    });
  });

  test('writing in the read-only phase is an error; an exception in a forked task fails the test', async () => {
    await withSimulation(counter, async (sim) => {
      await sim.readOnly();
      expect(() => sim.set('a', 1)).toThrow("write to 'a' in the read-only phase at cycle 0");
      await sim.tick();
      sim.set('a', 1);
      sim.fork(async () => {
        await sim.cycles(3);
        throw new Error('scoreboard mismatch in a forked task');
      });
      await expect(sim.cycles(10)).rejects.toThrow('scoreboard mismatch in a forked task');
      expect(sim.cycle).toBe(4);
    }, { wavesOnFailure: false });
  });

  test('awaiting two raw triggers at once is reported, and the synchronous API refuses to race the scheduler', async () => {
    await withSimulation(counter, async (sim) => {
      const both = Promise.all([sim.tick(), sim.tick()]);
      expect(() => sim.step()).toThrow('step()/run() while coroutines wait on triggers');
      await expect(both).rejects.toThrow('a coroutine awaited two triggers at once');
      await expect(sim.tick()).rejects.toThrow(HarnessUsageError);
    }, { wavesOnFailure: false });
  });
});

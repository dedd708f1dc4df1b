// The example of docs/verif.md, kept runnable.
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../common/rng.js';
import { simTest } from '../vitest.js';

const design = { sources: [fileURLToPath(new URL('./fixtures/counter_adder.v', import.meta.url))], top: 'counter_adder' };

simTest('the adder adds and the counter counts', design, async (sim) => {
  const rng = new Rng(42);                     // fixed seed: a failure re-runs identically
  sim.set('rst', 1);
  await sim.tick();                            // one rising edge of `clk` (found automatically)
  sim.set('rst', 0);

  sim.fork(async () => {                       // a driver: new operands after every edge
    for (;;) {
      sim.drive({ a: rng.nextU32(), b: rng.nextU32(), en: 1 });
      await sim.tick();
    }
  });
  for (let i = 0; i < 100; i++) {              // the test body is a coroutine too
    await sim.readOnly();                      // values settled; writing now is an error
    const expected = ((sim.get('a') as number) + (sim.get('b') as number)) >>> 0;
    sim.expect('sum', expected, `item ${i}`);  // throws "counter_adder.sum at cycle 3 (item 2): expected 7, got 8"
    await sim.tick();
  }
  expect(sim.get('count')).toBe(100);
  console.log('compared 100 sums');
});

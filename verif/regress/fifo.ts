/**
 * FIFO regression with coroutines: a driver offers random words, a sink gives random ready, and
 * a monitor compares every cycle with a TypeScript model of the FIFO (flags, level, the head
 * word) while a scoreboard checks that words leave in the order they entered. Traffic comes in
 * phases (fast in / slow out, the reverse, balanced) so the FIFO fills up and drains.
 */
import { Rng } from '../../common/rng.js';
import type { FifoParams } from '../../generator/examples/index.js';
import type { Simulation } from '../sim/simulation.js';
import type { RegressionResult } from './result.js';

const PHASES: [number, number][] = [[0.9, 0.3], [0.3, 0.9], [0.7, 0.7], [1, 1]];

export async function regressFifo(sim: Simulation, p: FifoParams, opts: { seed: number; cycles: number }): Promise<RegressionResult> {
  const rng = new Rng(opts.seed);
  const mask = (1n << BigInt(p.width)) - 1n;
  const mismatches: string[] = [];
  const fail = (what: string): void => { if (mismatches.length < 10) mismatches.push(`cycle ${sim.cycle}: ${what}`); };

  sim.drive({ rst: 1, in_valid: 0, in_data: 0, out_ready: 0 });
  await sim.tick();
  sim.set('rst', 0);

  let phase = PHASES[0]!;
  sim.fork(async () => {
    for (let i = 0; ; i++) {
      if (i % 400 === 0) phase = PHASES[rng.int(0, PHASES.length - 1)]!;
      sim.drive({ in_valid: rng.next() < phase[0], in_data: rng.bits(p.width) & mask, out_ready: rng.next() < phase[1] });
      await sim.tick();
    }
  });

  // The model: words in the RAM, whether the output register holds one, and the queue of words.
  let inRam = 0;
  let outFull = false;
  const queue: bigint[] = [];
  let compared = 0;
  let delivered = 0;
  for (let c = 0; c < opts.cycles; c++) {
    await sim.readOnly();
    const check = (port: string, want: bigint): void => {
      compared++;
      const got = BigInt(sim.get(port));
      if (got !== want) fail(`${port}: expected ${want}, got ${got}`);
    };
    check('in_ready', inRam < p.depth ? 1n : 0n);
    check('out_valid', outFull ? 1n : 0n);
    check('level', BigInt(inRam + (outFull ? 1 : 0)));
    if (outFull) check('out_data', queue[0]!);

    const inValid = sim.get('in_valid') === 1;
    const outReady = sim.get('out_ready') === 1;
    // Scoreboard: a word leaves only when the design says so; it must be the oldest one.
    if (sim.get('out_valid') === 1 && outReady) {
      delivered++;
      queue.shift();
    }
    const push: boolean = inValid && inRam < p.depth;
    if (push) queue.push(BigInt(sim.get('in_data')));
    const pop: boolean = inRam > 0 && (!outFull || outReady);
    inRam += (push ? 1 : 0) - (pop ? 1 : 0);
    outFull = pop ? true : outReady ? false : outFull;
    await sim.tick();
  }
  return { cycles: sim.cycle, compared, what: `flag/level/data values (${delivered} words through)`, mismatches, seed: opts.seed };
}

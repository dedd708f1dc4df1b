import { test } from 'vitest';
import { Simulation, type SimulationOptions } from './sim/simulation.js';
import { SimulationFinished } from './sim/errors.js';

export interface SimTestOptions {
  /** Re-run a failing test with waves on and print the FST path (default true). */
  wavesOnFailure?: boolean;
  timeout?: number;
}

/**
 * Runs `body` on a fresh simulation of the design and closes it afterwards. A `$finish` from the
 * design ends the test cleanly. When the body fails, it is run once more on a traced model so
 * the waveform of the failure is on disk (tests use fixed seeds, so the re-run is the same run).
 */
export async function withSimulation(options: SimulationOptions, body: (sim: Simulation) => Promise<void> | void, testOptions: SimTestOptions = {}): Promise<void> {
  const error = await runOnce(options, body);
  if (error === undefined) return;
  const alreadyTraced = options.waves !== undefined && options.waves !== false || process.env.SD_WAVES === '1';
  if ((testOptions.wavesOnFailure ?? true) && !alreadyTraced) {
    process.stderr.write(`[${options.name ?? options.top}] test failed; re-running it on a traced model to write waves\n`);
    const again = await runOnce({ ...options, waves: true, echo: false }, body);
    if (again === undefined) process.stderr.write(`[${options.name ?? options.top}] note: the traced re-run passed; the failure did not repeat\n`);
  }
  throw error;
}

async function runOnce(options: SimulationOptions, body: (sim: Simulation) => Promise<void> | void): Promise<unknown> {
  const sim = await Simulation.create(options);
  try {
    await body(sim);
    return undefined;
  } catch (e) {
    return e instanceof SimulationFinished ? undefined : e;
  } finally {
    sim.close();
  }
}

/** `simTest('counts', design, async (sim) => { ... })`: a vitest test on a fresh simulation. */
export function simTest(name: string, options: SimulationOptions, body: (sim: Simulation) => Promise<void> | void, testOptions: SimTestOptions = {}): void {
  test(name, () => withSimulation(options, body, testOptions), testOptions.timeout);
}

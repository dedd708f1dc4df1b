/**
 * The engine top for a configuration, built on the Verilator harness (cached by content hash),
 * with a host-bus driver already reset: what every engine test and bench starts from.
 */
import { elaborate } from '../dsl/index.js';
import { emitVerilog } from '../emit/index.js';
import { Simulation, fromEmitted, type SimulationOptions } from '../../verif/index.js';
import type { EngineConfig } from '../../sw/engine/config.js';
import { EngineTop } from './engine-top.js';
import { EngineHost } from './host-driver.js';

/** `sprams`: the target's SPRAMs (engine-top.ts; default the iCE40UP5K's 4, 0 builds the iCE40HX memories). */
export async function simulateEngine(config: EngineConfig, extra: Partial<SimulationOptions> = {}, sprams?: number): Promise<{ sim: Simulation; host: EngineHost }> {
  const sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(EngineTop({ config, ...(sprams !== undefined ? { sprams } : {}) }))), extra));
  const host = new EngineHost(sim, config);
  host.reset();
  return { sim, host };
}

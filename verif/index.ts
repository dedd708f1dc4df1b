// The harness's public surface: build a Verilated model, drive it from TypeScript.
export { buildModel, type BuildRequest, type BuiltModel, type VerilogSource } from './build/model.js';
export type { ModelPort } from './build/ports.js';
export { Simulation, type SimulationOptions, type PortSpec, type SimulationState } from './sim/simulation.js';
export { Port, showValue, type PortValue } from './sim/port.js';
export type { Task } from './sim/scheduler.js';
export { SimulationError, SimulationFinished, SimulationTimeout, PortMismatch, HarnessUsageError } from './sim/errors.js';
export { fromEmitted, type EmittedDesign } from './emitted.js';
